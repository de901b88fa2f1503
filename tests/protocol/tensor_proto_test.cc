// TensorProto to and from Tensor: both input encodings, TensorFlow's repeat-the-last-value rule,
// typed and tensor_content outputs, and the errors.

#include "protocol/tensor_proto.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

tensorflow::TensorProto FloatProto(std::initializer_list<int64_t> dims) {
  tensorflow::TensorProto proto;
  proto.set_dtype(tensorflow::DT_FLOAT);
  for (int64_t dim : dims) proto.mutable_tensor_shape()->add_dim()->set_size(dim);
  return proto;
}

std::vector<float> Floats(const Tensor& tensor) {
  return {tensor.data<float>(), tensor.data<float>() + tensor.num_elements()};
}

TEST(TensorProtoTest, TypedValuesBecomeATensor) {
  tensorflow::TensorProto proto = FloatProto({2, 2});
  for (float value : {1.0f, 2.0f, 3.0f, 4.0f}) proto.add_float_val(value);
  absl::StatusOr<Tensor> tensor = TensorFromProto("x", proto);
  ASSERT_TRUE(tensor.ok()) << tensor.status();
  EXPECT_EQ(tensor->dtype(), DataType::kFp32);
  EXPECT_EQ(tensor->shape(), (Shape{2, 2}));
  EXPECT_THAT(Floats(*tensor), ElementsAre(1, 2, 3, 4));
}

TEST(TensorProtoTest, FewerTypedValuesRepeatTheLastOne) {
  tensorflow::TensorProto proto = FloatProto({3});
  proto.add_float_val(7.0f);
  EXPECT_THAT(Floats(*TensorFromProto("x", proto)), ElementsAre(7, 7, 7));
  tensorflow::TensorProto none = FloatProto({2});
  EXPECT_THAT(Floats(*TensorFromProto("x", none)), ElementsAre(0, 0));
}

TEST(TensorProtoTest, TensorContentIsTakenWithoutACopy) {
  // Long enough to live on the heap rather than inside the std::string.
  tensorflow::TensorProto proto = FloatProto({8});
  const float values[] = {1.5f, 2.5f, 3.5f, 4, 5, 6, 7, 8};
  proto.set_tensor_content(std::string(reinterpret_cast<const char*>(values), sizeof(values)));
  proto.add_float_val(9.0f);  // ignored: tensor_content wins
  const char* bytes = proto.tensor_content().data();
  absl::StatusOr<Tensor> tensor = TensorFromProto("x", proto);
  ASSERT_TRUE(tensor.ok()) << tensor.status();
  EXPECT_THAT(Floats(*tensor), ElementsAre(1.5, 2.5, 3.5, 4, 5, 6, 7, 8));
  EXPECT_EQ(tensor->raw_data(), bytes);  // the same buffer, moved out of the message
}

TEST(TensorProtoTest, EveryDtypeRoundTripsInBothEncodings) {
  std::vector<Tensor> tensors;
  Tensor int8 = Tensor::Zeros(DataType::kInt8, {2});
  int8.mutable_data<int8_t>()[0] = -5;
  int8.mutable_data<int8_t>()[1] = 7;
  tensors.push_back(int8);
  Tensor int64 = Tensor::Zeros(DataType::kInt64, {1, 2});
  int64.mutable_data<int64_t>()[1] = int64_t{1} << 40;
  tensors.push_back(int64);
  Tensor half = Tensor::Zeros(DataType::kFp16, {1});
  half.mutable_data<uint16_t>()[0] = 0x3c00;
  tensors.push_back(half);
  Tensor flag = Tensor::Zeros(DataType::kBool, {2});
  flag.mutable_data<bool>()[1] = true;
  tensors.push_back(flag);
  tensors.push_back(Tensor::FromStrings({2}, {"a", std::string("\0b", 2)}));
  Tensor doubles = Tensor::Zeros(DataType::kFp64, {1});
  doubles.mutable_data<double>()[0] = 0.1;
  tensors.push_back(doubles);
  for (TensorProtoEncoding encoding : {TensorProtoEncoding::kTyped, TensorProtoEncoding::kContent}) {
    for (const Tensor& tensor : tensors) {
      tensorflow::TensorProto proto;
      TensorToProto(tensor, encoding, proto);
      absl::StatusOr<Tensor> back = TensorFromProto("t", proto);
      ASSERT_TRUE(back.ok()) << back.status();
      EXPECT_EQ(back->dtype(), tensor.dtype());
      EXPECT_EQ(back->shape(), tensor.shape());
      if (tensor.dtype() == DataType::kString) {
        EXPECT_THAT(back->strings(), ElementsAre("a", std::string("\0b", 2)));
      } else {
        EXPECT_EQ(std::memcmp(back->raw_data(), tensor.raw_data(), tensor.byte_size()), 0)
            << DataTypeName(tensor.dtype());
      }
    }
  }
}

TEST(TensorProtoTest, OutputsUseTypedFieldsByDefault) {
  Tensor tensor = Tensor::Zeros(DataType::kFp32, {2});
  tensor.mutable_data<float>()[0] = 2.5f;
  tensorflow::TensorProto typed;
  TensorToProto(tensor, TensorProtoEncoding::kTyped, typed);
  EXPECT_THAT(typed.float_val(), ElementsAre(2.5f, 0.0f));
  EXPECT_TRUE(typed.tensor_content().empty());
  EXPECT_EQ(typed.tensor_shape().dim(0).size(), 2);
  tensorflow::TensorProto content;
  TensorToProto(tensor, TensorProtoEncoding::kContent, content);
  EXPECT_EQ(content.tensor_content().size(), 8u);
  EXPECT_EQ(content.float_val_size(), 0);
}

TEST(TensorProtoTest, BadTensorsAreRefusedClearly) {
  tensorflow::TensorProto wrong_size = FloatProto({4});
  wrong_size.set_tensor_content(std::string(12, '\0'));
  EXPECT_THAT(TensorFromProto("x", wrong_size).status().message(),
              HasSubstr("tensor_content has 12 bytes"));

  tensorflow::TensorProto variant = FloatProto({1});
  variant.set_dtype(tensorflow::DT_VARIANT);
  EXPECT_THAT(TensorFromProto("x", variant).status().message(),
              HasSubstr("DT_VARIANT is not supported"));

  tensorflow::TensorProto negative = FloatProto({-1});
  EXPECT_THAT(TensorFromProto("x", negative).status().message(), HasSubstr("negative"));

  tensorflow::TensorProto unknown_rank = FloatProto({});
  unknown_rank.mutable_tensor_shape()->set_unknown_rank(true);
  EXPECT_THAT(TensorFromProto("x", unknown_rank).status().message(), HasSubstr("unknown rank"));

  tensorflow::TensorProto overflow;
  overflow.set_dtype(tensorflow::DT_INT8);
  overflow.mutable_tensor_shape()->add_dim()->set_size(1);
  overflow.add_int_val(300);
  EXPECT_THAT(TensorFromProto("x", overflow).status().message(), HasSubstr("out of range"));
}

TEST(TensorProtoTest, SignatureDefNamesDtypesAndShapes) {
  Signature signature;
  signature.inputs.push_back({"x", DataType::kFp32, {-1, 3}, true});
  signature.outputs.push_back({"y", DataType::kInt64, {}, false});
  tensorflow::SignatureDef def = SignatureDefFromSignature(signature);
  EXPECT_EQ(def.method_name(), "tensorflow/serving/predict");
  const tensorflow::TensorInfo& x = def.inputs().at("x");
  EXPECT_EQ(x.name(), "x");
  EXPECT_EQ(x.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(x.tensor_shape().dim_size(), 2);
  EXPECT_EQ(x.tensor_shape().dim(0).size(), -1);
  EXPECT_TRUE(def.outputs().at("y").tensor_shape().unknown_rank());
}

}  // namespace
}  // namespace serval
