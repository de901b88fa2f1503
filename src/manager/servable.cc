#include "manager/servable.h"

#include <pthread.h>

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
  for (const std::unique_ptr<ModelInstance>& instance : servable->instances_) {
    Servable* self = servable.get();
    std::function<void()> run = [self, &instance = *instance] { self->RunInstance(instance); };
    servable->executors_.push_back(options.thread_starter != nullptr
                                       ? options.thread_starter->StartThread(std::move(run))
                                       : std::thread(std::move(run)));
    pthread_setname_np(servable->executors_.back().native_handle(), "executor");
  }
  return servable;
}

Servable::~Servable() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  for (std::thread& executor : executors_) executor.join();
}

void Servable::Submit(NamedTensors inputs, ExecuteCallback done) {
  {
    absl::MutexLock lock(&mutex_);
    if (queue_.size() < options_.max_queued_requests) {
      queue_.push_back({std::move(inputs), std::move(done)});
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
    work.done(instance.Execute(work.inputs));
  }
}

}  // namespace serval
