// KServe v2's REST API end to end: the real HTTP server on 127.0.0.1, real TorchScript models,
// JSON and binary tensor data built by hand, as a Triton client sends them. Every bad request is
// followed by a good one (the fixture's TearDown): the server keeps serving.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "common/str_cat.h"
#include "integration/test_server.h"
#include "testing/http_client.h"
#include "testing/raw_connection.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::string Floats(const std::vector<float>& values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<float> FromFloats(std::string_view bytes) {
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

std::vector<double> Doubles(simdjson::dom::array array) {
  std::vector<double> values;
  for (simdjson::dom::element e : array) values.push_back(double(e));
  return values;
}

// A response split at its Inference-Header-Content-Length.
struct BinaryReply {
  std::string json;
  std::string binary;
};

class KServeRestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repository_ = new TempDir();
    CopyExampleModel("half_plus_two", *repository_);
    CopyExampleModel("mlp", *repository_);
    CopyTestModel("add_sub", *repository_, "add_sub");
    CopyTestModel("double_square", *repository_, "double_square");
    CopyTestModel("identity", *repository_, "identity");
    CopyTestModel("times_two_int", *repository_, "ints");
    WriteFile(repository_->Join("ints/config.yaml"),
              "inputs:\n  - {name: ids, dtype: int64, shape: [-1]}\n"
              "outputs:\n  - {name: doubled, dtype: int64, shape: [-1]}\n");
    server_ = new TestServer(repository_->path());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete repository_;
  }

  // Whatever went before, the server still answers a good request.
  void TearDown() override {
    HttpClient fresh(server_->port());
    auto r = fresh.Post("/v2/models/half_plus_two/infer", kHalfPlusTwo);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200) << r->body;
  }

  HttpResult Send(std::string_view method, std::string_view target, std::string_view body = "",
                  const Headers& headers = {}) {
    absl::StatusOr<HttpResult> result = client_.Send(method, target, body, headers);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : HttpResult{};
  }

  // Posts `json` followed by `binary`, with the JSON's length in Inference-Header-Content-Length.
  HttpResult PostBinary(std::string_view target, std::string json, std::string_view binary) {
    const std::string json_size = StrCat(json.size());
    json.append(binary);
    return Send("POST", target, json,
                {{"Content-Type", "application/octet-stream"},
                 {"Inference-Header-Content-Length", json_size}});
  }

  BinaryReply Split(const HttpResult& result) {
    size_t json_size = 0;
    EXPECT_TRUE(
        absl::SimpleAtoi(ToAbsl(result.Header("inference-header-content-length")), &json_size))
        << result.body;
    EXPECT_EQ(result.content_type, "application/octet-stream");
    json_size = std::min(json_size, result.body.size());
    return {result.body.substr(0, json_size), result.body.substr(json_size)};
  }

  simdjson::dom::element Json(std::string_view json) {
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(json.data(), json.size()).get(root), simdjson::SUCCESS) << json;
    return root;
  }

  // Expects `status` with an {"error": ...} body containing `message`.
  void ExpectError(const HttpResult& result, int status, std::string_view message) {
    EXPECT_EQ(result.status, status) << result.body;
    EXPECT_EQ(result.content_type, "application/json");
    std::string_view error;
    ASSERT_EQ(Json(result.body)["error"].get_string().get(error), simdjson::SUCCESS) << result.body;
    EXPECT_THAT(std::string(error), HasSubstr(std::string(message)));
  }

  static constexpr char kHalfPlusTwo[] =
      R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [3, 1], "data": [1, 2, 5]}]})";

  static TempDir* repository_;
  static TestServer* server_;
  HttpClient client_{server_->port()};
  simdjson::dom::parser parser_;
};

TempDir* KServeRestTest::repository_ = nullptr;
TestServer* KServeRestTest::server_ = nullptr;

TEST_F(KServeRestTest, ServerMetadataAndHealth) {
  const HttpResult metadata = Send("GET", "/v2");
  ASSERT_EQ(metadata.status, 200);
  simdjson::dom::element root = Json(metadata.body);
  EXPECT_EQ(std::string_view(root["name"]), "serval");
  EXPECT_FALSE(std::string_view(root["version"]).empty());
  EXPECT_EQ(simdjson::dom::array(root["extensions"]).size(), 1u);
  EXPECT_EQ(std::string_view(root["extensions"].at(0)), "binary_tensor_data");
  EXPECT_EQ(Send("GET", "/v2/health/live").status, 200);
  EXPECT_EQ(Send("GET", "/v2/health/ready").status, 200);
}

TEST_F(KServeRestTest, ModelMetadata) {
  const HttpResult mlp = Send("GET", "/v2/models/mlp");
  ASSERT_EQ(mlp.status, 200) << mlp.body;
  EXPECT_EQ(mlp.body, R"({"name":"mlp","versions":["1"],"platform":"pytorch_torchscript",)"
                      R"("inputs":[{"name":"features","datatype":"FP32","shape":[-1,8]},)"
                      R"({"name":"temperature","datatype":"FP32","shape":[-1,1]}],)"
                      R"("outputs":[{"name":"probabilities","datatype":"FP32","shape":[-1,3]},)"
                      R"({"name":"label","datatype":"INT64","shape":[-1]}]})");
  // Without a config.yaml the rank is unknown.
  const HttpResult add_sub = Send("GET", "/v2/models/add_sub/versions/1");
  ASSERT_EQ(add_sub.status, 200) << add_sub.body;
  EXPECT_THAT(add_sub.body, HasSubstr(R"({"name":"a","datatype":"FP32","shape":[-1]})"));
  EXPECT_THAT(add_sub.body, HasSubstr(R"("outputs":[{"name":"output_0")"));
  ExpectError(Send("GET", "/v2/models/mlp/versions/2"), 404, "Specific(mlp, 2)");
  ExpectError(Send("GET", "/v2/models/nope"), 404, "nope");
}

TEST_F(KServeRestTest, ModelReady) {
  const HttpResult ready = Send("GET", "/v2/models/mlp/versions/1/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"name":"mlp","ready":true})");
  ExpectError(Send("GET", "/v2/models/mlp/versions/2/ready"), 400, "mlp");
  ExpectError(Send("GET", "/v2/models/nope/ready"), 400, "nope");
}

TEST_F(KServeRestTest, InferJson) {
  const HttpResult result = Send("POST", "/v2/models/half_plus_two/infer",
                                 R"({"id": "req-1", "inputs": [{"name": "x", "datatype": "FP32",
                                     "shape": [3, 1], "data": [[1.0], [2.0], [5.0]]}]})");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.content_type, "application/json");
  EXPECT_EQ(result.Header("x-serval-model-version"), "1");
  simdjson::dom::element root = Json(result.body);
  EXPECT_EQ(std::string_view(root["model_name"]), "half_plus_two");
  EXPECT_EQ(std::string_view(root["model_version"]), "1");
  EXPECT_EQ(std::string_view(root["id"]), "req-1");
  simdjson::dom::element y = root["outputs"].at(0);
  EXPECT_EQ(std::string_view(y["name"]), "y");
  EXPECT_EQ(std::string_view(y["datatype"]), "FP32");
  EXPECT_EQ(Doubles(y["shape"]), (std::vector<double>{3, 1}));
  EXPECT_EQ(Doubles(y["data"]), (std::vector<double>{2.5, 3.0, 4.5}));
  // No id, no "id".
  EXPECT_THAT(Send("POST", "/v2/models/half_plus_two/infer", kHalfPlusTwo).body,
              ::testing::Not(HasSubstr("\"id\"")));
}

TEST_F(KServeRestTest, OutputsAreSelectedAndOrdered) {
  const std::string inputs = R"({"inputs": [
      {"name": "features", "datatype": "FP32", "shape": [2, 8],
       "data": [[1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 0]]},
      {"name": "temperature", "datatype": "FP32", "shape": [2, 1], "data": [1, 2]}])";
  const HttpResult all = Send("POST", "/v2/models/mlp/infer", StrCat(inputs, "}"));
  ASSERT_EQ(all.status, 200) << all.body;
  simdjson::dom::array outputs = Json(all.body)["outputs"];
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(std::string_view(outputs.at(0)["name"]), "probabilities");
  EXPECT_EQ(std::string_view(outputs.at(1)["name"]), "label");
  EXPECT_EQ(std::string_view(outputs.at(1)["datatype"]), "INT64");

  const HttpResult reversed =
      Send("POST", "/v2/models/mlp/infer",
           StrCat(inputs, R"(, "outputs": [{"name": "label"}, {"name": "probabilities"}]})"));
  ASSERT_EQ(reversed.status, 200) << reversed.body;
  outputs = Json(reversed.body)["outputs"];
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(std::string_view(outputs.at(0)["name"]), "label");
  EXPECT_EQ(std::string_view(outputs.at(1)["name"]), "probabilities");

  const HttpResult one =
      Send("POST", "/v2/models/mlp/infer", StrCat(inputs, R"(, "outputs": [{"name": "label"}]})"));
  ASSERT_EQ(one.status, 200) << one.body;
  outputs = Json(one.body)["outputs"];
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(Doubles(outputs.at(0)["shape"]), std::vector<double>{2});
}

TEST_F(KServeRestTest, BinaryInputsAndOutputs) {
  const HttpResult result =
      PostBinary("/v2/models/half_plus_two/infer",
                 R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [3, 1],
                      "parameters": {"binary_data_size": 12}}],
          "outputs": [{"name": "y", "parameters": {"binary_data": true}}]})",
                 Floats({1, 2, 5}));
  ASSERT_EQ(result.status, 200) << result.body;
  const BinaryReply reply = Split(result);
  simdjson::dom::element y = Json(reply.json)["outputs"].at(0);
  EXPECT_EQ(int64_t(y["parameters"]["binary_data_size"]), 12);
  EXPECT_FALSE(y["data"].error() == simdjson::SUCCESS);
  EXPECT_THAT(FromFloats(reply.binary), ElementsAre(2.5f, 3.0f, 4.5f));
}

TEST_F(KServeRestTest, MixedBinaryAndJsonWithRequestLevelBinaryOutput) {
  const HttpResult result = PostBinary("/v2/models/mlp/infer",
                                       R"({"id": "7", "parameters": {"binary_data_output": true},
          "inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 8],
                      "parameters": {"binary_data_size": 32}},
                     {"name": "temperature", "datatype": "FP32", "shape": [1, 1], "data": [1]}],
          "outputs": [{"name": "probabilities"},
                      {"name": "label", "parameters": {"binary_data": false}}]})",
                                       Floats({1, 2, 3, 4, 5, 6, 7, 8}));
  ASSERT_EQ(result.status, 200) << result.body;
  const BinaryReply reply = Split(result);
  simdjson::dom::element root = Json(reply.json);
  EXPECT_EQ(std::string_view(root["id"]), "7");
  EXPECT_EQ(int64_t(root["outputs"].at(0)["parameters"]["binary_data_size"]), 12);
  EXPECT_EQ(simdjson::dom::array(root["outputs"].at(1)["data"]).size(), 1u);
  const std::vector<float> probabilities = FromFloats(reply.binary);
  ASSERT_EQ(probabilities.size(), 3u);
  EXPECT_NEAR(probabilities[0] + probabilities[1] + probabilities[2], 1.0, 1e-5);
}

TEST_F(KServeRestTest, LargeBinaryTensorThroughAnIdentityModel) {
  // The model returns its input tensor itself: the response is written from the request's body.
  std::vector<float> values(1 << 18);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.5f;
  const HttpResult result =
      PostBinary("/v2/models/identity/infer",
                 StrCat(R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, )",
                        values.size(), R"(], "parameters": {"binary_data_size": )",
                        values.size() * 4, R"(}}], "parameters": {"binary_data_output": true}})"),
                 Floats(values));
  ASSERT_EQ(result.status, 200) << result.body.substr(0, 200);
  const BinaryReply reply = Split(result);
  EXPECT_EQ(FromFloats(reply.binary), values);
}

TEST_F(KServeRestTest, RawBinaryRequest) {
  const HttpResult result = Send("POST", "/v2/models/half_plus_two/infer", Floats({1, 2}),
                                 {{"Inference-Header-Content-Length", "0"}});
  ASSERT_EQ(result.status, 200) << result.body;
  const BinaryReply reply = Split(result);
  EXPECT_EQ(Doubles(Json(reply.json)["outputs"].at(0)["shape"]), (std::vector<double>{1, 2}));
  EXPECT_THAT(FromFloats(reply.binary), ElementsAre(2.5f, 3.0f));
  ExpectError(
      Send("POST", "/v2/models/mlp/infer", Floats({1}), {{"Inference-Header-Content-Length", "0"}}),
      400, "exactly one input");
}

TEST_F(KServeRestTest, IntegerModelAndUndeclaredOutputs) {
  const HttpResult ints = Send("POST", "/v2/models/ints/infer",
                               R"({"inputs": [{"name": "ids", "datatype": "INT64", "shape": [3],
                                               "data": [1, -2, 40000000000]}]})");
  ASSERT_EQ(ints.status, 200) << ints.body;
  EXPECT_THAT(ints.body, HasSubstr(R"({"name":"doubled","datatype":"INT64","shape":[3],)"
                                   R"("data":[2,-4,80000000000]})"));
  // A Dict result: output names are known only after the run.
  const std::string x =
      R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2], "data": [3, 4]}])";
  const HttpResult square = Send("POST", "/v2/models/double_square/infer",
                                 StrCat(x, R"(, "outputs": [{"name": "square"}]})"));
  ASSERT_EQ(square.status, 200) << square.body;
  EXPECT_THAT(square.body, HasSubstr(R"({"name":"square","datatype":"FP32","shape":[2],)"
                                     R"("data":[9.0,16.0]}]})"));
  ExpectError(Send("POST", "/v2/models/double_square/infer",
                   StrCat(x, R"(, "outputs": [{"name": "cube"}]})")),
              400, "unknown output 'cube'");
}

TEST_F(KServeRestTest, BadJsonRequests) {
  const std::string infer = "/v2/models/half_plus_two/infer";
  ExpectError(Send("POST", infer, R"({"inputs": [)"), 400, "malformed JSON");
  ExpectError(Send("POST", infer, ""), 400, "no JSON");
  ExpectError(
      Send("POST", infer,
           R"({"inputs": [{"name": "x", "datatype": "FP64", "shape": [1, 1], "data": [1]}]})"),
      400, "input 'x': datatype FP64 does not match the model's FP32");
  ExpectError(
      Send("POST", infer,
           R"({"inputs": [{"name": "x", "datatype": "fp32", "shape": [1, 1], "data": [1]}]})"),
      400, "write it 'FP32'");
  ExpectError(
      Send(
          "POST", infer,
          R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3]}]})"),
      400, "'data' holds 3 elements, but shape [2, 2] has 4");
  ExpectError(
      Send("POST", infer,
           R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2], "data": [1, 2]}]})"),
      400, "expects shape [-1, -1] but received [2]");
  ExpectError(Send("POST", "/v2/models/mlp/infer",
                   R"({"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 3],
                                   "data": [1, 2, 3]},
                                  {"name": "temperature", "datatype": "FP32", "shape": [1, 1],
                                   "data": [1]}]})"),
              400, "'features' expects shape [-1, 8] but received [1, 3]");
  ExpectError(Send("POST", "/v2/models/mlp/infer",
                   R"({"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 8],
                                   "data": [1, 2, 3, 4, 5, 6, 7, 8]}]})"),
              400, "missing input 'temperature'");
  ExpectError(Send("POST", infer,
                   R"({"inputs": [{"name": "z", "datatype": "FP32", "shape": [1], "data": [1]}]})"),
              400, "unknown input 'z'");
  ExpectError(Send("POST", infer, R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 1],
                                                   "data": [1]}], "outputs": [{"name": "q"}]})"),
              400, "unknown output 'q'");
  ExpectError(Send("POST", "/v2/models/nope/infer", kHalfPlusTwo), 404, "Latest(nope)");
  ExpectError(Send("POST", "/v2/models/half_plus_two/versions/4/infer", kHalfPlusTwo), 404,
              "Specific(half_plus_two, 4)");
  ExpectError(Send("POST", infer, kHalfPlusTwo, {{"Content-Encoding", "gzip"}}), 415, "gzip");
}

TEST_F(KServeRestTest, BadBinaryRequests) {
  const std::string infer = "/v2/models/half_plus_two/infer";
  const std::string json = R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [3, 1],
                                           "parameters": {"binary_data_size": 12}}]})";
  // binary_data_size beyond the body, and short of it.
  ExpectError(PostBinary(infer, json, Floats({1, 2})), 400,
              "binary_data_size is 12, but only 8 bytes");
  ExpectError(PostBinary(infer, json, Floats({1, 2, 3, 4})), 400,
              "16 bytes of binary data follow the JSON");
  // A size that does not match the shape.
  std::string shape_2 = json;
  shape_2.replace(shape_2.find("[3, 1]"), 6, "[2, 1]");
  ExpectError(PostBinary(infer, shape_2, Floats({1, 2, 3})), 400,
              "input 'x': 12 bytes of data, but shape [2, 1] of FP32 needs 2 elements x 4 bytes");
  // Bad Inference-Header-Content-Length values.
  const std::string body = StrCat(json, Floats({1, 2, 5}));
  for (const std::string& bad : {std::string("x12"), std::string("-1"), StrCat(body.size() + 1),
                                 std::string("4294967296")}) {
    ExpectError(Send("POST", infer, body, {{"Inference-Header-Content-Length", bad}}), 400,
                "Inference-Header-Content-Length must be an integer");
  }
  // Binary data, but no header: the JSON parser sees the bytes.
  ExpectError(Send("POST", infer, body), 400, "malformed JSON");
  // A header that cuts the JSON short.
  ExpectError(Send("POST", infer, body, {{"Inference-Header-Content-Length", "20"}}), 400,
              "malformed JSON");
}

TEST_F(KServeRestTest, RawConnectionKeepsServingAfterABadBinaryRequest) {
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  const std::string bad =
      StrCat(R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 1],)",
             R"( "parameters": {"binary_data_size": 4000000000}}]})");
  ASSERT_TRUE(connection.Send(StrCat("POST /v2/models/half_plus_two/infer HTTP/1.1\r\n",
                                     "Host: x\r\nInference-Header-Content-Length: ", bad.size(),
                                     "\r\nContent-Length: ", bad.size() + 4, "\r\n\r\n", bad,
                                     Floats({1}))));
  const std::string first = connection.ReadResponse();
  EXPECT_THAT(first, HasSubstr("HTTP/1.1 400"));
  EXPECT_THAT(first, HasSubstr("binary_data_size is 4000000000, but only 4 bytes"));
  // The same connection serves the next request.
  const std::string good = kHalfPlusTwo;
  ASSERT_TRUE(
      connection.Send(StrCat("POST /v2/models/half_plus_two/infer HTTP/1.1\r\n",
                             "Host: x\r\nContent-Length: ", good.size(), "\r\n\r\n", good)));
  const std::string second = connection.ReadResponse();
  EXPECT_THAT(second, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(second, HasSubstr(R"("data":[2.5,3.0,4.5])"));
}

TEST_F(KServeRestTest, UnknownPathsAndMethods) {
  const HttpResult unknown = Send("GET", "/v2/models/mlp/stats");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"error":"Not Found"})");
  const HttpResult method = Send("GET", "/v2/models/mlp/infer");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.body, R"({"error":"Method Not Allowed"})");
  EXPECT_EQ(method.Header("allow"), "POST");
}

}  // namespace
}  // namespace serval
