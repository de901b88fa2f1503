#include "protocol/tensor_proto.h"

#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "common/str_cat.h"
#include "common/status_macros.h"
#include "protocol/raw_tensor.h"

namespace serval {
namespace {

absl::Status Invalid(std::string_view name, std::string_view message) {
  return absl::InvalidArgumentError(StrCat("input '", name, "': ", message));
}

absl::StatusOr<Shape> ShapeFromProto(std::string_view name,
                                     const tensorflow::TensorShapeProto& proto) {
  if (proto.unknown_rank()) return Invalid(name, "the tensor_shape has an unknown rank");
  Shape shape;
  shape.reserve(proto.dim_size());
  for (const auto& dim : proto.dim()) shape.push_back(dim.size());
  if (!CheckedNumElements(shape).has_value()) {
    return Invalid(name, StrCat("the tensor_shape ", ShapeToString(shape),
                                " has a negative dimension or too many elements"));
  }
  return shape;
}

// Fills `out[0, count)` from `values`: as many as there are, then the last one repeated; zeros
// when there are none (TensorFlow's rule for the typed fields).
template <typename Out, typename Values, typename Convert>
void FillRepeatingLast(const Values& values, int64_t count, Out* out, Convert convert) {
  const int64_t given = std::min<int64_t>(values.size(), count);
  for (int64_t i = 0; i < given; ++i) out[i] = convert(values.Get(static_cast<int>(i)));
  const Out fill = given == 0 ? Out{} : out[given - 1];
  for (int64_t i = given; i < count; ++i) out[i] = fill;
}

template <typename T, typename Values>
absl::Status FillNarrowInts(std::string_view name, const Values& values, Tensor& tensor) {
  for (int32_t value : values) {
    if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
      return Invalid(name, StrCat("int_val ", value, " is out of range for ",
                                  DataTypeName(tensor.dtype())));
    }
  }
  FillRepeatingLast(values, tensor.num_elements(), tensor.mutable_data<T>(),
                    [](int32_t value) { return static_cast<T>(value); });
  return absl::OkStatus();
}

template <typename T, typename Values>
void Fill(const Values& values, Tensor& tensor) {
  FillRepeatingLast(values, tensor.num_elements(), tensor.mutable_data<T>(),
                    [](auto value) { return static_cast<T>(value); });
}

absl::Status FillFromTypedField(std::string_view name, const tensorflow::TensorProto& proto,
                                Tensor& tensor) {
  switch (tensor.dtype()) {
    case DataType::kFp32:
      Fill<float>(proto.float_val(), tensor);
      return absl::OkStatus();
    case DataType::kFp64:
      Fill<double>(proto.double_val(), tensor);
      return absl::OkStatus();
    case DataType::kInt32:
      Fill<int32_t>(proto.int_val(), tensor);
      return absl::OkStatus();
    case DataType::kInt64:
      Fill<int64_t>(proto.int64_val(), tensor);
      return absl::OkStatus();
    case DataType::kBool:
      Fill<bool>(proto.bool_val(), tensor);
      return absl::OkStatus();
    case DataType::kInt16:
      return FillNarrowInts<int16_t>(name, proto.int_val(), tensor);
    case DataType::kInt8:
      return FillNarrowInts<int8_t>(name, proto.int_val(), tensor);
    case DataType::kUint8:
      return FillNarrowInts<uint8_t>(name, proto.int_val(), tensor);
    case DataType::kFp16:
    case DataType::kBf16:
      // The 16-bit pattern sits in the low bits of each int32.
      FillRepeatingLast(proto.half_val(), tensor.num_elements(), tensor.mutable_data<uint16_t>(),
                        [](int32_t bits) { return static_cast<uint16_t>(bits & 0xffff); });
      return absl::OkStatus();
    case DataType::kString:
      FillRepeatingLast(proto.string_val(), tensor.num_elements(),
                        tensor.mutable_strings().data(),
                        [](const std::string& value) { return value; });
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

template <typename T, typename Field>
void AppendValues(const Tensor& tensor, Field& field) {
  const T* values = tensor.data<T>();
  field.Reserve(static_cast<int>(tensor.num_elements()));
  for (int64_t i = 0; i < tensor.num_elements(); ++i) field.AddAlreadyReserved(values[i]);
}

template <typename T>
void AppendAsInt32(const Tensor& tensor, google::protobuf::RepeatedField<int32_t>& field) {
  const T* values = tensor.data<T>();
  field.Reserve(static_cast<int>(tensor.num_elements()));
  for (int64_t i = 0; i < tensor.num_elements(); ++i) {
    field.AddAlreadyReserved(static_cast<int32_t>(values[i]));
  }
}

void WriteTypedField(const Tensor& tensor, tensorflow::TensorProto& proto) {
  switch (tensor.dtype()) {
    case DataType::kFp32: {
      // Contiguous floats: one bulk copy.
      auto& field = *proto.mutable_float_val();
      field.Resize(static_cast<int>(tensor.num_elements()), 0.0f);
      if (tensor.num_elements() > 0) {
        std::memcpy(field.mutable_data(), tensor.raw_data(), tensor.byte_size());
      }
      return;
    }
    case DataType::kFp64:
      return AppendValues<double>(tensor, *proto.mutable_double_val());
    case DataType::kInt32:
      return AppendValues<int32_t>(tensor, *proto.mutable_int_val());
    case DataType::kInt64:
      return AppendValues<int64_t>(tensor, *proto.mutable_int64_val());
    case DataType::kBool:
      return AppendValues<bool>(tensor, *proto.mutable_bool_val());
    case DataType::kInt16:
      return AppendAsInt32<int16_t>(tensor, *proto.mutable_int_val());
    case DataType::kInt8:
      return AppendAsInt32<int8_t>(tensor, *proto.mutable_int_val());
    case DataType::kUint8:
      return AppendAsInt32<uint8_t>(tensor, *proto.mutable_int_val());
    case DataType::kFp16:
    case DataType::kBf16:
      return AppendAsInt32<uint16_t>(tensor, *proto.mutable_half_val());
    case DataType::kString:
      for (const std::string& value : tensor.strings()) proto.add_string_val(value);
      return;
  }
}

tensorflow::TensorShapeProto ShapeToProto(const Shape& shape) {
  tensorflow::TensorShapeProto proto;
  for (int64_t dim : shape) proto.add_dim()->set_size(dim);
  return proto;
}

tensorflow::TensorInfo TensorInfoFromSpec(const TensorSpec& spec) {
  tensorflow::TensorInfo info;
  info.set_name(spec.name);
  info.set_dtype(DataTypeToProto(spec.dtype));
  if (spec.has_shape) {
    *info.mutable_tensor_shape() = ShapeToProto(spec.shape);
  } else {
    info.mutable_tensor_shape()->set_unknown_rank(true);
  }
  return info;
}

}  // namespace

tensorflow::DataType DataTypeToProto(DataType dtype) {
  switch (dtype) {
    case DataType::kBool:
      return tensorflow::DT_BOOL;
    case DataType::kUint8:
      return tensorflow::DT_UINT8;
    case DataType::kInt8:
      return tensorflow::DT_INT8;
    case DataType::kInt16:
      return tensorflow::DT_INT16;
    case DataType::kInt32:
      return tensorflow::DT_INT32;
    case DataType::kInt64:
      return tensorflow::DT_INT64;
    case DataType::kFp16:
      return tensorflow::DT_HALF;
    case DataType::kBf16:
      return tensorflow::DT_BFLOAT16;
    case DataType::kFp32:
      return tensorflow::DT_FLOAT;
    case DataType::kFp64:
      return tensorflow::DT_DOUBLE;
    case DataType::kString:
      return tensorflow::DT_STRING;
  }
  return tensorflow::DT_INVALID;
}

std::optional<DataType> DataTypeFromProto(tensorflow::DataType dtype) {
  switch (dtype) {
    case tensorflow::DT_BOOL:
      return DataType::kBool;
    case tensorflow::DT_UINT8:
      return DataType::kUint8;
    case tensorflow::DT_INT8:
      return DataType::kInt8;
    case tensorflow::DT_INT16:
      return DataType::kInt16;
    case tensorflow::DT_INT32:
      return DataType::kInt32;
    case tensorflow::DT_INT64:
      return DataType::kInt64;
    case tensorflow::DT_HALF:
      return DataType::kFp16;
    case tensorflow::DT_BFLOAT16:
      return DataType::kBf16;
    case tensorflow::DT_FLOAT:
      return DataType::kFp32;
    case tensorflow::DT_DOUBLE:
      return DataType::kFp64;
    case tensorflow::DT_STRING:
      return DataType::kString;
    default:
      return std::nullopt;
  }
}

absl::StatusOr<Tensor> TensorFromProto(std::string_view name, tensorflow::TensorProto& proto) {
  const std::optional<DataType> dtype = DataTypeFromProto(proto.dtype());
  if (!dtype.has_value()) {
    return Invalid(name, StrCat("dtype ", tensorflow::DataType_Name(proto.dtype()),
                                " is not supported"));
  }
  ASSIGN_OR_RETURN(Shape shape, ShapeFromProto(name, proto.tensor_shape()));
  if (!proto.tensor_content().empty() && *dtype != DataType::kString) {
    // Moved, not copied: the tensor's buffer is the request's own bytes.
    auto content = std::make_shared<std::string>();
    content->swap(*proto.mutable_tensor_content());
    const std::string_view bytes(*content);
    const size_t element_size = DataTypeSize(*dtype);
    const int64_t elements = *CheckedNumElements(shape);
    if (bytes.size() % element_size != 0 ||
        bytes.size() / element_size != static_cast<uint64_t>(elements)) {
      return Invalid(name, StrCat("tensor_content has ", bytes.size(), " bytes; shape ",
                                  ShapeToString(shape), " of ", DataTypeName(*dtype), " needs ",
                                  elements, " x ", element_size));
    }
    return TensorFromRawBytes(name, *dtype, shape, bytes, std::move(content));
  }
  Tensor tensor = Tensor::Zeros(*dtype, std::move(shape));
  RETURN_IF_ERROR(FillFromTypedField(name, proto, tensor));
  return tensor;
}

void TensorToProto(const Tensor& tensor, TensorProtoEncoding encoding,
                   tensorflow::TensorProto& proto) {
  proto.Clear();
  proto.set_dtype(DataTypeToProto(tensor.dtype()));
  *proto.mutable_tensor_shape() = ShapeToProto(tensor.shape());
  if (encoding == TensorProtoEncoding::kContent && tensor.dtype() != DataType::kString) {
    proto.mutable_tensor_content()->assign(static_cast<const char*>(tensor.raw_data()),
                                           tensor.byte_size());
    return;
  }
  WriteTypedField(tensor, proto);
}

tensorflow::SignatureDef SignatureDefFromSignature(const Signature& signature) {
  tensorflow::SignatureDef def;
  for (const TensorSpec& spec : signature.inputs) {
    (*def.mutable_inputs())[spec.name] = TensorInfoFromSpec(spec);
  }
  for (const TensorSpec& spec : signature.outputs) {
    (*def.mutable_outputs())[spec.name] = TensorInfoFromSpec(spec);
  }
  def.set_method_name("tensorflow/serving/predict");
  return def;
}

}  // namespace serval
