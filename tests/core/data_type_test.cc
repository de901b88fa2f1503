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

TEST(DataTypeTest, KServeNames) {
  EXPECT_EQ(KServeDataTypeName(DataType::kBool), "BOOL");
  EXPECT_EQ(KServeDataTypeName(DataType::kUint8), "UINT8");
  EXPECT_EQ(KServeDataTypeName(DataType::kInt8), "INT8");
  EXPECT_EQ(KServeDataTypeName(DataType::kInt16), "INT16");
  EXPECT_EQ(KServeDataTypeName(DataType::kInt32), "INT32");
  EXPECT_EQ(KServeDataTypeName(DataType::kInt64), "INT64");
  EXPECT_EQ(KServeDataTypeName(DataType::kFp16), "FP16");
  EXPECT_EQ(KServeDataTypeName(DataType::kBf16), "BF16");
  EXPECT_EQ(KServeDataTypeName(DataType::kFp32), "FP32");
  EXPECT_EQ(KServeDataTypeName(DataType::kFp64), "FP64");
  EXPECT_EQ(KServeDataTypeName(DataType::kString), "BYTES");
}

TEST(DataTypeTest, KServeNamesParseExactlyAndRoundTrip) {
  for (DataType dtype : {DataType::kBool, DataType::kUint8, DataType::kInt8, DataType::kInt16,
                         DataType::kInt32, DataType::kInt64, DataType::kFp16, DataType::kBf16,
                         DataType::kFp32, DataType::kFp64, DataType::kString}) {
    EXPECT_EQ(ParseKServeDataType(KServeDataTypeName(dtype)), dtype);
    EXPECT_EQ(ParseDataType(KServeDataTypeName(dtype)), dtype);
  }
  // Upper case only, and only KServe's spellings.
  EXPECT_EQ(ParseKServeDataType("fp32"), std::nullopt);
  EXPECT_EQ(ParseKServeDataType("Fp32"), std::nullopt);
  EXPECT_EQ(ParseKServeDataType("FLOAT32"), std::nullopt);
  EXPECT_EQ(ParseKServeDataType("DT_FLOAT"), std::nullopt);
  EXPECT_EQ(ParseKServeDataType("STRING"), std::nullopt);
  EXPECT_EQ(ParseKServeDataType("UINT32"), std::nullopt);  // no such Serval tensor
  EXPECT_EQ(ParseKServeDataType(""), std::nullopt);
}

}  // namespace
}  // namespace serval
