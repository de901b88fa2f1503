// KServe v2 over REST with the fake backend: a real ServableManager and InferenceService, the
// RestRouter (which hands /v2 to KServeRouter) on an HttpServer on 127.0.0.1 port 0, and HTTP
// requests from a client; the queue tests call the router directly.

#include "server/http/kserve_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/str_cat.h"
#include "common/version.h"
#include "metrics/metrics_registry.h"
#include "repository/model_repository.h"
#include "server/http/http_server.h"
#include "server/http/rest_router.h"
#include "serving/inference_service.h"
#include "testing/fake_backend.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

// A fake model of every dtype the fake echoes back: output i is input i.
constexpr char kTypedConfig[] = R"(platform: fake
inputs:
  - {name: ids, dtype: int64, shape: [-1]}
  - {name: flags, dtype: bool, shape: [-1]}
  - {name: text, dtype: bytes, shape: [-1]}
  - {name: half, dtype: fp16, shape: [-1]}
outputs:
  - {name: ids_out, dtype: int64, shape: [-1]}
  - {name: flags_out, dtype: bool, shape: [-1]}
  - {name: text_out, dtype: bytes, shape: [-1]}
  - {name: half_out, dtype: fp16, shape: [-1]}
)";

template <typename T>
std::string Bytes(std::initializer_list<T> values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  std::memcpy(bytes.data(), std::data(values), bytes.size());
  return bytes;
}

class KServeRouterTest : public ::testing::Test {
 protected:
  KServeRouterTest() {
    auto backend = std::make_unique<testing::FakeBackend>();
    backend_ = backend.get();
    backends_.Register(std::move(backend));
    testing::WriteFakeModel(dir_.Join("m"), 1);
    testing::WriteFakeModel(dir_.Join("typed"), 1);
    WriteFile(dir_.Join("typed/config.yaml"), kTypedConfig);
    ServableManagerOptions options;
    options.servable.max_queued_requests = 1;
    manager_ = std::make_unique<ServableManager>(backends_, options);
    auto models = ModelRepository::ForDirectory(dir_.path()).Scan();
    EXPECT_TRUE(models.ok()) << models.status();
    EXPECT_TRUE(manager_->SetModels(DefaultModelSettings(*models)).ok());
    manager_->WaitUntilSettled();
    service_ = std::make_unique<InferenceService>(*manager_, &metrics_);
    router_ = std::make_unique<RestRouter>(*service_, &metrics_, "/metrics", absl::Seconds(30));
    HttpServerOptions http;
    http.address = "127.0.0.1";
    http.port = 0;
    http.num_io_threads = 1;
    auto server = HttpServer::Create(http, [this](HttpRequest request, HttpResponder respond) {
      router_->Handle(std::move(request), std::move(respond));
    });
    EXPECT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  ~KServeRouterTest() override { server_->Stop(); }

  HttpResult Send(std::string_view method, std::string_view target, std::string_view body = "",
                  const Headers& headers = {}) {
    absl::StatusOr<HttpResult> result = client_->Send(method, target, body, headers);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : HttpResult{};
  }

  // Sends `json` followed by `binary`, with the JSON's length in Inference-Header-Content-Length.
  HttpResult SendBinary(std::string_view target, std::string json, std::string_view binary) {
    const std::string json_size = StrCat(json.size());
    json.append(binary);
    return Send("POST", target, json,
                {{"Content-Type", "application/octet-stream"},
                 {"Inference-Header-Content-Length", json_size}});
  }

  simdjson::dom::element Json(std::string_view json) {
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(json.data(), json.size()).get(root), simdjson::SUCCESS) << json;
    return root;
  }

  // Expects a 4xx/5xx `status` with a JSON {"error": ...} containing `part`.
  void ExpectError(const HttpResult& result, int status, std::string_view part) {
    EXPECT_EQ(result.status, status) << result.body;
    EXPECT_EQ(result.content_type, "application/json");
    std::string_view error;
    ASSERT_EQ(Json(result.body)["error"].get_string().get(error), simdjson::SUCCESS) << result.body;
    EXPECT_THAT(std::string(error), HasSubstr(std::string(part)));
  }

  // Calls the router directly, for the tests that hold requests in a queue.
  void HandleAsync(HttpRequest request, std::function<void(HttpResponse)> done) {
    router_->Handle(std::move(request), HttpResponder(std::move(done)));
  }

  TempDir dir_;
  BackendRegistry backends_;
  testing::FakeBackend* backend_ = nullptr;
  MetricsRegistry metrics_;
  std::unique_ptr<ServableManager> manager_;
  std::unique_ptr<InferenceService> service_;
  std::unique_ptr<RestRouter> router_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
  simdjson::dom::parser parser_;
};

constexpr char kInferX[] =
    R"({"id": "abc", "inputs": [{"name": "x", "datatype": "FP32", "shape": [2, 2],
                                 "data": [[1, 2], [3, 4.5]]}]})";

TEST_F(KServeRouterTest, ServerMetadataAndHealth) {
  const HttpResult metadata = Send("GET", "/v2");
  EXPECT_EQ(metadata.status, 200);
  EXPECT_EQ(metadata.body, StrCat(R"({"name":"serval","version":")", kServalVersion,
                                  R"(","extensions":["binary_tensor_data"]})"));
  EXPECT_EQ(Send("GET", "/v2/health/live").body, R"({"live": true})");
  const HttpResult ready = Send("GET", "/v2/health/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"ready": true})");
}

TEST_F(KServeRouterTest, ModelMetadata) {
  for (const char* path : {"/v2/models/typed", "/v2/models/typed/versions/1"}) {
    const HttpResult metadata = Send("GET", path);
    EXPECT_EQ(metadata.status, 200) << metadata.body;
    EXPECT_EQ(metadata.body,
              R"({"name":"typed","versions":["1"],"platform":"pytorch_torchscript","inputs":[)"
              R"({"name":"ids","datatype":"INT64","shape":[-1]},)"
              R"({"name":"flags","datatype":"BOOL","shape":[-1]},)"
              R"({"name":"text","datatype":"BYTES","shape":[-1]},)"
              R"({"name":"half","datatype":"FP16","shape":[-1]}],"outputs":[)"
              R"({"name":"ids_out","datatype":"INT64","shape":[-1]},)"
              R"({"name":"flags_out","datatype":"BOOL","shape":[-1]},)"
              R"({"name":"text_out","datatype":"BYTES","shape":[-1]},)"
              R"({"name":"half_out","datatype":"FP16","shape":[-1]}]})");
  }
  ExpectError(Send("GET", "/v2/models/typed/versions/7"), 404, "typed");
  ExpectError(Send("GET", "/v2/models/nope"), 404, "nope");
}

TEST_F(KServeRouterTest, ModelReady) {
  for (const char* path : {"/v2/models/m/ready", "/v2/models/m/versions/1/ready"}) {
    const HttpResult ready = Send("GET", path);
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.body, R"({"name":"m","ready":true})");
  }
  // Not ready, for whatever reason: 400, as Triton.
  ExpectError(Send("GET", "/v2/models/m/versions/2/ready"), 400, "Servable not found");
  ExpectError(Send("GET", "/v2/models/nope/ready"), 400, "nope");
}

TEST_F(KServeRouterTest, InferJson) {
  const HttpResult result = Send("POST", "/v2/models/m/infer", kInferX);
  EXPECT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.content_type, "application/json");
  EXPECT_EQ(result.Header("x-serval-model-version"), "1");
  EXPECT_EQ(result.Header("inference-header-content-length"), "");
  EXPECT_EQ(result.body,
            R"({"model_name":"m","model_version":"1","id":"abc","outputs":[)"
            R"({"name":"y","datatype":"FP32","shape":[2,2],"data":[1.0,2.0,3.0,4.5]}]})");
  // A version in the path.
  EXPECT_EQ(Send("POST", "/v2/models/m/versions/1/infer", kInferX).status, 200);
}

TEST_F(KServeRouterTest, InferBinaryInAndOutEveryType) {
  std::string text;
  for (std::string_view value : {"hello", ""}) {
    const auto length = static_cast<uint32_t>(value.size());
    text.append(reinterpret_cast<const char*>(&length), 4).append(value);
  }
  std::string binary = Bytes<int64_t>({7, -8});
  binary.append(Bytes<uint8_t>({1, 0})).append(text).append(Bytes<uint16_t>({0x3c00, 0xbc00}));
  const std::string json = StrCat(
      R"({"inputs": [)",
      R"({"name": "ids", "datatype": "INT64", "shape": [2], "parameters": {"binary_data_size": 16}},)",
      R"({"name": "flags", "datatype": "BOOL", "shape": [2], "parameters": {"binary_data_size": 2}},)",
      R"({"name": "text", "datatype": "BYTES", "shape": [2], "parameters": {"binary_data_size": )",
      text.size(), R"(}},)",
      R"({"name": "half", "datatype": "FP16", "shape": [2], "parameters": {"binary_data_size": 4}}],)",
      R"("parameters": {"binary_data_output": true},)",
      R"("outputs": [{"name": "half_out"}, {"name": "ids_out", "parameters": {"binary_data": false}},)",
      R"({"name": "text_out"}]})");
  const HttpResult result = SendBinary("/v2/models/typed/infer", json, binary);
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.content_type, "application/octet-stream");
  size_t json_size = 0;
  ASSERT_TRUE(
      absl::SimpleAtoi(ToAbsl(result.Header("inference-header-content-length")), &json_size));
  ASSERT_LE(json_size, result.body.size());
  // Outputs in the order asked for, flags_out left out; ids_out in JSON, the others binary.
  EXPECT_EQ(result.body.substr(0, json_size),
            StrCat(R"({"model_name":"typed","model_version":"1","outputs":[)",
                   R"({"name":"half_out","datatype":"FP16","shape":[2],)",
                   R"("parameters":{"binary_data_size":4}},)",
                   R"({"name":"ids_out","datatype":"INT64","shape":[2],"data":[7,-8]},)",
                   R"({"name":"text_out","datatype":"BYTES","shape":[2],)",
                   R"("parameters":{"binary_data_size":)", text.size(), "}}]}"));
  std::string expected = Bytes<uint16_t>({0x3c00, 0xbc00});
  expected.append(text);
  EXPECT_EQ(result.body.substr(json_size), expected);
}

TEST_F(KServeRouterTest, RawBinaryRequest) {
  const HttpResult result = Send("POST", "/v2/models/m/infer", Bytes<float>({1, 2, 3}),
                                 {{"Inference-Header-Content-Length", "0"}});
  ASSERT_EQ(result.status, 200) << result.body;
  size_t json_size = 0;
  ASSERT_TRUE(
      absl::SimpleAtoi(ToAbsl(result.Header("inference-header-content-length")), &json_size));
  EXPECT_THAT(result.body.substr(0, json_size), HasSubstr(R"("shape":[1,3])"));
  EXPECT_EQ(result.body.substr(json_size), Bytes<float>({1, 2, 3}));
  ExpectError(Send("POST", "/v2/models/typed/infer", Bytes<int64_t>({1}),
                   {{"Inference-Header-Content-Length", "0"}}),
              400, "exactly one input");
}

TEST_F(KServeRouterTest, PathsAndMethods) {
  for (const char* path : {"/v2/nothing", "/v2/models", "/v2/models/m/stats",
                           "/v2/models/m/versions/x/infer", "/v2/repository/index", "/v2/"}) {
    const HttpResult result = Send("GET", path);
    EXPECT_EQ(result.status, 404) << path;
    EXPECT_EQ(result.body, R"({"error":"Not Found"})") << path;
  }
  for (auto [method, path] :
       std::vector<std::pair<const char*, const char*>>{{"GET", "/v2/models/m/infer"},
                                                        {"POST", "/v2"},
                                                        {"POST", "/v2/health/ready"},
                                                        {"DELETE", "/v2/models/m"},
                                                        {"PUT", "/v2/models/m/ready"}}) {
    const HttpResult result = Send(method, path);
    EXPECT_EQ(result.status, 405) << method << " " << path;
    EXPECT_EQ(result.body, R"({"error":"Method Not Allowed"})");
    EXPECT_FALSE(result.Header("allow").empty());
  }
  // TF Serving's API is still there.
  EXPECT_EQ(Send("POST", "/v1/models/m:predict", R"({"instances": [[1.0]]})").status, 200);
}

TEST_F(KServeRouterTest, BadRequestsAreRefusedAndCountedAndTheServerKeepsServing) {
  const std::string x = R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 1],
                                        "parameters": {"binary_data_size": 4}}]})";
  struct Case {
    std::string body;
    Headers headers;
    int status;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({"{not json", {}, 400, "malformed JSON"});
  cases.push_back({R"({"inputs": [{"name": "x", "datatype": "INT32", "shape": [1], "data": [1]}]})",
                   {},
                   400,
                   "datatype INT32 does not match the model's FP32"});
  cases.push_back({R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [2], "data": [1]}]})",
                   {},
                   400,
                   "'data' holds 1 elements, but shape [2] has 2"});
  cases.push_back({R"({"inputs": []})", {}, 400, "missing input 'x'"});
  cases.push_back({R"({"inputs": [{"name": "w", "datatype": "FP32", "shape": [1], "data": [1]}]})",
                   {},
                   400,
                   "unknown input 'w'"});
  cases.push_back({R"({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 1], "data": [1]}],
                       "outputs": [{"name": "nope"}]})",
                   {},
                   400,
                   "unknown output 'nope'"});
  cases.push_back({x,
                   {{"Inference-Header-Content-Length", "abc"}},
                   400,
                   "Inference-Header-Content-Length must be an integer"});
  cases.push_back({x, {{"Inference-Header-Content-Length", "99999"}}, 400, "must be an integer"});
  cases.push_back({x, {{"Inference-Header-Content-Length", "-3"}}, 400, "must be an integer"});
  cases.push_back({x, {{"Inference-Header-Content-Length", ""}}, 400, "must be an integer"});
  cases.push_back({x, {}, 400, "Inference-Header-Content-Length header missing"});
  // A valid header, but 3 bytes instead of 4 after the JSON.
  cases.push_back({StrCat(x, "abc"),
                   {{"Inference-Header-Content-Length", StrCat(x.size())}},
                   400,
                   "binary_data_size is 4, but only 3 bytes"});
  // The shape says 1 x 1; 8 bytes for it.
  std::string two_floats = x;
  two_floats.replace(two_floats.find("\"binary_data_size\": 4"), 21, "\"binary_data_size\": 8");
  cases.push_back({StrCat(two_floats, Bytes<float>({1, 2})),
                   {{"Inference-Header-Content-Length", StrCat(two_floats.size())}},
                   400,
                   "8 bytes of data, but shape [1, 1] of FP32 needs 1 elements x 4 bytes"});
  cases.push_back({kInferX, {{"Content-Encoding", "gzip"}}, 415, "Content-Encoding 'gzip'"});
  cases.push_back({kInferX, {{"X-Request-Timeout-Ms", "soon"}}, 400, "X-Request-Timeout-Ms"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    ExpectError(Send("POST", "/v2/models/m/infer", c.body, c.headers), c.status, c.message);
    EXPECT_EQ(Send("POST", "/v2/models/m/infer", kInferX).status, 200);
  }
  // Unknown model or version.
  ExpectError(Send("POST", "/v2/models/nope/infer", kInferX), 404, "nope");
  ExpectError(Send("POST", "/v2/models/m/versions/3/infer", kInferX), 404, "Servable not found");
  // Refused bodies count as requests of the version that would have answered them.
  const ModelMetrics* m1 = metrics_.Find("m", 1);
  ASSERT_NE(m1, nullptr);
  EXPECT_GE(m1->requests(absl::StatusCode::kInvalidArgument), 10u);
}

TEST_F(KServeRouterTest, AFullQueueAndAPassedDeadlineAre503) {
  testing::Gate& gate = backend_->CloseGate();
  std::atomic<int> answered = 0;
  std::vector<HttpResponse> responses(4);
  auto infer = [&](int index, Headers headers) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/v2/models/m/infer";
    request.body = kInferX;
    request.headers = std::move(headers);
    HandleAsync(std::move(request), [&, index](HttpResponse response) {
      responses[index] = std::move(response);
      ++answered;
    });
  };
  infer(0, {});  // taken by the instance, held at the gate
  while (gate.waiting() == 0) std::this_thread::yield();
  infer(1, {{"x-request-timeout-ms", "1"}});  // queued; its deadline passes while it waits
  infer(2, {});                               // refused at once: the queue holds one
  while (answered < 1) std::this_thread::yield();
  EXPECT_EQ(responses[2].status, 503) << responses[2].body;
  EXPECT_THAT(responses[2].body, HasSubstr("error"));
  absl::SleepFor(absl::Milliseconds(20));
  gate.Open();
  while (answered < 3) std::this_thread::yield();
  EXPECT_EQ(responses[0].status, 200) << responses[0].body;
  EXPECT_EQ(responses[1].status, 503) << responses[1].body;
}

}  // namespace
}  // namespace serval
