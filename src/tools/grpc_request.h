#ifndef SERVAL_TOOLS_GRPC_REQUEST_H_
#define SERVAL_TOOLS_GRPC_REQUEST_H_

// The requests `serval bench --grpc` sends: TF Serving's PredictRequest
// (tensorflow.serving.PredictionService/Predict) or KServe v2's ModelInferRequest
// (inference.GRPCInferenceService/ModelInfer), made from tensors or from --input_spec, and
// serialized once, so that the load generator sends bytes and never runs protobuf per request.
//
// TF Serving tensors are written (by protocol/tensor_proto.h, as the server writes its answers) in
// one of two encodings (protocols.md 2.4): typed, each element in the field of its dtype
// (float_val, int64_val, half_val for fp16 and bf16, ...), as hand-written clients do; or
// content, the raw little-endian bytes in tensor_content, as tf.make_tensor_proto does. Strings
// always go in string_val. KServe tensors always go in raw_input_contents (protocol/raw_tensor.h),
// one entry per input in the order of `inputs`, as tritonclient sends them.
//
// Thread safety: stateless functions; the random generator is the caller's.
//
//   ASSIGN_OR_RETURN(std::vector<TensorSpec> specs, ParseInputSpecs("x:fp32[1,4]"));
//   GrpcRequestOptions options;
//   options.model = "half_plus_two";
//   std::mt19937_64 random(1);
//   ASSIGN_OR_RETURN(std::vector<std::string> requests,
//                    MakeRandomGrpcRequests(specs, options, 16, random));

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/inference.h"
#include "core/signature.h"
#include "core/tensor.h"
#include "grpc_service.pb.h"
#include "protocol/tensor_proto.h"
#include "tensorflow_serving/apis/predict.pb.h"

namespace serval {

enum class GrpcProtocol {
  kTfServing,  // tensorflow.serving.PredictionService/Predict
  kKServe,     // inference.GRPCInferenceService/ModelInfer
};

// "tfs" or "kserve", as --protocol writes them.
std::string_view GrpcProtocolName(GrpcProtocol protocol);
// "typed" or "content", as --tensor_encoding writes them.
std::string_view TensorEncodingName(TensorProtoEncoding encoding);

// The full method path: "/tensorflow.serving.PredictionService/Predict" or
// "/inference.GRPCInferenceService/ModelInfer".
std::string_view GrpcMethod(GrpcProtocol protocol);

struct GrpcRequestOptions {
  GrpcProtocol protocol = GrpcProtocol::kTfServing;
  TensorProtoEncoding encoding = TensorProtoEncoding::kTyped;  // TF Serving only
  std::string model;
  std::optional<int64_t> version;  // absent: the latest
};

// A PredictRequest for options.model (and version) with `inputs`, keyed by name.
tensorflow::serving::PredictRequest MakePredictRequest(const NamedTensors& inputs,
                                                       const GrpcRequestOptions& options);

// A ModelInferRequest for options.model (and version) with `inputs` in raw_input_contents.
// INVALID_ARGUMENT for a string element of 4 GiB or more.
absl::StatusOr<inference::ModelInferRequest> MakeModelInferRequest(
    const NamedTensors& inputs, const GrpcRequestOptions& options);

// The request of options.protocol, serialized. INVALID_ARGUMENT when `inputs` is empty.
absl::StatusOr<std::string> SerializeGrpcRequest(const NamedTensors& inputs,
                                                 const GrpcRequestOptions& options);

// `count` serialized requests of random values (see random_tensor.h) for `specs`, which need
// has_shape. INVALID_ARGUMENT when `specs` is empty.
absl::StatusOr<std::vector<std::string>> MakeRandomGrpcRequests(
    const std::vector<TensorSpec>& specs, const GrpcRequestOptions& options, int count,
    std::mt19937_64& random);

}  // namespace serval

#endif  // SERVAL_TOOLS_GRPC_REQUEST_H_
