// The TF Serving JSON bodies Serval writes: predict responses, model status, model metadata and
// errors (protocols.md 1.4-1.7).

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "core/status_codes.h"
#include "protocol/json_tensor_values.h"
#include "protocol/json_writer.h"
#include "protocol/tfs_json.h"

namespace serval {
namespace {

// Debian 12's Abseil has its own string_view type, which does not convert to std::string_view.
std::string_view ToStd(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

bool WritesAsB64(const NamedTensor& output) {
  return output.second.dtype() == DataType::kString && absl::EndsWith(output.first, "_bytes");
}

void WriteWholeTensor(JsonWriter& writer, const NamedTensor& output) {
  WriteJsonTensorValues(writer, output.second, 0, output.second.shape(), WritesAsB64(output));
}

void WriteRow(JsonWriter& writer, const NamedTensor& output, int64_t row) {
  const absl::Span<const int64_t> row_dims = absl::MakeConstSpan(output.second.shape()).subspan(1);
  int64_t row_elements = 1;
  for (int64_t dim : row_dims) row_elements *= dim;
  WriteJsonTensorValues(writer, output.second, row * row_elements, row_dims, WritesAsB64(output));
}

// The batch size every output shares, as row format needs.
absl::StatusOr<int64_t> CommonBatchSize(const NamedTensors& outputs) {
  int64_t batch_size = -1;
  for (const auto& [name, tensor] : outputs) {
    if (tensor.shape().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Tensor name: ", name, " has no shape information"));
    }
    if (batch_size >= 0 && tensor.shape()[0] != batch_size) {
      return absl::InvalidArgumentError(
          absl::StrCat("Tensor name: ", name, " has inconsistent batch size: ", tensor.shape()[0],
                       " expecting: ", batch_size));
    }
    batch_size = tensor.shape()[0];
  }
  return batch_size < 0 ? 0 : batch_size;
}

absl::Status WritePredictions(JsonWriter& writer, const NamedTensors& outputs) {
  ASSIGN_OR_RETURN(const int64_t batch_size, CommonBatchSize(outputs));
  writer.BeginArray();
  for (int64_t row = 0; row < batch_size; ++row) {
    if (outputs.size() == 1) {
      WriteRow(writer, outputs.front(), row);
      continue;
    }
    writer.BeginObject();
    for (const NamedTensor& output : outputs) {
      writer.Key(output.first);
      WriteRow(writer, output, row);
    }
    writer.EndObject();
  }
  writer.EndArray();
  return absl::OkStatus();
}

void WriteOutputs(JsonWriter& writer, const NamedTensors& outputs) {
  if (outputs.size() == 1) {
    WriteWholeTensor(writer, outputs.front());
    return;
  }
  writer.BeginObject();
  for (const NamedTensor& output : outputs) {
    writer.Key(output.first);
    WriteWholeTensor(writer, output);
  }
  writer.EndObject();
}

// A TensorInfo of the metadata signature_def, with int64 sizes as strings.
void WriteTensorInfo(JsonWriter& writer, const TensorSpec& spec) {
  writer.BeginObject();
  writer.Key("dtype");
  writer.String(TfDataTypeName(spec.dtype));
  writer.Key("tensor_shape");
  writer.BeginObject();
  writer.Key("dim");
  writer.BeginArray();
  if (spec.has_shape) {
    for (int64_t dim : spec.shape) {
      writer.BeginObject();
      writer.Key("size");
      writer.String(absl::StrCat(dim));
      writer.Key("name");
      writer.String("");
      writer.EndObject();
    }
  }
  writer.EndArray();
  writer.Key("unknown_rank");
  writer.Bool(!spec.has_shape);
  writer.EndObject();
  writer.Key("name");
  writer.String(spec.name);
  writer.EndObject();
}

void WriteTensorInfoMap(JsonWriter& writer, const std::vector<TensorSpec>& specs) {
  writer.BeginObject();
  for (const TensorSpec& spec : specs) {
    writer.Key(spec.name);
    WriteTensorInfo(writer, spec);
  }
  writer.EndObject();
}

// One SignatureDef, as TF Serving prints a predict signature.
void WriteSignatureDef(JsonWriter& writer, const Signature& signature) {
  writer.BeginObject();
  writer.Key("inputs");
  WriteTensorInfoMap(writer, signature.inputs);
  writer.Key("outputs");
  WriteTensorInfoMap(writer, signature.outputs);
  writer.Key("method_name");
  writer.String("tensorflow/serving/predict");
  writer.Key("defaults");
  writer.BeginObject();
  writer.EndObject();
  writer.EndObject();
}

}  // namespace

absl::StatusOr<std::string> WriteTfsPredictResponse(const NamedTensors& outputs, bool row_format) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  if (row_format) {
    writer.Key("predictions");
    RETURN_IF_ERROR(WritePredictions(writer, outputs));
  } else {
    writer.Key("outputs");
    WriteOutputs(writer, outputs);
  }
  writer.EndObject();
  return json;
}

std::string WriteTfsModelStatus(absl::Span<const ServableVersionStatus> versions) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  writer.Key("model_version_status");
  writer.BeginArray();
  for (const ServableVersionStatus& version : versions) {
    writer.BeginObject();
    writer.Key("version");
    writer.String(absl::StrCat(version.version));
    writer.Key("state");
    writer.String(ServableStateName(version.state));
    writer.Key("status");
    writer.BeginObject();
    writer.Key("error_code");
    writer.String(StatusCodeName(version.status.code()));
    writer.Key("error_message");
    writer.String(ToStd(version.status.message()));
    writer.EndObject();
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return json;
}

std::string WriteTfsModelMetadata(std::string_view model_name, int64_t version,
                                  const Signature& signature) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  writer.Key("model_spec");
  writer.BeginObject();
  writer.Key("name");
  writer.String(model_name);
  writer.Key("signature_name");
  writer.String("");
  writer.Key("version");
  writer.String(absl::StrCat(version));
  writer.EndObject();
  writer.Key("metadata");
  writer.BeginObject();
  writer.Key("signature_def");  // the metadata map's key
  writer.BeginObject();
  writer.Key("signature_def");  // SignatureDefMap's only field
  writer.BeginObject();
  writer.Key(signature.name);
  WriteSignatureDef(writer, signature);
  writer.EndObject();  // inner signature_def
  writer.EndObject();  // outer signature_def
  writer.EndObject();  // metadata
  writer.EndObject();
  return json;
}

std::string WriteTfsError(const absl::Status& status) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  writer.Key("error");
  writer.String(ToStd(status.message()));
  writer.EndObject();
  return json;
}

}  // namespace serval
