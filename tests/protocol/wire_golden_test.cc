// Byte-level checks of the project's own .proto files against the worked wire examples of
// shared/docs/protocols.md (2.14: a TF Serving PredictRequest; 3.11: a KServe ModelInferRequest
// and its response): the same messages must serialize to the same bytes, and parse back.

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"
#include "grpc_service.pb.h"
#include "tensorflow_serving/apis/predict.pb.h"

namespace serval {
namespace {

std::string Hex(const std::string& bytes) {
  return std::string(absl::BytesToHexString(bytes));
}

std::string LittleEndianFloats(std::initializer_list<float> values) {
  std::string bytes;
  for (float value : values) bytes.append(reinterpret_cast<const char*>(&value), sizeof(value));
  return bytes;
}

// protocols.md 2.14.
constexpr char kPredictRequestHex[] =
    "0a240a0d68616c665f706c75735f74776f1202087b1a0f73657276696e675f64656661756c74"
    "121b0a0178121608011204120208032a0c0000803f000000400000a040";

TEST(WireGoldenTest, PredictRequestMatchesTfServing) {
  tensorflow::serving::PredictRequest request;
  request.mutable_model_spec()->set_name("half_plus_two");
  request.mutable_model_spec()->mutable_version()->set_value(123);
  request.mutable_model_spec()->set_signature_name("serving_default");
  tensorflow::TensorProto& x = (*request.mutable_inputs())["x"];
  x.set_dtype(tensorflow::DT_FLOAT);
  x.mutable_tensor_shape()->add_dim()->set_size(3);
  for (float value : {1.0f, 2.0f, 5.0f}) x.add_float_val(value);
  std::string bytes;
  ASSERT_TRUE(request.SerializeToString(&bytes));
  EXPECT_EQ(bytes.size(), 67u);
  EXPECT_EQ(Hex(bytes), kPredictRequestHex);

  tensorflow::serving::PredictRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(absl::HexStringToBytes(kPredictRequestHex)));
  EXPECT_EQ(parsed.model_spec().version().value(), 123);
  EXPECT_EQ(parsed.inputs().at("x").float_val_size(), 3);
  EXPECT_EQ(parsed.inputs().at("x").float_val(2), 5.0f);
}

// protocols.md 3.11.
constexpr char kModelInferRequestHex[] =
    "0a0d68616c665f706c75735f74776f12033132331a0234322a0d0a01781204465033321a0203"
    "0132030a01793a0c0000803f000000400000a040";
constexpr char kModelInferResponseHex[] =
    "0a0d68616c665f706c75735f74776f12033132331a0234322a0d0a01791204465033321a0203"
    "01320c000020400000404000009040";

TEST(WireGoldenTest, ModelInferRequestMatchesKServe) {
  inference::ModelInferRequest request;
  request.set_model_name("half_plus_two");
  request.set_model_version("123");
  request.set_id("42");
  inference::ModelInferRequest::InferInputTensor* x = request.add_inputs();
  x->set_name("x");
  x->set_datatype("FP32");
  x->add_shape(3);
  x->add_shape(1);
  request.add_outputs()->set_name("y");
  request.add_raw_input_contents(LittleEndianFloats({1.0f, 2.0f, 5.0f}));
  std::string bytes;
  ASSERT_TRUE(request.SerializeToString(&bytes));
  EXPECT_EQ(bytes.size(), 58u);
  EXPECT_EQ(Hex(bytes), kModelInferRequestHex);
}

TEST(WireGoldenTest, ModelInferResponseMatchesKServe) {
  inference::ModelInferResponse response;
  response.set_model_name("half_plus_two");
  response.set_model_version("123");
  response.set_id("42");
  inference::ModelInferResponse::InferOutputTensor* y = response.add_outputs();
  y->set_name("y");
  y->set_datatype("FP32");
  y->add_shape(3);
  y->add_shape(1);
  response.add_raw_output_contents(LittleEndianFloats({2.5f, 3.0f, 4.5f}));
  std::string bytes;
  ASSERT_TRUE(response.SerializeToString(&bytes));
  EXPECT_EQ(Hex(bytes), kModelInferResponseHex);

  inference::ModelInferResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(absl::HexStringToBytes(kModelInferResponseHex)));
  ASSERT_EQ(parsed.raw_output_contents_size(), 1);
  EXPECT_EQ(parsed.raw_output_contents(0), LittleEndianFloats({2.5f, 3.0f, 4.5f}));
}

}  // namespace
}  // namespace serval
