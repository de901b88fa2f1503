// KServe v2 ModelInfer messages to and from tensors: raw and typed inputs, raw outputs, errors.

#include "protocol/kserve_grpc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string RawFloats(std::initializer_list<float> values) {
  std::string bytes;
  for (float value : values) bytes.append(reinterpret_cast<const char*>(&value), sizeof(value));
  return bytes;
}

inference::ModelInferRequest::InferInputTensor* AddInput(inference::ModelInferRequest& request,
                                                          const std::string& name,
                                                          const std::string& datatype,
                                                          std::initializer_list<int64_t> shape) {
  auto* input = request.add_inputs();
  input->set_name(name);
  input->set_datatype(datatype);
  for (int64_t dim : shape) input->add_shape(dim);
  return input;
}

TEST(KServeGrpcTest, RawInputsBecomeTensorsWithoutACopy) {
  inference::ModelInferRequest request;
  // Long enough to live on the heap rather than inside the std::string.
  AddInput(request, "x", "FP32", {8, 1});
  request.add_raw_input_contents(RawFloats({1, 2, 5, 0, 0, 0, 0, 9}));
  const char* bytes = request.raw_input_contents(0).data();
  absl::StatusOr<NamedTensors> inputs = DecodeModelInferInputs(request);
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  ASSERT_EQ(inputs->size(), 1u);
  const Tensor& x = (*inputs)[0].second;
  EXPECT_EQ(x.shape(), (Shape{8, 1}));
  EXPECT_EQ(x.data<float>()[7], 9.0f);
  EXPECT_EQ(x.raw_data(), bytes);
}

TEST(KServeGrpcTest, TypedInputsOfEveryContentsField) {
  inference::ModelInferRequest request;
  auto* x = AddInput(request, "x", "FP32", {2});
  x->mutable_contents()->add_fp32_contents(1.5f);
  x->mutable_contents()->add_fp32_contents(2.5f);
  auto* n = AddInput(request, "n", "INT64", {1});
  n->mutable_contents()->add_int64_contents(int64_t{1} << 40);
  auto* s = AddInput(request, "s", "BYTES", {2});
  s->mutable_contents()->add_bytes_contents("a");
  s->mutable_contents()->add_bytes_contents("bc");
  auto* b = AddInput(request, "b", "BOOL", {1});
  b->mutable_contents()->add_bool_contents(true);
  auto* u = AddInput(request, "u", "UINT8", {1});
  u->mutable_contents()->add_uint_contents(200);
  absl::StatusOr<NamedTensors> inputs = DecodeModelInferInputs(request);
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  EXPECT_EQ((*inputs)[0].second.data<float>()[1], 2.5f);
  EXPECT_EQ((*inputs)[1].second.data<int64_t>()[0], int64_t{1} << 40);
  EXPECT_THAT((*inputs)[2].second.strings(), ElementsAre("a", "bc"));
  EXPECT_TRUE((*inputs)[3].second.data<bool>()[0]);
  EXPECT_EQ((*inputs)[4].second.data<uint8_t>()[0], 200);
}

TEST(KServeGrpcTest, BadInputsAreRefusedClearly) {
  inference::ModelInferRequest mixed;
  AddInput(mixed, "x", "FP32", {1})->mutable_contents()->add_fp32_contents(1);
  mixed.add_raw_input_contents(RawFloats({1}));
  EXPECT_THAT(DecodeModelInferInputs(mixed).status().message(), HasSubstr("one form"));

  inference::ModelInferRequest missing_raw;
  AddInput(missing_raw, "x", "FP32", {1});
  AddInput(missing_raw, "y", "FP32", {1});
  missing_raw.add_raw_input_contents(RawFloats({1}));
  EXPECT_THAT(DecodeModelInferInputs(missing_raw).status().message(),
              HasSubstr("2 inputs but 1 raw_input_contents"));

  inference::ModelInferRequest lower_case;
  AddInput(lower_case, "x", "fp32", {1})->mutable_contents()->add_fp32_contents(1);
  EXPECT_THAT(DecodeModelInferInputs(lower_case).status().message(),
              HasSubstr("datatype 'fp32'"));

  inference::ModelInferRequest short_raw;
  AddInput(short_raw, "x", "FP32", {4});
  short_raw.add_raw_input_contents(RawFloats({1}));
  EXPECT_EQ(DecodeModelInferInputs(short_raw).status().code(),
            absl::StatusCode::kInvalidArgument);

  inference::ModelInferRequest few_values;
  AddInput(few_values, "x", "FP32", {3})->mutable_contents()->add_fp32_contents(1);
  EXPECT_THAT(DecodeModelInferInputs(few_values).status().message(),
              HasSubstr("fp32_contents has 1 values; shape [3] needs 3"));

  inference::ModelInferRequest half;
  AddInput(half, "x", "FP16", {1});
  EXPECT_THAT(DecodeModelInferInputs(half).status().message(), HasSubstr("raw_input_contents"));

  inference::ModelInferRequest negative;
  AddInput(negative, "x", "FP32", {-2});
  EXPECT_THAT(DecodeModelInferInputs(negative).status().message(), HasSubstr("negative"));
}

TEST(KServeGrpcTest, VersionsAreNumbersOrEmpty) {
  EXPECT_FALSE(ParseKServeVersion("")->has_value());
  EXPECT_EQ(**ParseKServeVersion("12"), 12);
  EXPECT_THAT(ParseKServeVersion("latest").status().message(), HasSubstr("'latest'"));
}

TEST(KServeGrpcTest, OutputsAreWrittenAsRawContents) {
  Tensor y = Tensor::Zeros(DataType::kFp32, {3, 1});
  y.mutable_data<float>()[0] = 2.5f;
  y.mutable_data<float>()[1] = 3.0f;
  y.mutable_data<float>()[2] = 4.5f;
  InferenceResponse result{"half_plus_two", 123, {{"y", y}}};
  inference::ModelInferResponse response;
  ASSERT_TRUE(EncodeModelInferResponse(result, "42", response).ok());
  EXPECT_EQ(response.model_name(), "half_plus_two");
  EXPECT_EQ(response.model_version(), "123");
  EXPECT_EQ(response.id(), "42");
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).datatype(), "FP32");
  EXPECT_THAT(response.outputs(0).shape(), ElementsAre(3, 1));
  ASSERT_EQ(response.raw_output_contents_size(), 1);
  EXPECT_EQ(response.raw_output_contents(0), RawFloats({2.5f, 3.0f, 4.5f}));
}

}  // namespace
}  // namespace serval
