// ParseKServeInferRequest and ParseKServeRawInferRequest: KServe v2 infer bodies, JSON with
// optional binary tensor data after it (protocols.md 3.4-3.6), into tensors.

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "protocol/kserve_json.h"
#include "protocol/kserve_json_tensor.h"
#include "protocol/raw_tensor.h"
#include "protocol/tfs_json_tensor.h"

namespace serval {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// The largest alignment a fixed-size element needs (INT64, FP64).
constexpr size_t kMaxElementAlignment = 8;

absl::Status Invalid(std::string message) { return absl::InvalidArgumentError(std::move(message)); }

// The JSON text of `value` for an error message, shortened when long.
std::string ValueText(element value) {
  return TfsJsonValueText(value, /*non_finite_markers=*/false);
}

std::string SpecNames(const std::vector<TensorSpec>& specs) {
  return absl::StrJoin(specs, ", ",
                       [](std::string* out, const TensorSpec& spec) { StrAppend(out, spec.name); });
}

// Parses the first `json_size` bytes of `body` with this thread's parser. The DOM lives in the
// parser (strings included: it keeps no pointer into `body`) until this thread parses again.
absl::StatusOr<element> ParseJson(std::string& body, size_t json_size) {
  thread_local simdjson::dom::parser parser;
  if (json_size == 0) {
    return Invalid("the request has no JSON: expected an inference request object");
  }
  if (body.capacity() < json_size + simdjson::SIMDJSON_PADDING) {
    body.reserve(json_size + simdjson::SIMDJSON_PADDING);
  }
  const simdjson::padded_string_view padded(body.data(), json_size, body.capacity());
  element root;
  const simdjson::error_code error = parser.parse(padded).get(root);
  if (error != simdjson::SUCCESS) {
    return Invalid(StrCat("malformed JSON in the inference request header (", json_size,
                          " bytes): ", simdjson::error_message(error)));
  }
  return root;
}

// Moves the binary data after the JSON a few bytes towards the front of `body` (over the end of
// the JSON, which is parsed already) so that it starts aligned for any element type: binary
// inputs can then alias it rather than be copied. Returns where the binary data now is.
std::string_view AlignBinarySection(std::string& body, size_t json_size) {
  const size_t binary_size = body.size() - json_size;
  const size_t shift = reinterpret_cast<uintptr_t>(body.data() + json_size) % kMaxElementAlignment;
  if (binary_size == 0 || shift == 0 || shift > json_size) {
    return std::string_view(body).substr(json_size);
  }
  std::memmove(body.data() + json_size - shift, body.data() + json_size, binary_size);
  return std::string_view(body).substr(json_size - shift, binary_size);
}

// The binary data after the JSON, handed to the binary inputs in the order they come.
class BinarySection {
 public:
  explicit BinarySection(std::string_view bytes) : bytes_(bytes) {}

  absl::StatusOr<std::string_view> Take(std::string_view input, uint64_t size) {
    const size_t left = bytes_.size() - taken_;
    if (size > left) {
      return Invalid(StrCat("input '", input, "': parameters.binary_data_size is ", size,
                            ", but only ", left, " bytes of binary data are left after the JSON",
                            bytes_.empty() ? " (is the Inference-Header-Content-Length header "
                                             "missing?)"
                                           : ""));
    }
    const std::string_view blob = bytes_.substr(taken_, size);
    taken_ += size;
    return blob;
  }

  absl::Status CheckAllTaken() const {
    if (taken_ == bytes_.size()) return absl::OkStatus();
    return Invalid(StrCat(bytes_.size(), " bytes of binary data follow the JSON, but the inputs' ",
                          "parameters.binary_data_size add up to ", taken_));
  }

 private:
  const std::string_view bytes_;
  size_t taken_ = 0;
};

// A member of `parent`, if present.
std::optional<element> Member(object parent, std::string_view key) {
  element value;
  if (parent.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

// An optional object member ("parameters"); `where` names its owner in errors.
absl::StatusOr<std::optional<object>> OptionalObject(object parent, std::string_view key,
                                                     std::string_view where) {
  std::optional<element> value = Member(parent, key);
  if (!value.has_value()) return std::nullopt;
  object result;
  if (value->get_object().get(result) != simdjson::SUCCESS) {
    return Invalid(StrCat(where, ": '", key, "' must be a JSON object, got ", ValueText(*value)));
  }
  return result;
}

absl::StatusOr<std::optional<bool>> OptionalBool(std::optional<object> parent, std::string_view key,
                                                 std::string_view where) {
  if (!parent.has_value()) return std::nullopt;
  std::optional<element> value = Member(*parent, key);
  if (!value.has_value()) return std::nullopt;
  bool result;
  if (value->get_bool().get(result) != simdjson::SUCCESS) {
    return Invalid(
        StrCat(where, ": parameter '", key, "' must be true or false, got ", ValueText(*value)));
  }
  return result;
}

absl::StatusOr<std::string_view> RequiredString(object parent, std::string_view key,
                                                std::string_view where) {
  std::optional<element> value = Member(parent, key);
  if (!value.has_value()) return Invalid(StrCat(where, " has no '", key, "'"));
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) {
    return Invalid(StrCat(where, ": '", key, "' must be a string, got ", ValueText(*value)));
  }
  return text;
}

// --- "inputs" --------------------------------------------------------------------------------

absl::StatusOr<DataType> ReadDataType(object input, std::string_view name, const TensorSpec& spec) {
  const std::string where = StrCat("input '", name, "'");
  ASSIGN_OR_RETURN(const std::string_view text, RequiredString(input, "datatype", where));
  const std::optional<DataType> dtype = ParseKServeDataType(text);
  if (!dtype.has_value()) {
    const std::optional<DataType> loose = ParseDataType(text);
    if (loose.has_value()) {
      return Invalid(StrCat(where, ": datatype '", text, "' is not a KServe datatype; write it '",
                            KServeDataTypeName(*loose), "' (upper case)"));
    }
    return Invalid(StrCat(where, ": unknown datatype '", text, "'"));
  }
  if (*dtype != spec.dtype) {
    return Invalid(StrCat(where, ": datatype ", text, " does not match the model's ",
                          KServeDataTypeName(spec.dtype)));
  }
  return *dtype;
}

absl::StatusOr<Shape> ReadShape(object input, std::string_view name) {
  std::optional<element> value = Member(input, "shape");
  if (!value.has_value()) return Invalid(StrCat("input '", name, "' has no 'shape'"));
  array dims;
  Shape shape;
  bool valid = value->get_array().get(dims) == simdjson::SUCCESS;
  if (valid) {
    for (element dim : dims) {
      int64_t size;
      valid = dim.type() == element_type::INT64 && dim.get_int64().get(size) == simdjson::SUCCESS &&
              size >= 0;
      if (!valid) break;
      shape.push_back(size);
    }
  }
  if (!valid) {
    return Invalid(StrCat("input '", name,
                          "': 'shape' must be a list of non-negative integers, got ",
                          ValueText(*value)));
  }
  return shape;
}

absl::StatusOr<std::optional<uint64_t>> ReadBinaryDataSize(std::optional<object> parameters,
                                                           std::string_view name) {
  if (!parameters.has_value()) return std::nullopt;
  std::optional<element> value = Member(*parameters, "binary_data_size");
  if (!value.has_value()) return std::nullopt;
  uint64_t size;
  if (value->get_uint64().get(size) != simdjson::SUCCESS) {
    return Invalid(StrCat("input '", name,
                          "': parameters.binary_data_size must be a non-negative integer, got ",
                          ValueText(*value)));
  }
  return size;
}

// Per-request state every input reads from.
struct RequestContext {
  const Signature& signature;
  BinarySection& binary;
  const std::shared_ptr<const void>& body;  // what binary inputs alias
};

// Reads inputs[`index`] into the slot of its signature input.
absl::Status ReadInput(element value, size_t index, RequestContext& request,
                       std::vector<std::optional<Tensor>>& slots) {
  object input;
  if (value.get_object().get(input) != simdjson::SUCCESS) {
    return Invalid(StrCat("inputs[", index, "] must be a JSON object, got ", ValueText(value)));
  }
  ASSIGN_OR_RETURN(const std::string_view name,
                   RequiredString(input, "name", StrCat("inputs[", index, "]")));
  const TensorSpec* spec = request.signature.FindInput(name);
  if (spec == nullptr) {
    return Invalid(StrCat("unknown input '", name,
                          "'; the model takes: ", SpecNames(request.signature.inputs)));
  }
  std::optional<Tensor>& slot = slots[spec - request.signature.inputs.data()];
  if (slot.has_value()) return Invalid(StrCat("input '", name, "' is given twice"));
  ASSIGN_OR_RETURN(const DataType dtype, ReadDataType(input, name, *spec));
  ASSIGN_OR_RETURN(const Shape shape, ReadShape(input, name));
  const std::optional<int64_t> elements = CheckedNumElements(shape);
  if (!elements.has_value()) {
    return Invalid(StrCat("input '", name, "': shape ", ShapeToString(shape),
                          " has more elements than a tensor can hold"));
  }
  ASSIGN_OR_RETURN(const std::optional<object> parameters,
                   OptionalObject(input, "parameters", StrCat("input '", name, "'")));
  ASSIGN_OR_RETURN(const std::optional<uint64_t> binary_size, ReadBinaryDataSize(parameters, name));
  const std::optional<element> data = Member(input, "data");
  if (binary_size.has_value() == data.has_value()) {
    return Invalid(StrCat("input '", name, "' must have exactly one of 'data' and ",
                          "parameters.binary_data_size, not ",
                          data.has_value() ? "both" : "neither"));
  }
  if (data.has_value()) {
    ASSIGN_OR_RETURN(slot, ReadKServeJsonData(name, dtype, shape, *elements, *data));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(const std::string_view bytes, request.binary.Take(name, *binary_size));
  ASSIGN_OR_RETURN(slot, TensorFromRawBytes(name, dtype, shape, bytes, request.body));
  return absl::OkStatus();
}

absl::StatusOr<NamedTensors> ReadInputs(object root, RequestContext& request) {
  std::optional<element> value = Member(root, "inputs");
  if (!value.has_value()) return Invalid("the request has no 'inputs'");
  array inputs;
  if (value->get_array().get(inputs) != simdjson::SUCCESS) {
    return Invalid(StrCat("'inputs' must be a JSON list, got ", ValueText(*value)));
  }
  const Signature& signature = request.signature;
  std::vector<std::optional<Tensor>> slots(signature.inputs.size());
  size_t index = 0;
  for (element input : inputs) RETURN_IF_ERROR(ReadInput(input, index++, request, slots));
  RETURN_IF_ERROR(request.binary.CheckAllTaken());
  // Signature order, which batching needs to join requests input by input.
  NamedTensors tensors;
  tensors.reserve(slots.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    if (!slots[i].has_value()) {
      return Invalid(StrCat("missing input '", signature.inputs[i].name,
                            "'; the model takes: ", SpecNames(signature.inputs)));
    }
    tensors.emplace_back(signature.inputs[i].name, *std::move(slots[i]));
  }
  return tensors;
}

// --- "id", "parameters", "outputs": how to answer ----------------------------------------------

absl::StatusOr<KServeRequestedOutput> ReadRequestedOutput(element value, size_t index,
                                                          const Signature& signature) {
  object output;
  if (value.get_object().get(output) != simdjson::SUCCESS) {
    return Invalid(StrCat("outputs[", index, "] must be a JSON object, got ", ValueText(value)));
  }
  ASSIGN_OR_RETURN(const std::string_view name,
                   RequiredString(output, "name", StrCat("outputs[", index, "]")));
  // Without declared outputs (a TorchScript Dict result) the names are known only after running;
  // the inference service then refuses an unknown one.
  if (!signature.outputs.empty() && signature.FindOutput(name) == nullptr) {
    return Invalid(
        StrCat("unknown output '", name, "'; the model returns: ", SpecNames(signature.outputs)));
  }
  const std::string where = StrCat("output '", name, "'");
  ASSIGN_OR_RETURN(const std::optional<object> parameters,
                   OptionalObject(output, "parameters", where));
  if (parameters.has_value() && Member(*parameters, "classification").has_value()) {
    return absl::UnimplementedError(
        StrCat(where, ": the classification extension is not supported"));
  }
  KServeRequestedOutput requested{std::string(name), std::nullopt};
  ASSIGN_OR_RETURN(requested.binary_data, OptionalBool(parameters, "binary_data", where));
  return requested;
}

absl::Status ReadRequestedOutputs(object root, const Signature& signature,
                                  KServeResponseOptions& response) {
  std::optional<element> value = Member(root, "outputs");
  if (!value.has_value()) return absl::OkStatus();
  array outputs;
  if (value->get_array().get(outputs) != simdjson::SUCCESS) {
    return Invalid(StrCat("'outputs' must be a JSON list, got ", ValueText(*value)));
  }
  size_t index = 0;
  for (element output : outputs) {
    ASSIGN_OR_RETURN(KServeRequestedOutput requested,
                     ReadRequestedOutput(output, index++, signature));
    for (const KServeRequestedOutput& earlier : response.outputs) {
      if (earlier.name == requested.name) {
        return Invalid(StrCat("output '", requested.name, "' is requested twice"));
      }
    }
    response.outputs.push_back(std::move(requested));
  }
  return absl::OkStatus();
}

// FP16 and BF16 have no JSON form: refuse before running rather than after.
absl::Status CheckJsonOutputTypes(const Signature& signature,
                                  const KServeResponseOptions& response) {
  for (const TensorSpec& spec : signature.outputs) {
    const bool returned =
        response.outputs.empty() || std::any_of(response.outputs.begin(), response.outputs.end(),
                                                [&spec](const KServeRequestedOutput& output) {
                                                  return output.name == spec.name;
                                                });
    if (returned && (spec.dtype == DataType::kFp16 || spec.dtype == DataType::kBf16) &&
        !response.IsBinary(spec.name)) {
      return Invalid(StrCat("output '", spec.name, "' is ", KServeDataTypeName(spec.dtype),
                            ", which JSON cannot carry; ask for it in binary "
                            "(parameters.binary_data: true)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<KServeResponseOptions> ReadResponseOptions(object root, const Signature& signature) {
  KServeResponseOptions response;
  if (std::optional<element> id = Member(root, "id")) {
    std::string_view text;
    if (id->get_string().get(text) != simdjson::SUCCESS) {
      return Invalid(StrCat("'id' must be a string, got ", ValueText(*id)));
    }
    response.id = std::string(text);
  }
  ASSIGN_OR_RETURN(const std::optional<object> parameters,
                   OptionalObject(root, "parameters", "the request"));
  ASSIGN_OR_RETURN(const std::optional<bool> binary_data_output,
                   OptionalBool(parameters, "binary_data_output", "the request"));
  response.binary_data_output = binary_data_output.value_or(false);
  RETURN_IF_ERROR(ReadRequestedOutputs(root, signature, response));
  RETURN_IF_ERROR(CheckJsonOutputTypes(signature, response));
  return response;
}

// --- raw binary requests ---------------------------------------------------------------------

// The shape of a raw binary input of `bytes` bytes (see ParseKServeRawInferRequest).
absl::StatusOr<Shape> RawInputShape(const TensorSpec& spec, size_t bytes) {
  const size_t element_size = DataTypeSize(spec.dtype);
  if (bytes % element_size != 0) {
    return Invalid(StrCat("input '", spec.name, "': ", bytes, " bytes of raw data are not a whole ",
                          "number of ", KServeDataTypeName(spec.dtype), " elements (", element_size,
                          " bytes each)"));
  }
  const auto elements = static_cast<int64_t>(bytes / element_size);
  if (!spec.has_shape) return Shape{elements};
  Shape shape = spec.shape;
  int64_t free_dims = std::count(shape.begin(), shape.end(), int64_t{-1});
  if (free_dims >= 2 && shape[0] == -1) {
    shape[0] = 1;  // batch 1, as Triton takes a raw request
    --free_dims;
  }
  if (free_dims >= 2) {
    return Invalid(StrCat("input '", spec.name, "': cannot deduce shape ",
                          ShapeToString(spec.shape), " from raw data: it has several free ",
                          "dimensions; send a JSON header with the shape"));
  }
  int64_t fixed = 1;
  for (int64_t dim : shape) fixed *= dim == -1 ? 1 : dim;
  if (free_dims == 1 && fixed > 0 && elements % fixed == 0) {
    *std::find(shape.begin(), shape.end(), int64_t{-1}) = elements / fixed;
    return shape;
  }
  if (free_dims == 0 && fixed == elements) return shape;
  return Invalid(StrCat("input '", spec.name, "': ", elements, " ", KServeDataTypeName(spec.dtype),
                        " elements of raw data do not fit shape ", ShapeToString(spec.shape)));
}

}  // namespace

bool KServeResponseOptions::IsBinary(std::string_view name) const {
  for (const KServeRequestedOutput& output : outputs) {
    if (output.name == name) return output.binary_data.value_or(binary_data_output);
  }
  return binary_data_output;
}

std::vector<std::string> KServeResponseOptions::OutputNames() const {
  std::vector<std::string> names;
  names.reserve(outputs.size());
  for (const KServeRequestedOutput& output : outputs) names.push_back(output.name);
  return names;
}

absl::StatusOr<size_t> ParseKServeJsonSize(std::string_view header_value, size_t body_size) {
  int32_t size = 0;
  if (!absl::SimpleAtoi(ToAbsl(header_value), &size) || size < 0 ||
      static_cast<size_t>(size) > body_size) {
    return Invalid(StrCat("Inference-Header-Content-Length must be an integer in [0, ", body_size,
                          "] (the body's length), got '", header_value, "'"));
  }
  return static_cast<size_t>(size);
}

absl::StatusOr<KServeInferRequest> ParseKServeInferRequest(std::shared_ptr<std::string> body,
                                                           size_t json_size,
                                                           const Signature& signature) {
  if (json_size > body->size()) {
    return Invalid(StrCat("the JSON is said to be ", json_size, " bytes, but the body has only ",
                          body->size()));
  }
  ASSIGN_OR_RETURN(const element root, ParseJson(*body, json_size));
  object request;
  if (root.get_object().get(request) != simdjson::SUCCESS) {
    return Invalid(StrCat("the inference request must be a JSON object, got ", ValueText(root)));
  }
  KServeInferRequest parsed;
  ASSIGN_OR_RETURN(parsed.response, ReadResponseOptions(request, signature));
  // The JSON is parsed, so its bytes may be overwritten now.
  BinarySection binary(AlignBinarySection(*body, json_size));
  const std::shared_ptr<const void> owner = body;
  RequestContext context{signature, binary, owner};
  ASSIGN_OR_RETURN(parsed.inputs, ReadInputs(request, context));
  return parsed;
}

absl::StatusOr<KServeInferRequest> ParseKServeRawInferRequest(std::shared_ptr<std::string> body,
                                                              const Signature& signature) {
  if (signature.inputs.size() != 1) {
    return Invalid(StrCat("a raw binary request (Inference-Header-Content-Length: 0) needs a ",
                          "model with exactly one input; this one takes ", signature.inputs.size(),
                          ": ", SpecNames(signature.inputs)));
  }
  const TensorSpec& spec = signature.inputs.front();
  if (spec.dtype == DataType::kString) {
    return Invalid(StrCat("input '", spec.name, "' is BYTES, which a raw binary request ",
                          "(Inference-Header-Content-Length: 0) cannot carry; send a JSON header"));
  }
  ASSIGN_OR_RETURN(const Shape shape, RawInputShape(spec, body->size()));
  const std::string_view bytes = *body;
  ASSIGN_OR_RETURN(Tensor tensor, TensorFromRawBytes(spec.name, spec.dtype, shape, bytes,
                                                     std::shared_ptr<const void>(body)));
  KServeInferRequest parsed;
  parsed.inputs.emplace_back(spec.name, std::move(tensor));
  parsed.response.binary_data_output = true;
  return parsed;
}

}  // namespace serval
