#ifndef SERVAL_MANAGER_SERVABLE_MANAGER_H_
#define SERVAL_MANAGER_SERVABLE_MANAGER_H_

// ServableManager: loads model versions found by the repository, tracks each version's state,
// and publishes the RoutingTable that the request path reads.
//
// This first version loads the highest version of each model once, at start-up; polling,
// version policies, labels and unloading come with the version lifecycle.
//
// Loads run on the manager's own load threads, never on request threads. A version that fails to
// load is reported (state END with the reason) while every other model serves.
//
// Thread safety: all methods may be called from any thread. routing_table() takes no lock.
//
//   ServableManager manager(backends, options);
//   manager.LoadModels(repository.Scan().value());
//   manager.WaitUntilSettled();
//   auto servable = manager.routing_table()->Resolve(spec);

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "backend/backend_registry.h"
#include "common/thread_pool.h"
#include "core/servable_state.h"
#include "manager/routing_table.h"
#include "manager/servable.h"
#include "repository/model_repository.h"

namespace serval {

struct ServableManagerOptions {
  int load_threads = 1;
  ServableOptions servable;
};

class ServableManager {
 public:
  // `backends` must outlive the manager.
  ServableManager(const BackendRegistry& backends, ServableManagerOptions options);
  // Unpublishes every servable and waits for requests in flight to finish with them.
  ~ServableManager();

  ServableManager(const ServableManager&) = delete;
  ServableManager& operator=(const ServableManager&) = delete;

  // Starts loading the highest version of each model on the load threads.
  void LoadModels(std::vector<ModelSource> models);

  // True once every load started so far has finished (succeeded or failed).
  bool IsSettled() const;
  void WaitUntilSettled() const;

  // The current snapshot; never null.
  std::shared_ptr<const RoutingTable> routing_table() const { return routing_table_.load(); }

  // The versions of `model` with their states, highest first; only `version` when given.
  // NOT_FOUND in TF Serving's words when there is no such model or version.
  absl::StatusOr<std::vector<ServableVersionStatus>> GetModelStatus(
      std::string_view model, std::optional<int64_t> version) const;

 private:
  struct ModelState {
    std::map<int64_t, ServableVersionStatus> versions;
    std::map<int64_t, std::shared_ptr<Servable>> servables;
  };

  void Load(const ModelSource& model, VersionDir version);
  absl::StatusOr<std::shared_ptr<Servable>> CreateServable(const ModelSource& model,
                                                           const VersionDir& version);
  void SetVersion(const std::string& model, ServableVersionStatus status,
                  std::shared_ptr<Servable> servable);
  void PublishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Wraps `servable` so that its destruction runs on a load thread.
  std::shared_ptr<Servable> Share(std::unique_ptr<Servable> servable);

  const BackendRegistry& backends_;
  const ServableManagerOptions options_;

  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, ModelState> models_ ABSL_GUARDED_BY(mutex_);
  int loads_in_progress_ ABSL_GUARDED_BY(mutex_) = 0;
  int live_servables_ ABSL_GUARDED_BY(mutex_) = 0;

  std::atomic<std::shared_ptr<const RoutingTable>> routing_table_;
  // Declared last: destroyed first, after the destructor has waited for every servable.
  std::unique_ptr<ThreadPool> load_pool_;
};

}  // namespace serval

#endif  // SERVAL_MANAGER_SERVABLE_MANAGER_H_
