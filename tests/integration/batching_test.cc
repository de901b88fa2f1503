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
#include "testing/prometheus_sample.h"
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

// A request that holds the "slow" model's one instance for `rounds` rounds, on its own thread and
// connection. Once Started(), it has left the queue and is running.
class BusyInstance {
 public:
  BusyInstance(int port, int rounds)
      : client_(port), metrics_(port), thread_([this, rounds] {
          result_ = client_.Post("/v1/models/slow:predict",
                                 StrCat(R"({"instances": [[)", rounds, ".0]]}"));
        }) {}
  ~BusyInstance() {
    if (thread_.joinable()) thread_.join();
  }

  // Whether it started running within 10 s (its queue time is recorded when it leaves the queue).
  bool Started() {
    return WaitForPrometheusSample(
        metrics_, R"(serval_queue_duration_seconds_count{model="slow",version="1"})", 1);
  }
  absl::StatusOr<HttpResult> Join() {
    thread_.join();
    return result_;
  }

 private:
  HttpClient client_;
  HttpClient metrics_;
  absl::StatusOr<HttpResult> result_;
  std::thread thread_;  // last: starts once the rest is built
};

TEST(BatchingTest, ARequestWhoseDeadlinePassesInTheQueueNeverRuns) {
  TempDir repository;
  CopyTestModel("slow", repository, "slow");
  for (bool batching : {false, true}) {
    BatchingSettings settings = Batching(4);
    settings.enabled = batching;
    TestServer server(repository.path(), {.batching = settings});
    HttpClient late_client(server.port());
    // One instance: a slow request holds it for seconds (more on a loaded CI machine).
    BusyInstance busy(server.port(), 400);
    ASSERT_TRUE(busy.Started()) << batching;
    auto late = late_client.Send("POST", "/v1/models/slow:predict", R"({"instances": [[1.0]]})",
                                 {{"X-Request-Timeout-Ms", "50"}});
    absl::StatusOr<HttpResult> busy_result = busy.Join();
    ASSERT_TRUE(late.ok());
    EXPECT_EQ(late->status, 504) << batching << " " << late->body;
    EXPECT_THAT(late->body, HasSubstr("deadline"));
    ASSERT_TRUE(busy_result.ok());
    EXPECT_EQ(busy_result->status, 200) << busy_result->body;
    auto bad = late_client.Send("POST", "/v1/models/slow:predict", R"({"instances": [[1.0]]})",
                                {{"X-Request-Timeout-Ms", "soon"}});
    ASSERT_TRUE(bad.ok());
    EXPECT_EQ(bad->status, 400);
  }
}

TEST(BatchingTest, AClientThatDisconnectsLeavesNoWorkBehind) {
  TempDir repository;
  CopyTestModel("slow", repository, "slow");
  for (bool batching : {false, true}) {
    BatchingSettings settings = Batching(4);
    settings.enabled = batching;
    TestServer server(repository.path(), {.batching = settings});
    HttpClient metrics_client(server.port());
    // One instance: a slow request holds it for seconds (more on a loaded CI machine).
    BusyInstance busy(server.port(), 600);
    ASSERT_TRUE(busy.Started()) << batching;
    const std::string depth = R"(serval_queue_depth{model="slow",version="1"})";
    {
      // Tens of seconds of work, were it ever run.
      const std::string body = R"({"instances": [[5000.0]]})";
      RawConnection leaving(server.port());
      ASSERT_TRUE(leaving.Send(StrCat("POST /v1/models/slow:predict HTTP/1.1\r\n"
                                      "Content-Length: ", body.size(), "\r\n\r\n", body)));
      ASSERT_TRUE(WaitForPrometheusSample(metrics_client, depth, 1)) << batching;
    }  // the client gives up and closes its connection
    absl::StatusOr<HttpResult> busy_result = busy.Join();
    ASSERT_TRUE(busy_result.ok());
    EXPECT_EQ(busy_result->status, 200) << busy_result->body;
    const std::string cancelled =
        R"(serval_requests_total{model="slow",version="1",code="cancelled"})";
    EXPECT_TRUE(WaitForPrometheusSample(metrics_client, cancelled, 1)) << batching;
    EXPECT_EQ(PrometheusSample(metrics_client, depth), 0) << batching;
    // Only the busy request ran.
    EXPECT_EQ(
        PrometheusSample(metrics_client, R"(serval_batch_size_count{model="slow",version="1"})"),
        1)
        << batching;
  }
}

}  // namespace
}  // namespace serval
