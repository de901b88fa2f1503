#ifndef SERVAL_PROTOCOL_RAW_TENSOR_H_
#define SERVAL_PROTOCOL_RAW_TENSOR_H_

// Raw tensor bytes, as KServe v2 carries them: after the JSON of an HTTP body (binary tensor data
// extension, protocols.md 3.6) and in gRPC's raw_input_contents / raw_output_contents (3.8).
//
// Layout: the elements in row-major order, little-endian, without padding. BOOL is one byte per
// element, 0 or 1; FP16 and BF16 are their 2-byte patterns; BYTES (DataType::kString) is, for
// each element, its length as a 4-byte little-endian unsigned integer followed by its bytes.
//
// Decoding aliases the caller's buffer instead of copying it when it can (see
// TensorFromRawBytes), so a large input travels from the request body to the model without a copy.
//
// Thread safety: stateless functions.
//
//   auto body = std::make_shared<const std::string>(std::move(request_body));
//   ASSIGN_OR_RETURN(Tensor x, TensorFromRawBytes("x", DataType::kFp32, {3, 1},
//                                                 std::string_view(*body).substr(offset, 12),
//                                                 body));
//   std::string out;
//   out.reserve(RawByteSize(x));
//   RETURN_IF_ERROR(AppendRawBytes(x, out));

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/data_type.h"
#include "core/tensor.h"

namespace serval {

// The tensor `name` (used in error messages only) of `dtype` and `shape` whose raw bytes are
// `bytes`. `shape` comes from the client: a negative dimension or an element count that
// overflows is refused.
//
// No copy: when `owner` is non-null (it must keep `bytes` alive, and the tensor then holds a
// reference to it) and `bytes` is aligned for the element type, the tensor's buffer is `bytes`
// itself; nothing on the request path writes input buffers. Otherwise (no owner, misaligned
// bytes) the elements are copied into a new buffer. BYTES elements are always copied, into
// std::strings.
//
// Errors (INVALID_ARGUMENT, naming `name`): the byte count is not the element count times the
// element size; BYTES data whose length prefixes run past the end, or do not cover the bytes
// exactly, or give another number of elements than the shape; a BOOL byte other than 0 or 1.
absl::StatusOr<Tensor> TensorFromRawBytes(std::string_view name, DataType dtype, const Shape& shape,
                                          std::string_view bytes,
                                          std::shared_ptr<const void> owner);

// The number of bytes AppendRawBytes appends for `tensor`.
size_t RawByteSize(const Tensor& tensor);

// Appends the raw bytes of `tensor` to `out`. INVALID_ARGUMENT, with `out` unchanged, for a
// BYTES element too long for its 4-byte length (4 GiB or more).
absl::Status AppendRawBytes(const Tensor& tensor, std::string& out);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_RAW_TENSOR_H_
