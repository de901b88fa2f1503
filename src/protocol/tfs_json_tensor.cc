// ReadTfsJsonTensor and its helpers: TF Serving JSON values into tensors (protocols.md 1.7).
//
// Each tensor is read in two passes over the simdjson DOM: the first follows the first element
// at each depth to find the shape, the second checks every list against that shape and converts
// the leaves straight into the tensor's buffer.

#include "protocol/tfs_json_tensor.h"

#include <cstdint>
#include <limits>
#include <type_traits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace serval {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kMaxValueTextChars = 80;

// Debian 12's Abseil has its own string_view type, which std::string_view does not convert to.
absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// The tokens RewriteNonFiniteTokens replaces, and their markers.
struct NonFiniteToken {
  std::string_view token;
  std::string_view marker;       // the string simdjson hands back
  std::string_view marker_json;  // how it is written into the rewritten body
  double value;
};

constexpr NonFiniteToken kNonFiniteTokens[] = {
    {"NaN", "\001serval:NaN", R"("\u0001serval:NaN")", std::numeric_limits<double>::quiet_NaN()},
    {"Infinity", "\001serval:Infinity", R"("\u0001serval:Infinity")",
     std::numeric_limits<double>::infinity()},
    {"-Infinity", "\001serval:-Infinity", R"("\u0001serval:-Infinity")",
     -std::numeric_limits<double>::infinity()},
};

const NonFiniteToken* FindNonFiniteMarker(element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return nullptr;
  for (const NonFiniteToken& token : kNonFiniteTokens) {
    if (text == token.marker) return &token;
  }
  return nullptr;
}

// How one input's values are read, and how errors name it.
struct InputContext {
  std::string_view name;
  DataType dtype;
  bool non_finite_markers = false;
  int64_t row = -1;  // the element of "instances" being read; -1 in columnar format
};

// TensorFlow's lower-case dtype names, which TF Serving's error messages use.
std::string_view TfTypeName(DataType dtype) {
  switch (dtype) {
    case DataType::kFp32:
      return "float";
    case DataType::kFp64:
      return "double";
    case DataType::kFp16:
      return "half";
    case DataType::kBf16:
      return "bfloat16";
    case DataType::kString:
      return "string";
    default:
      return DataTypeName(dtype);
  }
}

std::string Location(const InputContext& input) {
  if (input.row < 0) return absl::StrCat("Input '", ToAbsl(input.name), "'");
  return absl::StrCat("Input '", ToAbsl(input.name), "' (element ", input.row, " of 'instances')");
}

std::string ValueText(element value, const InputContext& input) {
  return TfsJsonValueText(value, input.non_finite_markers);
}

absl::Status TypeError(element value, const InputContext& input, std::string_view detail = "") {
  return absl::InvalidArgumentError(
      absl::StrCat(Location(input), ": JSON Value: ", ValueText(value, input),
                   " not of expected type: ", ToAbsl(TfTypeName(input.dtype)), ToAbsl(detail)));
}

template <typename T>
absl::Status ReadFloatingLeaf(element leaf, const InputContext& input, T& out) {
  switch (leaf.type()) {
    case element_type::DOUBLE:
      out = static_cast<T>(leaf.get_double().value_unsafe());
      return absl::OkStatus();
    case element_type::INT64:
      out = static_cast<T>(leaf.get_int64().value_unsafe());
      return absl::OkStatus();
    case element_type::UINT64:
      out = static_cast<T>(leaf.get_uint64().value_unsafe());
      return absl::OkStatus();
    case element_type::STRING:
      if (input.non_finite_markers) {
        if (const NonFiniteToken* token = FindNonFiniteMarker(leaf)) {
          out = static_cast<T>(token->value);
          return absl::OkStatus();
        }
      }
      break;
    default:
      break;
  }
  return TypeError(leaf, input);
}

template <typename T>
absl::Status ReadIntegerLeaf(element leaf, const InputContext& input, T& out) {
  // simdjson types a number UINT64 only above INT64_MAX, which no supported dtype holds.
  if (leaf.type() == element_type::UINT64) return TypeError(leaf, input, " (out of range)");
  if (leaf.type() != element_type::INT64) return TypeError(leaf, input);
  const int64_t value = leaf.get_int64().value_unsafe();
  if constexpr (sizeof(T) < sizeof(int64_t)) {
    if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
      return TypeError(leaf, input, " (out of range)");
    }
  }
  out = static_cast<T>(value);
  return absl::OkStatus();
}

absl::Status ReadBoolLeaf(element leaf, const InputContext& input, bool& out) {
  if (leaf.get_bool().get(out) != simdjson::SUCCESS) return TypeError(leaf, input);
  return absl::OkStatus();
}

absl::Status ReadStringLeaf(element leaf, const InputContext& input, std::string& out) {
  std::string_view text;
  if (leaf.get_string().get(text) == simdjson::SUCCESS) {
    if (input.non_finite_markers && FindNonFiniteMarker(leaf) != nullptr) {
      return TypeError(leaf, input);
    }
    out.assign(text);
    return absl::OkStatus();
  }
  if (!IsTfsB64Object(leaf)) return TypeError(leaf, input, " (nor a {\"b64\": \"...\"} object)");
  const std::string_view encoded = leaf["b64"].get_string().value_unsafe();
  if (!absl::Base64Unescape(ToAbsl(encoded), &out)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Location(input), ": Unable to base64 decode: ", ValueText(leaf, input)));
  }
  return absl::OkStatus();
}

// Converts one JSON leaf into an element of the input's dtype.
template <typename T>
absl::Status ReadLeaf(element leaf, const InputContext& input, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    return ReadStringLeaf(leaf, input, out);
  } else if constexpr (std::is_same_v<T, bool>) {
    return ReadBoolLeaf(leaf, input, out);
  } else if constexpr (std::is_floating_point_v<T>) {
    return ReadFloatingLeaf(leaf, input, out);
  } else {
    return ReadIntegerLeaf(leaf, input, out);
  }
}

// The shape implied by following the first element at each depth.
Shape InferShape(element value) {
  Shape shape;
  simdjson::dom::array list;
  while (value.get_array().get(list) == simdjson::SUCCESS) {
    shape.push_back(static_cast<int64_t>(list.size()));
    if (list.size() == 0) break;
    value = *list.begin();
  }
  return shape;
}

// Every leaf takes at least one byte of the body, so a shape promising more elements than the
// body has bytes cannot be filled: the lists are ragged. Checked before allocating the tensor.
bool ShapeFitsBody(const Shape& shape, size_t body_size) {
  const int64_t limit = static_cast<int64_t>(body_size);
  int64_t elements = 1;
  for (int64_t dim : shape) {
    if (dim == 0) return true;
    if (elements > limit / dim) return false;
    elements *= dim;
  }
  return true;
}

absl::Status RaggedError(const InputContext& input, size_t found, int64_t expected) {
  return absl::InvalidArgumentError(absl::StrCat(
      Location(input), ": ragged nested lists: found a list of ", found, " elements where ",
      expected, " were expected (every list at one depth must have the length of the first)"));
}

absl::Status MixedDepthError(const InputContext& input, bool found_list) {
  return absl::InvalidArgumentError(
      absl::StrCat(Location(input), ": values sit at different depths of the nested lists (found ",
                   found_list ? "a list where a value" : "a value where a list", " was expected)"));
}

// Checks nested lists against `shape` and writes their leaves, in row-major order, to `out`.
template <typename T>
class TensorFiller {
 public:
  TensorFiller(const Shape& shape, T* out, InputContext input)
      : shape_(shape), next_(out), input_(input) {}

  // Fills from `value`, whose dimensions are shape[depth:].
  absl::Status Fill(element value, size_t depth) {
    if (depth == shape_.size()) {
      if (value.is_array()) return MixedDepthError(input_, /*found_list=*/true);
      return ReadLeaf(value, input_, *next_++);
    }
    simdjson::dom::array list;
    if (value.get_array().get(list) != simdjson::SUCCESS) {
      return MixedDepthError(input_, /*found_list=*/false);
    }
    if (static_cast<int64_t>(list.size()) != shape_[depth]) {
      return RaggedError(input_, list.size(), shape_[depth]);
    }
    for (element child : list) RETURN_IF_ERROR(Fill(child, depth + 1));
    return absl::OkStatus();
  }

  void set_row(int64_t row) { input_.row = row; }

 private:
  const Shape& shape_;
  T* next_;
  InputContext input_;
};

// Builds the tensor of one input from `values`: the whole tensor (columnar), or one value per
// batch row, stacked along a new dimension 0 (`rows`).
template <typename T>
absl::StatusOr<Tensor> ReadTypedTensor(absl::Span<const element> values, bool rows,
                                       const InputContext& input, size_t body_size) {
  Shape shape = InferShape(values.front());
  if (rows) shape.insert(shape.begin(), static_cast<int64_t>(values.size()));
  if (!ShapeFitsBody(shape, body_size)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Location(input), ": ragged nested lists: the first list at each depth implies shape ",
        ShapeToString(shape), ", more elements than the request holds"));
  }
  Tensor tensor = Tensor::Zeros(input.dtype, shape);
  T* out;
  if constexpr (std::is_same_v<T, std::string>) {
    out = tensor.mutable_strings().data();
  } else {
    out = tensor.mutable_data<T>();
  }
  TensorFiller<T> filler(tensor.shape(), out, input);
  if (!rows) {
    RETURN_IF_ERROR(filler.Fill(values.front(), 0));
    return tensor;
  }
  for (size_t row = 0; row < values.size(); ++row) {
    filler.set_row(static_cast<int64_t>(row));
    RETURN_IF_ERROR(filler.Fill(values[row], 1));
  }
  return tensor;
}

}  // namespace

absl::StatusOr<Tensor> ReadTfsJsonTensor(const TensorSpec& spec, absl::Span<const element> values,
                                         bool rows, const TfsJsonTensorOptions& options) {
  const InputContext input{spec.name, spec.dtype, options.non_finite_markers};
  const size_t size = options.body_size;
  switch (spec.dtype) {
    case DataType::kBool:
      return ReadTypedTensor<bool>(values, rows, input, size);
    case DataType::kUint8:
      return ReadTypedTensor<uint8_t>(values, rows, input, size);
    case DataType::kInt8:
      return ReadTypedTensor<int8_t>(values, rows, input, size);
    case DataType::kInt16:
      return ReadTypedTensor<int16_t>(values, rows, input, size);
    case DataType::kInt32:
      return ReadTypedTensor<int32_t>(values, rows, input, size);
    case DataType::kInt64:
      return ReadTypedTensor<int64_t>(values, rows, input, size);
    case DataType::kFp32:
      return ReadTypedTensor<float>(values, rows, input, size);
    case DataType::kFp64:
      return ReadTypedTensor<double>(values, rows, input, size);
    case DataType::kString:
      return ReadTypedTensor<std::string>(values, rows, input, size);
    case DataType::kFp16:
    case DataType::kBf16:
      break;
  }
  return absl::UnimplementedError(absl::StrCat("Input '", spec.name, "': dtype ",
                                               ToAbsl(TfTypeName(spec.dtype)),
                                               " is not supported in JSON requests"));
}

std::optional<std::string> RewriteNonFiniteTokens(std::string_view body) {
  std::string out;
  bool replaced = false;
  bool in_string = false;
  for (size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (in_string) {
      const size_t length = (c == '\\' && i + 1 < body.size()) ? 2 : 1;
      out.append(body.substr(i, length));
      in_string = c != '"';
      i += length;
      continue;
    }
    const NonFiniteToken* match = nullptr;
    for (const NonFiniteToken& token : kNonFiniteTokens) {
      if (body.substr(i).starts_with(token.token)) match = &token;
    }
    if (match != nullptr) {
      out.append(match->marker_json);
      i += match->token.size();
      replaced = true;
      continue;
    }
    in_string = c == '"';
    out.push_back(c);
    ++i;
  }
  if (!replaced) return std::nullopt;
  return out;
}

bool IsTfsB64Object(element value) {
  simdjson::dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS || object.size() != 1) return false;
  const simdjson::dom::key_value_pair member = *object.begin();
  return member.key == "b64" && member.value.is_string();
}

std::string TfsJsonValueText(element value, bool non_finite_markers) {
  if (non_finite_markers) {
    if (const NonFiniteToken* token = FindNonFiniteMarker(value)) return std::string(token->token);
  }
  std::string text = simdjson::to_string(value);
  if (text.size() > kMaxValueTextChars) {
    text.resize(kMaxValueTextChars);
    text.append("...");
  }
  return text;
}

}  // namespace serval
