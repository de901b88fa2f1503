#ifndef SERVAL_PROTOCOL_KSERVE_JSON_TENSOR_H_
#define SERVAL_PROTOCOL_KSERVE_JSON_TENSOR_H_

// Internal to src/protocol: the JSON "data" of one KServe v2 input (protocols.md 3.4, 3.5) into a
// tensor. Used by ParseKServeInferRequest (kserve_json_request.cc).
//
// Thread safety: stateless; `data` must not be read concurrently with a new parse into the same
// simdjson parser.

#include <simdjson.h>

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/data_type.h"
#include "core/tensor.h"

namespace serval {

// The tensor of input `input` of `dtype` and `shape` (`elements` elements) from `data`: a JSON
// list, flat or nested any way, whose leaves in order are the elements, row-major. Leaves are
// numbers for the integer and float types (integers in range for the integer types), true/false
// for BOOL, strings for BYTES.
//
// Errors (INVALID_ARGUMENT, naming the input): `data` is not a list; the leaf count is not
// `elements`; a leaf of the wrong JSON type or out of range (naming its index); FP16 or BF16,
// which JSON cannot carry.
absl::StatusOr<Tensor> ReadKServeJsonData(std::string_view input, DataType dtype,
                                          const Shape& shape, int64_t elements,
                                          simdjson::dom::element data);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_KSERVE_JSON_TENSOR_H_
