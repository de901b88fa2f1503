#ifndef SERVAL_PROTOCOL_TFS_JSON_H_
#define SERVAL_PROTOCOL_TFS_JSON_H_

// The TensorFlow Serving REST JSON codec (docs protocols.md 1.4-1.7): predict request bodies in,
// predict, model status, model metadata and error bodies out.
//
// Parsing converts JSON values straight into Tensor buffers, using the dtypes the model's
// signature declares (the JSON itself carries none). It checks only what the JSON alone decides:
// well-formedness, consistent nesting and dtype conversion. Whether the shapes fit the signature
// is left to the inference service.
//
// Thread safety: all functions are thread-safe. Parsing reuses one simdjson parser per thread.
//
//   ASSIGN_OR_RETURN(TfsPredictRequest request,
//                    ParseTfsPredictRequest(body, [&](std::string_view name) {
//                      return model.FindSignature(name.empty() ? kDefaultSignatureName : name);
//                    }));
//   ... run inference on request.inputs ...
//   ASSIGN_OR_RETURN(std::string json, WriteTfsPredictResponse(outputs, request.row_format));

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/inference.h"
#include "core/servable_state.h"
#include "core/signature.h"

namespace serval {

struct TfsPredictRequest {
  std::string signature_name;  // as sent; empty when the request named none
  bool row_format = true;      // true: "instances"; false: "inputs" (columnar)
  NamedTensors inputs;         // one per signature input, in signature order
};

// Finds the signature a request names. An empty name means the request named none (TF Serving
// then uses serving_default); the resolver decides. On success the pointer is non-null and must
// stay valid until ParseTfsPredictRequest returns. Its errors are returned unchanged. It must not
// call ParseTfsPredictRequest itself (the parse in progress lives in a per-thread parser).
using SignatureResolver =
    std::function<absl::StatusOr<const Signature*>(std::string_view signature_name)>;

// Parses the body of a :predict request. `body` may be grown (its capacity, never its content)
// to give simdjson the padding it reads past the end.
//
// Errors: INVALID_ARGUMENT for malformed JSON, a missing or doubled "instances"/"inputs",
// ragged lists, values of the wrong JSON type for the input's dtype and the other cases of
// protocols.md 1.7, each naming the input at fault; UNIMPLEMENTED for an fp16 or bf16 input;
// whatever `resolve_signature` returns.
absl::StatusOr<TfsPredictRequest> ParseTfsPredictRequest(
    std::string& body, const SignatureResolver& resolve_signature);

// Writes a :predict response. `outputs` come in signature order. With `row_format` the body is
// {"predictions": [...]}, one entry per batch row, which needs every output to have rank >= 1 and
// the same dimension 0 (else INVALID_ARGUMENT); otherwise {"outputs": ...} holds whole tensors.
// A single output is written without its name. kString outputs whose name ends in "_bytes" are
// written as {"b64": "..."} objects.
absl::StatusOr<std::string> WriteTfsPredictResponse(const NamedTensors& outputs, bool row_format);

// {"model_version_status": [...]} for GET /v1/models/NAME; entries in the given order.
std::string WriteTfsModelStatus(absl::Span<const ServableVersionStatus> versions);

// The GET /v1/models/NAME/metadata body: `signature` as the only entry of the signature_def map.
std::string WriteTfsModelMetadata(std::string_view model_name, int64_t version,
                                  const Signature& signature);

// {"error": "<status message>"}.
std::string WriteTfsError(const absl::Status& status);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_TFS_JSON_H_
