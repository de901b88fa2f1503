#include "batching/batch_tensors.h"

#include <algorithm>
#include <cstring>

#include "common/status_macros.h"
#include "common/str_cat.h"

namespace serval {
namespace {

std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

// Copies `src` into `dst` starting at row `row`; dst's other dimensions are at least src's.
class RegionCopier {
 public:
  RegionCopier(const Tensor& src, Tensor& dst)
      : src_(src), dst_(dst), src_strides_(Strides(src.shape())), dst_strides_(Strides(dst.shape())) {}

  void CopyAt(int64_t row) {
    // Same dimensions after the first: the rows are one contiguous run.
    if (std::equal(src_.shape().begin() + 1, src_.shape().end(), dst_.shape().begin() + 1)) {
      return CopyRun(0, row * dst_strides_[0], src_.num_elements());
    }
    Copy(0, 0, row * dst_strides_[0]);
  }

 private:
  void Copy(size_t dim, int64_t src_offset, int64_t dst_offset) {
    const int64_t count = src_.shape()[dim];
    if (dim + 1 == src_.shape().size()) return CopyRun(src_offset, dst_offset, count);
    for (int64_t i = 0; i < count; ++i) {
      Copy(dim + 1, src_offset + i * src_strides_[dim], dst_offset + i * dst_strides_[dim]);
    }
  }

  void CopyRun(int64_t src_offset, int64_t dst_offset, int64_t count) {
    if (src_.dtype() == DataType::kString) {
      std::copy_n(src_.strings().begin() + src_offset, count,
                  dst_.mutable_strings().begin() + dst_offset);
      return;
    }
    const size_t size = DataTypeSize(src_.dtype());
    std::memcpy(static_cast<std::byte*>(dst_.mutable_raw_data()) + dst_offset * size,
                static_cast<const std::byte*>(src_.raw_data()) + src_offset * size, count * size);
  }

  const Tensor& src_;
  Tensor& dst_;
  const std::vector<int64_t> src_strides_;
  const std::vector<int64_t> dst_strides_;
};

// The shape of the joined tensor for input `index` of `parts`.
absl::StatusOr<Shape> JoinedShape(absl::Span<const NamedTensors* const> parts, size_t index,
                                  int64_t rows, bool pad_variable_length) {
  const Tensor& first = (*parts[0])[index].second;
  const std::string& name = (*parts[0])[index].first;
  Shape shape = first.shape();
  shape[0] = rows;
  for (const NamedTensors* part : parts) {
    const Tensor& tensor = (*part)[index].second;
    if ((*part)[index].first != name || tensor.dtype() != first.dtype() ||
        tensor.shape().size() != shape.size()) {
      return absl::InvalidArgumentError(
          StrCat("input ", name, ": requests in one batch must have the same inputs, dtypes "
                 "and ranks"));
    }
    for (size_t d = 1; d < shape.size(); ++d) {
      if (tensor.shape()[d] == shape[d]) continue;
      if (!pad_variable_length) {
        return absl::InvalidArgumentError(StrCat(
            "input ", name, ": shape ", ShapeToString(tensor.shape()),
            " cannot join a batch of shape ", ShapeToString(first.shape()),
            " (dimension ", d, " differs; pad_variable_length_inputs allows it)"));
      }
      shape[d] = std::max(shape[d], tensor.shape()[d]);
    }
  }
  return shape;
}

}  // namespace

absl::StatusOr<int64_t> BatchRows(const NamedTensors& inputs) {
  if (inputs.empty()) return absl::InvalidArgumentError("a batched request needs inputs");
  int64_t rows = -1;
  for (const auto& [name, tensor] : inputs) {
    if (tensor.shape().empty()) {
      return absl::InvalidArgumentError(
          StrCat("input ", name, " is a scalar; batching needs a batch dimension"));
    }
    if (rows >= 0 && tensor.shape()[0] != rows) {
      return absl::InvalidArgumentError(StrCat("inputs disagree on the batch size: ", name,
                                               " has ", tensor.shape()[0], " rows, not ", rows));
    }
    rows = tensor.shape()[0];
  }
  return rows;
}

absl::StatusOr<NamedTensors> ConcatenateInputs(absl::Span<const NamedTensors* const> parts,
                                               int64_t rows, bool pad_variable_length) {
  NamedTensors batch;
  if (parts.empty()) return batch;
  for (size_t index = 0; index < parts[0]->size(); ++index) {
    for (const NamedTensors* part : parts) {
      if (part->size() != parts[0]->size()) {
        return absl::InvalidArgumentError("requests in one batch must have the same inputs");
      }
    }
    ASSIGN_OR_RETURN(Shape shape, JoinedShape(parts, index, rows, pad_variable_length));
    Tensor joined = Tensor::Zeros((*parts[0])[index].second.dtype(), std::move(shape));
    int64_t row = 0;
    for (const NamedTensors* part : parts) {
      const Tensor& tensor = (*part)[index].second;
      if (tensor.num_elements() > 0) RegionCopier(tensor, joined).CopyAt(row);
      row += tensor.shape()[0];
    }
    batch.emplace_back((*parts[0])[index].first, std::move(joined));
  }
  return batch;
}

absl::StatusOr<std::vector<NamedTensors>> SplitOutputs(const NamedTensors& outputs,
                                                       absl::Span<const int64_t> sizes) {
  int64_t total = 0;
  for (int64_t size : sizes) total += size;
  std::vector<NamedTensors> parts(sizes.size());
  for (const auto& [name, tensor] : outputs) {
    if (tensor.shape().empty() || tensor.shape()[0] < total) {
      return absl::InvalidArgumentError(
          StrCat("output ", name, " has shape ", ShapeToString(tensor.shape()), "; a batch of ",
                 total, " rows needs at least that many rows back"));
    }
    int64_t begin = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      parts[i].emplace_back(name, tensor.Slice(begin, begin + sizes[i]));
      begin += sizes[i];
    }
  }
  return parts;
}

NamedTensors SliceRows(const NamedTensors& inputs, int64_t begin, int64_t end) {
  NamedTensors rows;
  for (const auto& [name, tensor] : inputs) rows.emplace_back(name, tensor.Slice(begin, end));
  return rows;
}

absl::StatusOr<NamedTensors> JoinOutputs(absl::Span<const NamedTensors> parts) {
  if (parts.size() == 1) return parts[0];
  std::vector<const NamedTensors*> pointers;
  int64_t rows = 0;
  for (const NamedTensors& part : parts) {
    pointers.push_back(&part);
    if (!part.empty()) rows += part[0].second.shape().empty() ? 0 : part[0].second.shape()[0];
  }
  return ConcatenateInputs(pointers, rows, /*pad_variable_length=*/false);
}

}  // namespace serval
