#include "protocol/json_tensor_values.h"

#include <bit>
#include <cmath>
#include <string>

#include "absl/strings/escaping.h"

namespace serval {
namespace {

// IEEE 754 binary16 to float; exact, since every half value is a float value.
inline float HalfToFloat(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1fu;
  const uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24.
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
  }
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  // Rebias the exponent from 15 to 127.
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

// bfloat16 is the upper half of a float.
inline float Bf16ToFloat(uint16_t bf16) { return std::bit_cast<float>(uint32_t{bf16} << 16); }

// Writes `*values` onward as nested lists shaped `dims` (a bare value when `dims` is empty),
// calling write_one(writer, value) per element. Returns the element after the last one written.
template <typename T, typename WriteOne>
const T* WriteNested(JsonWriter& writer, const T* values, absl::Span<const int64_t> dims,
                     const WriteOne& write_one) {
  if (dims.empty()) {
    write_one(writer, *values);
    return values + 1;
  }
  writer.BeginArray();
  for (int64_t i = 0; i < dims[0]; ++i) {
    values = WriteNested(writer, values, dims.subspan(1), write_one);
  }
  writer.EndArray();
  return values;
}

template <typename T>
void WriteIntegers(JsonWriter& writer, const T* values, absl::Span<const int64_t> dims) {
  WriteNested(writer, values, dims, [](JsonWriter& w, T value) { w.Int(value); });
}

}  // namespace

void WriteJsonTensorValues(JsonWriter& writer, const Tensor& tensor, int64_t offset,
                           absl::Span<const int64_t> dims, bool strings_as_b64) {
  switch (tensor.dtype()) {
    case DataType::kBool:
      WriteNested(writer, tensor.data<bool>() + offset, dims,
                  [](JsonWriter& w, bool value) { w.Bool(value); });
      return;
    case DataType::kUint8:
      WriteIntegers(writer, tensor.data<uint8_t>() + offset, dims);
      return;
    case DataType::kInt8:
      WriteIntegers(writer, tensor.data<int8_t>() + offset, dims);
      return;
    case DataType::kInt16:
      WriteIntegers(writer, tensor.data<int16_t>() + offset, dims);
      return;
    case DataType::kInt32:
      WriteIntegers(writer, tensor.data<int32_t>() + offset, dims);
      return;
    case DataType::kInt64:
      WriteIntegers(writer, tensor.data<int64_t>() + offset, dims);
      return;
    case DataType::kFp16:
      WriteNested(writer, tensor.data<uint16_t>() + offset, dims,
                  [](JsonWriter& w, uint16_t value) { w.Float(HalfToFloat(value)); });
      return;
    case DataType::kBf16:
      WriteNested(writer, tensor.data<uint16_t>() + offset, dims,
                  [](JsonWriter& w, uint16_t value) { w.Float(Bf16ToFloat(value)); });
      return;
    case DataType::kFp32:
      WriteNested(writer, tensor.data<float>() + offset, dims,
                  [](JsonWriter& w, float value) { w.Float(value); });
      return;
    case DataType::kFp64:
      WriteNested(writer, tensor.data<double>() + offset, dims,
                  [](JsonWriter& w, double value) { w.Double(value); });
      return;
    case DataType::kString:
      WriteNested(writer, tensor.strings().data() + offset, dims,
                  [strings_as_b64](JsonWriter& w, const std::string& value) {
                    if (strings_as_b64) {
                      w.BeginObject();
                      w.Key("b64");
                      w.String(absl::Base64Escape(value));
                      w.EndObject();
                    } else {
                      w.String(value);
                    }
                  });
      return;
  }
}

}  // namespace serval
