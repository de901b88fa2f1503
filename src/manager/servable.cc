#include "manager/servable.h"

#include <pthread.h>

#include "common/cpu_bound_thread.h"
#include "common/str_cat.h"
#include "common/status_macros.h"

namespace serval {

absl::StatusOr<std::unique_ptr<Servable>> Servable::Create(ServableId id,
                                                           std::unique_ptr<Model> model,
                                                           const ServableOptions& options) {
  std::unique_ptr<Servable> servable(new Servable(std::move(id), std::move(model), options));
  for (int i = 0; i < std::max(1, options.num_instances); ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<ModelInstance> instance,
                     servable->model_->CreateInstance(options.device));
    servable->instances_.push_back(std::move(instance));
  }
  if (options.batching.enabled) {
    servable->StartBatching();
  } else {
    servable->StartExecutors();
  }
  return servable;
}

std::thread Servable::StartThread(std::function<void()> body) const {
  const bool cpu_bound = options_.cpu_bound_threads;
  std::function<void()> inference = [body = std::move(body), cpu_bound] {
    if (cpu_bound) MarkThisThreadCpuBound();
    body();
  };
  return options_.thread_starter != nullptr
             ? options_.thread_starter->StartThread(std::move(inference))
             : std::thread(std::move(inference));
}

void Servable::StartExecutors() {
  for (const std::unique_ptr<ModelInstance>& instance : instances_) {
    executors_.push_back(StartThread([this, &instance = *instance] { RunInstance(instance); }));
    pthread_setname_np(executors_.back().native_handle(), "executor");
  }
}

void Servable::StartBatching() {
  batch_scheduler_ = std::make_unique<BatchScheduler>(
      options_.batching, static_cast<int>(instances_.size()),
      [this](int thread, const NamedTensors& batch) { return instances_[thread]->Execute(batch); },
      options_.observer.get(),
      [this](std::function<void()> body) { return StartThread(std::move(body)); });
}

Servable::~Servable() {
  batch_scheduler_.reset();  // runs what is queued, then joins its threads
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  for (std::thread& executor : executors_) executor.join();
}

void Servable::Submit(NamedTensors inputs, ExecuteCallback done, absl::Time deadline,
                      Cancellation cancellation) {
  if (batch_scheduler_ != nullptr) {
    return batch_scheduler_->Submit(std::move(inputs), deadline, std::move(done),
                                    std::move(cancellation));
  }
  {
    absl::MutexLock lock(&mutex_);
    if (queue_.size() < options_.max_queued_requests) {
      queue_.push_back(
          {std::move(inputs), std::move(done), deadline, absl::Now(), std::move(cancellation)});
      if (options_.observer != nullptr) options_.observer->OnEnqueued(1);
      return;
    }
  }
  done(absl::ResourceExhaustedError(StrCat(
      "model ", id_.name, " version ", id_.version, " has ", options_.max_queued_requests,
      " requests queued; try again later")));
}

absl::Status Servable::RunOnEveryInstance(const NamedTensors& inputs) {
  for (const std::unique_ptr<ModelInstance>& instance : instances_) {
    RETURN_IF_ERROR(instance->Execute(inputs).status());
  }
  return absl::OkStatus();
}

bool Servable::HasWorkOrStopping() const { return stopping_ || !queue_.empty(); }

void Servable::RunInstance(ModelInstance& instance) {
  while (true) {
    Work work;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(this, &Servable::HasWorkOrStopping));
      if (queue_.empty()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    const absl::Time start = absl::Now();
    if (options_.observer != nullptr) options_.observer->OnDequeued(1, start - work.enqueued);
    if (start >= work.deadline) {
      work.done(absl::DeadlineExceededError("the request's deadline passed while it was queued"));
      continue;
    }
    if (IsCancelled(work.cancellation)) {
      work.done(absl::CancelledError("the client went away before the request ran"));
      continue;
    }
    absl::StatusOr<NamedTensors> outputs = instance.Execute(work.inputs);
    if (options_.observer != nullptr) options_.observer->OnBatch(1, 1, absl::Now() - start);
    work.done(std::move(outputs));
  }
}

}  // namespace serval
