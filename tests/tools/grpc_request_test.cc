#include "tools/grpc_request.h"

#include <cstring>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocol/kserve_grpc.h"
#include "protocol/tensor_proto.h"
#include "tools/input_spec.h"
#include "tools/random_tensor.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

std::vector<TensorSpec> Specs(std::string_view text) {
  absl::StatusOr<std::vector<TensorSpec>> specs = ParseInputSpecs(text);
  EXPECT_TRUE(specs.ok()) << specs.status();
  return specs.ok() ? *specs : std::vector<TensorSpec>{};
}

Tensor KnownFloats() {
  Tensor x = Tensor::Zeros(DataType::kFp32, {1, 4});
  for (int i = 0; i < 4; ++i) x.mutable_data<float>()[i] = 0.5f * static_cast<float>(i) - 1.0f;
  return x;
}

std::string BytesOf(const Tensor& tensor) {
  return std::string(static_cast<const char*>(tensor.raw_data()), tensor.byte_size());
}

GrpcRequestOptions Options(GrpcProtocol protocol, TensorProtoEncoding encoding) {
  GrpcRequestOptions options;
  options.protocol = protocol;
  options.encoding = encoding;
  options.model = "m";
  return options;
}

TEST(GrpcRequestTest, MethodsAndNames) {
  EXPECT_EQ(GrpcMethod(GrpcProtocol::kTfServing), "/tensorflow.serving.PredictionService/Predict");
  EXPECT_EQ(GrpcMethod(GrpcProtocol::kKServe), "/inference.GRPCInferenceService/ModelInfer");
  EXPECT_EQ(GrpcProtocolName(GrpcProtocol::kKServe), "kserve");
  EXPECT_EQ(TensorEncodingName(TensorProtoEncoding::kContent), "content");
}

TEST(GrpcRequestTest, PredictRequestTypedAndContent) {
  const Tensor x = KnownFloats();
  GrpcRequestOptions options = Options(GrpcProtocol::kTfServing, TensorProtoEncoding::kTyped);
  options.version = 3;
  tensorflow::serving::PredictRequest typed = MakePredictRequest({{"x", x}}, options);
  EXPECT_EQ(typed.model_spec().name(), "m");
  EXPECT_EQ(typed.model_spec().version().value(), 3);
  ASSERT_EQ(typed.inputs().count("x"), 1u);
  const tensorflow::TensorProto& proto = typed.inputs().at("x");
  EXPECT_EQ(proto.dtype(), tensorflow::DT_FLOAT);
  ASSERT_EQ(proto.tensor_shape().dim_size(), 2);
  EXPECT_EQ(proto.tensor_shape().dim(0).size(), 1);
  EXPECT_EQ(proto.tensor_shape().dim(1).size(), 4);
  EXPECT_THAT(proto.float_val(), ElementsAre(-1.0f, -0.5f, 0.0f, 0.5f));
  EXPECT_TRUE(proto.tensor_content().empty());

  options.encoding = TensorProtoEncoding::kContent;
  options.version.reset();
  tensorflow::serving::PredictRequest content = MakePredictRequest({{"x", x}}, options);
  EXPECT_FALSE(content.model_spec().has_version());
  const tensorflow::TensorProto& raw = content.inputs().at("x");
  EXPECT_EQ(raw.dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(raw.float_val_size(), 0);
  EXPECT_EQ(raw.tensor_content(), BytesOf(x));
}

TEST(GrpcRequestTest, ModelInferRequestCarriesRawBytes) {
  const Tensor x = KnownFloats();
  GrpcRequestOptions options = Options(GrpcProtocol::kKServe, TensorProtoEncoding::kTyped);
  options.version = 2;
  absl::StatusOr<inference::ModelInferRequest> request = MakeModelInferRequest({{"x", x}}, options);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->model_name(), "m");
  EXPECT_EQ(request->model_version(), "2");
  ASSERT_EQ(request->inputs_size(), 1);
  EXPECT_EQ(request->inputs(0).name(), "x");
  EXPECT_EQ(request->inputs(0).datatype(), "FP32");
  EXPECT_THAT(request->inputs(0).shape(), ElementsAre(1, 4));
  ASSERT_EQ(request->raw_input_contents_size(), 1);
  EXPECT_EQ(request->raw_input_contents(0), BytesOf(x));
}

// Every dtype, in every encoding, as the server's own decoders read it: same dtype, shape and
// element bytes as the tensors the requests were made from.
TEST(GrpcRequestTest, RandomRequestsDecodeAsTheServerWould) {
  const std::vector<TensorSpec> specs = Specs(
      "a:fp32[2,3],b:fp64[2],c:int64[1,2],d:int32[2],e:int16[2],f:int8[2],g:uint8[3],h:bool[2],"
      "i:fp16[2],j:bf16[2],k:bytes[2,1],s:fp32[]");
  for (GrpcProtocol protocol : {GrpcProtocol::kTfServing, GrpcProtocol::kKServe}) {
    for (TensorProtoEncoding encoding :
         {TensorProtoEncoding::kTyped, TensorProtoEncoding::kContent}) {
      std::mt19937_64 random(7);
      absl::StatusOr<std::vector<std::string>> requests =
          MakeRandomGrpcRequests(specs, Options(protocol, encoding), 2, random);
      ASSERT_TRUE(requests.ok()) << requests.status();
      ASSERT_EQ(requests->size(), 2u);
      EXPECT_NE((*requests)[0], (*requests)[1]);  // random values, different each time
      NamedTensors decoded;
      if (protocol == GrpcProtocol::kTfServing) {
        tensorflow::serving::PredictRequest request;
        ASSERT_TRUE(request.ParseFromString((*requests)[0]));
        EXPECT_EQ(request.model_spec().name(), "m");
        for (const TensorSpec& spec : specs) {
          ASSERT_EQ(request.inputs().count(spec.name), 1u) << spec.name;
          tensorflow::TensorProto proto = request.inputs().at(spec.name);
          const bool content = !proto.tensor_content().empty();
          EXPECT_EQ(content,
                    encoding == TensorProtoEncoding::kContent && spec.dtype != DataType::kString)
              << spec.name;
          absl::StatusOr<Tensor> tensor = TensorFromProto(spec.name, proto);
          ASSERT_TRUE(tensor.ok()) << tensor.status();
          decoded.emplace_back(spec.name, *tensor);
        }
      } else {
        inference::ModelInferRequest request;
        ASSERT_TRUE(request.ParseFromString((*requests)[0]));
        EXPECT_EQ(request.model_name(), "m");
        absl::StatusOr<NamedTensors> inputs = DecodeModelInferInputs(request);
        ASSERT_TRUE(inputs.ok()) << inputs.status();
        decoded = *inputs;
      }
      // The first request's tensors, made again from the same seed.
      std::mt19937_64 again(7);
      ASSERT_EQ(decoded.size(), specs.size());
      for (size_t i = 0; i < specs.size(); ++i) {
        const Tensor expected = RandomTensor(specs[i].dtype, specs[i].shape, again);
        const Tensor& tensor = decoded[i].second;
        EXPECT_EQ(decoded[i].first, specs[i].name);
        EXPECT_EQ(tensor.dtype(), specs[i].dtype) << specs[i].name;
        EXPECT_EQ(tensor.shape(), specs[i].shape) << specs[i].name;
        if (tensor.dtype() == DataType::kString) {
          EXPECT_THAT(tensor.strings(), ElementsAreArray(expected.strings())) << specs[i].name;
        } else {
          EXPECT_EQ(BytesOf(tensor), BytesOf(expected)) << specs[i].name;
        }
      }
    }
  }
}

// The same seed gives the same requests; a 224x224x3 fp32 input is 602112 bytes of content.
TEST(GrpcRequestTest, SameSeedSameRequests) {
  const std::vector<TensorSpec> specs = Specs("x:fp32[1,224,224,3]");
  const GrpcRequestOptions options =
      Options(GrpcProtocol::kTfServing, TensorProtoEncoding::kContent);
  std::mt19937_64 first(3);
  std::mt19937_64 second(3);
  absl::StatusOr<std::vector<std::string>> a = MakeRandomGrpcRequests(specs, options, 1, first);
  absl::StatusOr<std::vector<std::string>> b = MakeRandomGrpcRequests(specs, options, 1, second);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  tensorflow::serving::PredictRequest request;
  ASSERT_TRUE(request.ParseFromString(a->front()));
  EXPECT_EQ(request.inputs().at("x").tensor_content().size(), 224u * 224 * 3 * 4);
}

TEST(GrpcRequestTest, NoInputsIsAnError) {
  std::mt19937_64 random(1);
  const GrpcRequestOptions options = Options(GrpcProtocol::kKServe, TensorProtoEncoding::kTyped);
  EXPECT_EQ(MakeRandomGrpcRequests({}, options, 1, random).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SerializeGrpcRequest({}, options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace serval
