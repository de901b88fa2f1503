#include "tools/predict_body.h"

#include <cstdint>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "protocol/json_writer.h"
#include "tools/random_tensor.h"

namespace serval {
namespace {

void WriteElement(const Tensor& tensor, int64_t index, JsonWriter& writer) {
  switch (tensor.dtype()) {
    case DataType::kBool:
      return writer.Bool(tensor.data<bool>()[index]);
    case DataType::kUint8:
      return writer.Int(tensor.data<uint8_t>()[index]);
    case DataType::kInt8:
      return writer.Int(tensor.data<int8_t>()[index]);
    case DataType::kInt16:
      return writer.Int(tensor.data<int16_t>()[index]);
    case DataType::kInt32:
      return writer.Int(tensor.data<int32_t>()[index]);
    case DataType::kInt64:
      return writer.Int(tensor.data<int64_t>()[index]);
    case DataType::kFp32:
      return writer.Float(tensor.data<float>()[index]);
    case DataType::kFp64:
      return writer.Double(tensor.data<double>()[index]);
    case DataType::kString:
      return writer.String(tensor.strings()[index]);
    case DataType::kFp16:
    case DataType::kBf16:
      break;  // rejected by CheckWritable
  }
}

// Writes the elements [offset, offset + NumElements(shape[dim:])) as nested lists.
void WriteNested(const Tensor& tensor, size_t dim, int64_t offset, JsonWriter& writer) {
  const Shape& shape = tensor.shape();
  if (dim == shape.size()) return WriteElement(tensor, offset, writer);
  int64_t stride = 1;
  for (size_t d = dim + 1; d < shape.size(); ++d) stride *= shape[d];
  writer.BeginArray();
  for (int64_t i = 0; i < shape[dim]; ++i)
    WriteNested(tensor, dim + 1, offset + i * stride, writer);
  writer.EndArray();
}

int64_t RowSize(const Tensor& tensor) {
  return tensor.shape()[0] == 0 ? 0 : tensor.num_elements() / tensor.shape()[0];
}

absl::Status CheckWritable(const NamedTensors& inputs, PredictBodyFormat format) {
  if (inputs.empty()) return absl::InvalidArgumentError("no inputs to send");
  for (const auto& [name, tensor] : inputs) {
    if (tensor.dtype() == DataType::kFp16 || tensor.dtype() == DataType::kBf16) {
      return absl::InvalidArgumentError(StrCat("input '", name, "': ", DataTypeName(tensor.dtype()),
                                               " cannot be sent in TF Serving's JSON"));
    }
    if (format != PredictBodyFormat::kInstances) continue;
    if (tensor.shape().empty()) {
      return absl::InvalidArgumentError(
          StrCat("input '", name,
                 "' is a scalar, which \"instances\" cannot carry; use "
                 "--body_format=inputs"));
    }
    if (tensor.shape()[0] != inputs.front().second.shape()[0]) {
      return absl::InvalidArgumentError(StrCat(
          "inputs '", inputs.front().first, "' and '", name,
          "' differ in dimension 0, which \"instances\" needs equal; use --body_format=inputs"));
    }
  }
  return absl::OkStatus();
}

void WriteInstances(const NamedTensors& inputs, JsonWriter& writer) {
  writer.BeginArray();
  for (int64_t row = 0; row < inputs.front().second.shape()[0]; ++row) {
    if (inputs.size() > 1) writer.BeginObject();
    for (const auto& [name, tensor] : inputs) {
      if (inputs.size() > 1) writer.Key(name);
      WriteNested(tensor, 1, row * RowSize(tensor), writer);
    }
    if (inputs.size() > 1) writer.EndObject();
  }
  writer.EndArray();
}

void WriteColumns(const NamedTensors& inputs, JsonWriter& writer) {
  if (inputs.size() == 1) return WriteNested(inputs.front().second, 0, 0, writer);
  writer.BeginObject();
  for (const auto& [name, tensor] : inputs) {
    writer.Key(name);
    WriteNested(tensor, 0, 0, writer);
  }
  writer.EndObject();
}

}  // namespace

std::string_view PredictBodyFormatName(PredictBodyFormat format) {
  return format == PredictBodyFormat::kInstances ? "instances" : "inputs";
}

absl::StatusOr<std::string> MakePredictBody(const NamedTensors& inputs, PredictBodyFormat format) {
  RETURN_IF_ERROR(CheckWritable(inputs, format));
  std::string body;
  JsonWriter writer(&body);
  writer.BeginObject();
  writer.Key(PredictBodyFormatName(format));
  if (format == PredictBodyFormat::kInstances) {
    WriteInstances(inputs, writer);
  } else {
    WriteColumns(inputs, writer);
  }
  writer.EndObject();
  return body;
}

absl::StatusOr<std::string> MakeRandomPredictBody(const std::vector<TensorSpec>& specs,
                                                  PredictBodyFormat format,
                                                  std::mt19937_64& random) {
  NamedTensors inputs;
  for (const TensorSpec& spec : specs) {
    inputs.emplace_back(spec.name, RandomTensor(spec.dtype, spec.shape, random));
  }
  return MakePredictBody(inputs, format);
}

}  // namespace serval
