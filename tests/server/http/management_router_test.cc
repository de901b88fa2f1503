// The management API end to end: a real ServableManager over the fake backend, the router on a
// real HttpServer on 127.0.0.1 port 0, and HTTP requests from a client.

#include "server/http/management_router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "server/http/http_server.h"
#include "testing/fake_backend.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

class ManagementRouterTest : public ::testing::Test {
 protected:
  ManagementRouterTest() {
    backends_.Register(std::make_unique<testing::FakeBackend>());
    testing::WriteFakeModel(dir_.Join("m"), 1);
    testing::WriteFakeModel(dir_.Join("m"), 2);
    testing::WriteFakeModel(dir_.Join("broken"), 1, /*corrupt=*/true);
    const absl::Status set = manager_.SetModels(
        {ModelSettings{.name = "m", .base_path = dir_.Join("m")},
         ModelSettings{.name = "broken", .base_path = dir_.Join("broken")}});
    EXPECT_TRUE(set.ok()) << set;
    manager_.PollOnce();
    manager_.WaitUntilSettled();
  }

  // Serves the management API with `options`; the client then talks to it.
  void Serve(ManagementRouterOptions options = {}) {
    server_.reset();
    router_ = std::make_unique<ManagementRouter>(manager_, std::move(options));
    HttpServerOptions http;
    http.address = "127.0.0.1";
    http.port = 0;
    http.num_io_threads = 1;  // a blocked I/O thread would stall every request
    auto server = HttpServer::Create(http, [this](HttpRequest request, HttpResponder respond) {
      router_->Handle(std::move(request), std::move(respond));
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  HttpResult Send(std::string_view method, std::string_view target, std::string_view body = "",
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    absl::StatusOr<HttpResult> result = client_->Send(method, target, body, headers);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : HttpResult{};
  }

  // Parses `json`, failing the test when it is not valid JSON.
  simdjson::dom::element Json(const std::string& json) {
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(json).get(root), simdjson::SUCCESS) << json;
    return root;
  }

  std::string StateOf(simdjson::dom::element model, int64_t version) {
    for (simdjson::dom::element entry : model["versions"].get_array()) {
      if (int64_t(entry["version"]) == version) return std::string(std::string_view(entry["state"]));
    }
    return "absent";
  }

  TempDir dir_;
  BackendRegistry backends_;
  ServableManagerOptions manager_options_;
  ServableManager manager_{backends_, manager_options_};
  std::unique_ptr<ManagementRouter> router_;
  std::unique_ptr<HttpServer> server_;  // after the router: stops before the router goes
  std::unique_ptr<HttpClient> client_;
  simdjson::dom::parser parser_;
};

TEST_F(ManagementRouterTest, ListsEveryModel) {
  Serve();
  HttpResult r = Send("GET", "/v1/manage/models");
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::array models = Json(r.body)["models"].get_array();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(std::string_view(models.at(0)["name"]), "broken");
  EXPECT_THAT(std::string(std::string_view(models.at(0)["versions"].at(0)["error"])),
              HasSubstr("corrupt"));
  EXPECT_EQ(std::string_view(models.at(1)["name"]), "m");
  EXPECT_EQ(StateOf(models.at(1), 2), "AVAILABLE");
}

TEST_F(ManagementRouterTest, DescribesOneModelAndNotAnUnknownOne) {
  Serve();
  HttpResult r = Send("GET", "/v1/manage/models/%6D");  // percent-decoded: "m"
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::element model = Json(r.body);
  EXPECT_EQ(std::string_view(model["name"]), "m");
  EXPECT_EQ(std::string_view(model["base_path"]), dir_.Join("m"));
  EXPECT_EQ(std::string_view(model["version_policy"]), "latest: 1");
  EXPECT_TRUE(bool(model["loaded"]));
  EXPECT_EQ(StateOf(model, 2), "AVAILABLE");

  HttpResult unknown = Send("GET", "/v1/manage/models/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr(R"({"error":)"));
  EXPECT_THAT(unknown.body, HasSubstr("nope"));
}

TEST_F(ManagementRouterTest, UnloadThenLoadWaitsUntilTheModelSettles) {
  Serve();
  HttpResult unloaded = Send("POST", "/v1/manage/models/m/unload");
  ASSERT_EQ(unloaded.status, 200) << unloaded.body;
  EXPECT_FALSE(bool(Json(unloaded.body)["loaded"]));
  EXPECT_EQ(StateOf(Json(unloaded.body), 2), "END");
  EXPECT_FALSE(manager_.routing_table()->Resolve({.name = "m"}).ok());

  HttpResult loaded = Send("POST", "/v1/manage/models/m/load?timeout_ms=60000");
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  EXPECT_TRUE(bool(Json(loaded.body)["loaded"]));
  EXPECT_EQ(StateOf(Json(loaded.body), 2), "AVAILABLE");
  EXPECT_TRUE(manager_.routing_table()->Resolve({.name = "m"}).ok());

  HttpResult reloaded = Send("POST", "/v1/manage/models/m/reload");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(StateOf(Json(reloaded.body), 2), "AVAILABLE");

  EXPECT_EQ(Send("POST", "/v1/manage/models/nope/load").status, 404);
  HttpResult bad_timeout = Send("POST", "/v1/manage/models/m/load?timeout_ms=soon");
  EXPECT_EQ(bad_timeout.status, 400);
  EXPECT_THAT(bad_timeout.body, HasSubstr("timeout_ms"));
}

TEST_F(ManagementRouterTest, SetsAndRemovesLabels) {
  Serve();
  HttpResult set = Send("PUT", "/v1/manage/models/m/labels/stable", R"({"version": 2})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(int64_t(Json(set.body)["labels"]["stable"]), 2);
  EXPECT_TRUE(manager_.routing_table()->Resolve({.name = "m", .label = "stable"}).ok());

  // Version 1 is not loaded: refused unless allowed.
  HttpResult unavailable = Send("PUT", "/v1/manage/models/m/labels/canary", R"({"version": 1})");
  EXPECT_EQ(unavailable.status, 400) << unavailable.body;

  HttpResult bad = Send("PUT", "/v1/manage/models/m/labels/canary", R"({"version": "1"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("'version'"));

  HttpResult removed = Send("DELETE", "/v1/manage/models/m/labels/stable");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(Json(removed.body)["labels"].get_object().size(), 0u);
  EXPECT_EQ(Send("DELETE", "/v1/manage/models/m/labels/stable").status, 404);
}

TEST_F(ManagementRouterTest, SetsAndClearsTraffic) {
  Serve();
  ASSERT_EQ(Send("PUT", "/v1/manage/models/m/labels/stable", R"({"version": 2})").status, 200);
  HttpResult set = Send("PUT", "/v1/manage/models/m/traffic", R"({"stable": 100})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(int64_t(Json(set.body)["traffic"]["stable"]), 100);

  HttpResult unknown_label = Send("PUT", "/v1/manage/models/m/traffic", R"({"nope": 1})");
  EXPECT_EQ(unknown_label.status, 400) << unknown_label.body;
  HttpResult negative = Send("PUT", "/v1/manage/models/m/traffic", R"({"stable": -1})");
  EXPECT_EQ(negative.status, 400);
  EXPECT_THAT(negative.body, HasSubstr("'stable'"));

  HttpResult cleared = Send("PUT", "/v1/manage/models/m/traffic", "{}");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(Json(cleared.body)["traffic"].get_object().size(), 0u);
}

TEST_F(ManagementRouterTest, UnknownPathsAndWrongMethods) {
  Serve();
  HttpResult unknown = Send("GET", "/v1/manage/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("/v1/manage/nothing"));
  EXPECT_EQ(Send("GET", "/v1/manage/models/").status, 404);  // empty model name

  HttpResult wrong = Send("GET", "/v1/manage/models/m/load");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.Header("allow"), "POST");
  HttpResult label = Send("POST", "/v1/manage/models/m/labels/x");
  EXPECT_EQ(label.status, 405);
  EXPECT_EQ(label.Header("allow"), "PUT, DELETE");
}

TEST_F(ManagementRouterTest, BearerTokenIsRequiredWhenSet) {
  Serve({.bearer_token = "s3cret"});
  HttpResult missing = Send("GET", "/v1/manage/models");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.Header("www-authenticate"), "Bearer");
  EXPECT_THAT(missing.body, HasSubstr("Authorization"));
  EXPECT_EQ(Send("GET", "/v1/manage/models", "", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(Send("GET", "/v1/manage/models", "", {{"Authorization", "Bearer s3cre"}}).status, 401);
  EXPECT_EQ(Send("GET", "/v1/manage/models", "", {{"Authorization", "s3cret"}}).status, 401);
  // Even a path that does not exist is hidden from a caller without the token.
  EXPECT_EQ(Send("GET", "/nothing").status, 401);
  EXPECT_EQ(Send("GET", "/v1/manage/models", "", {{"Authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(Send("GET", "/v1/manage/models", "", {{"Authorization", "bearer s3cret"}}).status, 200);
}

TEST_F(ManagementRouterTest, ConfigReloadCallsTheReloader) {
  Serve();
  HttpResult none = Send("POST", "/v1/manage/config:reload");
  EXPECT_EQ(none.status, 501);
  EXPECT_THAT(none.body, HasSubstr("no config file to reload"));

  int reloads = 0;
  Serve({.reload_config = [&reloads] {
    ++reloads;
    return reloads == 1 ? absl::OkStatus() : absl::InvalidArgumentError("models[m].base_path");
  }});
  HttpResult ok = Send("POST", "/v1/manage/config:reload");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"status":"ok"})");
  HttpResult failed = Send("POST", "/v1/manage/config:reload");
  EXPECT_EQ(failed.status, 400);
  EXPECT_THAT(failed.body, HasSubstr("models[m].base_path"));
  EXPECT_EQ(reloads, 2);
}

TEST_F(ManagementRouterTest, TritonRepositoryIndexLoadAndUnload) {
  Serve();
  HttpResult index = Send("POST", "/v2/repository/index");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_THAT(index.body, HasSubstr(R"({"name":"m","version":"2","state":"READY","reason":""})"));
  EXPECT_THAT(index.body, HasSubstr(R"({"name":"broken","version":"1","state":"UNAVAILABLE")"));

  HttpResult ready = Send("POST", "/v2/repository/index", R"({"ready": true})");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.body, R"([{"name":"m","version":"2","state":"READY","reason":""}])");

  HttpResult unloaded = Send("POST", "/v2/repository/models/m/unload");
  EXPECT_EQ(unloaded.status, 200);
  EXPECT_EQ(unloaded.body, "{}");
  EXPECT_EQ(Send("POST", "/v2/repository/index", R"({"ready": true})").body, "[]");
  HttpResult loaded = Send("POST", "/v2/repository/models/m/load");
  EXPECT_EQ(loaded.status, 200);
  EXPECT_EQ(loaded.body, "{}");
  EXPECT_TRUE(manager_.routing_table()->Resolve({.name = "m"}).ok());

  HttpResult unknown = Send("POST", "/v2/repository/models/nope/load");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr(R"({"error":)"));
  EXPECT_EQ(Send("POST", "/v2/repository/index", "{").status, 400);
}

// A management call that blocks (here, a config reload waiting on the test) holds a pool thread,
// never the server's single I/O thread: other requests are answered meanwhile.
TEST_F(ManagementRouterTest, BlockingCallsDoNotHoldTheIoThread) {
  std::mutex mu;
  std::condition_variable changed;
  bool entered = false;
  bool release = false;
  Serve({.reload_config = [&] {
    std::unique_lock<std::mutex> lock(mu);
    entered = true;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
    return absl::OkStatus();
  }});
  std::thread reloader([port = server_->port()] {
    HttpClient client(port);
    absl::StatusOr<HttpResult> result = client.Post("/v1/manage/config:reload", "");
    EXPECT_TRUE(result.ok()) << result.status();
    if (result.ok()) {
      EXPECT_EQ(result->status, 200);
    }
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return entered; }));
  }
  EXPECT_EQ(server_->in_flight(), 1);  // the reload, waiting on a pool thread
  EXPECT_EQ(Send("GET", "/v1/manage/models/m").status, 200);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
    changed.notify_all();
  }
  reloader.join();
}

}  // namespace
}  // namespace serval
