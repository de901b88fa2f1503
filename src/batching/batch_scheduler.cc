#include "batching/batch_scheduler.h"

#include <pthread.h>

#include <memory>

#include "batching/batch_tensors.h"
#include "common/str_cat.h"
#include "common/wakeup_batch.h"

namespace serval {
namespace {

void Fail(std::vector<BatchTask>& tasks, const absl::Status& status) {
  for (BatchTask& task : tasks) task.done(status);
}

void ReportDequeued(BatchObserver* observer, const std::vector<BatchTask>& tasks, absl::Time now) {
  if (observer == nullptr) return;
  for (const BatchTask& task : tasks) observer->OnDequeued(task.rows, now - task.enqueued);
}

// Collects the outputs of a request split across batches; answers it once every part is back.
class SplitRequest {
 public:
  SplitRequest(size_t parts, BatchTask::Done done) : outputs_(parts), done_(std::move(done)) {}

  void Complete(size_t part, absl::StatusOr<NamedTensors> outputs) {
    absl::MutexLock lock(&mutex_);
    if (!outputs.ok() && status_.ok()) status_ = outputs.status();
    if (outputs.ok()) outputs_[part] = *std::move(outputs);
    if (++completed_ < outputs_.size()) return;
    if (!status_.ok()) return done_(status_);
    done_(JoinOutputs(outputs_));
  }

 private:
  absl::Mutex mutex_;
  std::vector<NamedTensors> outputs_ ABSL_GUARDED_BY(mutex_);
  size_t completed_ ABSL_GUARDED_BY(mutex_) = 0;
  absl::Status status_ ABSL_GUARDED_BY(mutex_);
  const BatchTask::Done done_;
};

// Why a task left the queue without running.
absl::Status DroppedStatus(const BatchTask& task) {
  if (IsCancelled(task.cancellation)) {
    return absl::CancelledError("the client went away before the request ran");
  }
  return absl::DeadlineExceededError("the request's deadline passed while it waited for a batch");
}

}  // namespace

BatchScheduler::BatchScheduler(const BatchingSettings& settings, int num_threads,
                               Execute execute, BatchObserver* observer,
                               std::function<std::thread(std::function<void()>)> start_thread)
    : settings_(settings), execute_(std::move(execute)), observer_(observer), queue_(settings) {
  for (int thread = 0; thread < std::max(1, num_threads); ++thread) {
    std::function<void()> body = [this, thread] { Run(thread); };
    threads_.push_back(start_thread ? start_thread(std::move(body)) : std::thread(std::move(body)));
    pthread_setname_np(threads_.back().native_handle(), "batch");
  }
}

BatchScheduler::~BatchScheduler() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

void BatchScheduler::Submit(NamedTensors inputs, absl::Time deadline, BatchTask::Done done,
                            Cancellation cancellation) {
  absl::StatusOr<int64_t> rows = BatchRows(inputs);
  if (!rows.ok()) return done(rows.status());
  absl::Status queued;
  {
    absl::MutexLock lock(&mutex_);
    if (*rows > settings_.max_batch_size && settings_.enable_large_batch_splitting) {
      queued = EnqueueSplit(std::move(inputs), *rows, deadline, done, cancellation);
    } else {
      BatchTask task{std::move(inputs), *rows, absl::Now(), deadline, std::move(done),
                     std::move(cancellation)};
      queued = queue_.Enqueue(task);
      if (!queued.ok()) done = std::move(task.done);  // not queued: still ours to answer
    }
    // Reported under the lock, so that a batch thread's OnDequeued cannot come first.
    if (queued.ok() && observer_ != nullptr) observer_->OnEnqueued(*rows);
  }
  if (!queued.ok()) done(queued);
}

absl::Status BatchScheduler::EnqueueSplit(NamedTensors inputs, int64_t rows, absl::Time deadline,
                                          BatchTask::Done done,
                                          const Cancellation& cancellation) {
  const int64_t capacity = settings_.max_enqueued_batches * settings_.max_batch_size;
  if (rows > capacity) {
    return absl::InvalidArgumentError(StrCat(
        "the request has ", rows, " rows; this model queues at most ", capacity,
        " (max_enqueued_batches x max_batch_size)"));
  }
  if (queue_.queued_rows() + rows > capacity) {
    return absl::ResourceExhaustedError(StrCat(
        "the batching queue is full (", queue_.queued_rows(), " of ", capacity,
        " rows waiting, this request has ", rows, "); try again later"));
  }
  const int64_t chunk = settings_.max_batch_size;
  const size_t parts = static_cast<size_t>((rows + chunk - 1) / chunk);
  auto split = std::make_shared<SplitRequest>(parts, std::move(done));
  const absl::Time now = absl::Now();
  for (size_t part = 0; part < parts; ++part) {
    const int64_t begin = static_cast<int64_t>(part) * chunk;
    const int64_t end = std::min(rows, begin + chunk);
    auto complete = [split, part](absl::StatusOr<NamedTensors> outputs) {
      split->Complete(part, std::move(outputs));
    };
    BatchTask task{SliceRows(inputs, begin, end), end - begin, now, deadline, complete,
                   cancellation};
    absl::Status queued = queue_.Enqueue(task);
    if (!queued.ok()) return queued;  // not reached: the capacity was checked above
  }
  return absl::OkStatus();
}

std::optional<Batch> BatchScheduler::NextBatch(std::vector<BatchTask>& dropped) {
  absl::MutexLock lock(&mutex_);
  while (true) {
    std::optional<Batch> batch = queue_.TakeBatch(absl::Now(), dropped, /*flush=*/stopping_);
    if (batch.has_value() || !dropped.empty()) return batch;
    if (stopping_ && queue_.empty()) return std::nullopt;
    // Wake for a new request, for stopping, or when the oldest request's timeout runs out.
    auto changed = [this, rows = queue_.queued_rows()]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
      return stopping_ || queue_.queued_rows() != rows;
    };
    mutex_.AwaitWithDeadline(absl::Condition(&changed), queue_.NextWakeup());
  }
}

void BatchScheduler::Run(int thread) {
  while (true) {
    std::vector<BatchTask> dropped;
    std::optional<Batch> batch = NextBatch(dropped);
    ReportDequeued(observer_, dropped, absl::Now());
    // The answers of this turn wake the threads that send them once, after the last one.
    WakeupBatch wakeups;
    for (BatchTask& task : dropped) task.done(DroppedStatus(task));
    if (batch.has_value()) {
      RunBatch(thread, *std::move(batch));
    } else if (dropped.empty()) {
      return;
    }
  }
}

void BatchScheduler::RunBatch(int thread, Batch batch) {
  const absl::Time start = absl::Now();
  std::vector<const NamedTensors*> parts;
  std::vector<int64_t> sizes;
  for (const BatchTask& task : batch.tasks) {
    parts.push_back(&task.inputs);
    sizes.push_back(task.rows);
  }
  ReportDequeued(observer_, batch.tasks, start);
  absl::StatusOr<NamedTensors> outputs;
  if (batch.tasks.size() == 1 && batch.padded_rows == batch.rows) {
    // A batch of one request that needs no padding runs on the request's own tensors: no copy.
    outputs = execute_(thread, batch.tasks[0].inputs);
  } else {
    absl::StatusOr<NamedTensors> joined =
        ConcatenateInputs(parts, batch.padded_rows, settings_.pad_variable_length_inputs);
    if (!joined.ok()) return Fail(batch.tasks, joined.status());
    outputs = execute_(thread, *joined);
  }
  if (observer_ != nullptr) {
    observer_->OnBatch(batch.rows, batch.padded_rows, absl::Now() - start);
  }
  if (!outputs.ok()) return Fail(batch.tasks, outputs.status());
  absl::StatusOr<std::vector<NamedTensors>> split = SplitOutputs(*outputs, sizes);
  if (!split.ok()) return Fail(batch.tasks, split.status());
  for (size_t i = 0; i < batch.tasks.size(); ++i) batch.tasks[i].done(std::move((*split)[i]));
}

}  // namespace serval
