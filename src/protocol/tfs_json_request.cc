// ParseTfsPredictRequest: the structure of TF Serving :predict bodies (protocols.md 1.7). The
// values of each input are read by ReadTfsJsonTensor (tfs_json_tensor.h).

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "protocol/tfs_json.h"
#include "protocol/tfs_json_tensor.h"

namespace serval {
namespace {

using simdjson::dom::element;

struct ParsedBody {
  element root;
  size_t size = 0;                  // bytes parsed
  bool non_finite_markers = false;  // the body was rewritten by RewriteNonFiniteTokens
};

// Parses `body`, or `rewritten` built from it, with this thread's parser. The returned DOM lives
// in that parser and in `rewritten`: it is valid until this thread parses again.
absl::StatusOr<ParsedBody> ParseBody(std::string& body, std::string& rewritten) {
  thread_local simdjson::dom::parser parser;
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) {
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  }
  const simdjson::padded_string_view padded(body.data(), body.size(), body.capacity());
  const simdjson::simdjson_result<element> parsed = parser.parse(padded);
  const simdjson::error_code error = parsed.error();
  if (error == simdjson::SUCCESS) return ParsedBody{parsed.value_unsafe(), body.size(), false};
  if (error == simdjson::EMPTY) {
    return absl::InvalidArgumentError("JSON Parse error: The document is empty");
  }
  if (std::optional<std::string> with_markers = RewriteNonFiniteTokens(body)) {
    rewritten = std::move(*with_markers);
    rewritten.reserve(rewritten.size() + simdjson::SIMDJSON_PADDING);
    const simdjson::padded_string_view retry(rewritten.data(), rewritten.size(),
                                             rewritten.capacity());
    const simdjson::simdjson_result<element> reparsed = parser.parse(retry);
    if (reparsed.error() == simdjson::SUCCESS) {
      return ParsedBody{reparsed.value_unsafe(), rewritten.size(), true};
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("JSON Parse error: ", simdjson::error_message(error)));
}

// Per-request state shared by every input.
struct RequestContext {
  const Signature& signature;
  TfsJsonTensorOptions tensor_options;
};

// An object that maps input names to values (rather than a b64 leaf).
bool IsNamedObject(element value) { return value.is_object() && !IsTfsB64Object(value); }

int FindInputIndex(const Signature& signature, std::string_view name) {
  for (size_t i = 0; i < signature.inputs.size(); ++i) {
    if (signature.inputs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Distributes the members of row object `row` (element `index` of "instances") to `values`,
// one list per input, checking that its keys are exactly the input names.
absl::Status SplitNamedRow(element row, size_t index, const Signature& signature,
                           std::vector<std::vector<element>>& values) {
  const simdjson::dom::object object = row.get_object().value_unsafe();
  for (const simdjson::dom::key_value_pair member : object) {
    const int input = FindInputIndex(signature, member.key);
    if (input < 0) {
      return absl::InvalidArgumentError(absl::StrCat("Element ", index, " of 'instances' has key '",
                                                     std::string(member.key),
                                                     "', which is not an input of the signature"));
    }
    if (values[input].size() > index) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Element ", index, " of 'instances' has duplicate key '", std::string(member.key), "'"));
    }
    values[input].push_back(member.value);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].size() <= index) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Element ", index, " of 'instances' is missing named input: ", signature.inputs[i].name));
    }
  }
  return absl::OkStatus();
}

absl::Status NeedsNamedObjectError(std::string_view key, const Signature& signature) {
  return absl::InvalidArgumentError(absl::StrCat("The signature has ", signature.inputs.size(),
                                                 " inputs, so ", std::string(key),
                                                 " must be a JSON object keyed by input name"));
}

absl::StatusOr<NamedTensors> ReadInstances(element instances, const RequestContext& request) {
  const Signature& signature = request.signature;
  simdjson::dom::array rows;
  if (instances.get_array().get(rows) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("Expecting 'instances' to be a list/array");
  }
  if (rows.size() == 0) return absl::InvalidArgumentError("'instances' is an empty list");
  const bool named = IsNamedObject(*rows.begin());
  if (!named && signature.inputs.size() != 1) {
    return NeedsNamedObjectError("each element of 'instances'", signature);
  }
  std::vector<std::vector<element>> values(signature.inputs.size());
  for (std::vector<element>& input_values : values) input_values.reserve(rows.size());
  size_t index = 0;
  for (element row : rows) {
    if (IsNamedObject(row) != named) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Element ", index, " of 'instances' is ", named ? "not " : "",
          "a JSON object, unlike element 0; objects and other values cannot be mixed"));
    }
    if (named) {
      RETURN_IF_ERROR(SplitNamedRow(row, index, signature, values));
    } else {
      values[0].push_back(row);
    }
    ++index;
  }
  NamedTensors tensors;
  tensors.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const TensorSpec& spec = signature.inputs[i];
    ASSIGN_OR_RETURN(Tensor tensor,
                     ReadTfsJsonTensor(spec, values[i], /*rows=*/true, request.tensor_options));
    tensors.emplace_back(spec.name, std::move(tensor));
  }
  return tensors;
}

absl::StatusOr<NamedTensors> ReadInputs(element inputs, const RequestContext& request) {
  const Signature& signature = request.signature;
  NamedTensors tensors;
  tensors.reserve(signature.inputs.size());
  if (!IsNamedObject(inputs)) {
    if (signature.inputs.size() != 1) return NeedsNamedObjectError("'inputs'", signature);
    const TensorSpec& spec = signature.inputs.front();
    ASSIGN_OR_RETURN(Tensor tensor,
                     ReadTfsJsonTensor(spec, {inputs}, /*rows=*/false, request.tensor_options));
    tensors.emplace_back(spec.name, std::move(tensor));
    return tensors;
  }
  const simdjson::dom::object object = inputs.get_object().value_unsafe();
  for (const TensorSpec& spec : signature.inputs) {
    element value;
    if (object.at_key(spec.name).get(value) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(
          absl::StrCat("Missing named input: ", spec.name, " in 'inputs' object."));
    }
    ASSIGN_OR_RETURN(Tensor tensor,
                     ReadTfsJsonTensor(spec, {value}, /*rows=*/false, request.tensor_options));
    tensors.emplace_back(spec.name, std::move(tensor));
  }
  return tensors;
}

absl::StatusOr<std::string> ReadSignatureName(simdjson::dom::object root) {
  element value;
  if (root.at_key("signature_name").get(value) != simdjson::SUCCESS) return std::string();
  std::string_view name;
  if (value.get_string().get(name) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("'signature_name' key must be a string value.");
  }
  return std::string(name);
}

}  // namespace

absl::StatusOr<TfsPredictRequest> ParseTfsPredictRequest(
    std::string& body, const SignatureResolver& resolve_signature) {
  std::string rewritten;
  ASSIGN_OR_RETURN(const ParsedBody parsed, ParseBody(body, rewritten));
  simdjson::dom::object root;
  if (parsed.root.get_object().get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON Value: ", TfsJsonValueText(parsed.root, parsed.non_finite_markers),
                     " Is not object"));
  }
  TfsPredictRequest request;
  ASSIGN_OR_RETURN(request.signature_name, ReadSignatureName(root));
  element instances;
  element inputs;
  const bool has_instances = root.at_key("instances").get(instances) == simdjson::SUCCESS;
  const bool has_inputs = root.at_key("inputs").get(inputs) == simdjson::SUCCESS;
  if (has_instances && has_inputs) {
    return absl::InvalidArgumentError(
        "Not formatted correctly, expecting only one of 'inputs' or 'instances' keys to exist");
  }
  if (!has_instances && !has_inputs) {
    return absl::InvalidArgumentError("Missing 'inputs' or 'instances' key");
  }
  ASSIGN_OR_RETURN(const Signature* signature, resolve_signature(request.signature_name));
  if (signature == nullptr) return absl::InternalError("signature resolver returned null");
  if (signature->inputs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Signature '", signature->name, "' has no inputs"));
  }
  const RequestContext context{*signature, {parsed.size, parsed.non_finite_markers}};
  request.row_format = has_instances;
  if (has_instances) {
    ASSIGN_OR_RETURN(request.inputs, ReadInstances(instances, context));
  } else {
    ASSIGN_OR_RETURN(request.inputs, ReadInputs(inputs, context));
  }
  return request;
}

}  // namespace serval
