#include "core/data_type.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "common/str_cat.h"

namespace serval {
namespace {

struct DataTypeInfo {
  DataType dtype;
  size_t size;
  std::string_view name;
  std::string_view tf_name;
  std::string_view kserve_name;
  std::array<std::string_view, 4> aliases;  // lowercase; empty entries unused
};

constexpr std::array<DataTypeInfo, 11> kDataTypes = {{
    {DataType::kBool, 1, "bool", "DT_BOOL", "BOOL", {"boolean", "dt_bool"}},
    {DataType::kUint8, 1, "uint8", "DT_UINT8", "UINT8", {"dt_uint8"}},
    {DataType::kInt8, 1, "int8", "DT_INT8", "INT8", {"dt_int8"}},
    {DataType::kInt16, 2, "int16", "DT_INT16", "INT16", {"dt_int16"}},
    {DataType::kInt32, 4, "int32", "DT_INT32", "INT32", {"int", "dt_int32"}},
    {DataType::kInt64, 8, "int64", "DT_INT64", "INT64", {"long", "dt_int64"}},
    {DataType::kFp16, 2, "fp16", "DT_HALF", "FP16", {"float16", "half", "dt_half"}},
    {DataType::kBf16, 2, "bf16", "DT_BFLOAT16", "BF16", {"bfloat16", "dt_bfloat16"}},
    {DataType::kFp32, 4, "fp32", "DT_FLOAT", "FP32", {"float32", "float", "dt_float"}},
    {DataType::kFp64, 8, "fp64", "DT_DOUBLE", "FP64", {"float64", "double", "dt_double"}},
    {DataType::kString, 0, "bytes", "DT_STRING", "BYTES", {"string", "str", "dt_string"}},
}};

const DataTypeInfo& Info(DataType dtype) { return kDataTypes[static_cast<size_t>(dtype)]; }

}  // namespace

size_t DataTypeSize(DataType dtype) { return Info(dtype).size; }

std::string_view DataTypeName(DataType dtype) { return Info(dtype).name; }

std::string_view TfDataTypeName(DataType dtype) { return Info(dtype).tf_name; }

std::string_view KServeDataTypeName(DataType dtype) { return Info(dtype).kserve_name; }

std::optional<DataType> ParseKServeDataType(std::string_view text) {
  for (const DataTypeInfo& info : kDataTypes) {
    if (text == info.kserve_name) return info.dtype;
  }
  return std::nullopt;
}

std::optional<DataType> ParseDataType(std::string_view text) {
  std::string lower = absl::AsciiStrToLower(ToAbsl(text));
  for (const DataTypeInfo& info : kDataTypes) {
    if (lower == info.name) return info.dtype;
    for (std::string_view alias : info.aliases) {
      if (!alias.empty() && lower == alias) return info.dtype;
    }
  }
  return std::nullopt;
}

}  // namespace serval
