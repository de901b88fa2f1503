// GET /metrics end to end: the fake backend behind a real ServableManager, InferenceService and
// RestRouter on an HttpServer on 127.0.0.1 port 0, scraped over HTTP.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "metrics/exposition_checker.h"
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
using ::testing::Not;

class MetricsRouteTest : public ::testing::Test {
 protected:
  MetricsRouteTest() {
    backends_.Register(std::make_unique<testing::FakeBackend>());
    testing::WriteFakeModel(dir_.Join("m"), 1);
    manager_ = std::make_unique<ServableManager>(backends_, ServableManagerOptions());
    EXPECT_TRUE(
        manager_
            ->SetModels(DefaultModelSettings(*ModelRepository::ForDirectory(dir_.path()).Scan()))
            .ok());
    manager_->WaitUntilSettled();
    service_ = std::make_unique<InferenceService>(*manager_, &metrics_);
  }

  ~MetricsRouteTest() override {
    if (server_ != nullptr) server_->Stop();
  }

  // Serves the REST API with `router`; the client then talks to it.
  void Serve(std::unique_ptr<RestRouter> router) {
    router_ = std::move(router);
    HttpServerOptions http;
    http.address = "127.0.0.1";
    http.port = 0;
    http.num_io_threads = 1;
    auto server = HttpServer::Create(http, [this](HttpRequest request, HttpResponder respond) {
      router_->Handle(std::move(request), std::move(respond));
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  HttpResult Send(std::string_view method, std::string_view target, std::string_view body = "") {
    absl::StatusOr<HttpResult> result = client_->Send(method, target, body);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : HttpResult{};
  }

  TempDir dir_;
  BackendRegistry backends_;
  MetricsRegistry metrics_;
  std::unique_ptr<ServableManager> manager_;
  std::unique_ptr<InferenceService> service_;
  std::unique_ptr<RestRouter> router_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(MetricsRouteTest, ScrapeShowsThePredictionsMade) {
  Serve(std::make_unique<RestRouter>(*service_, &metrics_));
  EXPECT_EQ(Send("POST", "/v1/models/m:predict", R"({"instances": [[1.0], [2.0]]})").status, 200);
  EXPECT_EQ(Send("POST", "/v1/models/m:predict", R"({"inputs": {"x": [[1.0]]}})").status, 200);
  // Decoded, then refused by the service (rank 1, the signature wants 2): counted.
  EXPECT_EQ(Send("POST", "/v1/models/m:predict", R"({"instances": [1.0, 2.0]})").status, 400);
  // Refused while decoding, before the service: counted too.
  EXPECT_EQ(Send("POST", "/v1/models/m:predict", R"({"inputs": {"wrong": [[1.0]]}})").status, 400);
  EXPECT_EQ(Send("POST", "/v1/models/unknown:predict", R"({"instances": [[1.0]]})").status, 404);

  const HttpResult scrape = Send("GET", "/metrics");
  EXPECT_EQ(scrape.status, 200);
  EXPECT_EQ(scrape.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const absl::Status valid = testing::CheckExposition(scrape.body);
  EXPECT_TRUE(valid.ok()) << valid << "\n" << scrape.body;
  EXPECT_THAT(scrape.body,
              HasSubstr(R"(serval_requests_total{model="m",version="1",code="ok"} 2)"));
  EXPECT_THAT(
      scrape.body,
      HasSubstr(R"(serval_requests_total{model="m",version="1",code="invalid_argument"} 2)"));
  EXPECT_THAT(scrape.body,
              HasSubstr(R"(serval_request_duration_seconds_count{model="m",version="1"} 4)"));
  EXPECT_THAT(scrape.body, Not(HasSubstr(R"(model="unknown")")));
  // A query string does not change the path.
  EXPECT_EQ(Send("GET", "/metrics?name[]=serval_queue_depth").status, 200);
  // Other methods on the path, and other routes, keep their answers.
  EXPECT_EQ(Send("POST", "/metrics").status, 404);
  EXPECT_EQ(Send("GET", "/v2/health/live").status, 200);
  EXPECT_EQ(Send("GET", "/nothing").status, 404);
}

TEST_F(MetricsRouteTest, NoRegistryMeansNoMetricsPath) {
  Serve(std::make_unique<RestRouter>(*service_));
  const HttpResult scrape = Send("GET", "/metrics");
  EXPECT_EQ(scrape.status, 404);
  EXPECT_THAT(scrape.body, Not(HasSubstr("serval_")));
}

TEST_F(MetricsRouteTest, TheMetricsPathIsAnOption) {
  Serve(std::make_unique<RestRouter>(*service_, &metrics_, "/monitoring/prometheus/metrics"));
  EXPECT_EQ(Send("GET", "/metrics").status, 404);
  const HttpResult scrape = Send("GET", "/monitoring/prometheus/metrics");
  EXPECT_EQ(scrape.status, 200);
  EXPECT_THAT(scrape.body, HasSubstr("# TYPE serval_batch_size histogram"));
}

TEST_F(MetricsRouteTest, AMetricsPathUnderV1TakesPrecedence) {
  Serve(std::make_unique<RestRouter>(*service_, &metrics_, "/v1/metrics"));
  EXPECT_EQ(Send("GET", "/v1/metrics").status, 200);
  EXPECT_EQ(Send("GET", "/v1/models/m").status, 200);
}

}  // namespace
}  // namespace serval
