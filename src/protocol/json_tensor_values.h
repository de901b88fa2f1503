#ifndef SERVAL_PROTOCOL_JSON_TENSOR_VALUES_H_
#define SERVAL_PROTOCOL_JSON_TENSOR_VALUES_H_

// Internal to src/protocol: a tensor's elements as JSON values, shared by the TF Serving and the
// KServe v2 writers. Numbers as JsonWriter writes them, BOOL as true/false, FP16 and BF16 widened
// to float, kString as JSON strings or {"b64": "..."} objects.
//
// Thread safety: stateless.

#include <cstdint>

#include "absl/types/span.h"
#include "core/tensor.h"
#include "protocol/json_writer.h"

namespace serval {

// Writes the elements of `tensor` from flat index `offset` on, as nested lists shaped `dims` (a
// bare value when `dims` is empty; a flat list when it has one entry). The elements must exist.
// kString elements become {"b64": ...} objects when `strings_as_b64`, JSON strings otherwise.
void WriteJsonTensorValues(JsonWriter& writer, const Tensor& tensor, int64_t offset,
                           absl::Span<const int64_t> dims, bool strings_as_b64);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_JSON_TENSOR_VALUES_H_
