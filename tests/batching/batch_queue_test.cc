// The batching decisions, with times chosen by the test (a fake clock, in effect).

#include "batching/batch_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1000);

BatchingSettings Settings(int64_t max_batch_size, absl::Duration timeout) {
  BatchingSettings settings;
  settings.enabled = true;
  settings.max_batch_size = max_batch_size;
  settings.batch_timeout = timeout;
  settings.max_enqueued_batches = 2;
  return settings;
}

BatchTask Task(int64_t rows, absl::Time enqueued = kStart,
               absl::Time deadline = absl::InfiniteFuture()) {
  return {{}, rows, enqueued, deadline, [](absl::StatusOr<NamedTensors>) {}};
}

TEST(BatchQueueTest, ABatchClosesWhenFull) {
  BatchQueue queue(Settings(4, absl::Milliseconds(10)));
  std::vector<BatchTask> expired;
  ASSERT_TRUE(queue.Enqueue(Task(3)).ok());
  EXPECT_FALSE(queue.TakeBatch(kStart, expired).has_value());  // 3 of 4, timeout not reached
  ASSERT_TRUE(queue.Enqueue(Task(1)).ok());
  std::optional<Batch> batch = queue.TakeBatch(kStart, expired);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->rows, 4);
  EXPECT_EQ(batch->tasks.size(), 2u);
  EXPECT_TRUE(queue.empty());
}

TEST(BatchQueueTest, APartialBatchClosesOnTimeout) {
  BatchQueue queue(Settings(4, absl::Milliseconds(10)));
  std::vector<BatchTask> expired;
  ASSERT_TRUE(queue.Enqueue(Task(1)).ok());
  EXPECT_EQ(queue.NextDue(), kStart + absl::Milliseconds(10));
  EXPECT_FALSE(queue.TakeBatch(kStart + absl::Milliseconds(9), expired).has_value());
  std::optional<Batch> batch = queue.TakeBatch(kStart + absl::Milliseconds(10), expired);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->rows, 1);
}

TEST(BatchQueueTest, ZeroTimeoutRunsWhatIsThere) {
  BatchQueue queue(Settings(8, absl::ZeroDuration()));
  std::vector<BatchTask> expired;
  ASSERT_TRUE(queue.Enqueue(Task(2)).ok());
  EXPECT_TRUE(queue.TakeBatch(kStart, expired).has_value());
}

TEST(BatchQueueTest, RequestsStayWholeAndInOrder) {
  BatchQueue queue(Settings(4, absl::ZeroDuration()));
  std::vector<BatchTask> expired;
  ASSERT_TRUE(queue.Enqueue(Task(3)).ok());
  ASSERT_TRUE(queue.Enqueue(Task(2)).ok());  // does not fit beside the first
  EXPECT_EQ(queue.TakeBatch(kStart, expired)->rows, 3);
  EXPECT_EQ(queue.TakeBatch(kStart, expired)->rows, 2);
}

TEST(BatchQueueTest, PadsToTheNextAllowedSize) {
  BatchingSettings settings = Settings(8, absl::ZeroDuration());
  settings.allowed_batch_sizes = {2, 4, 8};
  BatchQueue queue(settings);
  std::vector<BatchTask> expired;
  ASSERT_TRUE(queue.Enqueue(Task(3)).ok());
  std::optional<Batch> batch = queue.TakeBatch(kStart, expired);
  EXPECT_EQ(batch->rows, 3);
  EXPECT_EQ(batch->padded_rows, 4);
  EXPECT_EQ(queue.PaddedRows(1), 2);
  EXPECT_EQ(queue.PaddedRows(8), 8);
}

TEST(BatchQueueTest, APreferredSizeRunsWithoutWaiting) {
  BatchingSettings settings = Settings(8, absl::Milliseconds(10));
  settings.preferred_batch_sizes = {2, 4};
  BatchQueue queue(settings);
  std::vector<BatchTask> dropped;
  ASSERT_TRUE(queue.Enqueue(Task(1)).ok());
  EXPECT_FALSE(queue.TakeBatch(kStart, dropped).has_value());  // 1 is not preferred: it waits
  ASSERT_TRUE(queue.Enqueue(Task(2)).ok());
  EXPECT_FALSE(queue.TakeBatch(kStart, dropped).has_value());  // 1 + 2 reaches none either
  ASSERT_TRUE(queue.Enqueue(Task(1)).ok());
  ASSERT_TRUE(queue.Enqueue(Task(3)).ok());
  // 1, 3, 4, 7 rows: the largest preferred size reached is 4, the first three tasks.
  std::optional<Batch> batch = queue.TakeBatch(kStart, dropped);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->tasks.size(), 3u);
  EXPECT_EQ(batch->rows, 4);
  // The rest waits for its timeout.
  EXPECT_FALSE(queue.TakeBatch(kStart, dropped).has_value());
  EXPECT_EQ(queue.TakeBatch(kStart + absl::Milliseconds(10), dropped)->rows, 3);
}

TEST(BatchQueueTest, AFullQueueRefusesAtOnce) {
  BatchQueue queue(Settings(4, absl::Seconds(1)));  // room for 2 batches: 8 rows
  ASSERT_TRUE(queue.Enqueue(Task(4)).ok());
  ASSERT_TRUE(queue.Enqueue(Task(4)).ok());
  absl::Status full = queue.Enqueue(Task(1));
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(queue.Enqueue(Task(5)).code(), absl::StatusCode::kInvalidArgument);  // > max
}

TEST(BatchQueueTest, ARequestWithNoRowsIsRefused) {
  BatchQueue queue(Settings(4, absl::Seconds(1)));
  EXPECT_EQ(queue.Enqueue(Task(0)).code(), absl::StatusCode::kInvalidArgument);
}

TEST(BatchQueueTest, ABatchStopsAtARequestOfAnotherShape) {
  BatchQueue queue(Settings(8, absl::ZeroDuration()));
  auto shaped = [](int64_t columns) {
    BatchTask task = Task(1);
    task.inputs = {{"x", Tensor::Zeros(DataType::kFp32, {1, columns})}};
    return task;
  };
  ASSERT_TRUE(queue.Enqueue(shaped(5)).ok());
  ASSERT_TRUE(queue.Enqueue(shaped(5)).ok());
  ASSERT_TRUE(queue.Enqueue(shaped(7)).ok());
  std::vector<BatchTask> expired;
  EXPECT_EQ(queue.TakeBatch(kStart, expired)->rows, 2);
  EXPECT_EQ(queue.TakeBatch(kStart, expired)->rows, 1);
}

TEST(BatchQueueTest, TheNextWakeupIncludesDeadlines) {
  BatchQueue queue(Settings(4, absl::Milliseconds(100)));
  ASSERT_TRUE(queue.Enqueue(Task(1, kStart, kStart + absl::Milliseconds(50))).ok());
  EXPECT_EQ(queue.NextDue(), kStart + absl::Milliseconds(100));
  EXPECT_EQ(queue.NextWakeup(), kStart + absl::Milliseconds(50));
}

TEST(BatchQueueTest, ExpiredRequestsNeverRun) {
  BatchQueue queue(Settings(4, absl::Milliseconds(10)));
  std::vector<BatchTask> expired;
  ASSERT_TRUE(queue.Enqueue(Task(1, kStart, kStart + absl::Milliseconds(5))).ok());
  ASSERT_TRUE(queue.Enqueue(Task(1, kStart)).ok());
  std::optional<Batch> batch = queue.TakeBatch(kStart + absl::Milliseconds(10), expired);
  ASSERT_EQ(expired.size(), 1u);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->tasks.size(), 1u);
  EXPECT_EQ(queue.queued_rows(), 0);
}

TEST(BatchQueueTest, RequestsWhoseClientWentAwayNeverRun) {
  BatchQueue queue(Settings(4, absl::Milliseconds(10)));
  auto flag = std::make_shared<CancellationFlag>();
  BatchTask gone = Task(2);
  gone.cancellation = flag;
  ASSERT_TRUE(queue.Enqueue(gone).ok());
  ASSERT_TRUE(queue.Enqueue(Task(1)).ok());
  flag->Cancel();
  std::vector<BatchTask> dropped;
  std::optional<Batch> batch = queue.TakeBatch(kStart + absl::Milliseconds(10), dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].rows, 2);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->rows, 1);
  EXPECT_EQ(queue.queued_rows(), 0);
}

}  // namespace
}  // namespace serval
