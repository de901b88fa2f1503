// Dynamic batching over real HTTP with a real TorchScript model: concurrent clients each get
// their own rows back, whatever batches their requests were joined into.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include "common/str_cat.h"
#include "integration/test_server.h"
#include "testing/http_client.h"
#include "testing/raw_connection.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

BatchingSettings Batching(int64_t max_batch_size) {
  BatchingSettings batching;
  batching.enabled = true;
  batching.max_batch_size = max_batch_size;
  batching.batch_timeout = absl::Milliseconds(2);
  batching.max_enqueued_batches = 100;
  return batching;
}

TEST(BatchingTest, ConcurrentClientsGetTheirOwnRows) {
  TempDir repository;
  CopyTestModel("add_sub", repository, "m");  // outputs a + b and a - b
  BatchingSettings batching = Batching(16);
  batching.allowed_batch_sizes = {4, 8, 16};
  TestServer server(repository.path(), {.batching = batching, .instances = 2});
  std::atomic<int> wrong = 0;
  std::vector<std::thread> clients;
  for (int client = 0; client < 6; ++client) {
    clients.emplace_back([&, client] {
      HttpClient http(server.port());
      for (int i = 0; i < 50; ++i) {
        const int a = client * 1000 + i;
        // Two rows per request, columnar form: a = [a, a + 1], b = [1, 2].
        auto result = http.Post("/v1/models/m:predict",
                                StrCat(R"({"inputs": {"a": [)", a, ", ", a + 1,
                                       R"(], "b": [1, 2]}})"));
        const std::string expected = StrCat(R"({"outputs":{"output_0":[)", a + 1, ".0,", a + 3,
                                            R"(.0],"output_1":[)", a - 1, ".0,", a - 1, ".0]}}");
        if (!result.ok() || result->status != 200 || result->body != expected) {
          if (wrong++ == 0) {
            ADD_FAILURE() << (result.ok() ? result->body : "transport error") << " != " << expected;
          }
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(wrong, 0);
}

TEST(BatchingTest, ARequestLargerThanABatchIsRefusedClearly) {
  TempDir repository;
  CopyTestModel("add_sub", repository, "m");
  TestServer server(repository.path(), {.batching = Batching(2)});
  HttpClient http(server.port());
  auto result = http.Post("/v1/models/m:predict", R"({"inputs": {"a": [1, 2, 3], "b": [1, 2, 3]}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 400);
  EXPECT_THAT(result->body, HasSubstr("max_batch_size"));
  // The server goes on serving.
  auto good = http.Post("/v1/models/m:predict", R"({"inputs": {"a": [1, 2], "b": [1, 2]}})");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->status, 200) << good->body;
}

TEST(BatchingTest, ARequestWhoseDeadlinePassesInTheQueueNeverRuns) {
  TempDir repository;
  CopyTestModel("slow", repository, "slow");
  for (bool batching : {false, true}) {
    BatchingSettings settings = Batching(4);
    settings.enabled = batching;
    TestServer server(repository.path(), {.batching = settings});
    HttpClient busy_client(server.port());
    HttpClient late_client(server.port());
    // One instance: a slow request holds it for seconds (more on a loaded CI machine).
    absl::StatusOr<HttpResult> busy;
    std::thread hold([&] {
      busy = busy_client.Post("/v1/models/slow:predict", R"({"instances": [[400.0]]})");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto late = late_client.Send("POST", "/v1/models/slow:predict", R"({"instances": [[1.0]]})",
                                 {{"X-Request-Timeout-Ms", "50"}});
    hold.join();
    ASSERT_TRUE(late.ok());
    EXPECT_EQ(late->status, 504) << batching << " " << late->body;
    EXPECT_THAT(late->body, HasSubstr("deadline"));
    ASSERT_TRUE(busy.ok());
    EXPECT_EQ(busy->status, 200) << busy->body;
    auto bad = late_client.Send("POST", "/v1/models/slow:predict", R"({"instances": [[1.0]]})",
                                {{"X-Request-Timeout-Ms", "soon"}});
    ASSERT_TRUE(bad.ok());
    EXPECT_EQ(bad->status, 400);
  }
}

// The value of the first Prometheus sample whose line starts with `series`, or -1.
double Sample(HttpClient& http, std::string_view series) {
  auto metrics = http.Get("/metrics");
  if (!metrics.ok() || metrics->status != 200) return -1;
  const size_t at = metrics->body.find(StrCat("\n", series, " "));
  if (at == std::string::npos) return -1;
  return std::stod(metrics->body.substr(at + series.size() + 2));
}

// Polls `series` for up to 10 s until it reads `value`.
bool WaitForSample(HttpClient& http, std::string_view series, double value) {
  for (int i = 0; i < 1000; ++i) {
    if (Sample(http, series) == value) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(BatchingTest, AClientThatDisconnectsLeavesNoWorkBehind) {
  TempDir repository;
  CopyTestModel("slow", repository, "slow");
  for (bool batching : {false, true}) {
    BatchingSettings settings = Batching(4);
    settings.enabled = batching;
    TestServer server(repository.path(), {.batching = settings});
    HttpClient busy_client(server.port());
    HttpClient metrics_client(server.port());
    // One instance: a slow request holds it for seconds (more on a loaded CI machine).
    absl::StatusOr<HttpResult> busy;
    std::thread hold([&] {
      busy = busy_client.Post("/v1/models/slow:predict", R"({"instances": [[600.0]]})");
    });
    // The busy request has left the queue (its queue time is recorded) and holds the instance.
    ASSERT_TRUE(WaitForSample(
        metrics_client, R"(serval_queue_duration_seconds_count{model="slow",version="1"})", 1))
        << "the busy request never started";
    const std::string depth = R"(serval_queue_depth{model="slow",version="1"})";
    {
      // Tens of seconds of work, were it ever run.
      const std::string body = R"({"instances": [[5000.0]]})";
      RawConnection leaving(server.port());
      ASSERT_TRUE(leaving.Send(StrCat("POST /v1/models/slow:predict HTTP/1.1\r\n"
                                      "Content-Length: ", body.size(), "\r\n\r\n", body)));
      ASSERT_TRUE(WaitForSample(metrics_client, depth, 1)) << batching;
    }  // the client gives up and closes its connection
    hold.join();
    ASSERT_TRUE(busy.ok());
    EXPECT_EQ(busy->status, 200) << busy->body;
    const std::string cancelled =
        R"(serval_requests_total{model="slow",version="1",code="cancelled"})";
    EXPECT_TRUE(WaitForSample(metrics_client, cancelled, 1)) << batching;
    EXPECT_EQ(Sample(metrics_client, depth), 0) << batching;
    // Only the busy request ran.
    EXPECT_EQ(Sample(metrics_client, R"(serval_batch_size_count{model="slow",version="1"})"), 1)
        << batching;
  }
}

}  // namespace
}  // namespace serval
