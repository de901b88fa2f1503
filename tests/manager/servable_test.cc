// A servable with and without batching: results, the observer's reports, and deadlines on the
// direct (unbatched) path.

#include "manager/servable.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>

#include "absl/synchronization/notification.h"
#include "common/str_cat.h"
#include "testing/fake_backend.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

class CountingObserver : public BatchObserver {
 public:
  void OnEnqueued(int64_t rows) override { enqueued += rows; }
  void OnDequeued(int64_t rows, absl::Duration) override { dequeued += rows; }
  void OnBatch(int64_t rows, int64_t, absl::Duration) override {
    ++batches;
    batch_rows += rows;
  }
  std::atomic<int64_t> enqueued = 0, dequeued = 0, batches = 0, batch_rows = 0;
};

class ServableTest : public ::testing::Test {
 protected:
  std::unique_ptr<Servable> Create(ServableOptions options) {
    testing::WriteFakeModel(dir_.path(), 1);
    auto model = backend_.Load({"m", StrCat(dir_.path(), "/1"), std::nullopt});
    EXPECT_TRUE(model.ok()) << model.status();
    options.observer = observer_;
    auto servable = Servable::Create({"m", 1}, *std::move(model), options);
    EXPECT_TRUE(servable.ok()) << servable.status();
    return *std::move(servable);
  }

  absl::StatusOr<NamedTensors> Run(Servable& servable, int64_t rows,
                                   absl::Time deadline = absl::InfiniteFuture()) {
    absl::Notification done;
    absl::StatusOr<NamedTensors> result;
    servable.Submit({{"x", Tensor::Zeros(DataType::kFp32, {rows, 2})}},
                    [&](absl::StatusOr<NamedTensors> outputs) {
                      result = std::move(outputs);
                      done.Notify();
                    },
                    deadline);
    done.WaitForNotification();
    return result;
  }

  // The scheduling policy of the thread that answers a request (the inference thread).
  int InferenceThreadPolicy(ServableOptions options) {
    std::unique_ptr<Servable> servable = Create(std::move(options));
    absl::Notification done;
    int policy = -1;
    servable->Submit({{"x", Tensor::Zeros(DataType::kFp32, {1, 2})}},
                     [&](absl::StatusOr<NamedTensors>) {
                       policy = sched_getscheduler(0);
                       done.Notify();
                     },
                     absl::InfiniteFuture());
    done.WaitForNotification();
    return policy;
  }

  TempDir dir_;
  testing::FakeBackend backend_;
  std::shared_ptr<CountingObserver> observer_ = std::make_shared<CountingObserver>();
};

TEST_F(ServableTest, WithoutBatchingEachRequestRunsAlone) {
  std::unique_ptr<Servable> servable = Create({});
  ASSERT_TRUE(Run(*servable, 3).ok());
  ASSERT_TRUE(Run(*servable, 2).ok());
  EXPECT_EQ(observer_->enqueued, 2);  // requests, without batching
  EXPECT_EQ(observer_->dequeued, 2);
  EXPECT_EQ(observer_->batches, 2);
}

TEST_F(ServableTest, WithBatchingRowsAreCounted) {
  ServableOptions options;
  options.batching.enabled = true;
  options.batching.max_batch_size = 8;
  std::unique_ptr<Servable> servable = Create(options);
  auto result = Run(*servable, 3);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ((*result)[0].second.shape(), (Shape{3, 2}));
  EXPECT_EQ(observer_->enqueued, 3);
  EXPECT_EQ(observer_->dequeued, 3);
  EXPECT_EQ(observer_->batch_rows, 3);
}

// Answers run on the inference thread, which is marked CPU-bound (SCHED_BATCH), with batching
// or without, unless the options turn it off.
TEST_F(ServableTest, InferenceThreadsAreCpuBound) {
  for (bool batching : {false, true}) {
    for (bool cpu_bound : {false, true}) {
      ServableOptions options;
      options.batching.enabled = batching;
      options.cpu_bound_threads = cpu_bound;
      EXPECT_EQ(InferenceThreadPolicy(options), cpu_bound ? SCHED_BATCH : SCHED_OTHER)
          << (batching ? "with" : "without") << " batching";
    }
  }
}

TEST_F(ServableTest, ARequestPastItsDeadlineDoesNotRun) {
  for (bool batching : {false, true}) {
    ServableOptions options;
    options.batching.enabled = batching;
    std::unique_ptr<Servable> servable = Create(options);
    auto late = Run(*servable, 1, absl::Now() - absl::Seconds(1));
    EXPECT_EQ(late.status().code(), absl::StatusCode::kDeadlineExceeded) << batching;
  }
  EXPECT_EQ(observer_->batches, 0);
}

TEST_F(ServableTest, ARequestWhoseClientWentAwayDoesNotRun) {
  auto flag = std::make_shared<CancellationFlag>();
  flag->Cancel();
  for (bool batching : {false, true}) {
    ServableOptions options;
    options.batching.enabled = batching;
    std::unique_ptr<Servable> servable = Create(options);
    absl::Notification done;
    absl::StatusOr<NamedTensors> result;
    servable->Submit({{"x", Tensor::Zeros(DataType::kFp32, {1, 2})}},
                     [&](absl::StatusOr<NamedTensors> outputs) {
                       result = std::move(outputs);
                       done.Notify();
                     },
                     absl::InfiniteFuture(), flag);
    done.WaitForNotification();
    EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled) << batching;
  }
  EXPECT_EQ(observer_->batches, 0);
}

}  // namespace
}  // namespace serval
