#include "protocol/tfs_json.h"

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Shapes are taken by reference here: GCC 12 at -O3 warns (falsely) when an empty
// absl::InlinedVector is moved.
TensorSpec Spec(std::string name, DataType dtype, const Shape& shape = {-1},
                bool has_shape = true) {
  return TensorSpec{std::move(name), dtype, shape, has_shape};
}

Signature MakeSignature(std::vector<TensorSpec> inputs, std::vector<TensorSpec> outputs = {}) {
  Signature signature;
  signature.inputs = std::move(inputs);
  signature.outputs = std::move(outputs);
  return signature;
}

// Resolves "" and the signature's own name; anything else is unknown.
SignatureResolver ResolverFor(const Signature& signature) {
  return [&signature](std::string_view name) -> absl::StatusOr<const Signature*> {
    if (name.empty() || name == signature.name) return &signature;
    return absl::InvalidArgumentError("Serving signature name: \"" + std::string(name) +
                                      "\" not found in signature def");
  };
}

absl::StatusOr<TfsPredictRequest> Parse(std::string body, const Signature& signature) {
  return ParseTfsPredictRequest(body, ResolverFor(signature));
}

const Signature& HalfPlusTwo() {
  static const Signature* const signature =
      new Signature(MakeSignature({Spec("x", DataType::kFp32, {-1})}));
  return *signature;
}

template <typename T>
std::vector<T> Values(const Tensor& tensor) {
  return std::vector<T>(tensor.data<T>(), tensor.data<T>() + tensor.num_elements());
}

std::vector<std::string> StringValues(const Tensor& tensor) {
  return std::vector<std::string>(tensor.strings().begin(), tensor.strings().end());
}

template <typename T>
Tensor MakeTensor(DataType dtype, const Shape& shape, std::initializer_list<T> values) {
  Tensor tensor = Tensor::Zeros(dtype, shape);
  std::copy(values.begin(), values.end(), tensor.mutable_data<T>());
  return tensor;
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// Expects `body` to fail for `signature` with `code` and a message containing each of `parts`.
void ExpectParseError(std::string body, const Signature& signature, absl::StatusCode code,
                      std::initializer_list<std::string_view> parts) {
  absl::StatusOr<TfsPredictRequest> result = Parse(body, signature);
  ASSERT_FALSE(result.ok()) << body;
  EXPECT_EQ(result.status().code(), code) << result.status();
  for (std::string_view part : parts) {
    EXPECT_THAT(Message(result.status()), HasSubstr(std::string(part))) << body;
  }
}

void ExpectInvalid(std::string body, const Signature& signature,
                   std::initializer_list<std::string_view> parts) {
  ExpectParseError(std::move(body), signature, absl::StatusCode::kInvalidArgument, parts);
}

// Parses `body` for a one-input signature of `dtype` and returns that input's tensor.
Tensor ParseSingle(std::string body, DataType dtype, bool has_shape = true) {
  const Signature signature = MakeSignature({Spec("x", dtype, {-1}, has_shape)});
  absl::StatusOr<TfsPredictRequest> result = Parse(body, signature);
  EXPECT_TRUE(result.ok()) << body << ": " << result.status();
  if (!result.ok()) return Tensor();
  EXPECT_EQ(result->inputs.size(), 1u);
  EXPECT_EQ(result->inputs[0].first, "x");
  return result->inputs[0].second;
}

void ExpectValidJson(const std::string& json) {
  simdjson::dom::parser parser;
  EXPECT_EQ(parser.parse(json).error(), simdjson::SUCCESS) << json;
}

// ---------------------------------------------------------------------------------------------
// Request: the protocols.md 1.7 examples.

TEST(TfsPredictRequestTest, InstancesOfScalars) {
  absl::StatusOr<TfsPredictRequest> request =
      Parse(R"({"instances": [1.0, 2.0, 5.0]})", HalfPlusTwo());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(request->row_format);
  EXPECT_EQ(request->signature_name, "");
  ASSERT_EQ(request->inputs.size(), 1u);
  EXPECT_EQ(request->inputs[0].first, "x");
  const Tensor& x = request->inputs[0].second;
  EXPECT_EQ(x.dtype(), DataType::kFp32);
  EXPECT_THAT(x.shape(), ElementsAre(3));
  EXPECT_THAT(Values<float>(x), ElementsAre(1.0f, 2.0f, 5.0f));
}

TEST(TfsPredictRequestTest, InstancesOfLists) {
  const Tensor x = ParseSingle(R"({"instances": [[1.0], [2.0]]})", DataType::kFp32);
  EXPECT_THAT(x.shape(), ElementsAre(2, 1));
  EXPECT_THAT(Values<float>(x), ElementsAre(1.0f, 2.0f));
}

TEST(TfsPredictRequestTest, InstancesOfNamedObjectsWithOneInput) {
  const Tensor x = ParseSingle(R"({"instances": [{"x": [1.0]}, {"x": [2.0]}]})", DataType::kFp32);
  EXPECT_THAT(x.shape(), ElementsAre(2, 1));
  EXPECT_THAT(Values<float>(x), ElementsAre(1.0f, 2.0f));
}

TEST(TfsPredictRequestTest, ColumnarList) {
  absl::StatusOr<TfsPredictRequest> request =
      Parse(R"({"inputs": [1.0, 2.0, 5.0]})", HalfPlusTwo());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->row_format);
  EXPECT_THAT(request->inputs[0].second.shape(), ElementsAre(3));
  EXPECT_THAT(Values<float>(request->inputs[0].second), ElementsAre(1.0f, 2.0f, 5.0f));
}

TEST(TfsPredictRequestTest, ColumnarNamedObjectWithOneInput) {
  const Tensor x = ParseSingle(R"({"inputs": {"x": [[1.0], [2.0]]}})", DataType::kFp32);
  EXPECT_THAT(x.shape(), ElementsAre(2, 1));
  EXPECT_THAT(Values<float>(x), ElementsAre(1.0f, 2.0f));
}

TEST(TfsPredictRequestTest, ColumnarScalarHasRankZero) {
  const Tensor x = ParseSingle(R"({"inputs": 3})", DataType::kFp32);
  EXPECT_THAT(x.shape(), IsEmpty());
  EXPECT_THAT(Values<float>(x), ElementsAre(3.0f));
}

TEST(TfsPredictRequestTest, NestedValuesAreRowMajor) {
  const Tensor x = ParseSingle(
      R"({"inputs": [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]})", DataType::kInt32);
  EXPECT_THAT(x.shape(), ElementsAre(2, 3, 2));
  EXPECT_THAT(Values<int32_t>(x), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
}

// ---------------------------------------------------------------------------------------------
// Request: body and top-level structure.

TEST(TfsPredictRequestTest, EmptyBody) {
  ExpectInvalid("", HalfPlusTwo(), {"JSON Parse error: The document is empty"});
}

TEST(TfsPredictRequestTest, WhitespaceBody) {
  ExpectInvalid(" \n\t ", HalfPlusTwo(), {"JSON Parse error: The document is empty"});
}

TEST(TfsPredictRequestTest, MalformedJson) {
  for (const char* body : {"{", R"({"instances": [1, 2)", "nul", R"({"inputs": 1} x)",
                           R"({"inputs": [1,]})", "{inputs: 1}"}) {
    absl::StatusOr<TfsPredictRequest> result = Parse(body, HalfPlusTwo());
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(result.status()), StartsWith("JSON Parse error: ")) << body;
  }
}

TEST(TfsPredictRequestTest, TopLevelMustBeObject) {
  ExpectInvalid("[1, 2]", HalfPlusTwo(), {"Is not object"});
  ExpectInvalid("3", HalfPlusTwo(), {"Is not object"});
  ExpectInvalid(R"("instances")", HalfPlusTwo(), {"Is not object"});
}

TEST(TfsPredictRequestTest, MissingInstancesAndInputs) {
  ExpectInvalid("{}", HalfPlusTwo(), {"Missing 'inputs' or 'instances' key"});
  ExpectInvalid(R"({"instance": [1]})", HalfPlusTwo(), {"Missing 'inputs' or 'instances' key"});
}

TEST(TfsPredictRequestTest, BothInstancesAndInputs) {
  ExpectInvalid(R"({"instances": [1], "inputs": [1]})", HalfPlusTwo(),
                {"only one of 'inputs' or 'instances'"});
}

TEST(TfsPredictRequestTest, BodyContentIsUnchangedAndPadded) {
  const std::string original = R"({"instances": [1.0, 2.0]})";
  std::string body = original;
  body.shrink_to_fit();
  ASSERT_TRUE(ParseTfsPredictRequest(body, ResolverFor(HalfPlusTwo())).ok());
  EXPECT_EQ(body, original);
  EXPECT_GE(body.capacity(), body.size() + simdjson::SIMDJSON_PADDING);
}

TEST(TfsPredictRequestTest, ParserIsReusedAcrossRequests) {
  for (int i = 0; i < 3; ++i) {
    const Tensor small = ParseSingle(R"({"inputs": [1]})", DataType::kInt64);
    EXPECT_THAT(Values<int64_t>(small), ElementsAre(1));
    const Tensor large = ParseSingle(R"({"inputs": [[1, 2, 3], [4, 5, 6]]})", DataType::kInt64);
    EXPECT_THAT(Values<int64_t>(large), ElementsAre(1, 2, 3, 4, 5, 6));
  }
}

// ---------------------------------------------------------------------------------------------
// Request: signature_name.

TEST(TfsPredictRequestTest, SignatureNameGoesToTheResolver) {
  std::vector<std::string> asked;
  const Signature signature = HalfPlusTwo();
  SignatureResolver resolver = [&](std::string_view name) -> absl::StatusOr<const Signature*> {
    asked.emplace_back(name);
    return &signature;
  };
  std::string named = R"({"signature_name": "classify", "inputs": [1]})";
  absl::StatusOr<TfsPredictRequest> request = ParseTfsPredictRequest(named, resolver);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->signature_name, "classify");
  std::string unnamed = R"({"inputs": [1]})";
  ASSERT_TRUE(ParseTfsPredictRequest(unnamed, resolver).ok());
  EXPECT_THAT(asked, ElementsAre("classify", ""));
}

TEST(TfsPredictRequestTest, ResolverErrorIsReturnedUnchanged) {
  ExpectInvalid(R"({"signature_name": "nope", "inputs": [1]})", HalfPlusTwo(),
                {R"(Serving signature name: "nope" not found in signature def)"});
  std::string body = R"({"inputs": [1]})";
  absl::StatusOr<TfsPredictRequest> result =
      ParseTfsPredictRequest(body, [](std::string_view) -> absl::StatusOr<const Signature*> {
        return absl::NotFoundError("gone");
      });
  EXPECT_EQ(result.status(), absl::NotFoundError("gone"));
}

TEST(TfsPredictRequestTest, SignatureNameMustBeString) {
  for (const char* value : {"1", "null", "[\"a\"]", "{}", "true"}) {
    ExpectInvalid(std::string(R"({"signature_name": )") + value + R"(, "inputs": [1]})",
                  HalfPlusTwo(), {"'signature_name' key must be a string value."});
  }
}

TEST(TfsPredictRequestTest, SignatureWithoutInputs) {
  ExpectInvalid(R"({"inputs": [1]})", MakeSignature({}), {"has no inputs"});
}

// ---------------------------------------------------------------------------------------------
// Request: row format.

Signature TwoInputs() {
  return MakeSignature({Spec("a", DataType::kFp32, {-1, 2}), Spec("b", DataType::kInt64, {-1})});
}

TEST(TfsPredictRequestTest, RowFormatWithSeveralInputs) {
  absl::StatusOr<TfsPredictRequest> request =
      Parse(R"({"instances": [{"b": 3, "a": [1, 2]}, {"a": [4.5, 5], "b": -6}]})", TwoInputs());
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->inputs.size(), 2u);
  EXPECT_EQ(request->inputs[0].first, "a");
  EXPECT_THAT(request->inputs[0].second.shape(), ElementsAre(2, 2));
  EXPECT_THAT(Values<float>(request->inputs[0].second), ElementsAre(1.0f, 2.0f, 4.5f, 5.0f));
  EXPECT_EQ(request->inputs[1].first, "b");
  EXPECT_THAT(request->inputs[1].second.shape(), ElementsAre(2));
  EXPECT_THAT(Values<int64_t>(request->inputs[1].second), ElementsAre(3, -6));
}

TEST(TfsPredictRequestTest, RowObjectMissingAnInput) {
  ExpectInvalid(R"({"instances": [{"a": [1, 2], "b": 3}, {"a": [1, 2]}]})", TwoInputs(),
                {"Element 1", "missing named input: b"});
}

TEST(TfsPredictRequestTest, RowObjectWithUnknownKey) {
  ExpectInvalid(R"({"instances": [{"a": [1, 2], "b": 3, "c": 4}]})", TwoInputs(),
                {"Element 0", "'c'", "not an input"});
}

TEST(TfsPredictRequestTest, RowObjectWithDuplicateKey) {
  ExpectInvalid(R"({"instances": [{"a": [1, 2], "a": [3, 4]}]})", TwoInputs(),
                {"duplicate key 'a'"});
}

TEST(TfsPredictRequestTest, RowFormatNeedsObjectsForSeveralInputs) {
  ExpectInvalid(R"({"instances": [[1, 2], [3, 4]]})", TwoInputs(),
                {"2 inputs", "JSON object keyed by input name"});
}

TEST(TfsPredictRequestTest, RowFormatCannotMixObjectsAndValues) {
  ExpectInvalid(R"({"instances": [{"x": 1}, 2]})", HalfPlusTwo(),
                {"Element 1", "not a JSON object", "mixed"});
  ExpectInvalid(R"({"instances": [1, {"x": 2}]})", HalfPlusTwo(),
                {"Element 1", "a JSON object", "mixed"});
}

TEST(TfsPredictRequestTest, RowsMustShareOneShape) {
  ExpectInvalid(R"({"instances": [[1, 2], [3]]})", HalfPlusTwo(),
                {"Input 'x'", "element 1 of 'instances'"});
  ExpectInvalid(R"({"instances": [{"a": [1, 2], "b": 1}, {"a": [1, 2, 3], "b": 2}]})", TwoInputs(),
                {"Input 'a'", "element 1 of 'instances'"});
  ExpectInvalid(R"({"instances": [[1, 2], 3]})", HalfPlusTwo(), {"Input 'x'", "element 1"});
}

TEST(TfsPredictRequestTest, InstancesMustBeNonEmptyList) {
  ExpectInvalid(R"({"instances": 1})", HalfPlusTwo(), {"'instances' to be a list"});
  ExpectInvalid(R"({"instances": {"x": 1}})", HalfPlusTwo(), {"'instances' to be a list"});
  ExpectInvalid(R"({"instances": []})", HalfPlusTwo(), {"'instances' is an empty list"});
}

TEST(TfsPredictRequestTest, RowsOfNestedLists) {
  const Tensor x =
      ParseSingle(R"({"instances": [[[1, 2]], [[3, 4]], [[5, 6]]]})", DataType::kInt16);
  EXPECT_THAT(x.shape(), ElementsAre(3, 1, 2));
  EXPECT_THAT(Values<int16_t>(x), ElementsAre(1, 2, 3, 4, 5, 6));
}

TEST(TfsPredictRequestTest, NonFiniteTokensInNamedRows) {
  const Tensor x = ParseSingle(R"({"instances": [{"x": NaN}, {"x": -Infinity}]})", DataType::kFp32);
  EXPECT_THAT(x.shape(), ElementsAre(2));
  EXPECT_TRUE(std::isnan(Values<float>(x)[0]));
  EXPECT_EQ(Values<float>(x)[1], -std::numeric_limits<float>::infinity());
}

TEST(TfsPredictRequestTest, RowsOfEmptyLists) {
  const Tensor x = ParseSingle(R"({"instances": [[], []]})", DataType::kFp32);
  EXPECT_THAT(x.shape(), ElementsAre(2, 0));
}

// ---------------------------------------------------------------------------------------------
// Request: columnar format.

TEST(TfsPredictRequestTest, ColumnarWithSeveralInputs) {
  absl::StatusOr<TfsPredictRequest> request =
      Parse(R"({"inputs": {"b": [7, 8, 9], "a": [[1, 2]], "ignored": "x"}})", TwoInputs());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->row_format);
  ASSERT_EQ(request->inputs.size(), 2u);
  EXPECT_EQ(request->inputs[0].first, "a");
  EXPECT_THAT(request->inputs[0].second.shape(), ElementsAre(1, 2));
  EXPECT_EQ(request->inputs[1].first, "b");
  EXPECT_THAT(Values<int64_t>(request->inputs[1].second), ElementsAre(7, 8, 9));
}

TEST(TfsPredictRequestTest, ColumnarMissingNamedInput) {
  ExpectInvalid(R"({"inputs": {"a": [[1, 2]]}})", TwoInputs(),
                {"Missing named input: b in 'inputs' object."});
  ExpectInvalid(R"({"inputs": {"y": [1]}})", HalfPlusTwo(),
                {"Missing named input: x in 'inputs' object."});
}

TEST(TfsPredictRequestTest, ColumnarNeedsObjectForSeveralInputs) {
  ExpectInvalid(R"({"inputs": [[1, 2]]})", TwoInputs(), {"2 inputs", "'inputs'"});
}

TEST(TfsPredictRequestTest, ColumnarEmptyLists) {
  EXPECT_THAT(ParseSingle(R"({"inputs": []})", DataType::kFp32).shape(), ElementsAre(0));
  EXPECT_THAT(ParseSingle(R"({"inputs": [[], []]})", DataType::kInt32).shape(), ElementsAre(2, 0));
  EXPECT_THAT(ParseSingle(R"({"inputs": [[[]]]})", DataType::kString).shape(),
              ElementsAre(1, 1, 0));
}

// ---------------------------------------------------------------------------------------------
// Request: nesting.

TEST(TfsPredictRequestTest, RaggedLists) {
  ExpectInvalid(R"({"inputs": [[1, 2], [3]]})", HalfPlusTwo(), {"Input 'x'", "ragged"});
  ExpectInvalid(R"({"inputs": [[1], [2, 3]]})", HalfPlusTwo(), {"Input 'x'", "ragged"});
  ExpectInvalid(R"({"inputs": [[], [1]]})", HalfPlusTwo(), {"Input 'x'", "ragged"});
  ExpectInvalid(R"({"inputs": {"a": [[1, 2], [3, 4, 5]], "b": [1]}})", TwoInputs(),
                {"Input 'a'", "ragged"});
}

TEST(TfsPredictRequestTest, RaggedListsPromisingHugeTensorAreRejectedBeforeAllocating) {
  std::string body = R"({"inputs": [[)";
  for (int i = 0; i < 500; ++i) body += i == 0 ? "1" : ",1";
  body += "]";
  for (int i = 0; i < 5000; ++i) body += ",[]";
  body += "]}";
  ExpectInvalid(body, HalfPlusTwo(), {"Input 'x'", "ragged", "[5001, 500]"});
}

TEST(TfsPredictRequestTest, LeavesAtMixedDepth) {
  ExpectInvalid(R"({"inputs": [1, [2]]})", HalfPlusTwo(), {"Input 'x'", "different depths"});
  ExpectInvalid(R"({"inputs": [[1], 2]})", HalfPlusTwo(), {"Input 'x'", "different depths"});
  ExpectInvalid(R"({"inputs": [[[1]], [2]]})", HalfPlusTwo(), {"Input 'x'", "different depths"});
}

TEST(TfsPredictRequestTest, UnknownRankInputAcceptsAnyNesting) {
  EXPECT_THAT(ParseSingle(R"({"inputs": 1})", DataType::kFp32, false).shape(), IsEmpty());
  EXPECT_THAT(ParseSingle(R"({"inputs": [[[[1]]]]})", DataType::kFp32, false).shape(),
              ElementsAre(1, 1, 1, 1));
  EXPECT_THAT(ParseSingle(R"({"instances": [[1, 2, 3]]})", DataType::kFp32, false).shape(),
              ElementsAre(1, 3));
}

TEST(TfsPredictRequestTest, FixedDimensionsAreNotCheckedHere) {
  // The signature says [-1, 2]; the service, not the codec, rejects [1, 3].
  absl::StatusOr<TfsPredictRequest> request =
      Parse(R"({"inputs": {"a": [[1, 2, 3]], "b": 1}})", TwoInputs());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->inputs[0].second.shape(), ElementsAre(1, 3));
}

// ---------------------------------------------------------------------------------------------
// Request: dtype conversion.

TEST(TfsPredictRequestTest, FloatAcceptsAnyNumber) {
  const Tensor x = ParseSingle(R"({"inputs": [1, -2, 0.5, 1e3, 18446744073709551615, -1.5e-3]})",
                               DataType::kFp32);
  EXPECT_THAT(Values<float>(x),
              ElementsAre(1.0f, -2.0f, 0.5f, 1000.0f, 18446744073709551615.0f, -1.5e-3f));
}

TEST(TfsPredictRequestTest, FloatOverflowBecomesInfinity) {
  const Tensor x = ParseSingle(R"({"inputs": [1e300, -1e300]})", DataType::kFp32);
  EXPECT_THAT(Values<float>(x), ElementsAre(std::numeric_limits<float>::infinity(),
                                            -std::numeric_limits<float>::infinity()));
}

TEST(TfsPredictRequestTest, IntegersBeyondUint64AreParseErrors) {
  // simdjson refuses integers wider than 64 bits, even where a float would hold them.
  ExpectInvalid(R"({"inputs": [123456789012345678901234567890]})", HalfPlusTwo(),
                {"JSON Parse error: "});
}

TEST(TfsPredictRequestTest, DoubleKeepsFullPrecision) {
  const Tensor x = ParseSingle(R"({"inputs": [0.1, 9007199254740993, -3]})", DataType::kFp64);
  EXPECT_THAT(Values<double>(x), ElementsAre(0.1, 9007199254740992.0, -3.0));
}

TEST(TfsPredictRequestTest, FloatRejectsNonNumbers) {
  ExpectInvalid(R"({"inputs": ["1.0"]})", HalfPlusTwo(),
                {"Input 'x'", R"("1.0")", "not of expected type: float"});
  ExpectInvalid(R"({"inputs": [true]})", HalfPlusTwo(), {"not of expected type: float"});
  ExpectInvalid(R"({"inputs": [null]})", HalfPlusTwo(), {"not of expected type: float"});
  ExpectInvalid(R"({"inputs": [{"b64": "AAAA"}]})", HalfPlusTwo(), {"not of expected type: float"});
  const Signature doubles = MakeSignature({Spec("d", DataType::kFp64)});
  ExpectInvalid(R"({"inputs": ["x"]})", doubles, {"Input 'd'", "not of expected type: double"});
}

TEST(TfsPredictRequestTest, NonFiniteTokens) {
  const Tensor x = ParseSingle(R"({"inputs": [NaN, Infinity, -Infinity, 1.5]})", DataType::kFp32);
  const std::vector<float> values = Values<float>(x);
  ASSERT_EQ(values.size(), 4u);
  EXPECT_TRUE(std::isnan(values[0]));
  EXPECT_EQ(values[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(values[2], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(values[3], 1.5f);
  const Tensor d = ParseSingle(R"({"instances": [[NaN],[-Infinity]]})", DataType::kFp64);
  EXPECT_TRUE(std::isnan(Values<double>(d)[0]));
  EXPECT_EQ(Values<double>(d)[1], -std::numeric_limits<double>::infinity());
}

TEST(TfsPredictRequestTest, NonFiniteTokensLeaveStringsAlone) {
  const Signature signature =
      MakeSignature({Spec("s", DataType::kString), Spec("f", DataType::kFp32)});
  absl::StatusOr<TfsPredictRequest> request = Parse(
      R"({"inputs": {"s": ["say \"NaN\" \\", "Infinity", "-Infinity"], "f": [NaN]}})", signature);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(StringValues(request->inputs[0].second),
              ElementsAre("say \"NaN\" \\", "Infinity", "-Infinity"));
  EXPECT_TRUE(std::isnan(Values<float>(request->inputs[1].second)[0]));
}

TEST(TfsPredictRequestTest, NonFiniteTokensOnlyForFloatingPoint) {
  const Signature ints = MakeSignature({Spec("i", DataType::kInt32)});
  ExpectInvalid(R"({"inputs": [1, NaN]})", ints,
                {"Input 'i'", "NaN", "not of expected type: int32"});
  const Signature strings = MakeSignature({Spec("s", DataType::kString)});
  ExpectInvalid(R"({"inputs": ["a", Infinity]})", strings,
                {"Input 's'", "Infinity", "not of expected type: string"});
  // A body that stays malformed reports the original parse error.
  ExpectInvalid(R"({"inputs": [NaN,]})", HalfPlusTwo(), {"JSON Parse error: "});
  ExpectInvalid(R"({"inputs": [NaNa]})", HalfPlusTwo(), {"JSON Parse error: "});
}

TEST(TfsPredictRequestTest, Int32AcceptsIntegersInRange) {
  const Tensor x = ParseSingle(R"({"inputs": [-2147483648, 2147483647, 0]})", DataType::kInt32);
  EXPECT_THAT(Values<int32_t>(x), ElementsAre(std::numeric_limits<int32_t>::min(),
                                              std::numeric_limits<int32_t>::max(), 0));
}

TEST(TfsPredictRequestTest, IntegersRejectFractionsAndOtherTypes) {
  const Signature ints = MakeSignature({Spec("i", DataType::kInt32)});
  ExpectInvalid(R"({"inputs": [1.0]})", ints, {"Input 'i'", "not of expected type: int32"});
  ExpectInvalid(R"({"inputs": [1.5]})", ints, {"not of expected type: int32"});
  ExpectInvalid(R"({"inputs": ["1"]})", ints, {"not of expected type: int32"});
  ExpectInvalid(R"({"inputs": [false]})", ints, {"not of expected type: int32"});
  const Signature int64s = MakeSignature({Spec("l", DataType::kInt64)});
  ExpectInvalid(R"({"inputs": [2.0]})", int64s, {"not of expected type: int64"});
}

TEST(TfsPredictRequestTest, IntegersRejectOutOfRange) {
  struct Case {
    DataType dtype;
    const char* value;
    const char* type_name;
  };
  for (const Case& c :
       {Case{DataType::kInt32, "2147483648", "int32"},
        Case{DataType::kInt32, "-2147483649", "int32"}, Case{DataType::kInt16, "32768", "int16"},
        Case{DataType::kInt16, "-32769", "int16"}, Case{DataType::kInt8, "128", "int8"},
        Case{DataType::kInt8, "-129", "int8"}, Case{DataType::kUint8, "256", "uint8"},
        Case{DataType::kUint8, "-1", "uint8"},
        Case{DataType::kInt64, "9223372036854775808", "int64"}}) {
    const Signature signature = MakeSignature({Spec("n", c.dtype)});
    ExpectInvalid(std::string(R"({"inputs": [)") + c.value + "]}", signature,
                  {"Input 'n'", c.value, std::string("not of expected type: ") + c.type_name,
                   "out of range"});
  }
}

TEST(TfsPredictRequestTest, SmallIntegerTypes) {
  EXPECT_THAT(Values<int8_t>(ParseSingle(R"({"inputs": [-128, 127]})", DataType::kInt8)),
              ElementsAre(-128, 127));
  EXPECT_THAT(Values<uint8_t>(ParseSingle(R"({"inputs": [0, 255]})", DataType::kUint8)),
              ElementsAre(0, 255));
  EXPECT_THAT(Values<int16_t>(ParseSingle(R"({"inputs": [-32768, 32767]})", DataType::kInt16)),
              ElementsAre(-32768, 32767));
  EXPECT_THAT(
      Values<int64_t>(ParseSingle(R"({"inputs": [-9223372036854775808, 9223372036854775807]})",
                                  DataType::kInt64)),
      ElementsAre(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()));
}

TEST(TfsPredictRequestTest, Bool) {
  const Tensor x = ParseSingle(R"({"instances": [true, false, true]})", DataType::kBool);
  EXPECT_THAT(Values<bool>(x), ElementsAre(true, false, true));
  const Signature bools = MakeSignature({Spec("b", DataType::kBool)});
  ExpectInvalid(R"({"inputs": [1]})", bools, {"Input 'b'", "not of expected type: bool"});
  ExpectInvalid(R"({"inputs": ["true"]})", bools, {"not of expected type: bool"});
}

TEST(TfsPredictRequestTest, StringsAndB64) {
  const Tensor x = ParseSingle(
      R"({"inputs": ["plain", {"b64": "aGVsbG8="}, "\u00e9\n", {"b64": ""}]})", DataType::kString);
  EXPECT_THAT(x.shape(), ElementsAre(4));
  EXPECT_THAT(StringValues(x), ElementsAre("plain", "hello", "\xc3\xa9\n", ""));
}

TEST(TfsPredictRequestTest, B64DecodesArbitraryBytes) {
  const Tensor x = ParseSingle(R"({"inputs": {"b64": "AP+AAQ=="}})", DataType::kString);
  EXPECT_THAT(x.shape(), IsEmpty());
  EXPECT_THAT(StringValues(x), ElementsAre(std::string("\x00\xff\x80\x01", 4)));
}

TEST(TfsPredictRequestTest, B64Rows) {
  const Tensor x =
      ParseSingle(R"({"instances": [{"b64": "aGk="}, {"b64": "eW8="}]})", DataType::kString);
  EXPECT_THAT(x.shape(), ElementsAre(2));
  EXPECT_THAT(StringValues(x), ElementsAre("hi", "yo"));
}

TEST(TfsPredictRequestTest, BadB64) {
  const Signature strings = MakeSignature({Spec("s", DataType::kString)});
  ExpectInvalid(R"({"inputs": [{"b64": "not base64!"}]})", strings,
                {"Input 's'", "Unable to base64 decode"});
}

TEST(TfsPredictRequestTest, MalformedB64Objects) {
  const Signature strings = MakeSignature({Spec("s", DataType::kString)});
  ExpectInvalid(R"({"inputs": [{"b64": 1}]})", strings, {"not of expected type: string"});
  ExpectInvalid(R"({"inputs": [{"b64": "aGk=", "x": 1}]})", strings,
                {"not of expected type: string"});
  ExpectInvalid(R"({"inputs": [{"B64": "aGk="}]})", strings, {"not of expected type: string"});
  ExpectInvalid(R"({"inputs": [1]})", strings, {"Input 's'", "not of expected type: string"});
}

TEST(TfsPredictRequestTest, HalfAndBfloat16AreUnimplemented) {
  ExpectParseError(R"({"inputs": [1.0]})", MakeSignature({Spec("h", DataType::kFp16)}),
                   absl::StatusCode::kUnimplemented, {"Input 'h'", "half"});
  ExpectParseError(R"({"instances": [1.0]})", MakeSignature({Spec("b", DataType::kBf16)}),
                   absl::StatusCode::kUnimplemented, {"Input 'b'", "bfloat16"});
}

TEST(TfsPredictRequestTest, LongValuesAreShortenedInMessages) {
  std::string body = R"({"inputs": [")" + std::string(1000, 'z') + R"("]})";
  absl::StatusOr<TfsPredictRequest> result = Parse(body, HalfPlusTwo());
  ASSERT_FALSE(result.ok());
  EXPECT_LT(result.status().message().size(), 300u);
  EXPECT_THAT(Message(result.status()), HasSubstr("..."));
}

// ---------------------------------------------------------------------------------------------
// Predict response.

NamedTensors Outputs(std::initializer_list<NamedTensor> outputs) { return NamedTensors(outputs); }

std::string Response(const NamedTensors& outputs, bool row_format) {
  absl::StatusOr<std::string> json = WriteTfsPredictResponse(outputs, row_format);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : "";
}

TEST(TfsPredictResponseTest, HalfPlusTwoPredictions) {
  const NamedTensors outputs =
      Outputs({{"y", MakeTensor<float>(DataType::kFp32, {3}, {2.5f, 3.0f, 4.5f})}});
  EXPECT_EQ(Response(outputs, true), R"({"predictions":[2.5,3.0,4.5]})");
  EXPECT_EQ(Response(outputs, false), R"({"outputs":[2.5,3.0,4.5]})");
}

TEST(TfsPredictResponseTest, NestedRows) {
  const NamedTensors outputs =
      Outputs({{"y", MakeTensor<float>(DataType::kFp32, {2, 1}, {2.5f, 3.0f})}});
  EXPECT_EQ(Response(outputs, true), R"({"predictions":[[2.5],[3.0]]})");
  EXPECT_EQ(Response(outputs, false), R"({"outputs":[[2.5],[3.0]]})");
}

TEST(TfsPredictResponseTest, SeveralOutputsRowFormat) {
  const NamedTensors outputs =
      Outputs({{"scores", MakeTensor<float>(DataType::kFp32, {2, 2}, {0.25f, 0.75f, 1, 0})},
               {"label", MakeTensor<int64_t>(DataType::kInt64, {2}, {1, 0})}});
  EXPECT_EQ(Response(outputs, true),
            R"({"predictions":[{"scores":[0.25,0.75],"label":1},{"scores":[1.0,0.0],"label":0}]})");
}

TEST(TfsPredictResponseTest, SeveralOutputsColumnar) {
  const NamedTensors outputs =
      Outputs({{"scores", MakeTensor<float>(DataType::kFp32, {1, 2}, {0.25f, 0.75f})},
               {"label", MakeTensor<int64_t>(DataType::kInt64, {3}, {1, 2, 3})}});
  EXPECT_EQ(Response(outputs, false), R"({"outputs":{"scores":[[0.25,0.75]],"label":[1,2,3]}})");
}

TEST(TfsPredictResponseTest, RowFormatNeedsOneBatchSize) {
  const NamedTensors outputs = Outputs({{"a", MakeTensor<float>(DataType::kFp32, {2}, {1, 2})},
                                        {"b", MakeTensor<float>(DataType::kFp32, {3}, {1, 2, 3})}});
  absl::StatusOr<std::string> json = WriteTfsPredictResponse(outputs, true);
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(json.status()), HasSubstr("b has inconsistent batch size: 3 expecting: 2"));
  EXPECT_TRUE(WriteTfsPredictResponse(outputs, false).ok());
}

TEST(TfsPredictResponseTest, RowFormatNeedsRankOne) {
  const NamedTensors outputs = Outputs({{"s", MakeTensor<float>(DataType::kFp32, {}, {1})}});
  absl::StatusOr<std::string> json = WriteTfsPredictResponse(outputs, true);
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(json.status()), HasSubstr("s has no shape information"));
}

TEST(TfsPredictResponseTest, RankZeroColumnarIsBareValue) {
  EXPECT_EQ(Response(Outputs({{"s", MakeTensor<float>(DataType::kFp32, {}, {3})}}), false),
            R"({"outputs":3.0})");
  EXPECT_EQ(Response(Outputs({{"a", MakeTensor<int32_t>(DataType::kInt32, {}, {-4})},
                              {"b", MakeTensor<bool>(DataType::kBool, {}, {true})}}),
                     false),
            R"({"outputs":{"a":-4,"b":true}})");
}

TEST(TfsPredictResponseTest, EmptyTensors) {
  EXPECT_EQ(Response(Outputs({{"y", Tensor::Zeros(DataType::kFp32, {0})}}), true),
            R"({"predictions":[]})");
  EXPECT_EQ(Response(Outputs({{"y", Tensor::Zeros(DataType::kFp32, {2, 0})}}), false),
            R"({"outputs":[[],[]]})");
  EXPECT_EQ(Response(Outputs({{"y", Tensor::Zeros(DataType::kInt32, {2, 0, 3})}}), true),
            R"({"predictions":[[],[]]})");
  EXPECT_EQ(Response({}, false), R"({"outputs":{}})");
  EXPECT_EQ(Response({}, true), R"({"predictions":[]})");
}

TEST(TfsPredictResponseTest, SlicedTensorViews) {
  const Tensor whole = MakeTensor<int32_t>(DataType::kInt32, {3, 2}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(Response(Outputs({{"y", whole.Slice(1, 3)}}), true),
            R"({"predictions":[[3,4],[5,6]]})");
}

TEST(TfsPredictResponseTest, FloatFormatting) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const NamedTensors outputs = Outputs(
      {{"y", MakeTensor<float>(DataType::kFp32, {6}, {3.0f, 0.1f, 1e20f, nan, inf, -inf})}});
  EXPECT_EQ(Response(outputs, false), R"({"outputs":[3.0,0.1,1e+20,NaN,Infinity,-Infinity]})");
  const NamedTensors doubles =
      Outputs({{"d", MakeTensor<double>(DataType::kFp64, {3}, {0.1, 1.0 / 3, 2})}});
  EXPECT_EQ(Response(doubles, false), R"({"outputs":[0.1,0.3333333333333333,2.0]})");
}

TEST(TfsPredictResponseTest, IntegerAndBoolDtypes) {
  const NamedTensors outputs = Outputs({
      {"u8", MakeTensor<uint8_t>(DataType::kUint8, {2}, {0, 255})},
      {"i8", MakeTensor<int8_t>(DataType::kInt8, {2}, {-128, 127})},
      {"i16", MakeTensor<int16_t>(DataType::kInt16, {2}, {-32768, 7})},
      {"i32", MakeTensor<int32_t>(DataType::kInt32, {2}, {-1, 2147483647})},
      {"i64", MakeTensor<int64_t>(DataType::kInt64, {2}, {-9223372036854775807 - 1, 5})},
      {"b", MakeTensor<bool>(DataType::kBool, {2}, {false, true})},
  });
  EXPECT_EQ(Response(outputs, false),
            R"({"outputs":{"u8":[0,255],"i8":[-128,127],"i16":[-32768,7],)"
            R"("i32":[-1,2147483647],"i64":[-9223372036854775808,5],"b":[false,true]}})");
}

TEST(TfsPredictResponseTest, HalfAndBfloat16PrintAsFloat) {
  // fp16: 1.0, -2.0, 65504 (max), smallest subnormal, +inf, NaN, -0.
  const NamedTensors halves = Outputs(
      {{"h", MakeTensor<uint16_t>(DataType::kFp16, {7},
                                  {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00, 0x7E00, 0x8000})}});
  EXPECT_EQ(Response(halves, false),
            R"({"outputs":[1.0,-2.0,65504.0,5.9604645e-08,Infinity,NaN,-0.0]})");
  // bf16: 1.0, 3.140625, -inf.
  const NamedTensors bf16 =
      Outputs({{"b", MakeTensor<uint16_t>(DataType::kBf16, {3}, {0x3F80, 0x4049, 0xFF80})}});
  EXPECT_EQ(Response(bf16, false), R"({"outputs":[1.0,3.140625,-Infinity]})");
}

TEST(TfsPredictResponseTest, StringsAndBytesOutputs) {
  const NamedTensors outputs = Outputs({
      {"text", Tensor::FromStrings({2}, {"hi \"you\"", "line\nbreak"})},
      {"image_bytes", Tensor::FromStrings({2}, {std::string("\x00\xff", 2), "hello"})},
  });
  EXPECT_EQ(Response(outputs, true),
            R"({"predictions":[{"text":"hi \"you\"","image_bytes":{"b64":"AP8="}},)"
            R"({"text":"line\nbreak","image_bytes":{"b64":"aGVsbG8="}}]})");
}

TEST(TfsPredictResponseTest, BytesSuffixOnlyAppliesToStrings) {
  const NamedTensors outputs =
      Outputs({{"x_bytes", MakeTensor<int32_t>(DataType::kInt32, {1}, {7})}});
  EXPECT_EQ(Response(outputs, false), R"({"outputs":[7]})");
}

TEST(TfsPredictResponseTest, InvalidUtf8StringsAreWrittenEscaped) {
  const NamedTensors outputs =
      Outputs({{"s", Tensor::FromStrings({1}, {std::string("\xff\x01\xc3", 3)})}});
  EXPECT_EQ(Response(outputs, false), "{\"outputs\":[\"\xff\\u0001\xc3\"]}");
}

TEST(TfsPredictResponseTest, ResponsesParseBack) {
  const NamedTensors outputs =
      Outputs({{"a", MakeTensor<float>(DataType::kFp32, {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8})},
               {"b", Tensor::FromStrings({2}, {"x", "y"})}});
  ExpectValidJson(Response(outputs, true));
  ExpectValidJson(Response(outputs, false));
}

// ---------------------------------------------------------------------------------------------
// Request to response, as the REST handler chains them (protocols.md 1.7 half_plus_two examples).

// y = 0.5 * x + 2 on the parsed input, returned as output "y".
std::string HalfPlusTwoRoundTrip(std::string body) {
  absl::StatusOr<TfsPredictRequest> request = Parse(std::move(body), HalfPlusTwo());
  EXPECT_TRUE(request.ok()) << request.status();
  if (!request.ok()) return "";
  const Tensor& x = request->inputs[0].second;
  Tensor y = Tensor::Zeros(DataType::kFp32, x.shape());
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    y.mutable_data<float>()[i] = 0.5f * x.data<float>()[i] + 2.0f;
  }
  absl::StatusOr<std::string> json =
      WriteTfsPredictResponse({{"y", std::move(y)}}, request->row_format);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : "";
}

TEST(TfsRoundTripTest, HalfPlusTwoExamples) {
  EXPECT_EQ(HalfPlusTwoRoundTrip(R"({"instances": [1.0, 2.0, 5.0]})"),
            R"({"predictions":[2.5,3.0,4.5]})");
  EXPECT_EQ(HalfPlusTwoRoundTrip(R"({"instances": [[1.0], [2.0]]})"),
            R"({"predictions":[[2.5],[3.0]]})");
  EXPECT_EQ(HalfPlusTwoRoundTrip(R"({"instances": [{"x": [1.0]}, {"x": [2.0]}]})"),
            R"({"predictions":[[2.5],[3.0]]})");
  EXPECT_EQ(HalfPlusTwoRoundTrip(R"({"inputs": [1.0, 2.0, 5.0]})"), R"({"outputs":[2.5,3.0,4.5]})");
  EXPECT_EQ(HalfPlusTwoRoundTrip(R"({"inputs": {"x": [[1.0],[2.0]]}})"),
            R"({"outputs":[[2.5],[3.0]]})");
  EXPECT_EQ(HalfPlusTwoRoundTrip(R"({"inputs": [NaN, Infinity]})"),
            R"({"outputs":[NaN,Infinity]})");
}

// ---------------------------------------------------------------------------------------------
// Model status, metadata and errors.

TEST(TfsModelStatusTest, WritesEveryVersionInOrder) {
  const std::vector<ServableVersionStatus> versions = {
      {3, ServableState::kLoading, absl::OkStatus()},
      {2, ServableState::kAvailable, absl::OkStatus()},
      {1, ServableState::kEnd, absl::InvalidArgumentError("bad \"model\"")},
  };
  const std::string json = WriteTfsModelStatus(versions);
  EXPECT_EQ(
      json,
      R"({"model_version_status":[)"
      R"({"version":"3","state":"LOADING","status":{"error_code":"OK","error_message":""}},)"
      R"({"version":"2","state":"AVAILABLE","status":{"error_code":"OK","error_message":""}},)"
      R"({"version":"1","state":"END","status":{"error_code":"INVALID_ARGUMENT",)"
      R"("error_message":"bad \"model\""}}]})");
  ExpectValidJson(json);
}

TEST(TfsModelStatusTest, NoVersions) {
  EXPECT_EQ(WriteTfsModelStatus({}), R"({"model_version_status":[]})");
}

TEST(TfsModelMetadataTest, WritesSignatureDef) {
  const Signature signature = MakeSignature(
      {Spec("x", DataType::kFp32, {-1, 1}), Spec("any", DataType::kString, {}, false)},
      {Spec("y", DataType::kInt64, {-1})});
  const std::string json = WriteTfsModelMetadata("half_plus_two", 123, signature);
  EXPECT_EQ(
      json,
      R"({"model_spec":{"name":"half_plus_two","signature_name":"","version":"123"},)"
      R"("metadata":{"signature_def":{"signature_def":{"serving_default":{)"
      R"("inputs":{)"
      R"("x":{"dtype":"DT_FLOAT","tensor_shape":{"dim":[{"size":"-1","name":""},)"
      R"({"size":"1","name":""}],"unknown_rank":false},"name":"x"},)"
      R"("any":{"dtype":"DT_STRING","tensor_shape":{"dim":[],"unknown_rank":true},"name":"any"}},)"
      R"("outputs":{"y":{"dtype":"DT_INT64","tensor_shape":{"dim":[{"size":"-1","name":""}],)"
      R"("unknown_rank":false},"name":"y"}},)"
      R"("method_name":"tensorflow/serving/predict","defaults":{}}}}}})");
  ExpectValidJson(json);
}

TEST(TfsModelMetadataTest, UsesSignatureNameAsKeyAndScalarShape) {
  Signature signature = MakeSignature({Spec("s", DataType::kFp64, {}, true)}, {});
  signature.name = "other";
  const std::string json = WriteTfsModelMetadata("m", 1, signature);
  EXPECT_THAT(json, HasSubstr(R"("signature_def":{"other":{)"));
  EXPECT_THAT(json, HasSubstr(R"("s":{"dtype":"DT_DOUBLE","tensor_shape":{"dim":[],)"
                              R"("unknown_rank":false},"name":"s"})"));
  EXPECT_THAT(json, HasSubstr(R"("outputs":{})"));
}

TEST(TfsErrorTest, WritesMessage) {
  EXPECT_EQ(WriteTfsError(absl::InvalidArgumentError("Missing 'inputs' or 'instances' key")),
            R"({"error":"Missing 'inputs' or 'instances' key"})");
  EXPECT_EQ(WriteTfsError(absl::NotFoundError("a \"b\"\n")), R"({"error":"a \"b\"\n"})");
}

TEST(TfsErrorTest, ParseErrorsRoundTripIntoErrorBodies) {
  absl::StatusOr<TfsPredictRequest> result = Parse(R"({"inputs": ["\u0001"]})", HalfPlusTwo());
  ASSERT_FALSE(result.ok());
  ExpectValidJson(WriteTfsError(result.status()));
}

}  // namespace
}  // namespace serval
