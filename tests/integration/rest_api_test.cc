// TF Serving's REST API end to end: the real HTTP server on 127.0.0.1, real TorchScript models.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <thread>

#include "integration/test_server.h"
#include "testing/http_client.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

class RestApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repository_ = new TempDir();
    CopyExampleModel("half_plus_two", *repository_);
    CopyExampleModel("mlp", *repository_);
    CopyTestModel("add_sub", *repository_, "add_sub");
    CopyTestModel("constant_1", *repository_, "constant", 1);
    CopyTestModel("constant_3", *repository_, "constant", 3);
    CopyTestModel("constant_2", *repository_, "constant", 2);
    WriteFile(repository_->Join("constant/.4/model.pt"), "being written");  // hidden
    WriteFile(repository_->Join("constant/5.tmp/model.pt"), "not a version");
    WriteFile(repository_->Join("broken/1/model.pt"), "not a model");
    server_ = new TestServer(repository_->path());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete repository_;
  }

  // Parses `json`, failing the test when it is not valid JSON.
  simdjson::dom::element Json(const std::string& json) {
    auto result = parser_.parse(json);
    EXPECT_EQ(result.error(), simdjson::SUCCESS) << json;
    return result.value_unsafe();
  }

  static TempDir* repository_;
  static TestServer* server_;
  HttpClient client_{server_->port()};
  simdjson::dom::parser parser_;
};

TempDir* RestApiTest::repository_ = nullptr;
TestServer* RestApiTest::server_ = nullptr;

std::vector<double> Doubles(simdjson::dom::array array) {
  std::vector<double> values;
  for (simdjson::dom::element e : array) values.push_back(double(e));
  return values;
}

TEST_F(RestApiTest, PredictRowFormat) {
  auto r = client_.Post("/v1/models/half_plus_two:predict", R"({"instances": [[1.0], [2.0], [5.0]]})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->content_type, "application/json");
  simdjson::dom::array predictions = Json(r->body)["predictions"];
  ASSERT_EQ(predictions.size(), 3u);
  EXPECT_EQ(Doubles(predictions.at(0)), std::vector<double>{2.5});
  EXPECT_EQ(Doubles(predictions.at(2)), std::vector<double>{4.5});
  EXPECT_THAT(r->body, HasSubstr("3.0"));  // whole numbers keep TF Serving's ".0"
}

TEST_F(RestApiTest, PredictRowFormatWithNamedInput) {
  auto r = client_.Post("/v1/models/half_plus_two:predict",
                        R"({"signature_name": "serving_default", "instances": [{"x": [1.0, 3.0]}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Doubles(Json(r->body)["predictions"].at(0)), (std::vector<double>{2.5, 3.5}));
}

TEST_F(RestApiTest, PredictColumnarFormat) {
  auto r = client_.Post("/v1/models/half_plus_two:predict", R"({"inputs": {"x": [[1.0, 2.0]]}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Doubles(Json(r->body)["outputs"].at(0)), (std::vector<double>{2.5, 3.0}));
  auto unnamed = client_.Post("/v1/models/half_plus_two:predict", R"({"inputs": [[4.0]]})");
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ(Doubles(Json(unnamed->body)["outputs"].at(0)), std::vector<double>{4.0});
}

TEST_F(RestApiTest, MultiInputNamedOutputsRowFormat) {
  auto r = client_.Post("/v1/models/mlp:predict", R"({"instances": [
      {"features": [1, 2, 3, 4, 5, 6, 7, 8], "temperature": [1.0]},
      {"features": [0, 0, 0, 0, 0, 0, 0, 0], "temperature": [2.0]}]})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::array predictions = Json(r->body)["predictions"];
  ASSERT_EQ(predictions.size(), 2u);
  std::vector<double> probabilities = Doubles(predictions.at(0)["probabilities"]);
  ASSERT_EQ(probabilities.size(), 3u);
  EXPECT_NEAR(probabilities[0] + probabilities[1] + probabilities[2], 1.0, 1e-5);
  int64_t label = predictions.at(0)["label"];
  EXPECT_GE(label, 0);
  EXPECT_LT(label, 3);
}

TEST_F(RestApiTest, MultiInputColumnarFormat) {
  auto r = client_.Post("/v1/models/mlp:predict", R"({"inputs": {
      "features": [[1, 2, 3, 4, 5, 6, 7, 8]], "temperature": [[0.5]]}})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::object outputs = Json(r->body)["outputs"];
  EXPECT_EQ(simdjson::dom::array(outputs["probabilities"]).size(), 1u);
  EXPECT_EQ(simdjson::dom::array(outputs["label"]).size(), 1u);
}

TEST_F(RestApiTest, ModelWithoutConfigUsesForwardNames) {
  auto r = client_.Post("/v1/models/add_sub:predict", R"({"inputs": {"a": [5.0, 1.0], "b": [2.0, 1.0]}})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::object outputs = Json(r->body)["outputs"];
  EXPECT_EQ(Doubles(outputs["output_0"]), (std::vector<double>{7.0, 2.0}));
  EXPECT_EQ(Doubles(outputs["output_1"]), (std::vector<double>{3.0, 0.0}));
}

TEST_F(RestApiTest, ServesTheHighestCompleteVersion) {
  auto latest = client_.Post("/v1/models/constant:predict", R"({"instances": [[0.0]]})");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(Doubles(Json(latest->body)["predictions"].at(0)), std::vector<double>{3.0});
  auto explicit_version = client_.Post("/v1/models/constant/versions/3:predict", R"({"instances": [[0.0]]})");
  ASSERT_TRUE(explicit_version.ok());
  EXPECT_EQ(explicit_version->status, 200) << explicit_version->body;
  auto not_loaded = client_.Post("/v1/models/constant/versions/1:predict", R"({"instances": [[0.0]]})");
  ASSERT_TRUE(not_loaded.ok());
  EXPECT_EQ(not_loaded->status, 404);
  EXPECT_THAT(not_loaded->body, HasSubstr("Specific(constant, 1)"));
}

TEST_F(RestApiTest, ModelStatus) {
  auto r = client_.Get("/v1/models/half_plus_two");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::element status = Json(r->body)["model_version_status"].at(0);
  EXPECT_EQ(std::string_view(status["version"]), "1");
  EXPECT_EQ(std::string_view(status["state"]), "AVAILABLE");
  EXPECT_EQ(std::string_view(status["status"]["error_code"]), "OK");
  EXPECT_EQ(std::string_view(status["status"]["error_message"]), "");
  auto version = client_.Get("/v1/models/half_plus_two/versions/1");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->status, 200);
  auto missing = client_.Get("/v1/models/half_plus_two/versions/7");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_THAT(missing->body, HasSubstr("Could not find version 7 of model half_plus_two"));
}

TEST_F(RestApiTest, FailedModelIsReportedWithItsReason) {
  auto r = client_.Get("/v1/models/broken");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::element status = Json(r->body)["model_version_status"].at(0);
  EXPECT_EQ(std::string_view(status["state"]), "END");
  EXPECT_EQ(std::string_view(status["status"]["error_code"]), "INVALID_ARGUMENT");
  EXPECT_THAT(std::string(std::string_view(status["status"]["error_message"])),
              HasSubstr("cannot load TorchScript model"));
  auto predict = client_.Post("/v1/models/broken:predict", R"({"instances": [[1.0]]})");
  ASSERT_TRUE(predict.ok());
  EXPECT_EQ(predict->status, 404);
  EXPECT_THAT(predict->body, HasSubstr("failed to load"));
}

TEST_F(RestApiTest, ModelMetadata) {
  auto r = client_.Get("/v1/models/mlp/metadata");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::element doc = Json(r->body);
  EXPECT_EQ(std::string_view(doc["model_spec"]["name"]), "mlp");
  EXPECT_EQ(std::string_view(doc["model_spec"]["version"]), "1");
  simdjson::dom::element signature = doc["metadata"]["signature_def"]["signature_def"]["serving_default"];
  EXPECT_EQ(std::string_view(signature["method_name"]), "tensorflow/serving/predict");
  simdjson::dom::element features = signature["inputs"]["features"];
  EXPECT_EQ(std::string_view(features["dtype"]), "DT_FLOAT");
  EXPECT_EQ(std::string_view(features["tensor_shape"]["dim"].at(1)["size"]), "8");
  EXPECT_EQ(std::string_view(signature["outputs"]["label"]["dtype"]), "DT_INT64");
}

TEST_F(RestApiTest, ClassifyAndRegressAreUnimplemented) {
  for (const char* verb : {"classify", "regress"}) {
    auto r = client_.Post(std::string("/v1/models/half_plus_two:") + verb,
                          R"({"examples": [{"x": 1.0}]})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 501) << verb;
    EXPECT_THAT(r->body, HasSubstr(std::string("no ") + verb + " signature"));
  }
}

TEST_F(RestApiTest, Health) {
  auto live = client_.Get("/v2/health/live");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->status, 200);
  auto ready = client_.Get("/v2/health/ready");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200);
}

TEST_F(RestApiTest, PathsAreCaseInsensitiveAndPercentDecoded) {
  auto r = client_.Post("/V1/Models/half%5Fplus%5Ftwo:PREDICT", R"({"instances": [[0.0]]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(RestApiTest, ManyConcurrentClients) {
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(server_->port());
      for (int i = 0; i < 25; ++i) {
        std::string x = std::to_string(t * 100 + i);
        auto r = client.Post("/v1/models/half_plus_two:predict",
                             "{\"instances\": [[" + x + ".0]]}");
        if (!r.ok() || r->status != 200) continue;
        simdjson::dom::parser parser;
        double y = parser.parse(r->body)["predictions"].at(0).at(0);
        if (y == (t * 100 + i) * 0.5 + 2.0) ++ok;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok, 8 * 25);
}

TEST_F(RestApiTest, PredictResponseNamesTheVersionThatAnswered) {
  auto r = client_.Post("/v1/models/constant:predict", R"({"instances": [[0.0]]})");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Header("x-serval-model-version"), "3");
}

}  // namespace
}  // namespace serval
