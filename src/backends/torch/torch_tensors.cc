#include "backends/torch/torch_tensors.h"

#include <optional>

#include "common/str_cat.h"

namespace serval {
namespace {

std::optional<at::ScalarType> ToTorchType(DataType dtype) {
  switch (dtype) {
    case DataType::kBool:
      return at::kBool;
    case DataType::kUint8:
      return at::kByte;
    case DataType::kInt8:
      return at::kChar;
    case DataType::kInt16:
      return at::kShort;
    case DataType::kInt32:
      return at::kInt;
    case DataType::kInt64:
      return at::kLong;
    case DataType::kFp16:
      return at::kHalf;
    case DataType::kBf16:
      return at::kBFloat16;
    case DataType::kFp32:
      return at::kFloat;
    case DataType::kFp64:
      return at::kDouble;
    case DataType::kString:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<DataType> FromTorchType(at::ScalarType type) {
  switch (type) {
    case at::kBool:
      return DataType::kBool;
    case at::kByte:
      return DataType::kUint8;
    case at::kChar:
      return DataType::kInt8;
    case at::kShort:
      return DataType::kInt16;
    case at::kInt:
      return DataType::kInt32;
    case at::kLong:
      return DataType::kInt64;
    case at::kHalf:
      return DataType::kFp16;
    case at::kBFloat16:
      return DataType::kBf16;
    case at::kFloat:
      return DataType::kFp32;
    case at::kDouble:
      return DataType::kFp64;
    default:
      return std::nullopt;
  }
}

}  // namespace

absl::StatusOr<at::Tensor> ToTorch(const Tensor& tensor) {
  std::optional<at::ScalarType> type = ToTorchType(tensor.dtype());
  if (!type.has_value()) {
    return absl::InvalidArgumentError("TorchScript models cannot take bytes (string) tensors");
  }
  std::vector<int64_t> sizes(tensor.shape().begin(), tensor.shape().end());
  // The LibTorch tensor holds a reference to the buffer, so an output that aliases an input
  // (a model that returns its argument, or a view of it) keeps the memory alive.
  return torch::from_blob(
      const_cast<void*>(tensor.raw_data()), sizes, [keep_alive = tensor](void*) {},
      torch::TensorOptions().dtype(*type));
}

absl::StatusOr<Tensor> FromTorch(const at::Tensor& tensor) {
  std::optional<DataType> dtype = FromTorchType(tensor.scalar_type());
  if (!dtype.has_value()) {
    return absl::InvalidArgumentError(
        StrCat("the model returned a tensor of unsupported dtype ",
                     c10::toString(tensor.scalar_type())));
  }
  // A CPU model's output is usually CPU and contiguous already: keep it without a dispatch.
  auto owned = std::make_shared<at::Tensor>(
      tensor.is_cpu() && tensor.is_contiguous() ? tensor : tensor.to(at::kCPU).contiguous());
  Shape shape(owned->sizes().begin(), owned->sizes().end());
  void* data = owned->data_ptr();
  return Tensor::Wrap(*dtype, std::move(shape), std::move(owned), data);
}

}  // namespace serval
