#include "core/tensor.h"

#include <limits>

#include "common/check.h"
#include "absl/strings/str_join.h"
#include "common/str_cat.h"

namespace serval {

int64_t NumElements(const Shape& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

std::optional<int64_t> CheckedNumElements(const Shape& shape) {
  // A zero anywhere makes the count 0 whatever the other dimensions multiply to.
  bool empty = false;
  for (int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    empty = empty || dim == 0;
  }
  if (empty) return 0;
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (count > std::numeric_limits<int64_t>::max() / dim) return std::nullopt;
    count *= dim;
  }
  return count;
}

std::string ShapeToString(const Shape& shape) {
  return StrCat("[", absl::StrJoin(shape, ", "), "]");
}

Tensor::Tensor() : Tensor(DataType::kFp32, Shape{0}) {}

Tensor Tensor::Zeros(DataType dtype, Shape shape) {
  Tensor tensor(dtype, std::move(shape));
  const int64_t count = tensor.num_elements();
  if (dtype == DataType::kString) {
    auto values = std::make_shared<std::vector<std::string>>(count);
    tensor.strings_ = std::shared_ptr<std::string>(values, values->data());
  } else {
    // make_shared<T[]> value-initializes, so the buffer starts zeroed.
    std::shared_ptr<std::byte[]> buffer = std::make_shared<std::byte[]>(tensor.byte_size());
    tensor.bytes_ = std::shared_ptr<std::byte>(buffer, buffer.get());
  }
  return tensor;
}

Tensor Tensor::Wrap(DataType dtype, Shape shape, std::shared_ptr<void> owner, void* data) {
  CHECK(dtype != DataType::kString) << "Wrap takes fixed-size dtypes only";
  Tensor tensor(dtype, std::move(shape));
  tensor.bytes_ = std::shared_ptr<std::byte>(std::move(owner), static_cast<std::byte*>(data));
  return tensor;
}

Tensor Tensor::FromStrings(Shape shape, std::vector<std::string> values) {
  Tensor tensor(DataType::kString, std::move(shape));
  CHECK_EQ(static_cast<int64_t>(values.size()), tensor.num_elements());
  auto owned = std::make_shared<std::vector<std::string>>(std::move(values));
  tensor.strings_ = std::shared_ptr<std::string>(owned, owned->data());
  return tensor;
}

absl::Span<const std::string> Tensor::strings() const {
  if (dtype_ != DataType::kString) return {};
  return absl::MakeConstSpan(strings_.get(), num_elements());
}

absl::Span<std::string> Tensor::mutable_strings() {
  if (dtype_ != DataType::kString) return {};
  return absl::MakeSpan(strings_.get(), num_elements());
}

Tensor Tensor::Slice(int64_t begin, int64_t end) const {
  CHECK(!shape_.empty()) << "Slice needs rank >= 1";
  CHECK(0 <= begin && begin <= end && end <= shape_[0]) << begin << ":" << end;
  Shape shape = shape_;
  shape[0] = end - begin;
  Tensor view(dtype_, std::move(shape));
  const int64_t row_elements = shape_[0] == 0 ? 0 : num_elements() / shape_[0];
  if (dtype_ == DataType::kString) {
    view.strings_ = std::shared_ptr<std::string>(strings_, strings_.get() + begin * row_elements);
  } else {
    const size_t offset = begin * row_elements * DataTypeSize(dtype_);
    view.bytes_ = std::shared_ptr<std::byte>(bytes_, bytes_.get() + offset);
  }
  return view;
}

}  // namespace serval
