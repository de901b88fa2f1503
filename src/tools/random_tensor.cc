#include "tools/random_tensor.h"

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace serval {
namespace {

template <typename T, typename Make>
Tensor Fill(DataType dtype, const Shape& shape, Make make) {
  Tensor tensor = Tensor::Zeros(dtype, shape);
  T* data = tensor.mutable_data<T>();
  for (int64_t i = 0; i < tensor.num_elements(); ++i) data[i] = make();
  return tensor;
}

// A random fp16 bit pattern of magnitude in [2^-5, 1): exponent 10..14, any mantissa and sign.
uint16_t RandomHalfBits(std::mt19937_64& random) {
  const uint64_t bits = random();
  const uint16_t sign = static_cast<uint16_t>((bits & 1) << 15);
  const uint16_t exponent = static_cast<uint16_t>(10 + (bits >> 1) % 5);
  const uint16_t mantissa = static_cast<uint16_t>((bits >> 8) & 0x3ff);
  return static_cast<uint16_t>(sign | exponent << 10 | mantissa);
}

// bfloat16 is the upper half of a float.
uint16_t RandomBfloat16Bits(std::uniform_real_distribution<float>& uniform,
                            std::mt19937_64& random) {
  return static_cast<uint16_t>(std::bit_cast<uint32_t>(uniform(random)) >> 16);
}

std::string RandomWord(std::mt19937_64& random) {
  std::string word(8, 'a');
  for (char& c : word) c = static_cast<char>('a' + random() % 26);
  return word;
}

}  // namespace

Tensor RandomTensor(DataType dtype, const Shape& shape, std::mt19937_64& random) {
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  auto integer = [&random] { return random() % 100; };
  switch (dtype) {
    case DataType::kBool:
      return Fill<bool>(dtype, shape, [&] { return (random() & 1) != 0; });
    case DataType::kUint8:
      return Fill<uint8_t>(dtype, shape, integer);
    case DataType::kInt8:
      return Fill<int8_t>(dtype, shape, integer);
    case DataType::kInt16:
      return Fill<int16_t>(dtype, shape, integer);
    case DataType::kInt32:
      return Fill<int32_t>(dtype, shape, integer);
    case DataType::kInt64:
      return Fill<int64_t>(dtype, shape, integer);
    case DataType::kFp16:
      return Fill<uint16_t>(dtype, shape, [&] { return RandomHalfBits(random); });
    case DataType::kBf16:
      return Fill<uint16_t>(dtype, shape, [&] { return RandomBfloat16Bits(uniform, random); });
    case DataType::kFp32:
      return Fill<float>(dtype, shape, [&] { return uniform(random); });
    case DataType::kFp64:
      return Fill<double>(dtype, shape, [&] { return static_cast<double>(uniform(random)); });
    case DataType::kString: {
      std::vector<std::string> words(NumElements(shape));
      for (std::string& word : words) word = RandomWord(random);
      return Tensor::FromStrings(shape, std::move(words));
    }
  }
  return Tensor::Zeros(dtype, shape);
}

}  // namespace serval
