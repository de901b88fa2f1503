#include "protocol/raw_tensor.h"

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The raw bytes of `values`, host (little-endian) order.
template <typename T>
std::string Bytes(std::initializer_list<T> values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  std::memcpy(bytes.data(), std::data(values), bytes.size());
  return bytes;
}

// BYTES layout: a 4-byte little-endian length before each element.
std::string StringBytes(std::initializer_list<std::string_view> values) {
  std::string bytes;
  for (std::string_view value : values) {
    const auto length = static_cast<uint32_t>(value.size());
    bytes.append(reinterpret_cast<const char*>(&length), sizeof(length));
    bytes.append(value);
  }
  return bytes;
}

template <typename T>
std::vector<T> Values(const Tensor& tensor) {
  return std::vector<T>(tensor.data<T>(), tensor.data<T>() + tensor.num_elements());
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(RawTensorTest, DecodesEveryFixedSizeDatatype) {
  auto fp32 = TensorFromRawBytes("x", DataType::kFp32, {3, 1}, Bytes<float>({1.5f, -2, 5}), {});
  ASSERT_TRUE(fp32.ok()) << fp32.status();
  EXPECT_EQ(fp32->dtype(), DataType::kFp32);
  EXPECT_EQ(fp32->shape(), (Shape{3, 1}));
  EXPECT_THAT(Values<float>(*fp32), ElementsAre(1.5f, -2.0f, 5.0f));

  auto fp64 = TensorFromRawBytes("x", DataType::kFp64, {2}, Bytes<double>({0.25, 1e300}), {});
  ASSERT_TRUE(fp64.ok()) << fp64.status();
  EXPECT_THAT(Values<double>(*fp64), ElementsAre(0.25, 1e300));

  auto int64 =
      TensorFromRawBytes("x", DataType::kInt64, {2}, Bytes<int64_t>({-1, int64_t{1} << 40}), {});
  ASSERT_TRUE(int64.ok()) << int64.status();
  EXPECT_THAT(Values<int64_t>(*int64), ElementsAre(-1, int64_t{1} << 40));

  auto int32 = TensorFromRawBytes("x", DataType::kInt32, {1, 2}, Bytes<int32_t>({-7, 9}), {});
  ASSERT_TRUE(int32.ok()) << int32.status();
  EXPECT_THAT(Values<int32_t>(*int32), ElementsAre(-7, 9));

  auto int16 = TensorFromRawBytes("x", DataType::kInt16, {2}, Bytes<int16_t>({-300, 300}), {});
  ASSERT_TRUE(int16.ok()) << int16.status();
  EXPECT_THAT(Values<int16_t>(*int16), ElementsAre(-300, 300));

  auto int8 = TensorFromRawBytes("x", DataType::kInt8, {2}, Bytes<int8_t>({-128, 127}), {});
  ASSERT_TRUE(int8.ok()) << int8.status();
  EXPECT_THAT(Values<int8_t>(*int8), ElementsAre(-128, 127));

  auto uint8 = TensorFromRawBytes("x", DataType::kUint8, {2}, Bytes<uint8_t>({0, 255}), {});
  ASSERT_TRUE(uint8.ok()) << uint8.status();
  EXPECT_THAT(Values<uint8_t>(*uint8), ElementsAre(0, 255));

  auto boolean = TensorFromRawBytes("x", DataType::kBool, {3}, Bytes<uint8_t>({1, 0, 1}), {});
  ASSERT_TRUE(boolean.ok()) << boolean.status();
  EXPECT_THAT(Values<bool>(*boolean), ElementsAre(true, false, true));

  // FP16 and BF16 travel as their bit patterns.
  auto fp16 = TensorFromRawBytes("x", DataType::kFp16, {2}, Bytes<uint16_t>({0x3c00, 0xc000}), {});
  ASSERT_TRUE(fp16.ok()) << fp16.status();
  EXPECT_THAT(Values<uint16_t>(*fp16), ElementsAre(0x3c00, 0xc000));  // 1.0, -2.0
  auto bf16 = TensorFromRawBytes("x", DataType::kBf16, {1}, Bytes<uint16_t>({0x3f80}), {});
  ASSERT_TRUE(bf16.ok()) << bf16.status();
  EXPECT_THAT(Values<uint16_t>(*bf16), ElementsAre(0x3f80));  // 1.0
}

TEST(RawTensorTest, DecodesBytesWithLengthPrefixes) {
  auto strings =
      TensorFromRawBytes("s", DataType::kString, {2, 2},
                         StringBytes({"ab", "", std::string_view("\0x", 2), "last"}), {});
  ASSERT_TRUE(strings.ok()) << strings.status();
  EXPECT_EQ(strings->shape(), (Shape{2, 2}));
  EXPECT_THAT(strings->strings(), ElementsAre("ab", "", std::string("\0x", 2), "last"));
}

TEST(RawTensorTest, EmptyTensors) {
  auto empty = TensorFromRawBytes("x", DataType::kFp32, {0, 4}, "", {});
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->num_elements(), 0);
  auto no_strings = TensorFromRawBytes("s", DataType::kString, {0}, "", {});
  ASSERT_TRUE(no_strings.ok()) << no_strings.status();
  EXPECT_EQ(no_strings->num_elements(), 0);
}

TEST(RawTensorTest, AliasesTheOwnersBytesWhenAligned) {
  auto owner = std::make_shared<std::string>(Bytes<float>({1, 2, 3, 4}));
  std::weak_ptr<std::string> watch = owner;
  const std::string_view bytes = *owner;
  auto tensor = TensorFromRawBytes("x", DataType::kFp32, {4}, bytes, owner);
  ASSERT_TRUE(tensor.ok()) << tensor.status();
  EXPECT_EQ(tensor->raw_data(), bytes.data());  // no copy
  owner.reset();
  EXPECT_FALSE(watch.expired());  // the tensor keeps the bytes alive
  EXPECT_THAT(Values<float>(*tensor), ElementsAre(1, 2, 3, 4));
  *tensor = Tensor();
  EXPECT_TRUE(watch.expired());
}

TEST(RawTensorTest, CopiesWhenMisalignedOrWithoutOwner) {
  auto owner = std::make_shared<std::string>("x");
  owner->append(Bytes<float>({1, 2}));
  const std::string_view misaligned = std::string_view(*owner).substr(1);
  auto copied = TensorFromRawBytes("x", DataType::kFp32, {2}, misaligned, owner);
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_NE(copied->raw_data(), misaligned.data());
  EXPECT_THAT(Values<float>(*copied), ElementsAre(1, 2));

  const std::string aligned = Bytes<float>({3, 4});
  auto no_owner = TensorFromRawBytes("x", DataType::kFp32, {2}, aligned, nullptr);
  ASSERT_TRUE(no_owner.ok()) << no_owner.status();
  EXPECT_NE(no_owner->raw_data(), aligned.data());
  EXPECT_THAT(Values<float>(*no_owner), ElementsAre(3, 4));

  // One-byte elements are always aligned.
  auto bytes = TensorFromRawBytes("x", DataType::kUint8, {2}, misaligned.substr(0, 2), owner);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(bytes->raw_data(), misaligned.data());
}

TEST(RawTensorTest, RefusesAByteCountThatDoesNotMatchTheShape) {
  auto short_data = TensorFromRawBytes("x", DataType::kFp32, {3, 1}, Bytes<float>({1, 2}), {});
  ASSERT_FALSE(short_data.ok());
  EXPECT_EQ(short_data.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(short_data.status()), HasSubstr("input 'x'"));
  EXPECT_THAT(Message(short_data.status()), HasSubstr("8 bytes"));
  EXPECT_THAT(Message(short_data.status()), HasSubstr("[3, 1]"));
  EXPECT_THAT(Message(short_data.status()), HasSubstr("3 elements x 4 bytes"));

  auto ragged = TensorFromRawBytes("x", DataType::kInt32, {1}, "12345", {});
  EXPECT_EQ(ragged.status().code(), absl::StatusCode::kInvalidArgument);

  // A shape whose byte count overflows is compared without overflowing.
  auto huge = TensorFromRawBytes("x", DataType::kFp64, {int64_t{1} << 61}, "", {});
  EXPECT_EQ(huge.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RawTensorTest, RefusesBadShapes) {
  auto negative = TensorFromRawBytes("x", DataType::kFp32, {-1}, Bytes<float>({1}), {});
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(negative.status()), HasSubstr("[-1]"));
  auto overflow =
      TensorFromRawBytes("x", DataType::kUint8, {int64_t{1} << 40, int64_t{1} << 40}, "", {});
  EXPECT_EQ(overflow.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RawTensorTest, RefusesBoolBytesOtherThanZeroAndOne) {
  auto bad = TensorFromRawBytes("flags", DataType::kBool, {3}, Bytes<uint8_t>({1, 2, 0}), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(Message(bad.status()), HasSubstr("input 'flags'"));
  EXPECT_THAT(Message(bad.status()), HasSubstr("BOOL element 1 is the byte 2"));
}

TEST(RawTensorTest, RefusesBrokenBytesData) {
  // A length that runs past the end.
  std::string past_end = StringBytes({"abc"});
  past_end.pop_back();
  auto truncated = TensorFromRawBytes("s", DataType::kString, {1}, past_end, {});
  EXPECT_EQ(truncated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(truncated.status()), HasSubstr("element 0 has length 3"));

  // The data ends inside a length prefix.
  std::string in_prefix_bytes = StringBytes({"abcd"});
  in_prefix_bytes.append(std::string("\x01\x00", 2));
  auto in_prefix = TensorFromRawBytes("s", DataType::kString, {2}, in_prefix_bytes, {});
  EXPECT_THAT(Message(in_prefix.status()), HasSubstr("ends inside the 4-byte length of element 1"));

  // Fewer elements than the shape.
  auto fewer = TensorFromRawBytes("s", DataType::kString, {2}, StringBytes({"abcdefgh"}), {});
  EXPECT_THAT(Message(fewer.status()), HasSubstr("holds 1 elements, but shape [2] has 2"));

  // More: bytes left over.
  auto more = TensorFromRawBytes("s", DataType::kString, {1}, StringBytes({"a", "b"}), {});
  EXPECT_THAT(Message(more.status()), HasSubstr("bytes are left over"));

  // A shape no byte count could fill is refused before allocating.
  auto huge = TensorFromRawBytes("s", DataType::kString, {int64_t{1} << 60}, "", {});
  EXPECT_THAT(Message(huge.status()), HasSubstr("hold at most 0"));
}

TEST(RawTensorTest, AppendsRawBytesAndRoundTrips) {
  Tensor floats = Tensor::Zeros(DataType::kFp32, {2});
  floats.mutable_data<float>()[0] = 2.5f;
  floats.mutable_data<float>()[1] = -1.0f;
  std::string out = "head";
  ASSERT_TRUE(AppendRawBytes(floats, out).ok());
  EXPECT_EQ(out.substr(0, 4), "head");
  EXPECT_EQ(out.substr(4), Bytes<float>({2.5f, -1.0f}));
  EXPECT_EQ(RawByteSize(floats), 8u);

  Tensor strings = Tensor::FromStrings({3}, {"x", "", "yz"});
  std::string raw;
  ASSERT_TRUE(AppendRawBytes(strings, raw).ok());
  EXPECT_EQ(raw, StringBytes({"x", "", "yz"}));
  EXPECT_EQ(RawByteSize(strings), raw.size());
  auto back = TensorFromRawBytes("s", DataType::kString, {3}, raw, {});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_THAT(back->strings(), ElementsAre("x", "", "yz"));

  // A slice writes only its own rows.
  Tensor rows = Tensor::Zeros(DataType::kInt64, {3, 1});
  for (int i = 0; i < 3; ++i) rows.mutable_data<int64_t>()[i] = 10 + i;
  std::string slice;
  ASSERT_TRUE(AppendRawBytes(rows.Slice(1, 3), slice).ok());
  EXPECT_EQ(slice, Bytes<int64_t>({11, 12}));
}

}  // namespace
}  // namespace serval
