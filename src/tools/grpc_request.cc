#include "tools/grpc_request.h"

#include <utility>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "protocol/raw_tensor.h"
#include "tools/random_tensor.h"

namespace serval {

std::string_view GrpcProtocolName(GrpcProtocol protocol) {
  return protocol == GrpcProtocol::kKServe ? "kserve" : "tfs";
}

std::string_view TensorEncodingName(TensorProtoEncoding encoding) {
  return encoding == TensorProtoEncoding::kContent ? "content" : "typed";
}

std::string_view GrpcMethod(GrpcProtocol protocol) {
  return protocol == GrpcProtocol::kKServe ? "/inference.GRPCInferenceService/ModelInfer"
                                           : "/tensorflow.serving.PredictionService/Predict";
}

tensorflow::serving::PredictRequest MakePredictRequest(const NamedTensors& inputs,
                                                       const GrpcRequestOptions& options) {
  tensorflow::serving::PredictRequest request;
  request.mutable_model_spec()->set_name(options.model);
  if (options.version) request.mutable_model_spec()->mutable_version()->set_value(*options.version);
  for (const auto& [name, tensor] : inputs) {
    TensorToProto(tensor, options.encoding, (*request.mutable_inputs())[name]);
  }
  return request;
}

absl::StatusOr<inference::ModelInferRequest> MakeModelInferRequest(
    const NamedTensors& inputs, const GrpcRequestOptions& options) {
  inference::ModelInferRequest request;
  request.set_model_name(options.model);
  if (options.version) request.set_model_version(std::to_string(*options.version));
  for (const auto& [name, tensor] : inputs) {
    inference::ModelInferRequest::InferInputTensor* input = request.add_inputs();
    input->set_name(name);
    input->set_datatype(std::string(KServeDataTypeName(tensor.dtype())));
    for (int64_t dim : tensor.shape()) input->add_shape(dim);
    std::string* raw = request.add_raw_input_contents();
    raw->reserve(RawByteSize(tensor));
    RETURN_IF_ERROR(AppendRawBytes(tensor, *raw));
  }
  return request;
}

absl::StatusOr<std::string> SerializeGrpcRequest(const NamedTensors& inputs,
                                                 const GrpcRequestOptions& options) {
  if (inputs.empty()) return absl::InvalidArgumentError("no inputs");
  std::string bytes;
  bool serialized = false;
  if (options.protocol == GrpcProtocol::kKServe) {
    ASSIGN_OR_RETURN(inference::ModelInferRequest request, MakeModelInferRequest(inputs, options));
    serialized = request.SerializeToString(&bytes);
  } else {
    serialized = MakePredictRequest(inputs, options).SerializeToString(&bytes);
  }
  if (!serialized) return absl::InternalError("cannot serialize the request");
  return bytes;
}

absl::StatusOr<std::vector<std::string>> MakeRandomGrpcRequests(
    const std::vector<TensorSpec>& specs, const GrpcRequestOptions& options, int count,
    std::mt19937_64& random) {
  if (specs.empty()) return absl::InvalidArgumentError("no inputs");
  std::vector<std::string> requests;
  for (int i = 0; i < count; ++i) {
    NamedTensors inputs;
    for (const TensorSpec& spec : specs) {
      inputs.emplace_back(spec.name, RandomTensor(spec.dtype, spec.shape, random));
    }
    ASSIGN_OR_RETURN(std::string request, SerializeGrpcRequest(inputs, options));
    requests.push_back(std::move(request));
  }
  return requests;
}

}  // namespace serval
