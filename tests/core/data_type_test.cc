#include "core/data_type.h"

#include <gtest/gtest.h>

namespace serval {
namespace {

TEST(DataTypeTest, SizesAndNames) {
  EXPECT_EQ(DataTypeSize(DataType::kFp32), 4u);
  EXPECT_EQ(DataTypeSize(DataType::kBf16), 2u);
  EXPECT_EQ(DataTypeSize(DataType::kInt64), 8u);
  EXPECT_EQ(DataTypeSize(DataType::kString), 0u);
  EXPECT_EQ(DataTypeName(DataType::kFp16), "fp16");
  EXPECT_EQ(TfDataTypeName(DataType::kFp32), "DT_FLOAT");
  EXPECT_EQ(TfDataTypeName(DataType::kString), "DT_STRING");
}

TEST(DataTypeTest, ParsesEveryCommonSpelling) {
  EXPECT_EQ(ParseDataType("fp32"), DataType::kFp32);
  EXPECT_EQ(ParseDataType("FP32"), DataType::kFp32);
  EXPECT_EQ(ParseDataType("float32"), DataType::kFp32);
  EXPECT_EQ(ParseDataType("DT_FLOAT"), DataType::kFp32);
  EXPECT_EQ(ParseDataType("int64"), DataType::kInt64);
  EXPECT_EQ(ParseDataType("BYTES"), DataType::kString);
  EXPECT_EQ(ParseDataType("string"), DataType::kString);
  EXPECT_EQ(ParseDataType("bfloat16"), DataType::kBf16);
  EXPECT_EQ(ParseDataType("bool"), DataType::kBool);
  EXPECT_EQ(ParseDataType("complex64"), std::nullopt);
  EXPECT_EQ(ParseDataType(""), std::nullopt);
}

TEST(DataTypeTest, NamesRoundTrip) {
  for (DataType dtype : {DataType::kBool, DataType::kUint8, DataType::kInt8, DataType::kInt16,
                         DataType::kInt32, DataType::kInt64, DataType::kFp16, DataType::kBf16,
                         DataType::kFp32, DataType::kFp64, DataType::kString}) {
    EXPECT_EQ(ParseDataType(DataTypeName(dtype)), dtype);
    EXPECT_EQ(ParseDataType(TfDataTypeName(dtype)), dtype);
  }
}

}  // namespace
}  // namespace serval
