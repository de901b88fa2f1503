#ifndef SERVAL_BATCHING_BATCH_SCHEDULER_H_
#define SERVAL_BATCHING_BATCH_SCHEDULER_H_

// BatchScheduler: dynamic batching for one servable. Requests queue in a BatchQueue; each batch
// thread owns one model instance (so an instance never runs two batches at once), takes the next
// due batch, joins its inputs along dimension 0 (padded to an allowed size), runs it, and hands
// each request its own rows of the outputs, as views of the batch's output.
//
// A full queue refuses at once (RESOURCE_EXHAUSTED). A request whose deadline passes while it
// waits is answered DEADLINE_EXCEEDED and never runs; so is one whose client went away
// (CANCELLED). A request with more rows than a batch holds is split across batches when
// enable_large_batch_splitting, else refused (INVALID_ARGUMENT).
//
// Thread safety: Submit() may be called from any thread; `done` runs on a batch thread (or on
// the caller's, for a refusal).
//
//   BatchScheduler scheduler(settings, /*num_threads=*/instances.size(),
//                            [&](int thread, const NamedTensors& batch) {
//                              return instances[thread]->Execute(batch);
//                            });
//   scheduler.Submit(std::move(inputs), deadline, std::move(done));

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "batching/batch_queue.h"
#include "core/batching_settings.h"
#include "core/inference.h"

namespace serval {

// What a servable's queue reports about its work (metrics listen); called from any thread.
class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  // `rows` joined the queue.
  virtual void OnEnqueued(int64_t rows) {}
  // `rows` left the queue after `waited`: to run, or because their deadline passed.
  virtual void OnDequeued(int64_t rows, absl::Duration waited) {}
  // A batch of `rows` (run as `padded_rows`) took `compute`.
  virtual void OnBatch(int64_t rows, int64_t padded_rows, absl::Duration compute) {}
};

class BatchScheduler {
 public:
  // Runs a joined batch on the instance of batch thread `thread` (0 <= thread < num_threads).
  using Execute = std::function<absl::StatusOr<NamedTensors>(int thread, const NamedTensors&)>;

  // `observer` may be null; it must outlive the scheduler. `start_thread` starts the batch
  // threads (so that they take its priority); empty: std::thread.
  BatchScheduler(const BatchingSettings& settings, int num_threads, Execute execute,
                 BatchObserver* observer = nullptr,
                 std::function<std::thread(std::function<void()>)> start_thread = {});
  // Runs every request already queued, then joins the batch threads.
  ~BatchScheduler();

  BatchScheduler(const BatchScheduler&) = delete;
  BatchScheduler& operator=(const BatchScheduler&) = delete;

  // Queues `inputs`; `done` gets their outputs, or why they never ran. A raised `cancellation`
  // drops the request from the queue (CANCELLED) if it has not started yet.
  void Submit(NamedTensors inputs, absl::Time deadline, BatchTask::Done done,
              Cancellation cancellation = nullptr);

 private:
  void Run(int thread);
  // Waits for the next batch to run; nullopt once stopping and empty.
  std::optional<Batch> NextBatch(std::vector<BatchTask>& dropped);
  void RunBatch(int thread, Batch batch);
  absl::Status EnqueueSplit(NamedTensors inputs, int64_t rows, absl::Time deadline,
                            BatchTask::Done done, const Cancellation& cancellation)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const BatchingSettings settings_;
  const Execute execute_;
  BatchObserver* const observer_;

  absl::Mutex mutex_;
  BatchQueue queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace serval

#endif  // SERVAL_BATCHING_BATCH_SCHEDULER_H_
