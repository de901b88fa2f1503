// The KServe v2 bodies Serval writes: infer responses (JSON, with binary outputs after it when
// asked), server and model metadata, model readiness and errors (protocols.md 3.3-3.7).

#include <string>
#include <string_view>
#include <vector>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "protocol/json_tensor_values.h"
#include "protocol/json_writer.h"
#include "protocol/kserve_json.h"
#include "protocol/raw_tensor.h"
#include "protocol/tfs_json.h"

namespace serval {
namespace {

void WriteShape(JsonWriter& writer, const Shape& shape) {
  writer.BeginArray();
  for (int64_t dim : shape) writer.Int(dim);
  writer.EndArray();
}

void WriteTensorMetadata(JsonWriter& writer, const TensorSpec& spec) {
  writer.BeginObject();
  writer.Key("name");
  writer.String(spec.name);
  writer.Key("datatype");
  writer.String(KServeDataTypeName(spec.dtype));
  writer.Key("shape");
  // Without a declared shape even the rank is unknown; [-1] is the closest KServe can say.
  WriteShape(writer, spec.has_shape ? spec.shape : Shape{-1});
  writer.EndObject();
}

void WriteTensorMetadataList(JsonWriter& writer, const std::vector<TensorSpec>& specs) {
  writer.BeginArray();
  for (const TensorSpec& spec : specs) WriteTensorMetadata(writer, spec);
  writer.EndArray();
}

// The outputs to write, in the order the request asked for them (else as the service returned
// them, which is the signature's order).
absl::StatusOr<std::vector<const NamedTensor*>> OrderOutputs(const NamedTensors& outputs,
                                                             const KServeResponseOptions& options) {
  std::vector<const NamedTensor*> ordered;
  ordered.reserve(outputs.size());
  if (options.outputs.empty()) {
    for (const NamedTensor& output : outputs) ordered.push_back(&output);
    return ordered;
  }
  for (const KServeRequestedOutput& requested : options.outputs) {
    const NamedTensor* found = nullptr;
    for (const NamedTensor& output : outputs) {
      if (output.first == requested.name) found = &output;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(
          StrCat("unknown output '", requested.name, "': the model did not return it"));
    }
    ordered.push_back(found);
  }
  return ordered;
}

// One entry of "outputs": a binary output gets its byte count; its bytes follow the JSON.
absl::Status WriteOutput(JsonWriter& writer, const NamedTensor& output, bool as_binary) {
  const auto& [name, tensor] = output;
  writer.BeginObject();
  writer.Key("name");
  writer.String(name);
  writer.Key("datatype");
  writer.String(KServeDataTypeName(tensor.dtype()));
  writer.Key("shape");
  WriteShape(writer, tensor.shape());
  if (as_binary) {
    writer.Key("parameters");
    writer.BeginObject();
    writer.Key("binary_data_size");
    writer.Uint(RawByteSize(tensor));
    writer.EndObject();
  } else {
    if (tensor.dtype() == DataType::kFp16 || tensor.dtype() == DataType::kBf16) {
      return absl::InvalidArgumentError(
          StrCat("output '", name, "' is ", KServeDataTypeName(tensor.dtype()),
                 ", which JSON cannot carry; ask for it in binary (parameters.binary_data: true)"));
    }
    writer.Key("data");
    const int64_t flat[] = {tensor.num_elements()};
    WriteJsonTensorValues(writer, tensor, 0, flat, /*strings_as_b64=*/false);
  }
  writer.EndObject();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KServeInferResponseBody> WriteKServeInferResponse(
    std::string_view model_name, int64_t model_version, const NamedTensors& outputs,
    const KServeResponseOptions& options) {
  ASSIGN_OR_RETURN(const std::vector<const NamedTensor*> ordered, OrderOutputs(outputs, options));
  std::string body;
  JsonWriter writer(&body);
  writer.BeginObject();
  writer.Key("model_name");
  writer.String(model_name);
  writer.Key("model_version");
  writer.String(StrCat(model_version));
  if (options.id.has_value()) {
    writer.Key("id");
    writer.String(*options.id);
  }
  writer.Key("outputs");
  writer.BeginArray();
  std::vector<const Tensor*> binary;
  size_t binary_size = 0;
  for (const NamedTensor* output : ordered) {
    const bool as_binary = options.IsBinary(output->first);
    RETURN_IF_ERROR(WriteOutput(writer, *output, as_binary));
    if (as_binary) {
      binary.push_back(&output->second);
      binary_size += RawByteSize(output->second);
    }
  }
  writer.EndArray();
  writer.EndObject();
  if (binary.empty()) return KServeInferResponseBody{std::move(body), std::nullopt};
  // Each output's bytes are copied once, straight into the body.
  const size_t json_size = body.size();
  body.reserve(json_size + binary_size);
  for (const Tensor* tensor : binary) RETURN_IF_ERROR(AppendRawBytes(*tensor, body));
  return KServeInferResponseBody{std::move(body), json_size};
}

std::string WriteKServeServerMetadata(std::string_view name, std::string_view version,
                                      absl::Span<const std::string_view> extensions) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  writer.Key("name");
  writer.String(name);
  writer.Key("version");
  writer.String(version);
  writer.Key("extensions");
  writer.BeginArray();
  for (std::string_view extension : extensions) writer.String(extension);
  writer.EndArray();
  writer.EndObject();
  return json;
}

std::string WriteKServeModelMetadata(std::string_view name, absl::Span<const int64_t> versions,
                                     std::string_view platform, const Signature& signature) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  writer.Key("name");
  writer.String(name);
  writer.Key("versions");
  writer.BeginArray();
  for (int64_t version : versions) writer.String(StrCat(version));
  writer.EndArray();
  writer.Key("platform");
  writer.String(platform);
  writer.Key("inputs");
  WriteTensorMetadataList(writer, signature.inputs);
  writer.Key("outputs");
  WriteTensorMetadataList(writer, signature.outputs);
  writer.EndObject();
  return json;
}

std::string WriteKServeModelReady(std::string_view name, bool ready) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  writer.Key("name");
  writer.String(name);
  writer.Key("ready");
  writer.Bool(ready);
  writer.EndObject();
  return json;
}

// The same {"error": ...} body as TF Serving's.
std::string WriteKServeError(const absl::Status& status) { return WriteTfsError(status); }

}  // namespace serval
