#ifndef SERVAL_CORE_DATA_TYPE_H_
#define SERVAL_CORE_DATA_TYPE_H_

// The element types a Serval tensor can hold, and their names in each protocol.

#include <cstddef>
#include <optional>
#include <string_view>

namespace serval {

enum class DataType {
  kBool,
  kUint8,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFp16,
  kBf16,
  kFp32,
  kFp64,
  kString,  // variable-length bytes; one std::string per element
};

// Bytes per element; 0 for kString, whose elements have no fixed size.
size_t DataTypeSize(DataType dtype);

// Serval's own short name: "fp32", "int64", "bytes", ...
std::string_view DataTypeName(DataType dtype);

// TensorFlow's enum name: "DT_FLOAT", "DT_INT64", "DT_STRING", ...
std::string_view TfDataTypeName(DataType dtype);

// KServe v2's (Open Inference Protocol's) name: "FP32", "INT64", "BYTES", "BF16", ...
std::string_view KServeDataTypeName(DataType dtype);

// The dtype a KServe v2 request names, matched exactly (upper case, as protocols.md 3.5 wants):
// "FP32" parses, "fp32" and "float32" do not. nullopt for any other text, including the KServe
// types Serval has no tensors for (UINT16, UINT32, UINT64).
std::optional<DataType> ParseKServeDataType(std::string_view text);

// Parses a dtype written the way users write them in config files: Serval's names ("fp32"),
// KServe's ("FP32", "BYTES"), NumPy/PyTorch's ("float32", "float", "int64") or TensorFlow's
// ("DT_FLOAT"). Case-insensitive. Returns nullopt for anything else.
std::optional<DataType> ParseDataType(std::string_view text);

}  // namespace serval

#endif  // SERVAL_CORE_DATA_TYPE_H_
