// ReadKServeJsonData: a KServe v2 input's JSON "data" into a tensor buffer (protocols.md 3.4).
//
// Two passes over the simdjson DOM: the first counts the leaves, however the lists nest, so that a
// count that does not match the shape is refused before anything is allocated; the second converts
// the leaves, in row-major order, straight into the new tensor's buffer.

#include "protocol/kserve_json_tensor.h"

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "protocol/tfs_json_tensor.h"

namespace serval {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

std::string ValueText(element value) {
  return TfsJsonValueText(value, /*non_finite_markers=*/false);
}

// Leaves of `value`, however deeply it nests lists: "data" may be flat or nested.
int64_t CountLeaves(element value) {
  array list;
  if (value.get_array().get(list) != simdjson::SUCCESS) return 1;
  int64_t count = 0;
  for (element child : list) count += CountLeaves(child);
  return count;
}

absl::Status LeafError(std::string_view input, DataType dtype, int64_t index, element leaf,
                       std::string_view expected) {
  return Invalid(StrCat("input '", input, "': element ", index, " of 'data' is ", ValueText(leaf),
                        ", not ", expected, " (datatype ", KServeDataTypeName(dtype), ")"));
}

template <typename T>
absl::Status ReadLeaf(std::string_view input, DataType dtype, int64_t index, element leaf, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::string_view text;
    if (leaf.get_string().get(text) != simdjson::SUCCESS) {
      return LeafError(input, dtype, index, leaf, "a string");
    }
    out.assign(text);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (leaf.get_bool().get(out) != simdjson::SUCCESS) {
      return LeafError(input, dtype, index, leaf, "true or false");
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    double value;
    if (leaf.get_double().get(value) != simdjson::SUCCESS) {
      return LeafError(input, dtype, index, leaf, "a number");
    }
    out = static_cast<T>(value);
  } else {
    // simdjson types a number UINT64 only above INT64_MAX, which no supported dtype holds.
    int64_t value;
    if (leaf.type() != element_type::INT64 || leaf.get_int64().get(value) != simdjson::SUCCESS) {
      return LeafError(input, dtype, index, leaf, "an integer");
    }
    if constexpr (sizeof(T) < sizeof(int64_t)) {
      if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
        return LeafError(input, dtype, index, leaf, "an integer in range");
      }
    }
    out = static_cast<T>(value);
  }
  return absl::OkStatus();
}

// Writes the leaves of nested lists, in row-major order, to consecutive elements.
template <typename T>
class DataFiller {
 public:
  DataFiller(std::string_view input, DataType dtype, T* out)
      : input_(input), dtype_(dtype), out_(out) {}

  absl::Status Fill(element value) {
    array list;
    if (value.get_array().get(list) == simdjson::SUCCESS) {
      for (element child : list) RETURN_IF_ERROR(Fill(child));
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(ReadLeaf(input_, dtype_, next_, value, out_[next_]));
    ++next_;
    return absl::OkStatus();
  }

 private:
  const std::string_view input_;
  const DataType dtype_;
  T* const out_;
  int64_t next_ = 0;
};

template <typename T>
absl::StatusOr<Tensor> FillTensor(std::string_view input, DataType dtype, const Shape& shape,
                                  element data) {
  Tensor tensor = Tensor::Zeros(dtype, shape);
  T* out;
  if constexpr (std::is_same_v<T, std::string>) {
    out = tensor.mutable_strings().data();
  } else {
    out = tensor.mutable_data<T>();
  }
  RETURN_IF_ERROR(DataFiller<T>(input, dtype, out).Fill(data));
  return tensor;
}

}  // namespace

absl::StatusOr<Tensor> ReadKServeJsonData(std::string_view input, DataType dtype,
                                          const Shape& shape, int64_t elements, element data) {
  if (!data.is_array()) {
    return Invalid(StrCat("input '", input, "': 'data' must be a JSON list (flat or nested), got ",
                          ValueText(data)));
  }
  const int64_t leaves = CountLeaves(data);
  if (leaves != elements) {
    return Invalid(StrCat("input '", input, "': 'data' holds ", leaves, " elements, but shape ",
                          ShapeToString(shape), " has ", elements));
  }
  switch (dtype) {
    case DataType::kBool:
      return FillTensor<bool>(input, dtype, shape, data);
    case DataType::kUint8:
      return FillTensor<uint8_t>(input, dtype, shape, data);
    case DataType::kInt8:
      return FillTensor<int8_t>(input, dtype, shape, data);
    case DataType::kInt16:
      return FillTensor<int16_t>(input, dtype, shape, data);
    case DataType::kInt32:
      return FillTensor<int32_t>(input, dtype, shape, data);
    case DataType::kInt64:
      return FillTensor<int64_t>(input, dtype, shape, data);
    case DataType::kFp32:
      return FillTensor<float>(input, dtype, shape, data);
    case DataType::kFp64:
      return FillTensor<double>(input, dtype, shape, data);
    case DataType::kString:
      return FillTensor<std::string>(input, dtype, shape, data);
    case DataType::kFp16:
    case DataType::kBf16:
      break;
  }
  return Invalid(StrCat("input '", input, "': ", KServeDataTypeName(dtype),
                        " data cannot be sent as JSON; send it in binary "
                        "(parameters.binary_data_size and the Inference-Header-Content-Length "
                        "header)"));
}

}  // namespace serval
