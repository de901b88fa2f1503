#include "protocol/kserve_grpc.h"

#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "common/str_cat.h"
#include "common/status_macros.h"
#include "protocol/raw_tensor.h"

namespace serval {
namespace {

using InputTensor = inference::ModelInferRequest::InferInputTensor;

absl::Status Invalid(std::string_view input, std::string_view message) {
  return absl::InvalidArgumentError(StrCat("input '", input, "': ", message));
}

// Copies `values` into the tensor's elements, converting each; their count must be the tensor's.
template <typename T, typename Values>
absl::Status CopyValues(std::string_view input, std::string_view field, const Values& values,
                        Tensor& tensor) {
  if (values.size() != tensor.num_elements()) {
    return Invalid(input, StrCat("contents.", field, " has ", values.size(),
                                 " values; shape ", ShapeToString(tensor.shape()), " needs ",
                                 tensor.num_elements()));
  }
  T* out = tensor.mutable_data<T>();
  for (int i = 0; i < values.size(); ++i) out[i] = static_cast<T>(values.Get(i));
  return absl::OkStatus();
}

template <typename T>
absl::Status CopyNarrowInts(std::string_view input, const InputTensor& proto, Tensor& tensor) {
  for (int32_t value : proto.contents().int_contents()) {
    if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
      return Invalid(input, StrCat("int_contents value ", value, " is out of range for ",
                                   proto.datatype()));
    }
  }
  return CopyValues<T>(input, "int_contents", proto.contents().int_contents(), tensor);
}

absl::Status CopyTypedContents(const InputTensor& proto, Tensor& tensor) {
  const std::string& name = proto.name();
  const inference::InferTensorContents& contents = proto.contents();
  switch (tensor.dtype()) {
    case DataType::kBool:
      return CopyValues<bool>(name, "bool_contents", contents.bool_contents(), tensor);
    case DataType::kUint8:
      for (uint32_t value : contents.uint_contents()) {
        if (value > 255) return Invalid(name, StrCat("uint_contents value ", value, " is out of range for UINT8"));
      }
      return CopyValues<uint8_t>(name, "uint_contents", contents.uint_contents(), tensor);
    case DataType::kInt8:
      return CopyNarrowInts<int8_t>(name, proto, tensor);
    case DataType::kInt16:
      return CopyNarrowInts<int16_t>(name, proto, tensor);
    case DataType::kInt32:
      return CopyValues<int32_t>(name, "int_contents", contents.int_contents(), tensor);
    case DataType::kInt64:
      return CopyValues<int64_t>(name, "int64_contents", contents.int64_contents(), tensor);
    case DataType::kFp32:
      return CopyValues<float>(name, "fp32_contents", contents.fp32_contents(), tensor);
    case DataType::kFp64:
      return CopyValues<double>(name, "fp64_contents", contents.fp64_contents(), tensor);
    case DataType::kString: {
      const auto& values = contents.bytes_contents();
      if (values.size() != tensor.num_elements()) {
        return Invalid(name, StrCat("contents.bytes_contents has ", values.size(),
                                    " values; shape ", ShapeToString(tensor.shape()), " needs ",
                                    tensor.num_elements()));
      }
      std::copy(values.begin(), values.end(), tensor.mutable_strings().begin());
      return absl::OkStatus();
    }
    case DataType::kFp16:
    case DataType::kBf16:
      return Invalid(name, StrCat(proto.datatype(),
                                  " has no typed contents field; send it in raw_input_contents"));
  }
  return absl::OkStatus();
}

struct InputHead {
  DataType dtype;
  Shape shape;
};

absl::StatusOr<InputHead> ReadHead(const InputTensor& proto) {
  const std::optional<DataType> dtype = ParseKServeDataType(proto.datatype());
  if (!dtype.has_value()) {
    return Invalid(proto.name(), StrCat("datatype '", proto.datatype(),
                                        "' is not one Serval serves (BOOL, UINT8, INT8, INT16, "
                                        "INT32, INT64, FP16, BF16, FP32, FP64, BYTES)"));
  }
  Shape shape(proto.shape().begin(), proto.shape().end());
  if (!CheckedNumElements(shape).has_value()) {
    return Invalid(proto.name(), StrCat("shape ", ShapeToString(shape),
                                        " has a negative dimension or too many elements"));
  }
  return InputHead{*dtype, std::move(shape)};
}

}  // namespace

absl::StatusOr<std::optional<int64_t>> ParseKServeVersion(const std::string& version) {
  if (version.empty()) return std::optional<int64_t>();
  int64_t number = 0;
  if (!absl::SimpleAtoi(version, &number) || number < 0) {
    return absl::InvalidArgumentError(
        StrCat("model_version must be a version number, not '", version, "'"));
  }
  return std::optional<int64_t>(number);
}

absl::StatusOr<NamedTensors> DecodeModelInferInputs(inference::ModelInferRequest& request) {
  const bool raw = request.raw_input_contents_size() > 0;
  if (raw && request.raw_input_contents_size() != request.inputs_size()) {
    return absl::InvalidArgumentError(
        StrCat("the request has ", request.inputs_size(), " inputs but ",
               request.raw_input_contents_size(),
               " raw_input_contents; with raw contents every input needs one, in order"));
  }
  NamedTensors inputs;
  inputs.reserve(request.inputs_size());
  for (int i = 0; i < request.inputs_size(); ++i) {
    const InputTensor& proto = request.inputs(i);
    if (raw && proto.has_contents()) {
      return Invalid(proto.name(),
                     "has typed contents while the request also has raw_input_contents; use "
                     "one form for every input");
    }
    ASSIGN_OR_RETURN(InputHead head, ReadHead(proto));
    if (raw) {
      // Moved, not copied: the tensor's buffer is the request's own bytes.
      auto bytes = std::make_shared<std::string>();
      bytes->swap(*request.mutable_raw_input_contents(i));
      const std::string_view view(*bytes);
      ASSIGN_OR_RETURN(Tensor tensor,
                       TensorFromRawBytes(proto.name(), head.dtype, head.shape, view,
                                          std::move(bytes)));
      inputs.emplace_back(proto.name(), std::move(tensor));
    } else {
      Tensor tensor = Tensor::Zeros(head.dtype, std::move(head.shape));
      RETURN_IF_ERROR(CopyTypedContents(proto, tensor));
      inputs.emplace_back(proto.name(), std::move(tensor));
    }
  }
  return inputs;
}

std::vector<std::string> RequestedOutputs(const inference::ModelInferRequest& request) {
  std::vector<std::string> names;
  names.reserve(request.outputs_size());
  for (const auto& output : request.outputs()) names.push_back(output.name());
  return names;
}

absl::Status EncodeModelInferResponse(const InferenceResponse& result, const std::string& id,
                                      inference::ModelInferResponse& response) {
  response.set_model_name(result.model_name);
  response.set_model_version(StrCat(result.model_version));
  if (!id.empty()) response.set_id(id);
  for (const auto& [name, tensor] : result.outputs) {
    inference::ModelInferResponse::InferOutputTensor* output = response.add_outputs();
    output->set_name(name);
    output->set_datatype(std::string(KServeDataTypeName(tensor.dtype())));
    for (int64_t dim : tensor.shape()) output->add_shape(dim);
    std::string& raw = *response.add_raw_output_contents();
    raw.reserve(RawByteSize(tensor));
    RETURN_IF_ERROR(AppendRawBytes(tensor, raw));
  }
  return absl::OkStatus();
}

}  // namespace serval
