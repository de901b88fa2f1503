#ifndef SERVAL_BATCHING_BATCH_QUEUE_H_
#define SERVAL_BATCHING_BATCH_QUEUE_H_

// BatchQueue: the decisions of dynamic batching, without threads or a clock of its own: which
// queued requests form the next batch, when a partial batch is due, and when the queue is full.
// The BatchScheduler drives it with the time; tests drive it with whatever time they like.
//
//   BatchQueue queue(settings);
//   RETURN_IF_ERROR(queue.Enqueue(std::move(task)));
//   std::vector<BatchTask> dropped;
//   if (std::optional<Batch> batch = queue.TakeBatch(now, dropped)) Run(*batch);
//
// Thread safety: none; the scheduler guards it with its mutex.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cancellation.h"
#include "core/batching_settings.h"
#include "core/inference.h"

namespace serval {

// One request waiting for a batch.
struct BatchTask {
  using Done = std::function<void(absl::StatusOr<NamedTensors>)>;

  NamedTensors inputs;
  int64_t rows = 0;  // dimension 0 of the inputs
  absl::Time enqueued;
  absl::Time deadline = absl::InfiniteFuture();
  Done done;
  Cancellation cancellation;  // raised: the client has gone, the task is dropped
};

struct Batch {
  std::vector<BatchTask> tasks;
  int64_t rows = 0;         // the tasks' rows
  int64_t padded_rows = 0;  // rows run: `rows` rounded up to an allowed batch size
};

class BatchQueue {
 public:
  explicit BatchQueue(const BatchingSettings& settings) : settings_(settings) {}

  // Queues `task`, moving from it only on success. RESOURCE_EXHAUSTED when
  // max_enqueued_batches * max_batch_size rows are waiting already; INVALID_ARGUMENT when the task
  // has no rows or more than max_batch_size.
  absl::Status Enqueue(BatchTask& task);
  absl::Status Enqueue(BatchTask&& task) { return Enqueue(task); }

  // The next batch to run at `now`, if one is due: the oldest tasks, in order, up to
  // max_batch_size rows, once they fill a batch or the oldest has waited batch_timeout (with
  // `flush`, whatever is queued). Before that, the oldest tasks whose rows add up to the largest
  // reachable preferred batch size, if any. Tasks whose deadline has passed or whose client has gone
  // (cancellation raised) are moved to `dropped` instead.
  // Without pad_variable_length_inputs the batch stops at the first task whose dimensions (other
  // than the first) differ from the first task's, so one request's shape never fails another's.
  std::optional<Batch> TakeBatch(absl::Time now, std::vector<BatchTask>& dropped,
                                 bool flush = false);

  // When the oldest task's batch_timeout runs out; InfiniteFuture when the queue is empty.
  absl::Time NextDue() const;
  // When TakeBatch has something to do next: NextDue(), or an earlier task deadline.
  absl::Time NextWakeup() const;

  bool empty() const { return tasks_.empty(); }
  int64_t queued_rows() const { return queued_rows_; }

  // `rows` rounded up to the next allowed batch size (itself when there are none).
  int64_t PaddedRows(int64_t rows) const;

 private:
  // How many of the oldest tasks fit one batch: up to max_batch_size rows, and (without
  // pad_variable_length_inputs) of the first task's inner shape.
  size_t BatchableTasks() const;
  // How many of the first `batchable` tasks add up to the largest preferred batch size they
  // reach exactly; 0 when they reach none.
  size_t PreferredTasks(size_t batchable) const;
  // Moves the tasks that must not run any more to `dropped`.
  void DropUnwanted(absl::Time now, std::vector<BatchTask>& dropped);

  const BatchingSettings settings_;
  std::deque<BatchTask> tasks_;
  int64_t queued_rows_ = 0;
};

}  // namespace serval

#endif  // SERVAL_BATCHING_BATCH_QUEUE_H_
