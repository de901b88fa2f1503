// Every kind of bad input gets a clear error with the right status code, and the server keeps
// serving: each case is followed by a good request in the fixture's TearDown.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/test_server.h"
#include "testing/http_client.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

constexpr size_t kBodyLimit = 1 << 20;

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    repository_ = new TempDir();
    CopyExampleModel("half_plus_two", *repository_);
    CopyExampleModel("mlp", *repository_);
    CopyTestModel("times_two_int", *repository_, "ints");
    WriteFile(repository_->Join("ints/config.yaml"),
              "inputs:\n  - {name: ids, dtype: int32, shape: [-1]}\n");
    CopyTestModel("needs_four_columns", *repository_, "picky");
    WriteFile(repository_->Join("corrupt/1/model.pt"), std::string(4096, '\x42'));
    server_ = new TestServer(repository_->path(), {.max_body_bytes = kBodyLimit});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete repository_;
  }

  // Whatever went before, the server still answers a good request.
  void TearDown() override {
    HttpClient fresh(server_->port());
    auto r = fresh.Post("/v1/models/half_plus_two:predict", R"({"instances": [[2.0]]})");
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 200) << r->body;
  }

  // Posts `body` to `model`'s :predict and expects `status` with `message` in the error body.
  void ExpectError(std::string_view model, std::string_view body, int status,
                   std::string_view message) {
    auto r = client_.Post(std::string("/v1/models/") + std::string(model) + ":predict", body);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->content_type, "application/json");
    EXPECT_THAT(r->body, HasSubstr("\"error\""));
    EXPECT_THAT(r->body, HasSubstr(std::string(message)));
  }

  static TempDir* repository_;
  static TestServer* server_;
  HttpClient client_{server_->port()};
};

TempDir* BadInputTest::repository_ = nullptr;
TestServer* BadInputTest::server_ = nullptr;

TEST_F(BadInputTest, MalformedJson) {
  ExpectError("half_plus_two", R"({"instances": [[1.0]})", 400, "JSON Parse error");
  ExpectError("half_plus_two", R"({"instances": [[1.0, ]]})", 400, "JSON Parse error");
  ExpectError("half_plus_two", R"([1, 2])", 400, "Is not object");
}

TEST_F(BadInputTest, EmptyBody) {
  ExpectError("half_plus_two", "", 400, "The document is empty");
  ExpectError("half_plus_two", "   ", 400, "The document is empty");
}

TEST_F(BadInputTest, NeitherOrBothOfInstancesAndInputs) {
  ExpectError("half_plus_two", R"({"signature_name": ""})", 400, "Missing 'inputs' or 'instances' key");
  ExpectError("half_plus_two", R"({"instances": [[1.0]], "inputs": [[1.0]]})", 400, "instances");
}

TEST_F(BadInputTest, WrongDtype) {
  ExpectError("half_plus_two", R"({"instances": [["one"]]})", 400, "not of expected type");
  ExpectError("ints", R"({"instances": [1.5]})", 400, "not of expected type");
  ExpectError("ints", R"({"instances": [4294967296]})", 400, "ids");
  ExpectError("half_plus_two", R"({"instances": [[{"b64": "AAAA"}]]})", 400, "x");
}

TEST_F(BadInputTest, RaggedLists) {
  ExpectError("half_plus_two", R"({"instances": [[1.0, 2.0], [3.0]]})", 400, "x");
  ExpectError("half_plus_two", R"({"inputs": [[1.0], 2.0]})", 400, "x");
}

TEST_F(BadInputTest, WrongRank) {
  ExpectError("half_plus_two", R"({"instances": [1.0, 2.0]})", 400,
              "expects shape [-1, -1] but received [2]");
  ExpectError("half_plus_two", R"({"inputs": [[[1.0]]]})", 400, "expects shape [-1, -1]");
}

TEST_F(BadInputTest, WrongFixedDimension) {
  ExpectError("mlp", R"({"instances": [{"features": [1, 2, 3], "temperature": [1.0]}]})", 400,
              "'features' expects shape [-1, 8] but received [1, 3]");
}

TEST_F(BadInputTest, MissingAndUnknownInputs) {
  ExpectError("mlp", R"({"inputs": {"features": [[1, 2, 3, 4, 5, 6, 7, 8]]}})", 400,
              "Missing named input: temperature");
  ExpectError("mlp", R"({"instances": [{"features": [1, 2, 3, 4, 5, 6, 7, 8]}]})", 400,
              "temperature");
}

TEST_F(BadInputTest, MixingNamedAndUnnamedInputs) {
  ExpectError("mlp", R"({"instances": [[1, 2, 3, 4, 5, 6, 7, 8]]})", 400, "");
  ExpectError("half_plus_two", R"({"instances": [{"x": [1.0]}, [2.0]]})", 400, "");
}

TEST_F(BadInputTest, UnknownSignature) {
  ExpectError("half_plus_two", R"({"signature_name": "nope", "instances": [[1.0]]})", 400,
              "Serving signature name: \\\"nope\\\" not found");
  ExpectError("half_plus_two", R"({"signature_name": 7, "instances": [[1.0]]})", 400,
              "'signature_name' key must be a string value");
}

TEST_F(BadInputTest, UnknownModelVersionOrLabel) {
  ExpectError("nope", R"({"instances": [[1.0]]})", 404, "Servable not found for request: Latest(nope)");
  auto version = client_.Post("/v1/models/half_plus_two/versions/9:predict", R"({"instances": [[1.0]]})");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->status, 404);
  auto label = client_.Post("/v1/models/half_plus_two/labels/canary:predict", R"({"instances": [[1.0]]})");
  ASSERT_TRUE(label.ok());
  EXPECT_EQ(label->status, 400);
  EXPECT_THAT(label->body, HasSubstr("Unrecognized servable version label"));
  auto status = client_.Get("/v1/models/nope");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->status, 404);
  EXPECT_THAT(status->body, HasSubstr("Could not find any versions of model nope"));
}

TEST_F(BadInputTest, MalformedUrls) {
  auto verb = client_.Post("/v1/models/half_plus_two:explain", "{}");
  ASSERT_TRUE(verb.ok());
  EXPECT_EQ(verb->status, 400);
  EXPECT_THAT(verb->body, HasSubstr("Malformed request: POST /v1/models/half_plus_two:explain"));
  auto no_name = client_.Get("/v1/models");
  ASSERT_TRUE(no_name.ok());
  EXPECT_EQ(no_name->status, 400);
  EXPECT_THAT(no_name->body, HasSubstr("Missing model name"));
  auto bad_version = client_.Get("/v1/models/half_plus_two/versions/x1");
  ASSERT_TRUE(bad_version.ok());
  EXPECT_EQ(bad_version->status, 400);
  auto elsewhere = client_.Get("/index.html");
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_EQ(elsewhere->status, 404);
}

TEST_F(BadInputTest, OversizedBody) {
  std::string body = "{\"instances\": [[" + std::string(kBodyLimit, '1') + "]]}";
  auto r = client_.Post("/v1/models/half_plus_two:predict", body);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 413);
}

TEST_F(BadInputTest, CorruptModelFileIsReportedAndDoesNotServe) {
  ExpectError("corrupt", R"({"instances": [[1.0]]})", 404, "cannot load TorchScript model");
  auto status = client_.Get("/v1/models/corrupt");
  ASSERT_TRUE(status.ok());
  EXPECT_THAT(status->body, HasSubstr("END"));
}

TEST_F(BadInputTest, AnErrorInsideTheModel) {
  ExpectError("picky", R"({"instances": [[1.0, 2.0]]})", 400, "needs 4 columns");
  auto good = client_.Post("/v1/models/picky:predict", R"({"instances": [[1.0, 2.0, 3.0, 4.0]]})");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->status, 200) << good->body;
}

}  // namespace
}  // namespace serval
