#include "metrics/metrics_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/str_cat.h"
#include "metrics/exposition_checker.h"

namespace serval {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The index of the first line that starts with `prefix`, or -1.
int LineIndex(const std::vector<std::string>& lines, std::string_view prefix) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with(prefix)) return static_cast<int>(i);
  }
  return -1;
}

TEST(StatusCodeLabelTest, LowerSnakeCase) {
  EXPECT_EQ(StatusCodeLabel(absl::StatusCode::kOk), "ok");
  EXPECT_EQ(StatusCodeLabel(absl::StatusCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(StatusCodeLabel(absl::StatusCode::kResourceExhausted), "resource_exhausted");
  EXPECT_EQ(StatusCodeLabel(absl::StatusCode::kDeadlineExceeded), "deadline_exceeded");
  EXPECT_EQ(StatusCodeLabel(absl::StatusCode::kUnauthenticated), "unauthenticated");
  EXPECT_EQ(StatusCodeLabel(static_cast<absl::StatusCode>(99)), "unknown");
}

TEST(MetricsRegistryTest, ForModelIsStableAndPerVersion) {
  MetricsRegistry registry;
  EXPECT_EQ(registry.Find("m", 1), nullptr);
  ModelMetrics& first = registry.ForModel("m", 1);
  EXPECT_EQ(&registry.ForModel("m", 1), &first);
  EXPECT_EQ(registry.Find("m", 1), &first);
  EXPECT_NE(&registry.ForModel("m", 2), &first);
  EXPECT_NE(&registry.ForModel("n", 1), &first);
  // Creating more versions republishes the index; the first reference stays valid.
  for (int v = 3; v < 100; ++v) registry.ForModel("m", v);
  EXPECT_EQ(&registry.ForModel("m", 1), &first);
  EXPECT_EQ(first.model(), "m");
  EXPECT_EQ(first.version(), 1);
  EXPECT_EQ(first.labels(), R"(model="m",version="1")");
}

TEST(MetricsRegistryTest, AnEmptyRegistryWritesEveryFamilyHeader) {
  MetricsRegistry registry;
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(testing::CheckExposition(text).ok()) << testing::CheckExposition(text) << text;
  const std::vector<std::string> lines = Lines(text);
  for (std::string_view type :
       {"# TYPE serval_requests_total counter", "# TYPE serval_request_duration_seconds histogram",
        "# TYPE serval_queue_duration_seconds histogram",
        "# TYPE serval_compute_duration_seconds histogram", "# TYPE serval_batch_size histogram",
        "# TYPE serval_queue_depth gauge"}) {
    EXPECT_THAT(lines, Contains(std::string(type)));
  }
  EXPECT_EQ(lines.size(), 12u);  // HELP and TYPE for six families, no samples
}

TEST(MetricsRegistryTest, RendersWhatWasRecorded) {
  MetricsRegistry registry;
  ModelMetrics& m = registry.ForModel("m", 1);
  m.RecordRequest(absl::StatusCode::kOk, absl::Milliseconds(3));
  m.RecordRequest(absl::StatusCode::kOk, absl::Milliseconds(20));
  m.RecordRequest(absl::StatusCode::kInvalidArgument, absl::Microseconds(10));
  m.RecordQueueTime(absl::Microseconds(200));
  m.RecordComputeTime(absl::Seconds(30));
  m.RecordBatch(3);
  m.RecordBatch(4);
  m.RecordBatch(2000);
  m.AddQueueDepth(5);
  m.AddQueueDepth(-2);

  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(testing::CheckExposition(text).ok()) << testing::CheckExposition(text) << text;
  const std::vector<std::string> lines = Lines(text);
  const std::string l = R"(model="m",version="1")";
  for (const std::string& expected : {
           StrCat("serval_requests_total{", l, ",code=\"ok\"} 2"),
           StrCat("serval_requests_total{", l, ",code=\"invalid_argument\"} 1"),
           StrCat("serval_request_duration_seconds_bucket{", l, ",le=\"5e-05\"} 1"),
           StrCat("serval_request_duration_seconds_bucket{", l, ",le=\"0.0025\"} 1"),
           StrCat("serval_request_duration_seconds_bucket{", l, ",le=\"0.005\"} 2"),
           StrCat("serval_request_duration_seconds_bucket{", l, ",le=\"0.025\"} 3"),
           StrCat("serval_request_duration_seconds_bucket{", l, ",le=\"+Inf\"} 3"),
           StrCat("serval_request_duration_seconds_sum{", l, "} 0.02301"),
           StrCat("serval_request_duration_seconds_count{", l, "} 3"),
           StrCat("serval_queue_duration_seconds_bucket{", l, ",le=\"0.0001\"} 0"),
           StrCat("serval_queue_duration_seconds_bucket{", l, ",le=\"0.00025\"} 1"),
           StrCat("serval_compute_duration_seconds_bucket{", l, ",le=\"10\"} 0"),
           StrCat("serval_compute_duration_seconds_bucket{", l, ",le=\"+Inf\"} 1"),
           StrCat("serval_compute_duration_seconds_sum{", l, "} 30"),
           StrCat("serval_batch_size_bucket{", l, ",le=\"2\"} 0"),
           StrCat("serval_batch_size_bucket{", l, ",le=\"4\"} 2"),
           StrCat("serval_batch_size_bucket{", l, ",le=\"1024\"} 2"),
           StrCat("serval_batch_size_bucket{", l, ",le=\"+Inf\"} 3"),
           StrCat("serval_batch_size_sum{", l, "} 2007"),
           StrCat("serval_batch_size_count{", l, "} 3"),
           StrCat("serval_queue_depth{", l, "} 3"),
       }) {
    EXPECT_THAT(lines, Contains(expected));
  }
  // Codes never seen are left out; "ok" is always there.
  EXPECT_THAT(text, Not(HasSubstr("resource_exhausted")));
  EXPECT_THAT(text, Not(HasSubstr(R"(model="n")")));
  registry.ForModel("n", 7);  // a version with no requests yet
  EXPECT_THAT(registry.RenderPrometheus(),
              HasSubstr(R"(serval_requests_total{model="n",version="7",code="ok"} 0)"));
}

TEST(MetricsRegistryTest, OrdersByModelThenVersionAndEscapesNames) {
  MetricsRegistry registry;
  registry.ForModel("b", 1);
  registry.ForModel("a", 10);
  registry.ForModel("a", 2);
  registry.ForModel("we\"ird\\name\n", 1);
  const std::string text = registry.RenderPrometheus();
  EXPECT_TRUE(testing::CheckExposition(text).ok()) << testing::CheckExposition(text) << text;
  const std::vector<std::string> lines = Lines(text);
  const int a2 = LineIndex(lines, R"(serval_queue_depth{model="a",version="2"})");
  const int a10 = LineIndex(lines, R"(serval_queue_depth{model="a",version="10"})");
  const int b1 = LineIndex(lines, R"(serval_queue_depth{model="b",version="1"})");
  const int weird =
      LineIndex(lines, R"(serval_queue_depth{model="we\"ird\\name\n",version="1"} 0)");
  ASSERT_GE(a2, 0);
  EXPECT_LT(a2, a10);
  EXPECT_LT(a10, b1);
  EXPECT_LT(b1, weird);
}

TEST(MetricsRegistryTest, ConcurrentCreationKeepsEveryVersion) {
  MetricsRegistry registry;
  constexpr int kThreads = 4;
  constexpr int kVersions = 500;  // the lookup table grows several times
  std::vector<std::vector<ModelMetrics*>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, &seen, t] {
      // Threads create overlapping versions in different orders.
      for (int i = 0; i < kVersions; ++i) {
        const int version = t % 2 == 0 ? i : kVersions - 1 - i;
        ModelMetrics& metrics = registry.ForModel("v", version);
        EXPECT_EQ(metrics.version(), version);
        EXPECT_EQ(registry.Find("v", version), &metrics);
        seen[t].push_back(&metrics);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int version = 0; version < kVersions; ++version) {
    ModelMetrics* metrics = registry.Find("v", version);
    ASSERT_NE(metrics, nullptr) << version;
    for (int t = 0; t < kThreads; ++t) {
      const int i = t % 2 == 0 ? version : kVersions - 1 - version;
      EXPECT_EQ(seen[t][i], metrics) << "thread " << t << " version " << version;
    }
  }
  EXPECT_EQ(registry.Find("v", kVersions), nullptr);
  EXPECT_EQ(registry.Find("w", 0), nullptr);
}

TEST(MetricsRegistryTest, ConcurrentRecordingSumsCorrectly) {
  MetricsRegistry registry;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5000;
  std::atomic<bool> stop = false;
  // A scraper renders all along; it must neither block recording nor see broken text.
  std::thread scraper([&] {
    while (!stop) {
      const std::string text = registry.RenderPrometheus();
      const absl::Status valid = testing::CheckExposition(text);
      ASSERT_TRUE(valid.ok()) << valid;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Every thread creates and looks up versions concurrently, including shared ones.
        ModelMetrics& shared = registry.ForModel("shared", i % 4);
        shared.RecordRequest(
            i % 2 == 0 ? absl::StatusCode::kOk : absl::StatusCode::kResourceExhausted,
            absl::Milliseconds(1));
        shared.RecordBatch(8);
        shared.AddQueueDepth(+1);
        shared.AddQueueDepth(-1);
        registry.ForModel(StrCat("own", t), 1).RecordQueueTime(absl::Microseconds(100));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  stop = true;
  scraper.join();

  uint64_t ok = 0, exhausted = 0, batches = 0;
  for (int v = 0; v < 4; ++v) {
    const ModelMetrics& shared = registry.ForModel("shared", v);
    ok += shared.requests(absl::StatusCode::kOk);
    exhausted += shared.requests(absl::StatusCode::kResourceExhausted);
    batches += shared.batch_size().Snapshot().count;
    EXPECT_EQ(shared.queue_depth(), 0);
    EXPECT_EQ(shared.request_duration().Snapshot().count,
              shared.requests(absl::StatusCode::kOk) +
                  shared.requests(absl::StatusCode::kResourceExhausted));
  }
  EXPECT_EQ(ok, uint64_t{kThreads * kPerThread / 2});
  EXPECT_EQ(exhausted, uint64_t{kThreads * kPerThread / 2});
  EXPECT_EQ(batches, uint64_t{kThreads * kPerThread});
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(registry.ForModel(StrCat("own", t), 1).queue_duration().Snapshot().count,
              uint64_t{kPerThread});
  }
}

}  // namespace
}  // namespace serval
