// The scheduler's threads with an identity "model": results reach the right caller under
// concurrency, batches form while an instance is busy, padding, splitting, a full queue and
// deadlines. Nothing here depends on timing: a latch holds the one batch thread where needed.

#include "batching/batch_scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"

namespace serval {
namespace {

BatchingSettings Settings(int64_t max_batch_size) {
  BatchingSettings settings;
  settings.enabled = true;
  settings.max_batch_size = max_batch_size;
  settings.max_enqueued_batches = 4;
  return settings;
}

NamedTensors Rows(std::vector<float> values) {
  Tensor tensor = Tensor::Zeros(DataType::kFp32, {static_cast<int64_t>(values.size()), 1});
  std::copy(values.begin(), values.end(), tensor.mutable_data<float>());
  return {{"x", tensor}};
}

std::vector<float> Values(const NamedTensors& tensors) {
  const Tensor& tensor = tensors[0].second;
  return {tensor.data<float>(), tensor.data<float>() + tensor.num_elements()};
}

// An identity model that records batch sizes and can hold the batch thread.
class HeldModel {
 public:
  BatchScheduler::Execute Execute() {
    return [this](int, const NamedTensors& batch) -> absl::StatusOr<NamedTensors> {
      {
        absl::MutexLock lock(&mutex_);
        batch_rows_.push_back(batch[0].second.shape()[0]);
        ++running_;
        mutex_.Await(absl::Condition(+[](bool* open) { return *open; }, &open_));
        --running_;
      }
      return batch;
    };
  }
  void Hold() { Set(false); }
  void Release() { Set(true); }
  void WaitUntilRunning() {
    absl::MutexLock lock(&mutex_);
    mutex_.Await(absl::Condition(+[](int* running) { return *running > 0; }, &running_));
  }
  std::vector<int64_t> batch_rows() {
    absl::MutexLock lock(&mutex_);
    return batch_rows_;
  }

 private:
  void Set(bool open) {
    absl::MutexLock lock(&mutex_);
    open_ = open;
  }
  absl::Mutex mutex_;
  bool open_ = true;
  int running_ = 0;
  std::vector<int64_t> batch_rows_;
};

// Collects one request's result.
struct Result {
  absl::Notification done;
  absl::StatusOr<NamedTensors> outputs;
  BatchTask::Done Callback() {
    return [this](absl::StatusOr<NamedTensors> result) {
      outputs = std::move(result);
      done.Notify();
    };
  }
};

TEST(BatchSchedulerTest, EveryCallerGetsItsOwnRowsUnderConcurrency) {
  BatchingSettings settings = Settings(16);
  settings.batch_timeout = absl::Microseconds(200);
  HeldModel model;
  BatchScheduler scheduler(settings, /*num_threads=*/2, model.Execute());
  std::vector<std::thread> clients;
  std::atomic<int> wrong = 0;
  for (int client = 0; client < 8; ++client) {
    clients.emplace_back([&, client] {
      for (int i = 0; i < 200; ++i) {
        const float value = client * 1000 + i;
        Result result;
        scheduler.Submit(Rows({value, value + 0.5f}), absl::InfiniteFuture(), result.Callback());
        result.done.WaitForNotification();
        if (!result.outputs.ok() || Values(*result.outputs) != std::vector<float>{value, value + 0.5f}) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(wrong, 0);
}

TEST(BatchSchedulerTest, RequestsQueuedWhileTheInstanceIsBusyRunAsOneBatch) {
  HeldModel model;
  BatchScheduler scheduler(Settings(4), 1, model.Execute());
  model.Hold();
  Result first, a, b, c;
  scheduler.Submit(Rows({1}), absl::InfiniteFuture(), first.Callback());
  model.WaitUntilRunning();
  scheduler.Submit(Rows({2}), absl::InfiniteFuture(), a.Callback());
  scheduler.Submit(Rows({3, 4}), absl::InfiniteFuture(), b.Callback());
  scheduler.Submit(Rows({5}), absl::InfiniteFuture(), c.Callback());
  model.Release();
  c.done.WaitForNotification();
  EXPECT_THAT(model.batch_rows(), ::testing::ElementsAre(1, 4));
  EXPECT_EQ(Values(*b.outputs), (std::vector<float>{3, 4}));
  EXPECT_EQ(Values(*c.outputs), (std::vector<float>{5}));
}

TEST(BatchSchedulerTest, PadsToAnAllowedSizeAndTrimsTheOutputs) {
  BatchingSettings settings = Settings(8);
  settings.allowed_batch_sizes = {4, 8};
  HeldModel model;
  BatchScheduler scheduler(settings, 1, model.Execute());
  Result result;
  scheduler.Submit(Rows({7}), absl::InfiniteFuture(), result.Callback());
  result.done.WaitForNotification();
  EXPECT_THAT(model.batch_rows(), ::testing::ElementsAre(4));
  EXPECT_EQ(Values(*result.outputs), (std::vector<float>{7}));
}

TEST(BatchSchedulerTest, ALargeRequestIsSplitOrRefused) {
  HeldModel model;
  {
    BatchScheduler scheduler(Settings(4), 1, model.Execute());
    Result refused;
    scheduler.Submit(Rows({1, 2, 3, 4, 5}), absl::InfiniteFuture(), refused.Callback());
    EXPECT_EQ(refused.outputs.status().code(), absl::StatusCode::kInvalidArgument);
  }
  BatchingSettings settings = Settings(4);
  settings.enable_large_batch_splitting = true;
  BatchScheduler scheduler(settings, 1, model.Execute());
  Result split;
  scheduler.Submit(Rows({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), absl::InfiniteFuture(), split.Callback());
  split.done.WaitForNotification();
  ASSERT_TRUE(split.outputs.ok()) << split.outputs.status();
  EXPECT_EQ(Values(*split.outputs), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(BatchSchedulerTest, AFullQueueRefusesAtOnce) {
  HeldModel model;
  BatchingSettings settings = Settings(2);
  settings.max_enqueued_batches = 1;  // 2 rows may wait
  BatchScheduler scheduler(settings, 1, model.Execute());
  model.Hold();
  Result running, waiting, refused;
  scheduler.Submit(Rows({1}), absl::InfiniteFuture(), running.Callback());
  model.WaitUntilRunning();
  scheduler.Submit(Rows({2, 3}), absl::InfiniteFuture(), waiting.Callback());
  scheduler.Submit(Rows({4}), absl::InfiniteFuture(), refused.Callback());
  ASSERT_TRUE(refused.done.HasBeenNotified());  // answered on the caller's thread
  EXPECT_EQ(refused.outputs.status().code(), absl::StatusCode::kResourceExhausted);
  model.Release();
  waiting.done.WaitForNotification();
  EXPECT_TRUE(waiting.outputs.ok());
}

TEST(BatchSchedulerTest, ARequestPastItsDeadlineNeverRuns) {
  HeldModel model;
  BatchScheduler scheduler(Settings(4), 1, model.Execute());
  model.Hold();
  Result running, late;
  scheduler.Submit(Rows({1}), absl::InfiniteFuture(), running.Callback());
  model.WaitUntilRunning();
  scheduler.Submit(Rows({2}), absl::Now() - absl::Milliseconds(1), late.Callback());
  model.Release();
  late.done.WaitForNotification();
  EXPECT_EQ(late.outputs.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(model.batch_rows(), ::testing::ElementsAre(1));
}

TEST(BatchSchedulerTest, ARequestWhoseClientWentAwayNeverRuns) {
  HeldModel model;
  BatchScheduler scheduler(Settings(4), 1, model.Execute());
  model.Hold();
  Result running, gone, staying;
  scheduler.Submit(Rows({1}), absl::InfiniteFuture(), running.Callback());
  model.WaitUntilRunning();
  auto flag = std::make_shared<CancellationFlag>();
  scheduler.Submit(Rows({2}), absl::InfiniteFuture(), gone.Callback(), flag);
  scheduler.Submit(Rows({3}), absl::InfiniteFuture(), staying.Callback());
  flag->Cancel();
  model.Release();
  gone.done.WaitForNotification();
  staying.done.WaitForNotification();
  EXPECT_EQ(gone.outputs.status().code(), absl::StatusCode::kCancelled);
  ASSERT_TRUE(staying.outputs.ok());
  EXPECT_EQ(Values(*staying.outputs), std::vector<float>{3});
  EXPECT_THAT(model.batch_rows(), ::testing::ElementsAre(1, 1));
}

TEST(BatchSchedulerTest, DestructionRunsWhatIsQueued) {
  HeldModel model;
  Result result;
  {
    BatchingSettings settings = Settings(4);
    settings.batch_timeout = absl::Hours(1);  // only the flush at destruction runs it
    BatchScheduler scheduler(settings, 1, model.Execute());
    scheduler.Submit(Rows({1}), absl::InfiniteFuture(), result.Callback());
  }
  ASSERT_TRUE(result.done.HasBeenNotified());
  EXPECT_TRUE(result.outputs.ok());
}

}  // namespace
}  // namespace serval
