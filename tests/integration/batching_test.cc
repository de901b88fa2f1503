// Dynamic batching over real HTTP with a real TorchScript model: concurrent clients each get
// their own rows back, whatever batches their requests were joined into.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/str_cat.h"
#include "integration/test_server.h"
#include "testing/http_client.h"
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

}  // namespace
}  // namespace serval
