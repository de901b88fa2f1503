#ifndef SERVAL_PROTOCOL_TFS_JSON_TENSOR_H_
#define SERVAL_PROTOCOL_TFS_JSON_TENSOR_H_

// Internal to src/protocol: turns the JSON value(s) of one TF Serving input (nested lists of
// numbers, bools, strings or {"b64": ...} objects) into a Tensor of the signature's dtype,
// following protocols.md 1.7. Used by ParseTfsPredictRequest (tfs_json_request.cc).
//
// Thread safety: stateless functions; the simdjson elements must not be read concurrently with
// a new parse into the same parser.

#include <simdjson.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/signature.h"
#include "core/tensor.h"

namespace serval {

// simdjson rejects the NaN, Infinity and -Infinity tokens that TF Serving accepts. This returns
// `body` with each such token outside strings replaced by a marker string (starting with a
// control byte, so no real client sends it), or nullopt when there is none. Float and double
// inputs read the markers back as the values they stand for; every other dtype rejects them.
std::optional<std::string> RewriteNonFiniteTokens(std::string_view body);

// Per-request settings for ReadTfsJsonTensor.
struct TfsJsonTensorOptions {
  // Bytes of the parsed body. Every leaf takes at least one, which bounds the element count of
  // a consistent tensor; a larger shape is ragged and is rejected before allocating.
  size_t body_size = 0;
  // The body went through RewriteNonFiniteTokens, so marker strings stand for NaN/Infinity.
  bool non_finite_markers = false;
};

// An object that stands for one bytes value: exactly one member, "b64", holding a string.
bool IsTfsB64Object(simdjson::dom::element value);

// Builds the tensor of input `spec` from `values`. Columnar (`rows` false): `values` holds one
// value, the whole tensor, whose nesting gives the shape. Row format (`rows` true): one value
// per element of "instances", all of one shape, stacked along a new dimension 0. `values` must
// not be empty. The shape is not checked against spec.shape; only the dtype is used.
//
// Errors, each naming the input: INVALID_ARGUMENT for ragged lists, values at mixed depths,
// leaves of the wrong JSON type or out of range ("not of expected type: int32") and bad base64;
// UNIMPLEMENTED for fp16 and bf16.
absl::StatusOr<Tensor> ReadTfsJsonTensor(const TensorSpec& spec,
                                         absl::Span<const simdjson::dom::element> values, bool rows,
                                         const TfsJsonTensorOptions& options);

// The JSON text of `value` for an error message, shortened when long; markers print as the
// tokens they replaced when `non_finite_markers`.
std::string TfsJsonValueText(simdjson::dom::element value, bool non_finite_markers);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_TFS_JSON_TENSOR_H_
