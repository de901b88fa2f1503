#include "protocol/json_writer.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace serval {
namespace {

std::string FloatText(float value) {
  std::string out;
  AppendJsonFloat(value, out);
  return out;
}

std::string DoubleText(double value) {
  std::string out;
  AppendJsonDouble(value, out);
  return out;
}

std::string StringText(std::string_view value) {
  std::string out;
  JsonWriter writer(&out);
  writer.String(value);
  return out;
}

TEST(JsonWriterTest, EmptyContainers) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray();
  writer.BeginObject();
  writer.EndObject();
  writer.BeginArray();
  writer.EndArray();
  writer.EndArray();
  EXPECT_EQ(out, "[{},[]]");
  EXPECT_TRUE(writer.complete());
}

TEST(JsonWriterTest, PlacesCommasBetweenMembersAndElements) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  writer.Key("a");
  writer.Int(1);
  writer.Key("b");
  writer.BeginArray();
  writer.Int(1);
  writer.BeginArray();
  writer.EndArray();
  writer.BeginObject();
  writer.Key("c");
  writer.Null();
  writer.EndObject();
  writer.Bool(true);
  writer.EndArray();
  writer.Key("d");
  writer.String("x");
  writer.EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":[1,[],{"c":null},true],"d":"x"})");
}

TEST(JsonWriterTest, AppendsToExistingText) {
  std::string out = "prefix:";
  JsonWriter writer(&out);
  writer.BeginArray();
  writer.Int(1);
  writer.EndArray();
  EXPECT_EQ(out, "prefix:[1]");
}

TEST(JsonWriterTest, BareTopLevelScalar) {
  std::string out;
  JsonWriter writer(&out);
  EXPECT_FALSE(writer.complete());
  writer.Float(2.5f);
  EXPECT_EQ(out, "2.5");
  EXPECT_TRUE(writer.complete());
}

TEST(JsonWriterTest, CompleteOnlyAfterOutermostEnd) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  EXPECT_FALSE(writer.complete());
  writer.EndObject();
  EXPECT_TRUE(writer.complete());
}

TEST(JsonWriterTest, Booleans) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray();
  writer.Bool(true);
  writer.Bool(false);
  writer.EndArray();
  EXPECT_EQ(out, "[true,false]");
}

TEST(JsonWriterTest, IntegerLimits) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray();
  writer.Int(std::numeric_limits<int64_t>::min());
  writer.Int(std::numeric_limits<int64_t>::max());
  writer.Int(0);
  writer.Int(-7);
  writer.Uint(std::numeric_limits<uint64_t>::max());
  writer.EndArray();
  EXPECT_EQ(out, "[-9223372036854775808,9223372036854775807,0,-7,18446744073709551615]");
}

TEST(JsonWriterTest, IntegralFloatsGetPointZero) {
  EXPECT_EQ(FloatText(3.0f), "3.0");
  EXPECT_EQ(FloatText(0.0f), "0.0");
  EXPECT_EQ(FloatText(-0.0f), "-0.0");
  EXPECT_EQ(FloatText(-12.0f), "-12.0");
  EXPECT_EQ(DoubleText(3.0), "3.0");
  EXPECT_EQ(DoubleText(1234567.0), "1234567.0");
}

TEST(JsonWriterTest, FloatsUseShortestFloatText) {
  EXPECT_EQ(FloatText(0.1f), "0.1");
  EXPECT_EQ(FloatText(2.5f), "2.5");
  EXPECT_EQ(FloatText(1.0f / 3.0f), "0.33333334");
  // The nearest float to 123456789 is 123456792.
  EXPECT_EQ(FloatText(123456789.0f), "123456792.0");
  EXPECT_EQ(FloatText(std::numeric_limits<float>::max()), "3.4028235e+38");
  EXPECT_EQ(FloatText(std::numeric_limits<float>::denorm_min()), "1e-45");
}

TEST(JsonWriterTest, FloatIsNotWidenedToDouble) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray();
  writer.Float(0.1f);
  writer.Double(0.1f);
  writer.EndArray();
  EXPECT_EQ(out, "[0.1,0.10000000149011612]");
}

TEST(JsonWriterTest, DoublesUseShortestRoundTripText) {
  EXPECT_EQ(DoubleText(0.1), "0.1");
  EXPECT_EQ(DoubleText(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(DoubleText(5e-324), "5e-324");
  for (double value : {0.1, 1.0 / 3.0, 2.0 / 7.0, 1e300, -4.9e-12}) {
    EXPECT_EQ(std::stod(DoubleText(value)), value) << DoubleText(value);
  }
}

TEST(JsonWriterTest, ExponentFormsKeepTheirText) {
  EXPECT_EQ(FloatText(1e20f), "1e+20");
  EXPECT_EQ(FloatText(1e-7f), "1e-07");
  EXPECT_EQ(DoubleText(1e20), "1e+20");
  EXPECT_EQ(DoubleText(9e6), "9e+06");
  EXPECT_EQ(DoubleText(1.5e-10), "1.5e-10");
}

TEST(JsonWriterTest, NonFiniteValuesAreBareTokens) {
  EXPECT_EQ(FloatText(std::numeric_limits<float>::quiet_NaN()), "NaN");
  EXPECT_EQ(FloatText(-std::numeric_limits<float>::quiet_NaN()), "NaN");
  EXPECT_EQ(FloatText(std::numeric_limits<float>::infinity()), "Infinity");
  EXPECT_EQ(FloatText(-std::numeric_limits<float>::infinity()), "-Infinity");
  EXPECT_EQ(DoubleText(std::nan("")), "NaN");
  EXPECT_EQ(DoubleText(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(DoubleText(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(JsonWriterTest, NumbersInsideContainers) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  writer.Key("v");
  writer.BeginArray();
  writer.Float(3.0f);
  writer.Double(std::numeric_limits<double>::infinity());
  writer.Float(std::nanf(""));
  writer.EndArray();
  writer.EndObject();
  EXPECT_EQ(out, R"({"v":[3.0,Infinity,NaN]})");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(StringText("plain"), R"("plain")");
  EXPECT_EQ(StringText(""), R"("")");
  EXPECT_EQ(StringText("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(StringText("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(StringText(std::string_view("\0\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(StringText("/ \x7f"), "\"/ \x7f\"");
}

TEST(JsonWriterTest, CopiesUtf8AndInvalidBytesUnchanged) {
  EXPECT_EQ(StringText("h\xc3\xa9llo \xe2\x82\xac"), "\"h\xc3\xa9llo \xe2\x82\xac\"");
  EXPECT_EQ(StringText("\xff\xfe\xc3"), "\"\xff\xfe\xc3\"");
  EXPECT_EQ(StringText("\xff\n\x80"), "\"\xff\\n\x80\"");
}

TEST(JsonWriterTest, EscapesKeys) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  writer.Key("a\"\n");
  writer.Int(1);
  writer.EndObject();
  EXPECT_EQ(out, R"({"a\"\n":1})");
}

using JsonWriterDeathTest = ::testing::Test;

TEST(JsonWriterDeathTest, ValueInObjectNeedsKey) {
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter writer(&out);
        writer.BeginObject();
        writer.Int(1);
      },
      "Key");
}

TEST(JsonWriterDeathTest, KeyOutsideObject) {
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter writer(&out);
        writer.BeginArray();
        writer.Key("a");
      },
      "Key");
}

TEST(JsonWriterDeathTest, MismatchedEnd) {
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter writer(&out);
        writer.BeginArray();
        writer.EndObject();
      },
      "unbalanced");
}

TEST(JsonWriterDeathTest, SecondTopLevelValue) {
  EXPECT_DEATH(
      {
        std::string out;
        JsonWriter writer(&out);
        writer.Int(1);
        writer.Int(2);
      },
      "second top-level");
}

}  // namespace
}  // namespace serval
