#ifndef SERVAL_MANAGER_SERVABLE_MANAGER_H_
#define SERVAL_MANAGER_SERVABLE_MANAGER_H_

// ServableManager: keeps the right versions of every model loaded while traffic flows, and
// publishes the RoutingTable that the request path reads without a lock.
//
// For each model it is told about (ModelSettings), the manager knows the version folders on disk
// (from PollOnce), keeps the versions the version policy selects plus every labelled version
// ("aspired" versions), and drives each version through
//
//   LOADING (load, then warm up) -> AVAILABLE -> UNLOADING (until requests using it finish) -> END
//
// Availability first: a version leaves the routing table only once another aspired version of
// the model is available, or when nothing is aspired any more (the model was unloaded, removed
// from the config, or its folders are gone). A version that fails to load is END with its reason
// and is retried with exponential back-off for as long as it stays aspired, while the versions
// already serving go on serving.
//
// Loads, warmups and unloads run on the manager's load threads, never on request threads; a
// servable is destroyed there too, after the last request holding it has completed.
//
// Thread safety: all methods may be called from any thread. routing_table() takes no lock.
//
//   ServableManager manager(backends, options);
//   RETURN_IF_ERROR(manager.SetModels(config.models));
//   manager.PollOnce();             // and again every --file_system_poll_wait_seconds
//   manager.WaitUntilSettled();
//   auto servable = manager.routing_table()->Resolve(spec);

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "backend/backend_registry.h"
#include "common/clock.h"
#include "common/thread_pool.h"
#include "core/managed_model.h"
#include "core/model_settings.h"
#include "core/servable_state.h"
#include "manager/routing_table.h"
#include "metrics/metrics_registry.h"
#include "manager/servable.h"
#include "repository/model_repository.h"

namespace serval {

// Reads the warmup requests a version folder carries (for instance
// <version>/assets.extra/warmup_requests.jsonl); an empty list when it carries none. Lets the
// front end's codec decode them without the manager knowing any wire format.
using WarmupRequestReader = std::function<absl::StatusOr<std::vector<NamedTensors>>(
    const std::string& version_path, const Signature& signature)>;

struct ServableManagerOptions {
  int load_threads = 1;
  // Nice value of the load threads: loads and warmups yield the CPU to inference.
  int load_thread_niceness = 10;
  ServableOptions servable;
  Clock* clock = &Clock::Real();
  // A failed load is retried after initial_backoff, doubling up to max_backoff.
  absl::Duration retry_initial_backoff = absl::Seconds(1);
  absl::Duration retry_max_backoff = absl::Seconds(60);
  // TF Serving's --allow_version_labels_for_unavailable_models.
  bool allow_labels_for_unavailable_versions = false;
  bool enable_warmup = true;
  WarmupRequestReader warmup_reader;  // may be empty: synthesized inputs only
  // Where each version's queueing, batch and compute metrics go; may be null. Must outlive the
  // manager.
  MetricsRegistry* metrics = nullptr;
};

class ServableManager {
 public:
  // `backends` must outlive the manager.
  ServableManager(const BackendRegistry& backends, const ServableManagerOptions& options);
  // Unpublishes every servable and waits for requests in flight to finish with them.
  ~ServableManager();

  ServableManager(const ServableManager&) = delete;
  ServableManager& operator=(const ServableManager&) = delete;

  // ---- What to serve (config load and reload, repository discovery) ----

  // Replaces the served models wholesale (TF Serving's ReloadConfig): new models are scanned and
  // loaded, models absent from `models` are unloaded and forgotten, and policies, labels and
  // traffic of the others take the new values. INVALID_ARGUMENT naming the field, and nothing
  // changes, when `models` is not valid.
  absl::Status SetModels(std::vector<ModelSettings> models);

  // Adds one model and starts loading it. ALREADY_EXISTS when a model of that name is known.
  absl::Status AddModel(ModelSettings model);

  // Re-reads every model's base path (version folders and config.yaml) and applies what changed:
  // new versions load, versions the policy no longer selects unload. Also starts the retries that
  // are due. The poller calls it every --file_system_poll_wait_seconds.
  void PollOnce();

  // Starts the retries of failed loads whose back-off has passed.
  void RetryDue();

  // ---- Management ----

  // Serves a model again after UnloadModel (rescanning its folder). NOT_FOUND if unknown.
  absl::Status LoadModel(std::string_view model);
  // Unloads every version of a model; it stays known, with its versions END. NOT_FOUND if unknown.
  absl::Status UnloadModel(std::string_view model);
  // Re-reads the model's folder and config.yaml and loads fresh copies of its serving versions;
  // each replaces the old copy once loaded and warm, and a failed copy leaves the old one serving.
  absl::Status ReloadModel(std::string_view model);

  // Points `label` at `version`. FAILED_PRECONDITION unless the version is AVAILABLE, or
  // `allow_unavailable` (or the option) is set and the label is new. NOT_FOUND for an unknown
  // model.
  absl::Status SetLabel(std::string_view model, std::string_view label, int64_t version,
                        bool allow_unavailable = false);
  // NOT_FOUND when the model or label does not exist; FAILED_PRECONDITION when traffic uses it.
  absl::Status RemoveLabel(std::string_view model, std::string_view label);
  // Replaces the model's traffic weights (label -> weight); an empty map sends all unlabelled
  // requests to the highest available version. INVALID_ARGUMENT for an unknown label or bad weight.
  absl::Status SetTraffic(std::string_view model, std::map<std::string, int64_t> weights);

  // Blocks until no load or unload of `model` is in progress, or `timeout` passes (then
  // DEADLINE_EXCEEDED). NOT_FOUND if unknown.
  absl::Status WaitUntilModelSettled(std::string_view model, absl::Duration timeout) const;

  // ---- Status ----

  // True once every load started so far has finished (succeeded or failed).
  bool IsSettled() const;
  // True once the models given at start have each loaded or failed, and from then on: a roll-out
  // or a retry must not take a serving replica out of rotation.
  bool IsReady() const;
  void WaitUntilSettled() const;

  // The current snapshot; never null.
  std::shared_ptr<const RoutingTable> routing_table() const { return routing_table_.load(); }

  // The versions of `model` with their states, highest first; only `version` when given.
  // NOT_FOUND in TF Serving's words when there is no such model or version.
  absl::StatusOr<std::vector<ServableVersionStatus>> GetModelStatus(
      std::string_view model, std::optional<int64_t> version) const;

  // Every known model, by name; or one (NOT_FOUND if unknown).
  std::vector<ModelInfo> ListModels() const;
  absl::StatusOr<ModelInfo> GetModelInfo(std::string_view model) const;

 private:
  struct VersionState;
  struct ModelState;
  struct LoadResult;

  // What a load needs, copied out of the locked state so the load runs without the lock.
  struct LoadTask {
    std::string model;
    int64_t version = 0;
    uint64_t load_id = 0;
    std::string path;
    absl::StatusOr<ModelConfig> config;
    ModelSettings settings;
    bool fresh_copy = false;  // of a version that serves meanwhile
  };

  // A served model (not one removed and still unloading); nullptr if none.
  ModelState* FindModel(std::string_view name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // A version of any model, removed ones included; nullptr if none.
  VersionState* FindVersion(std::string_view name, int64_t version)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  const ModelState* FindModel(std::string_view name) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  struct DiskView;
  // Reads a model's base path and config.yaml; called without the lock.
  static DiskView ReadDisk(const std::string& base_path);
  static void ApplyDiskView(ModelState& model, DiskView disk);
  // Reads the disk for `names` (all models when empty) and reconciles them.
  void Rescan(std::vector<std::string> names) ABSL_LOCKS_EXCLUDED(mutex_);

  // Starts the loads and unloads that bring `model` to its aspired versions.
  void Reconcile(ModelState& model) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ReconcileAll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Loads `version` from `path`: a first load, or a fresh copy of a version that is AVAILABLE.
  void StartLoad(ModelState& model, VersionState& version, const std::string& path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void StartUnload(ModelState& model, VersionState& version) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ApplySettings(ModelState& model, ModelSettings settings)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void ApplyPendingLabels(ModelState& model) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Forgets removed models once nothing of them is loading, serving or unloading.
  void DropRemovedModels() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  void RunLoad(LoadTask task);  // on a load thread
  LoadResult LoadAndWarm(const LoadTask& task);
  void FinishLoad(const LoadTask& task, LoadResult result) ABSL_LOCKS_EXCLUDED(mutex_);
  void FinishUnload(const ServableId& id, uint64_t servable_serial) ABSL_LOCKS_EXCLUDED(mutex_);

  void PublishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  // Wraps `servable` so that its destruction runs on a load thread and is reported.
  std::shared_ptr<Servable> Share(std::unique_ptr<Servable> servable, uint64_t serial);
  absl::Duration Backoff(int failed_attempts) const;

  const BackendRegistry& backends_;
  const ServableManagerOptions options_;

  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::unique_ptr<ModelState>> models_ ABSL_GUARDED_BY(mutex_);
  int loads_in_progress_ ABSL_GUARDED_BY(mutex_) = 0;
  int live_servables_ ABSL_GUARDED_BY(mutex_) = 0;
  uint64_t next_serial_ ABSL_GUARDED_BY(mutex_) = 1;
  bool shutting_down_ ABSL_GUARDED_BY(mutex_) = false;
  mutable std::atomic<bool> ready_ = false;

  std::atomic<std::shared_ptr<const RoutingTable>> routing_table_;
  // At normal priority: starts the executor threads of servables the load threads create.
  std::unique_ptr<ThreadPool> thread_starter_;
  // Declared last: destroyed first, after the destructor has waited for every servable.
  std::unique_ptr<ThreadPool> load_pool_;
};

}  // namespace serval

#endif  // SERVAL_MANAGER_SERVABLE_MANAGER_H_
