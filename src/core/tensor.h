#ifndef SERVAL_CORE_TENSOR_H_
#define SERVAL_CORE_TENSOR_H_

// Tensor: a dtype, a shape and a shared, reference-counted buffer.
//
// Copying a Tensor copies the handle, not the elements: copies and slices share the buffer, and
// the buffer lives until the last view of it is gone. This is what lets a batch output be split
// into per-request views, and a runtime's own output memory (a LibTorch tensor, say) be handed to
// a protocol writer without copying it.
//
// Thread safety: a Tensor is a value; concurrent reads are safe. Writing the elements through
// mutable_data() while another thread reads the same buffer is the caller's race to avoid.
//
//   Tensor t = Tensor::Zeros(DataType::kFp32, {4, 2});
//   t.mutable_data<float>()[0] = 1.5f;
//   Tensor rows = t.Slice(1, 3);  // shape {2, 2}, same buffer

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "core/data_type.h"

namespace serval {

// Dimensions, outermost first. In a Tensor every dimension is >= 0; in a Signature -1 marks a
// dimension of any size.
using Shape = std::vector<int64_t>;

// The number of elements of a concrete shape (1 for rank 0).
int64_t NumElements(const Shape& shape);

// NumElements for a shape from outside (a client's request): nullopt when a dimension is negative
// or the count does not fit in int64_t.
std::optional<int64_t> CheckedNumElements(const Shape& shape);

// "[2, -1, 3]"
std::string ShapeToString(const Shape& shape);

class Tensor {
 public:
  // An empty fp32 tensor of shape {0}.
  Tensor();

  // A new tensor with its own zero-filled buffer (empty strings for kString).
  static Tensor Zeros(DataType dtype, Shape shape);

  // A tensor over `data`, which `owner` keeps alive; no copy. `data` must hold
  // NumElements(shape) elements of `dtype` (a fixed-size dtype), row-major and contiguous.
  static Tensor Wrap(DataType dtype, Shape shape, std::shared_ptr<void> owner, void* data);

  // A kString tensor that takes ownership of `values` (NumElements(shape) of them).
  static Tensor FromStrings(Shape shape, std::vector<std::string> values);

  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t num_elements() const { return NumElements(shape_); }
  // Bytes of element data; 0 for kString.
  size_t byte_size() const { return num_elements() * DataTypeSize(dtype_); }

  // Element access for fixed-size dtypes. T must match dtype() in size; not checked.
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(bytes_.get());
  }
  template <typename T>
  T* mutable_data() {
    return reinterpret_cast<T*>(bytes_.get());
  }
  const void* raw_data() const { return bytes_.get(); }
  void* mutable_raw_data() { return bytes_.get(); }

  // Elements of a kString tensor; empty for other dtypes.
  absl::Span<const std::string> strings() const;
  absl::Span<std::string> mutable_strings();

  // Rows [begin, end) along dimension 0 as a view of the same buffer. Requires rank >= 1 and
  // 0 <= begin <= end <= shape()[0].
  Tensor Slice(int64_t begin, int64_t end) const;

 private:
  Tensor(DataType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {}

  DataType dtype_;
  Shape shape_;
  // First element of this view, sharing ownership of the whole buffer (aliasing shared_ptr).
  std::shared_ptr<std::byte> bytes_;
  std::shared_ptr<std::string> strings_;  // same, for kString
};

}  // namespace serval

#endif  // SERVAL_CORE_TENSOR_H_
