#ifndef SERVAL_BACKENDS_TORCH_TORCH_TENSORS_H_
#define SERVAL_BACKENDS_TORCH_TORCH_TENSORS_H_

// Conversions between Serval tensors and LibTorch tensors, without copying element data.

#include <torch/script.h>

#include "absl/status/statusor.h"
#include "core/tensor.h"

namespace serval {

// A LibTorch view of `tensor`'s buffer (no copy) that shares ownership of the buffer.
// INVALID_ARGUMENT for bytes tensors, which LibTorch cannot hold.
absl::StatusOr<at::Tensor> ToTorch(const Tensor& tensor);

// A Serval tensor that shares `tensor`'s memory (made contiguous and moved to the CPU first when
// it is not already). INVALID_ARGUMENT for dtypes Serval has no name for (complex, quantized).
absl::StatusOr<Tensor> FromTorch(const at::Tensor& tensor);

}  // namespace serval

#endif  // SERVAL_BACKENDS_TORCH_TORCH_TENSORS_H_
