#include "protocol/kserve_json.h"

#include <simdjson.h>

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
using ::testing::IsEmpty;

// Shapes are taken by reference here: GCC 12 at -O3 warns (falsely) when an empty
// absl::InlinedVector is moved.
TensorSpec Spec(std::string name, DataType dtype, const Shape& shape = {-1, -1}) {
  return TensorSpec{std::move(name), dtype, shape, true};
}

Signature MakeSignature(std::vector<TensorSpec> inputs, std::vector<TensorSpec> outputs = {}) {
  Signature signature;
  signature.inputs = std::move(inputs);
  signature.outputs = std::move(outputs);
  return signature;
}

const Signature& HalfPlusTwo() {
  static const Signature* const signature =
      new Signature(MakeSignature({Spec("x", DataType::kFp32)}, {Spec("y", DataType::kFp32)}));
  return *signature;
}

// Two inputs and two outputs of different types, like the mlp example.
const Signature& Mlp() {
  static const Signature* const signature = new Signature(MakeSignature(
      {Spec("features", DataType::kFp32, {-1, 8}), Spec("temperature", DataType::kFp32, {-1, 1})},
      {Spec("probabilities", DataType::kFp32, {-1, 3}), Spec("label", DataType::kInt64, {-1})}));
  return *signature;
}

template <typename T>
std::string Bytes(std::initializer_list<T> values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  std::memcpy(bytes.data(), std::data(values), bytes.size());
  return bytes;
}

template <typename T>
std::vector<T> Values(const Tensor& tensor) {
  return std::vector<T>(tensor.data<T>(), tensor.data<T>() + tensor.num_elements());
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

absl::StatusOr<KServeInferRequest> Parse(std::string json, const Signature& signature) {
  auto body = std::make_shared<std::string>(std::move(json));
  const size_t size = body->size();
  return ParseKServeInferRequest(body, size, signature);
}

// A body of `json` followed by `binary`, parsed with the JSON's length as header length.
absl::StatusOr<KServeInferRequest> ParseBinary(std::string json, const std::string& binary,
                                               const Signature& signature) {
  auto body = std::make_shared<std::string>(std::move(json));
  const size_t json_size = body->size();
  body->append(binary);
  return ParseKServeInferRequest(body, json_size, signature);
}

// Expects `json` to fail for `signature` with `code` and a message containing each of `parts`.
void ExpectError(std::string json, const Signature& signature,
                 std::initializer_list<std::string_view> parts,
                 absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  absl::StatusOr<KServeInferRequest> result = Parse(json, signature);
  ASSERT_FALSE(result.ok()) << json;
  EXPECT_EQ(result.status().code(), code) << result.status();
  for (std::string_view part : parts) {
    EXPECT_THAT(Message(result.status()), HasSubstr(std::string(part))) << json;
  }
}

// An input of `datatype` and `shape` with JSON `data`, for a one-input signature.
std::string OneInput(std::string_view datatype, std::string_view shape, std::string_view data) {
  std::string json = R"({"inputs": [{"name": "x", "datatype": ")";
  json.append(datatype).append(R"(", "shape": )").append(shape);
  json.append(R"(, "data": )").append(data).append("}]}");
  return json;
}

// --- JSON inputs -----------------------------------------------------------------------------

TEST(KServeJsonRequestTest, FlatAndNestedDataGiveTheSameTensor) {
  for (const char* data :
       {"[1, 2, 3, 4.5, -5, 6]", "[[1, 2, 3], [4.5, -5, 6]]", "[[1, 2], [3, 4.5, -5, 6]]"}) {
    auto request = Parse(OneInput("FP32", "[2, 3]", data), HalfPlusTwo());
    ASSERT_TRUE(request.ok()) << request.status() << " for " << data;
    ASSERT_EQ(request->inputs.size(), 1u);
    EXPECT_EQ(request->inputs[0].first, "x");
    EXPECT_EQ(request->inputs[0].second.shape(), (Shape{2, 3}));
    EXPECT_THAT(Values<float>(request->inputs[0].second), ElementsAre(1, 2, 3, 4.5f, -5, 6));
  }
}

TEST(KServeJsonRequestTest, EveryJsonDatatype) {
  auto parse_one = [](DataType dtype, std::string_view data) {
    const Signature signature = MakeSignature({Spec("x", dtype, {-1})});
    auto request = Parse(OneInput(KServeDataTypeName(dtype), "[3]", data), signature);
    EXPECT_TRUE(request.ok()) << request.status();
    return request.ok() ? request->inputs[0].second : Tensor();
  };
  EXPECT_THAT(Values<bool>(parse_one(DataType::kBool, "[true, false, true]")),
              ElementsAre(true, false, true));
  EXPECT_THAT(Values<uint8_t>(parse_one(DataType::kUint8, "[0, 7, 255]")), ElementsAre(0, 7, 255));
  EXPECT_THAT(Values<int8_t>(parse_one(DataType::kInt8, "[-128, 0, 127]")),
              ElementsAre(-128, 0, 127));
  EXPECT_THAT(Values<int16_t>(parse_one(DataType::kInt16, "[-32768, 1, 32767]")),
              ElementsAre(-32768, 1, 32767));
  EXPECT_THAT(Values<int32_t>(parse_one(DataType::kInt32, "[-1, 0, 2147483647]")),
              ElementsAre(-1, 0, 2147483647));
  EXPECT_THAT(Values<int64_t>(parse_one(DataType::kInt64, "[-1, 0, 9007199254740993]")),
              ElementsAre(-1, 0, 9007199254740993));
  EXPECT_THAT(Values<float>(parse_one(DataType::kFp32, "[0.5, 1, -2e3]")),
              ElementsAre(0.5f, 1.0f, -2000.0f));
  EXPECT_THAT(Values<double>(parse_one(DataType::kFp64, "[0.1, 1e300, -3]")),
              ElementsAre(0.1, 1e300, -3.0));
  const Tensor strings = parse_one(DataType::kString, R"(["a", "", "h\u00e9"])");
  EXPECT_THAT(strings.strings(), ElementsAre("a", "", "h\xc3\xa9"));
}

TEST(KServeJsonRequestTest, InputsComeOutInSignatureOrder) {
  auto request = Parse(R"({"inputs": [
      {"name": "temperature", "datatype": "FP32", "shape": [1, 1], "data": [2]},
      {"name": "features", "datatype": "FP32", "shape": [1, 8], "data": [1, 2, 3, 4, 5, 6, 7, 8]}]})",
                       Mlp());
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_EQ(request->inputs.size(), 2u);
  EXPECT_EQ(request->inputs[0].first, "features");
  EXPECT_EQ(request->inputs[1].first, "temperature");
  EXPECT_THAT(Values<float>(request->inputs[1].second), ElementsAre(2));
}

TEST(KServeJsonRequestTest, ResponseOptions) {
  auto plain = Parse(OneInput("FP32", "[1]", "[1]"), HalfPlusTwo());
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(plain->response.id.has_value());
  EXPECT_THAT(plain->response.outputs, IsEmpty());
  EXPECT_FALSE(plain->response.IsBinary("y"));
  EXPECT_THAT(plain->response.OutputNames(), IsEmpty());

  auto asked = Parse(R"({"id": "req-7", "parameters": {"binary_data_output": true, "priority": 3},
      "inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 8],
                  "data": [1, 2, 3, 4, 5, 6, 7, 8], "parameters": {"something": "else"}},
                 {"name": "temperature", "datatype": "FP32", "shape": [1, 1], "data": [1]}],
      "outputs": [{"name": "label"},
                  {"name": "probabilities", "parameters": {"binary_data": false}}]})",
                     Mlp());
  ASSERT_TRUE(asked.ok()) << asked.status();
  EXPECT_EQ(asked->response.id, "req-7");
  EXPECT_THAT(asked->response.OutputNames(), ElementsAre("label", "probabilities"));
  // The request-level default, and an output's own override.
  EXPECT_TRUE(asked->response.IsBinary("label"));
  EXPECT_FALSE(asked->response.IsBinary("probabilities"));
}

// --- binary inputs ---------------------------------------------------------------------------

TEST(KServeJsonRequestTest, BinaryInputsAliasTheBody) {
  const std::string json = R"({"inputs": [
      {"name": "temperature", "datatype": "FP32", "shape": [1, 1],
       "parameters": {"binary_data_size": 4}},
      {"name": "features", "datatype": "FP32", "shape": [1, 8],
       "parameters": {"binary_data_size": 32}}]})";
  std::string binary = Bytes<float>({0.5f});
  binary.append(Bytes<float>({1, 2, 3, 4, 5, 6, 7, 8}));
  auto body = std::make_shared<std::string>(json);
  body->append(binary);
  std::weak_ptr<std::string> watch = body;
  auto request = ParseKServeInferRequest(body, json.size(), Mlp());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(Values<float>(request->inputs[0].second), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
  EXPECT_THAT(Values<float>(request->inputs[1].second), ElementsAre(0.5f));
  // Both tensors point into the body, which they keep alive.
  const char* begin = body->data();
  const char* end = body->data() + body->size();
  for (const auto& [name, tensor] : request->inputs) {
    const char* data = static_cast<const char*>(tensor.raw_data());
    EXPECT_TRUE(data >= begin && data < end) << name;
  }
  body.reset();
  EXPECT_FALSE(watch.expired());
  request->inputs.clear();
  EXPECT_TRUE(watch.expired());
}

TEST(KServeJsonRequestTest, BinaryDataIsMovedIntoAlignmentRatherThanCopied) {
  const Signature signature = MakeSignature({Spec("d", DataType::kFp64, {-1})});
  std::string json = R"({"inputs": [{"name": "d", "datatype": "FP64", "shape": [2],
                                     "parameters": {"binary_data_size": 16}}]})";
  for (int pad = 0; pad < 8; ++pad) {
    auto body = std::make_shared<std::string>(json);
    const size_t json_size = body->size();
    body->append(Bytes<double>({0.5, -7}));
    auto request = ParseKServeInferRequest(body, json_size, signature);
    ASSERT_TRUE(request.ok()) << request.status();
    const Tensor& d = request->inputs[0].second;
    EXPECT_THAT(Values<double>(d), ElementsAre(0.5, -7)) << pad;
    const char* data = static_cast<const char*>(d.raw_data());
    EXPECT_TRUE(data >= body->data() && data + 16 <= body->data() + body->size()) << pad;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % alignof(double), 0u) << pad;
    json.insert(json.size() - 1, " ");  // one more byte of JSON: another misalignment
  }
}

TEST(KServeJsonRequestTest, BinaryAndJsonInputsMix) {
  auto request = ParseBinary(R"({"inputs": [
      {"name": "features", "datatype": "FP32", "shape": [1, 8],
       "parameters": {"binary_data_size": 32}},
      {"name": "temperature", "datatype": "FP32", "shape": [1, 1], "data": [[3]]}]})",
                             Bytes<float>({8, 7, 6, 5, 4, 3, 2, 1}), Mlp());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(Values<float>(request->inputs[0].second), ElementsAre(8, 7, 6, 5, 4, 3, 2, 1));
  EXPECT_THAT(Values<float>(request->inputs[1].second), ElementsAre(3));
}

TEST(KServeJsonRequestTest, BinaryBytesAndHalfPrecision) {
  const Signature signature =
      MakeSignature({Spec("s", DataType::kString, {-1}), Spec("h", DataType::kFp16, {-1})});
  std::string binary;
  for (std::string_view value : {"ab", "cde"}) {
    const auto length = static_cast<uint32_t>(value.size());
    binary.append(reinterpret_cast<const char*>(&length), 4).append(value);
  }
  binary.append(Bytes<uint16_t>({0x3c00, 0x4000}));
  auto request = ParseBinary(R"({"inputs": [
      {"name": "s", "datatype": "BYTES", "shape": [2], "parameters": {"binary_data_size": 13}},
      {"name": "h", "datatype": "FP16", "shape": [2], "parameters": {"binary_data_size": 4}}]})",
                             binary, signature);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->inputs[0].second.strings(), ElementsAre("ab", "cde"));
  EXPECT_THAT(Values<uint16_t>(request->inputs[1].second), ElementsAre(0x3c00, 0x4000));
}

TEST(KServeJsonRequestTest, BinaryErrors) {
  const std::string one_binary =
      R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [3, 1],
                      "parameters": {"binary_data_size": 12}}]})";
  // Fewer bytes than binary_data_size.
  auto short_body = ParseBinary(one_binary, Bytes<float>({1, 2}), HalfPlusTwo());
  EXPECT_EQ(short_body.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(short_body.status()), HasSubstr("binary_data_size is 12, but only 8 bytes"));
  // More bytes than the sizes add up to.
  auto long_body = ParseBinary(one_binary, Bytes<float>({1, 2, 3, 4}), HalfPlusTwo());
  EXPECT_THAT(Message(long_body.status()),
              HasSubstr("16 bytes of binary data follow the JSON, but the inputs' "
                        "parameters.binary_data_size add up to 12"));
  // No binary data at all: the header was probably forgotten.
  ExpectError(one_binary, HalfPlusTwo(), {"only 0 bytes", "Inference-Header-Content-Length"});
  // A byte count that does not match the shape.
  auto mismatch = ParseBinary(
      R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2, 1],
                      "parameters": {"binary_data_size": 12}}]})",
      Bytes<float>({1, 2, 3}), HalfPlusTwo());
  EXPECT_THAT(Message(mismatch.status()), HasSubstr("input 'x': 12 bytes of data"));
  EXPECT_THAT(Message(mismatch.status()), HasSubstr("2 elements x 4 bytes"));
  // Not a size.
  ExpectError(R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1],
                              "parameters": {"binary_data_size": -4}}]})",
              HalfPlusTwo(), {"binary_data_size must be a non-negative integer, got -4"});
  ExpectError(R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1],
                              "parameters": {"binary_data_size": "4"}}]})",
              HalfPlusTwo(), {"binary_data_size must be a non-negative integer"});
  // Both, or neither.
  ExpectError(R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1],
                              "parameters": {"binary_data_size": 4}}]})",
              HalfPlusTwo(), {"input 'x' must have exactly one of", "not both"});
  ExpectError(R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1]}]})", HalfPlusTwo(),
              {"not neither"});
}

TEST(KServeJsonRequestTest, JsonSizeHeader) {
  EXPECT_EQ(*ParseKServeJsonSize("0", 10), 0u);
  EXPECT_EQ(*ParseKServeJsonSize("10", 10), 10u);
  EXPECT_EQ(*ParseKServeJsonSize("7", 10), 7u);
  for (const char* bad : {"", "11", "-1", "abc", "1.5", "4294967306", "99999999999999999999"}) {
    auto size = ParseKServeJsonSize(bad, 10);
    ASSERT_FALSE(size.ok()) << bad;
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(size.status()),
                HasSubstr("Inference-Header-Content-Length must be an integer in [0, 10]"));
  }
}

// --- raw binary requests ---------------------------------------------------------------------

TEST(KServeJsonRequestTest, RawRequestDeducesTheShape) {
  auto parse = [](const Signature& signature, std::string bytes) {
    return ParseKServeRawInferRequest(std::make_shared<std::string>(std::move(bytes)), signature);
  };
  // [-1, -1]: batch 1, the rest from the byte count.
  auto two_free = parse(HalfPlusTwo(), Bytes<float>({1, 2, 3}));
  ASSERT_TRUE(two_free.ok()) << two_free.status();
  EXPECT_EQ(two_free->inputs[0].second.shape(), (Shape{1, 3}));
  EXPECT_TRUE(two_free->response.binary_data_output);
  EXPECT_TRUE(two_free->response.IsBinary("y"));
  // One free dimension.
  const Signature rows = MakeSignature({Spec("x", DataType::kInt32, {-1, 2})});
  auto one_free = parse(rows, Bytes<int32_t>({1, 2, 3, 4}));
  ASSERT_TRUE(one_free.ok()) << one_free.status();
  EXPECT_EQ(one_free->inputs[0].second.shape(), (Shape{2, 2}));
  // An undeclared shape.
  Signature unknown = MakeSignature({Spec("x", DataType::kFp32)});
  unknown.inputs[0].has_shape = false;
  auto flat = parse(unknown, Bytes<float>({1, 2}));
  ASSERT_TRUE(flat.ok()) << flat.status();
  EXPECT_EQ(flat->inputs[0].second.shape(), (Shape{2}));

  EXPECT_THAT(Message(parse(rows, Bytes<int32_t>({1, 2, 3})).status()),
              HasSubstr("3 INT32 elements of raw data do not fit shape [-1, 2]"));
  EXPECT_THAT(Message(parse(rows, "abc").status()),
              HasSubstr("3 bytes of raw data are not a whole number of INT32 elements"));
  EXPECT_THAT(Message(parse(Mlp(), Bytes<float>({1})).status()),
              HasSubstr("needs a model with exactly one input; this one takes 2"));
  EXPECT_THAT(Message(parse(MakeSignature({Spec("s", DataType::kString)}), "abcd").status()),
              HasSubstr("BYTES"));
  const Signature three_free = MakeSignature({Spec("x", DataType::kFp32, {-1, -1, -1})});
  EXPECT_THAT(Message(parse(three_free, Bytes<float>({1})).status()),
              HasSubstr("several free dimensions"));
}

// --- request errors --------------------------------------------------------------------------

TEST(KServeJsonRequestTest, StructureErrors) {
  ExpectError("", HalfPlusTwo(), {"no JSON"});
  ExpectError("{", HalfPlusTwo(), {"malformed JSON"});
  ExpectError(R"({"inputs": [}})", HalfPlusTwo(), {"malformed JSON"});
  ExpectError("[1]", HalfPlusTwo(), {"must be a JSON object"});
  ExpectError("{}", HalfPlusTwo(), {"the request has no 'inputs'"});
  ExpectError(R"({"inputs": {"x": [1]}})", HalfPlusTwo(), {"'inputs' must be a JSON list"});
  ExpectError(R"({"inputs": [[1]]})", HalfPlusTwo(), {"inputs[0] must be a JSON object"});
  ExpectError(R"({"inputs": [{"datatype": "FP32"}]})", HalfPlusTwo(), {"inputs[0] has no 'name'"});
  ExpectError(R"({"inputs": [{"name": 3}]})", HalfPlusTwo(), {"'name' must be a string"});
  ExpectError(R"({"id": 5, "inputs": []})", HalfPlusTwo(), {"'id' must be a string"});
  ExpectError(R"({"parameters": [], "inputs": []})", HalfPlusTwo(),
              {"'parameters' must be a JSON object"});
  ExpectError(R"({"parameters": {"binary_data_output": "yes"}, "inputs": []})", HalfPlusTwo(),
              {"parameter 'binary_data_output' must be true or false"});
}

TEST(KServeJsonRequestTest, InputNameErrors) {
  ExpectError(R"({"inputs": [{"name": "z", "datatype": "FP32", "shape": [1], "data": [1]}]})",
              HalfPlusTwo(), {"unknown input 'z'; the model takes: x"});
  ExpectError(R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1]},
                             {"name": "x", "datatype": "FP32", "shape": [1], "data": [2]}]})",
              HalfPlusTwo(), {"input 'x' is given twice"});
  ExpectError(R"({"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 8],
                              "data": [1, 2, 3, 4, 5, 6, 7, 8]}]})",
              Mlp(), {"missing input 'temperature'; the model takes: features, temperature"});
  ExpectError(R"({"inputs": []})", HalfPlusTwo(), {"missing input 'x'"});
}

TEST(KServeJsonRequestTest, DatatypeErrors) {
  ExpectError(OneInput("fp32", "[1]", "[1]"), HalfPlusTwo(),
              {"input 'x': datatype 'fp32' is not a KServe datatype; write it 'FP32'"});
  ExpectError(OneInput("FLOAT", "[1]", "[1]"), HalfPlusTwo(), {"write it 'FP32'"});
  ExpectError(OneInput("COMPLEX64", "[1]", "[1]"), HalfPlusTwo(),
              {"input 'x': unknown datatype 'COMPLEX64'"});
  ExpectError(OneInput("INT64", "[1]", "[1]"), HalfPlusTwo(),
              {"input 'x': datatype INT64 does not match the model's FP32"});
  ExpectError(R"({"inputs": [{"name": "x", "shape": [1], "data": [1]}]})", HalfPlusTwo(),
              {"input 'x' has no 'datatype'"});
}

TEST(KServeJsonRequestTest, ShapeAndCountErrors) {
  ExpectError(R"({"inputs": [{"name": "x", "datatype": "FP32", "data": [1]}]})", HalfPlusTwo(),
              {"input 'x' has no 'shape'"});
  for (const char* shape : {"[-1]", "[1.5]", "\"3\"", "[\"3\"]", "3"}) {
    ExpectError(OneInput("FP32", shape, "[1]"), HalfPlusTwo(),
                {"input 'x': 'shape' must be a list of non-negative integers"});
  }
  ExpectError(OneInput("FP32", "[4294967296, 4294967296]", "[1]"), HalfPlusTwo(),
              {"more elements than a tensor can hold"});
  ExpectError(OneInput("FP32", "[2, 2]", "[1, 2, 3]"), HalfPlusTwo(),
              {"input 'x': 'data' holds 3 elements, but shape [2, 2] has 4"});
  ExpectError(OneInput("FP32", "[2, 2]", "[[1, 2], [3, 4], [5]]"), HalfPlusTwo(),
              {"'data' holds 5 elements, but shape [2, 2] has 4"});
  ExpectError(OneInput("FP32", "[1]", "1"), HalfPlusTwo(), {"'data' must be a JSON list"});
}

TEST(KServeJsonRequestTest, ElementErrors) {
  ExpectError(OneInput("FP32", "[2]", R"([1, "2"])"), HalfPlusTwo(),
              {"input 'x': element 1 of 'data' is \"2\", not a number (datatype FP32)"});
  ExpectError(OneInput("FP32", "[1]", "[null]"), HalfPlusTwo(), {"element 0", "not a number"});
  const Signature int8 = MakeSignature({Spec("x", DataType::kInt8, {-1})});
  ExpectError(OneInput("INT8", "[2]", "[1, 300]"), int8,
              {"element 1 of 'data' is 300, not an integer in range (datatype INT8)"});
  ExpectError(OneInput("INT8", "[1]", "[1.5]"), int8, {"is 1.5, not an integer"});
  const Signature uint8 = MakeSignature({Spec("x", DataType::kUint8, {-1})});
  ExpectError(OneInput("UINT8", "[1]", "[-1]"), uint8, {"not an integer in range"});
  const Signature int64 = MakeSignature({Spec("x", DataType::kInt64, {-1})});
  ExpectError(OneInput("INT64", "[1]", "[18446744073709551615]"), int64, {"not an integer"});
  const Signature boolean = MakeSignature({Spec("x", DataType::kBool, {-1})});
  ExpectError(OneInput("BOOL", "[1]", "[1]"), boolean, {"is 1, not true or false"});
  const Signature bytes = MakeSignature({Spec("x", DataType::kString, {-1})});
  ExpectError(OneInput("BYTES", "[1]", "[1]"), bytes, {"is 1, not a string"});
  for (DataType half : {DataType::kFp16, DataType::kBf16}) {
    const Signature signature = MakeSignature({Spec("x", half, {-1})});
    ExpectError(OneInput(KServeDataTypeName(half), "[1]", "[1]"), signature,
                {"cannot be sent as JSON; send it in binary"});
  }
}

// A request for HalfPlusTwo-like signatures with `rest` after its "inputs" member.
std::string WithInputs(std::string_view rest) {
  std::string json = R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1]}])";
  json.append(rest).append("}");
  return json;
}

TEST(KServeJsonRequestTest, OutputErrors) {
  ExpectError(WithInputs(R"(, "outputs": [{"name": "z"}])"), HalfPlusTwo(),
              {"unknown output 'z'; the model returns: y"});
  ExpectError(WithInputs(R"(, "outputs": [{"name": "y"}, {"name": "y"}])"), HalfPlusTwo(),
              {"output 'y' is requested twice"});
  ExpectError(WithInputs(R"(, "outputs": {"name": "y"})"), HalfPlusTwo(),
              {"'outputs' must be a JSON list"});
  ExpectError(WithInputs(R"(, "outputs": [{"name": "y", "parameters": {"binary_data": 1}}])"),
              HalfPlusTwo(), {"output 'y': parameter 'binary_data' must be true or false"});
  ExpectError(WithInputs(R"(, "outputs": [{"name": "y", "parameters": {"classification": 2}}])"),
              HalfPlusTwo(), {"classification extension is not supported"},
              absl::StatusCode::kUnimplemented);
  // FP16 outputs have no JSON form, whether listed or implied.
  const Signature half = MakeSignature({Spec("x", DataType::kFp32)}, {Spec("h", DataType::kFp16)});
  ExpectError(WithInputs(""), half, {"output 'h' is FP16, which JSON cannot carry"});
  auto binary = Parse(WithInputs(R"(, "parameters": {"binary_data_output": true})"), half);
  EXPECT_TRUE(binary.ok()) << binary.status();
  // Without declared outputs, any name passes here; the service checks it after the run.
  Signature undeclared = HalfPlusTwo();
  undeclared.outputs.clear();
  EXPECT_TRUE(Parse(WithInputs(R"(, "outputs": [{"name": "z"}])"), undeclared).ok());
}

// --- responses -------------------------------------------------------------------------------

class KServeJsonResponseTest : public ::testing::Test {
 protected:
  simdjson::dom::element Json(std::string_view json) {
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(json.data(), json.size()).get(root), simdjson::SUCCESS) << json;
    return root;
  }

  simdjson::dom::parser parser_;
};

template <typename T>
Tensor MakeTensor(DataType dtype, const Shape& shape, std::initializer_list<T> values) {
  Tensor tensor = Tensor::Zeros(dtype, shape);
  std::copy(values.begin(), values.end(), tensor.mutable_data<T>());
  return tensor;
}

NamedTensors TwoOutputs() {
  NamedTensors outputs;
  outputs.emplace_back("probabilities",
                       MakeTensor<float>(DataType::kFp32, {1, 3}, {0.25f, 0.5f, 0.25f}));
  outputs.emplace_back("label", MakeTensor<int64_t>(DataType::kInt64, {1}, {1}));
  return outputs;
}

TEST_F(KServeJsonResponseTest, JsonOutputsAreFlat) {
  KServeResponseOptions options;
  auto reply = WriteKServeInferResponse("mlp", 3, TwoOutputs(), options);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_FALSE(reply->json_size.has_value());
  EXPECT_EQ(reply->body,
            R"({"model_name":"mlp","model_version":"3","outputs":[)"
            R"({"name":"probabilities","datatype":"FP32","shape":[1,3],"data":[0.25,0.5,0.25]},)"
            R"({"name":"label","datatype":"INT64","shape":[1],"data":[1]}]})");
}

TEST_F(KServeJsonResponseTest, EveryDatatypeInJson) {
  NamedTensors outputs;
  outputs.emplace_back("b", MakeTensor<bool>(DataType::kBool, {2}, {true, false}));
  outputs.emplace_back("u8", MakeTensor<uint8_t>(DataType::kUint8, {1}, {255}));
  outputs.emplace_back("i8", MakeTensor<int8_t>(DataType::kInt8, {1}, {-1}));
  outputs.emplace_back("i16", MakeTensor<int16_t>(DataType::kInt16, {1}, {-300}));
  outputs.emplace_back("i32", MakeTensor<int32_t>(DataType::kInt32, {2, 1}, {7, 8}));
  outputs.emplace_back("f64", MakeTensor<double>(DataType::kFp64, {1}, {0.1}));
  outputs.emplace_back("s", Tensor::FromStrings({2}, {"a", "\"q\""}));
  auto reply = WriteKServeInferResponse("m", 1, outputs, KServeResponseOptions());
  ASSERT_TRUE(reply.ok()) << reply.status();
  const std::string& body = reply->body;
  EXPECT_THAT(body, HasSubstr(R"({"name":"b","datatype":"BOOL","shape":[2],"data":[true,false]})"));
  EXPECT_THAT(body, HasSubstr(R"("datatype":"UINT8","shape":[1],"data":[255])"));
  EXPECT_THAT(body, HasSubstr(R"("datatype":"INT8","shape":[1],"data":[-1])"));
  EXPECT_THAT(body, HasSubstr(R"("datatype":"INT16","shape":[1],"data":[-300])"));
  EXPECT_THAT(body, HasSubstr(R"("datatype":"INT32","shape":[2,1],"data":[7,8])"));
  EXPECT_THAT(body, HasSubstr(R"("datatype":"FP64","shape":[1],"data":[0.1])"));
  EXPECT_THAT(body, HasSubstr(R"("datatype":"BYTES","shape":[2],"data":["a","\"q\""])"));
  Json(body);
}

TEST_F(KServeJsonResponseTest, BinaryOutputsFollowTheJsonInOutputOrder) {
  KServeResponseOptions options;
  options.id = "42";
  options.outputs = {{"label", std::nullopt}, {"probabilities", true}};
  auto reply = WriteKServeInferResponse("mlp", 1, TwoOutputs(), options);
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_TRUE(reply->json_size.has_value());
  const std::string_view json = std::string_view(reply->body).substr(0, *reply->json_size);
  EXPECT_EQ(json, R"({"model_name":"mlp","model_version":"1","id":"42","outputs":[)"
                  R"({"name":"label","datatype":"INT64","shape":[1],"data":[1]},)"
                  R"({"name":"probabilities","datatype":"FP32","shape":[1,3],)"
                  R"("parameters":{"binary_data_size":12}}]})");
  EXPECT_EQ(reply->body.substr(*reply->json_size), Bytes<float>({0.25f, 0.5f, 0.25f}));
}

TEST_F(KServeJsonResponseTest, RequestLevelBinaryWithOverrides) {
  KServeResponseOptions options;
  options.binary_data_output = true;
  options.outputs = {{"probabilities", false}, {"label", std::nullopt}};
  auto reply = WriteKServeInferResponse("mlp", 1, TwoOutputs(), options);
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_TRUE(reply->json_size.has_value());
  EXPECT_THAT(reply->body.substr(0, *reply->json_size), HasSubstr(R"("data":[0.25,0.5,0.25])"));
  EXPECT_EQ(reply->body.substr(*reply->json_size), Bytes<int64_t>({1}));
}

TEST_F(KServeJsonResponseTest, BytesAndHalfOutputsInBinary) {
  NamedTensors outputs;
  outputs.emplace_back("s", Tensor::FromStrings({2}, {"ab", ""}));
  outputs.emplace_back("h", MakeTensor<uint16_t>(DataType::kFp16, {1}, {0x3c00}));
  KServeResponseOptions options;
  options.binary_data_output = true;
  auto reply = WriteKServeInferResponse("m", 1, outputs, options);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const std::string json = reply->body.substr(0, *reply->json_size);
  EXPECT_THAT(json,
              HasSubstr(R"("datatype":"BYTES","shape":[2],"parameters":{"binary_data_size":10})"));
  EXPECT_THAT(json,
              HasSubstr(R"("datatype":"FP16","shape":[1],"parameters":{"binary_data_size":2})"));
  std::string expected(
      "\x02\x00\x00\x00"
      "ab"
      "\x00\x00\x00\x00",
      10);
  expected.append(Bytes<uint16_t>({0x3c00}));
  EXPECT_EQ(reply->body.substr(*reply->json_size), expected);

  // In JSON, FP16 is refused.
  options.binary_data_output = false;
  auto refused = WriteKServeInferResponse("m", 1, outputs, options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(refused.status()), HasSubstr("output 'h' is FP16"));
}

TEST_F(KServeJsonResponseTest, AnOutputTheModelDidNotReturn) {
  KServeResponseOptions options;
  options.outputs = {{"missing", std::nullopt}};
  auto reply = WriteKServeInferResponse("m", 1, TwoOutputs(), options);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(reply.status()), HasSubstr("'missing'"));
}

TEST_F(KServeJsonResponseTest, Metadata) {
  const std::string_view extensions[] = {"binary_tensor_data"};
  EXPECT_EQ(WriteKServeServerMetadata("serval", "1.2.3", extensions),
            R"({"name":"serval","version":"1.2.3","extensions":["binary_tensor_data"]})");
  Signature signature = Mlp();
  signature.outputs[1].has_shape = false;
  const int64_t versions[] = {1, 3};
  EXPECT_EQ(WriteKServeModelMetadata("mlp", versions, "pytorch_torchscript", signature),
            R"({"name":"mlp","versions":["1","3"],"platform":"pytorch_torchscript",)"
            R"("inputs":[{"name":"features","datatype":"FP32","shape":[-1,8]},)"
            R"({"name":"temperature","datatype":"FP32","shape":[-1,1]}],)"
            R"("outputs":[{"name":"probabilities","datatype":"FP32","shape":[-1,3]},)"
            R"({"name":"label","datatype":"INT64","shape":[-1]}]})");
  EXPECT_EQ(WriteKServeModelReady("m", true), R"({"name":"m","ready":true})");
  EXPECT_EQ(WriteKServeError(absl::NotFoundError("no \"m\"")), R"({"error":"no \"m\""})");
}

// A response parses back as a request of the same tensors: the two codecs agree on the layout.
TEST_F(KServeJsonResponseTest, BinaryRoundTrip) {
  KServeResponseOptions options;
  options.binary_data_output = true;
  NamedTensors outputs;
  outputs.emplace_back("x", MakeTensor<float>(DataType::kFp32, {2, 2}, {1, 2, 3, 4}));
  auto reply = WriteKServeInferResponse("m", 1, outputs, options);
  ASSERT_TRUE(reply.ok()) << reply.status();
  std::string request = R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2, 2],
                                        "parameters": {"binary_data_size": 16}}]})";
  auto parsed = ParseBinary(request, reply->body.substr(*reply->json_size), HalfPlusTwo());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(Values<float>(parsed->inputs[0].second), ElementsAre(1, 2, 3, 4));
}

}  // namespace
}  // namespace serval
