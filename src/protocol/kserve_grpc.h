#ifndef SERVAL_PROTOCOL_KSERVE_GRPC_H_
#define SERVAL_PROTOCOL_KSERVE_GRPC_H_

// KServe v2's gRPC ModelInfer messages (protocols.md 3.8) to and from Serval's tensors.
//
// Inputs come either all as `raw_input_contents` (one entry per input, in order; what
// tritonclient sends), whose bytes become the tensors' buffers without a copy, or all as typed
// `contents`; mixing the two is refused. Outputs are always written as `raw_output_contents`,
// the form tritonclient reads (KServe's own clients read it too).
//
// Thread safety: stateless functions.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/inference.h"
#include "grpc_service.pb.h"

namespace serval {

// The version a KServe request names: nullopt for "" (the server's choice); INVALID_ARGUMENT
// for anything but a decimal number.
absl::StatusOr<std::optional<int64_t>> ParseKServeVersion(const std::string& version);

// The request's inputs as tensors. Raw input bytes are moved out of `request`.
//
// Errors (INVALID_ARGUMENT, naming the input): raw and typed contents mixed, or a raw entry
// count other than the input count; an unknown or unsupported datatype (the KServe names, upper
// case); a negative dimension; a byte or value count that does not match the shape; FP16/BF16
// without raw contents.
absl::StatusOr<NamedTensors> DecodeModelInferInputs(inference::ModelInferRequest& request);

// The names of the requested outputs, in order; empty: all of them.
std::vector<std::string> RequestedOutputs(const inference::ModelInferRequest& request);

// Fills `response` (model name, the version that answered, `id`, outputs with raw contents).
// INVALID_ARGUMENT when a BYTES element is too long for its 4-byte length.
absl::Status EncodeModelInferResponse(const InferenceResponse& result, const std::string& id,
                                      inference::ModelInferResponse& response);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_KSERVE_GRPC_H_
