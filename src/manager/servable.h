#ifndef SERVAL_MANAGER_SERVABLE_H_
#define SERVAL_MANAGER_SERVABLE_H_

// Servable: one loaded model version, ready to serve: the Model, its instances, and one executor
// thread per instance that runs queued requests.
//
// Requests hold a std::shared_ptr<Servable> until they complete, so a version that is unloaded
// keeps serving the requests it already took. The manager hands servables out with a deleter that
// destroys them on its own threads, never on a network or executor thread.
//
// Thread safety: Submit() may be called from any thread.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "backend/backend.h"
#include "batching/batch_scheduler.h"
#include "common/cancellation.h"
#include "common/thread_pool.h"
#include "core/batching_settings.h"

namespace serval {

struct ServableId {
  std::string name;
  int64_t version = 0;
};

struct ServableOptions {
  int num_instances = 1;
  std::string device = "cpu";
  // Requests waiting beyond this many are refused at once with RESOURCE_EXHAUSTED.
  size_t max_queued_requests = 1024;
  // Starts the executor threads, so that they take its threads' priority rather than that of
  // the (low-priority) load thread creating the servable; null: started directly.
  ThreadPool* thread_starter = nullptr;
  // When enabled, requests are gathered into batches, one batch thread per instance; otherwise
  // each request runs alone on the next free instance.
  BatchingSettings batching;
  // Told about queueing and runs (batches of one without batching); may be null.
  std::shared_ptr<BatchObserver> observer;
  // Executors and batch threads mark themselves CPU-bound (SCHED_BATCH), so that waking them
  // does not preempt the thread that queued the request.
  bool cpu_bound_threads = true;
};

class Servable {
 public:
  using ExecuteCallback = std::function<void(absl::StatusOr<NamedTensors>)>;

  // Creates the instances and starts their executor threads.
  static absl::StatusOr<std::unique_ptr<Servable>> Create(ServableId id,
                                                          std::unique_ptr<Model> model,
                                                          const ServableOptions& options);
  // Joins the executor threads; the queue is empty by then, since queued work holds a reference.
  ~Servable();

  const ServableId& id() const { return id_; }
  const Signature& signature() const { return model_->signature(); }

  // Queues `inputs` for the next free instance (or the next batch); `done` runs on that
  // instance's thread. When the queue is full, `done` runs at once on the caller's thread with
  // RESOURCE_EXHAUSTED; a request still queued at `deadline` never runs and gets
  // DEADLINE_EXCEEDED, nor does one whose `cancellation` was raised meanwhile (CANCELLED).
  void Submit(NamedTensors inputs, ExecuteCallback done,
              absl::Time deadline = absl::InfiniteFuture(), Cancellation cancellation = nullptr);

  // Runs `inputs` on each instance in turn, on the calling thread. Only for warmup, before the
  // servable takes traffic (an instance must never run two things at once).
  absl::Status RunOnEveryInstance(const NamedTensors& inputs);

 private:
  struct Work {
    NamedTensors inputs;
    ExecuteCallback done;
    absl::Time deadline;
    absl::Time enqueued;
    Cancellation cancellation;
  };

  Servable(ServableId id, std::unique_ptr<Model> model, const ServableOptions& options)
      : id_(std::move(id)), model_(std::move(model)), options_(options) {}

  // Starts an inference thread (an executor or a batch thread), marked CPU-bound unless the
  // options say otherwise.
  std::thread StartThread(std::function<void()> body) const;
  void StartExecutors();
  void StartBatching();
  void RunInstance(ModelInstance& instance);
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const ServableId id_;
  const std::unique_ptr<Model> model_;
  const ServableOptions options_;
  std::vector<std::unique_ptr<ModelInstance>> instances_;
  std::vector<std::thread> executors_;
  std::unique_ptr<BatchScheduler> batch_scheduler_;  // when batching is enabled

  absl::Mutex mutex_;
  std::deque<Work> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace serval

#endif  // SERVAL_MANAGER_SERVABLE_H_
