#include "config/byte_size.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

using ::testing::HasSubstr;

int64_t Bytes(std::string_view text) {
  auto bytes = ParseByteSize(text);
  EXPECT_TRUE(bytes.ok()) << text << ": " << bytes.status();
  return bytes.value_or(-1);
}

TEST(ByteSizeTest, PlainBytes) {
  EXPECT_EQ(Bytes("0"), 0);
  EXPECT_EQ(Bytes("1048576"), 1048576);
  EXPECT_EQ(Bytes("9223372036854775807"), INT64_MAX);
}

TEST(ByteSizeTest, DecimalAndBinarySuffixes) {
  EXPECT_EQ(Bytes("2GB"), 2'000'000'000);
  EXPECT_EQ(Bytes("512MB"), 512'000'000);
  EXPECT_EQ(Bytes("3KB"), 3000);
  EXPECT_EQ(Bytes("1TB"), 1'000'000'000'000);
  EXPECT_EQ(Bytes("2GiB"), int64_t{2} << 30);
  EXPECT_EQ(Bytes("4MiB"), int64_t{4} << 20);
  EXPECT_EQ(Bytes("1KiB"), 1024);
  EXPECT_EQ(Bytes("1TiB"), int64_t{1} << 40);
  EXPECT_EQ(Bytes("100B"), 100);
}

TEST(ByteSizeTest, CaseSpacesAndFractions) {
  EXPECT_EQ(Bytes("2gb"), 2'000'000'000);
  EXPECT_EQ(Bytes(" 1 GiB "), int64_t{1} << 30);
  EXPECT_EQ(Bytes("1.5KiB"), 1536);
  EXPECT_EQ(Bytes("0.5 GB"), 500'000'000);
}

TEST(ByteSizeTest, RejectsWhatIsNoSize) {
  for (const char* text : {"", "GB", "-1", "-1GB", "2XB", "1.2.3MB", "two", "1e3"}) {
    auto bytes = ParseByteSize(text);
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
  EXPECT_THAT(std::string(ParseByteSize("2XB").status().message()), HasSubstr("KiB"));
}

TEST(ByteSizeTest, RejectsSizesOverInt64) {
  EXPECT_THAT(std::string(ParseByteSize("9223372036854775808").status().message()),
              HasSubstr("too large"));
  EXPECT_THAT(std::string(ParseByteSize("10000000TiB").status().message()), HasSubstr("too large"));
}

}  // namespace
}  // namespace serval
