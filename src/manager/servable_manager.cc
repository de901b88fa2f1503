#include "manager/servable_manager.h"

#include <malloc.h>

#include <algorithm>
#include <set>

#include "common/logging.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "manager/servable_metrics.h"
#include "manager/warmup.h"

namespace serval {

struct ServableManager::VersionState {
  ServableVersionStatus status;
  std::string path;
  std::shared_ptr<Servable> servable;  // while AVAILABLE
  uint64_t servable_serial = 0;        // of `servable`, or of the one being unloaded
  bool loading = false;                // a load (first or fresh copy) is in flight
  uint64_t load_id = 0;
  absl::Duration load_time;
  absl::Duration warmup_time;
  int failed_attempts = 0;
  std::optional<absl::Time> next_retry;
};

struct ServableManager::ModelState {
  ModelSettings settings;  // labels here are the applied ones
  std::map<std::string, int64_t> pending_labels;
  bool loaded = true;      // false after UnloadModel
  bool removed = false;    // dropped by SetModels; forgotten once unloaded
  bool scanned = false;
  absl::Status source_status;
  absl::StatusOr<ModelConfig> config = ModelConfig();
  std::vector<VersionDir> on_disk;  // ascending
  std::map<int64_t, VersionState> versions;
  int busy = 0;  // loads and unloads in flight
  // Disk reads run without the lock and may finish out of order; only a newer one applies.
  uint64_t scans_started = 0;
  uint64_t scan_applied = 0;
};

struct ServableManager::DiskView {
  absl::StatusOr<std::vector<VersionDir>> versions;
  absl::StatusOr<ModelConfig> config;
};

struct ServableManager::LoadResult {
  absl::StatusOr<std::shared_ptr<Servable>> servable;
  uint64_t serial = 0;
  absl::Duration load_time;
  absl::Duration warmup_time;
};

namespace {

std::set<int64_t> AspiredVersions(const ModelSettings& settings,
                                  const std::map<std::string, int64_t>& pending_labels,
                                  const std::vector<VersionDir>& on_disk) {
  std::vector<int64_t> present;
  for (const VersionDir& dir : on_disk) present.push_back(dir.version);
  std::vector<int64_t> selected = settings.version_policy.Select(present);
  std::set<int64_t> aspired(selected.begin(), selected.end());
  auto pin = [&](int64_t version) {
    if (std::binary_search(present.begin(), present.end(), version)) aspired.insert(version);
  };
  for (const auto& [label, version] : settings.labels) pin(version);
  for (const auto& [label, version] : pending_labels) pin(version);
  return aspired;
}

// The server's batching settings, with the model's own largest batch (its `batch_size`) if set.
BatchingSettings BatchingFor(const ModelSettings& model, BatchingSettings batching) {
  if (!batching.enabled || model.batch_size <= 0) return batching;
  batching.max_batch_size = model.batch_size;
  auto too_large = [&](int64_t size) { return size > model.batch_size; };
  std::erase_if(batching.allowed_batch_sizes, too_large);
  std::erase_if(batching.preferred_batch_sizes, too_large);
  if (!batching.allowed_batch_sizes.empty() &&
      batching.allowed_batch_sizes.back() != model.batch_size) {
    batching.allowed_batch_sizes.push_back(model.batch_size);
  }
  return batching;
}

// The model's warmup batch sizes; without any, the batch sizes it will run at when batching pads
// to allowed sizes, else 1.
std::vector<int64_t> WarmupBatchSizes(const ModelSettings& model,
                                      const BatchingSettings& batching) {
  if (!model.warmup_batch_sizes.empty()) return model.warmup_batch_sizes;
  const BatchingSettings effective = BatchingFor(model, batching);
  if (effective.enabled && !effective.allowed_batch_sizes.empty()) {
    return effective.allowed_batch_sizes;
  }
  return {1};
}

std::string PathOf(const std::vector<VersionDir>& on_disk, int64_t version) {
  for (const VersionDir& dir : on_disk) {
    if (dir.version == version) return dir.path;
  }
  return "";
}

}  // namespace

ServableManager::ServableManager(const BackendRegistry& backends,
                                 const ServableManagerOptions& options)
    : backends_(backends),
      options_(options),
      routing_table_(std::make_shared<const RoutingTable>()),
      thread_starter_(std::make_unique<ThreadPool>("thread-starter", 1)),
      load_pool_(std::make_unique<ThreadPool>("load", std::max(1, options_.load_threads),
                                            options_.load_thread_niceness)) {}

ServableManager::~ServableManager() {
  absl::MutexLock lock(&mutex_);
  shutting_down_ = true;
  mutex_.Await(absl::Condition(+[](int* loads) { return *loads == 0; }, &loads_in_progress_));
  models_.clear();
  PublishLocked();
  // Requests in flight still hold servables; each is destroyed on the load pool when released.
  mutex_.Await(absl::Condition(+[](int* live) { return *live == 0; }, &live_servables_));
}

// ---- What to serve ----

absl::Status ServableManager::SetModels(std::vector<ModelSettings> models) {
  RETURN_IF_ERROR(ValidateModelSettingsList(models));
  std::vector<std::string> names;
  {
    absl::MutexLock lock(&mutex_);
    std::set<std::string> kept;
    for (ModelSettings& settings : models) {
      kept.insert(settings.name);
      names.push_back(settings.name);
      std::unique_ptr<ModelState>& model = models_[settings.name];
      if (model == nullptr) model = std::make_unique<ModelState>();
      // A model that moved keeps serving from the old path until fresh copies from the new one
      // are loaded (see Reconcile).
      model->removed = false;
      ApplySettings(*model, std::move(settings));
    }
    for (auto& [name, model] : models_) {
      if (!kept.contains(name)) model->removed = true;
    }
    ReconcileAll();
    PublishLocked();
  }
  Rescan(std::move(names));
  return absl::OkStatus();
}

absl::Status ServableManager::AddModel(ModelSettings settings) {
  RETURN_IF_ERROR(ValidateModelSettings(settings));
  const std::string name = settings.name;
  {
    absl::MutexLock lock(&mutex_);
    if (FindModel(name) != nullptr) {
      return absl::AlreadyExistsError(StrCat("model ", name, " is already served"));
    }
    auto model = std::make_unique<ModelState>();
    ApplySettings(*model, std::move(settings));
    models_[name] = std::move(model);
  }
  Rescan({name});
  return absl::OkStatus();
}

void ServableManager::ApplySettings(ModelState& model, ModelSettings settings) {
  // Labels move to their new versions as those become available; until then a label keeps
  // answering with its old version, so a config change never leaves a label dangling.
  std::map<std::string, int64_t> wanted = std::move(settings.labels);
  std::map<std::string, int64_t> applied;
  for (const auto& [label, version] : model.settings.labels) {
    if (wanted.contains(label)) applied[label] = version;
  }
  settings.labels = std::move(applied);
  model.settings = std::move(settings);
  model.pending_labels.clear();
  for (const auto& [label, version] : wanted) {
    auto current = model.settings.labels.find(label);
    if (current != model.settings.labels.end() && current->second == version) continue;
    model.pending_labels[label] = version;
  }
  ApplyPendingLabels(model);
}

void ServableManager::ApplyPendingLabels(ModelState& model) {
  for (auto it = model.pending_labels.begin(); it != model.pending_labels.end();) {
    auto version = model.versions.find(it->second);
    if (version != model.versions.end() &&
        version->second.status.state == ServableState::kAvailable) {
      model.settings.labels[it->first] = it->second;
      it = model.pending_labels.erase(it);
    } else {
      ++it;
    }
  }
}

void ServableManager::PollOnce() { Rescan({}); }

void ServableManager::RetryDue() {
  absl::MutexLock lock(&mutex_);
  ReconcileAll();
  PublishLocked();
}

ServableManager::DiskView ServableManager::ReadDisk(const std::string& base_path) {
  return {ListVersions(base_path), ReadModelConfig(base_path)};
}

void ServableManager::ApplyDiskView(ModelState& model, DiskView disk) {
  model.scanned = true;
  if (!disk.versions.ok()) {
    // Keep what was seen last: a base path that vanishes for a moment must not unload a model.
    model.source_status = disk.versions.status();
    return;
  }
  model.source_status = disk.config.status();
  model.on_disk = *std::move(disk.versions);
  model.config = std::move(disk.config);
}

void ServableManager::Rescan(std::vector<std::string> names) {
  struct Scan {
    std::string name;
    std::string base_path;
    uint64_t generation = 0;
  };
  std::vector<Scan> scans;
  {
    absl::MutexLock lock(&mutex_);
    for (const auto& [name, model] : models_) {
      if (model->removed) continue;
      if (names.empty() || std::find(names.begin(), names.end(), name) != names.end()) {
        scans.push_back({name, model->settings.base_path, ++model->scans_started});
      }
    }
  }
  std::vector<DiskView> views;
  for (const Scan& scan : scans) views.push_back(ReadDisk(scan.base_path));
  absl::MutexLock lock(&mutex_);
  for (size_t i = 0; i < scans.size(); ++i) {
    ModelState* model = FindModel(scans[i].name);
    if (model == nullptr || model->settings.base_path != scans[i].base_path ||
        scans[i].generation <= model->scan_applied) {
      continue;  // moved, gone, or a newer read has been applied already
    }
    model->scan_applied = scans[i].generation;
    ApplyDiskView(*model, std::move(views[i]));
  }
  ReconcileAll();
  PublishLocked();
}

// ---- The state machine ----

void ServableManager::ReconcileAll() {
  for (auto& [name, model] : models_) Reconcile(*model);
  DropRemovedModels();
}

void ServableManager::Reconcile(ModelState& model) {
  if (shutting_down_ || (!model.scanned && !model.removed)) return;
  std::set<int64_t> aspired;
  if (model.loaded && !model.removed) {
    aspired = AspiredVersions(model.settings, model.pending_labels, model.on_disk);
  }
  const absl::Time now = options_.clock->Now();
  bool aspired_available = false;
  for (int64_t version : aspired) {
    VersionState& state = model.versions[version];
    state.status.version = version;
    const bool due = !state.next_retry.has_value() || now >= *state.next_retry;
    if (state.status.state == ServableState::kAvailable) {
      aspired_available = true;
      // The model moved: a fresh copy from the new place replaces this one.
      const std::string path = PathOf(model.on_disk, version);
      if (!state.loading && due && !path.empty() && path != state.path) {
        StartLoad(model, state, path);
      }
      continue;
    }
    const bool idle = state.status.state == ServableState::kStart ||
                      state.status.state == ServableState::kEnd;
    if (idle && !state.loading && due) StartLoad(model, state, PathOf(model.on_disk, version));
  }
  // Availability first: an old version goes only once a new one serves, or nothing is wanted.
  if (!aspired_available && !aspired.empty()) return;
  for (auto& [version, state] : model.versions) {
    if (state.status.state == ServableState::kAvailable && !aspired.contains(version)) {
      StartUnload(model, state);
    }
  }
  // Forget versions that are gone from disk and from memory.
  for (auto it = model.versions.begin(); it != model.versions.end();) {
    const VersionState& state = it->second;
    const bool done = (state.status.state == ServableState::kEnd ||
                       state.status.state == ServableState::kStart) && !state.loading;
    if (done && !aspired.contains(it->first) && PathOf(model.on_disk, it->first).empty()) {
      it = model.versions.erase(it);
    } else {
      ++it;
    }
  }
}

void ServableManager::DropRemovedModels() {
  for (auto it = models_.begin(); it != models_.end();) {
    auto next = std::next(it);
    const ModelState& model = *it->second;
    if (model.removed && model.busy == 0) {
      bool serving = false;
      for (const auto& [version, state] : model.versions) {
        serving |= state.status.state == ServableState::kAvailable;
      }
      if (!serving) models_.erase(it);
    }
    it = next;
  }
}

void ServableManager::StartLoad(ModelState& model, VersionState& version,
                                const std::string& path) {
  version.loading = true;
  version.load_id = next_serial_++;
  const bool fresh_copy = version.status.state == ServableState::kAvailable;
  if (!fresh_copy) {
    version.status.state = ServableState::kLoading;
    version.status.status = absl::OkStatus();
    version.path = path;
  }
  ++model.busy;
  ++loads_in_progress_;
  LoadTask task{model.settings.name, version.status.version, version.load_id, path,
                model.config, model.settings, fresh_copy};
  LogInfo("loading model ", task.model, " version ", task.version, " from ", task.path);
  load_pool_->Schedule([this, task = std::move(task)]() mutable { RunLoad(std::move(task)); });
}

void ServableManager::StartUnload(ModelState& model, VersionState& version) {
  LogInfo("unloading model ", model.settings.name, " version ", version.status.version);
  version.status.state = ServableState::kUnloading;
  ++model.busy;
  // Leaves the routing table first; the servable goes once the last request holding it is done.
  std::shared_ptr<Servable> servable = std::move(version.servable);
  PublishLocked();
  servable.reset();
}

void ServableManager::RunLoad(LoadTask task) {
  bool cancelled = false;
  {
    absl::MutexLock lock(&mutex_);
    cancelled = shutting_down_;
  }
  LoadResult result;
  if (cancelled) {
    result.servable = absl::CancelledError("the server is shutting down");
  } else {
    result = LoadAndWarm(task);
  }
  FinishLoad(task, std::move(result));
}

ServableManager::LoadResult ServableManager::LoadAndWarm(const LoadTask& task) {
  LoadResult result;
  const absl::Time start = absl::Now();
  auto load = [&]() -> absl::StatusOr<std::unique_ptr<Servable>> {
    RETURN_IF_ERROR(task.config.status());
    ASSIGN_OR_RETURN(Backend * backend, backends_.Find(task.config->platform));
    ModelLoadRequest request{task.model, task.path, task.config->signature};
    ASSIGN_OR_RETURN(std::unique_ptr<Model> model, backend->Load(request));
    ServableOptions servable_options = options_.servable;
    servable_options.thread_starter = thread_starter_.get();
    servable_options.batching = BatchingFor(task.settings, options_.servable.batching);
    if (options_.metrics != nullptr) {
      servable_options.observer = std::make_shared<ServableMetrics>(
          options_.metrics->ForModel(task.model, task.version));
    }
    if (task.settings.instances > 0) servable_options.num_instances = task.settings.instances;
    if (!task.settings.device.empty()) servable_options.device = task.settings.device;
    return Servable::Create({task.model, task.version}, std::move(model), servable_options);
  };
  absl::StatusOr<std::unique_ptr<Servable>> servable = load();
  const absl::Time loaded = absl::Now();
  if (servable.ok() && options_.enable_warmup) {
    absl::Status warm = absl::OkStatus();
    if (options_.warmup_reader) {
      absl::StatusOr<std::vector<NamedTensors>> requests =
          options_.warmup_reader(task.path, (*servable)->signature());
      if (!requests.ok()) {
        warm = requests.status();
      } else if (!requests->empty()) {
        warm = RunWarmupRequests(**servable, *requests);
      } else {
        RunSynthesizedWarmup(**servable,
                             WarmupBatchSizes(task.settings, options_.servable.batching));
      }
    } else {
      RunSynthesizedWarmup(**servable, WarmupBatchSizes(task.settings, options_.servable.batching));
    }
    if (!warm.ok()) servable = warm;
  }
  result.load_time = loaded - start;
  result.warmup_time = absl::Now() - loaded;
  if (!servable.ok()) {
    result.servable = servable.status();
    return result;
  }
  {
    absl::MutexLock lock(&mutex_);
    result.serial = next_serial_++;
  }
  result.servable = Share(*std::move(servable), result.serial);
  return result;
}

absl::Duration ServableManager::Backoff(int failed_attempts) const {
  absl::Duration backoff = options_.retry_initial_backoff;
  for (int i = 1; i < failed_attempts && backoff < options_.retry_max_backoff; ++i) backoff *= 2;
  return std::min(backoff, options_.retry_max_backoff);
}

void ServableManager::FinishLoad(const LoadTask& task, LoadResult result) {
  std::shared_ptr<Servable> replaced;  // a copy this load replaces; released on a load thread
  absl::MutexLock lock(&mutex_);
  --loads_in_progress_;
  VersionState* found = FindVersion(task.model, task.version);
  if (found == nullptr || found->load_id != task.load_id) return;  // forgotten meanwhile
  ModelState& model_state = *models_.find(task.model)->second;
  ModelState* model = &model_state;
  VersionState& version = *found;
  version.loading = false;
  --model->busy;
  if (task.fresh_copy && version.status.state != ServableState::kAvailable) {
    // Unloaded while the copy loaded: the copy is not wanted any more.
  } else if (result.servable.ok()) {
    LogInfo("model ", task.model, " version ", task.version, " is available (load ",
            absl::FormatDuration(result.load_time), ", warmup ",
            absl::FormatDuration(result.warmup_time), ")");
    replaced = std::move(version.servable);
    version.servable = *std::move(result.servable);
    version.servable_serial = result.serial;
    version.status = {task.version, ServableState::kAvailable, absl::OkStatus()};
    version.path = task.path;
    version.load_time = result.load_time;
    version.warmup_time = result.warmup_time;
    version.failed_attempts = 0;
    version.next_retry.reset();
    ApplyPendingLabels(*model);
  } else {
    ++version.failed_attempts;
    const absl::Duration backoff = Backoff(version.failed_attempts);
    version.next_retry = options_.clock->Now() + backoff;
    if (task.fresh_copy) {
      version.status.status = result.servable.status();  // the loaded copy keeps serving
    } else {
      version.status = {task.version, ServableState::kEnd, result.servable.status()};
    }
    LogError("model ", task.model, " version ", task.version,
             task.fresh_copy ? ": a fresh copy" : "", " failed to load (attempt ",
             version.failed_attempts, ", next in ", absl::FormatDuration(backoff),
             task.fresh_copy ? "; the loaded copy keeps serving" : "",
             "): ", result.servable.status().message());
  }
  Reconcile(*model);
  DropRemovedModels();
  PublishLocked();
}

std::shared_ptr<Servable> ServableManager::Share(std::unique_ptr<Servable> servable,
                                                 uint64_t serial) {
  {
    absl::MutexLock lock(&mutex_);
    ++live_servables_;
  }
  return std::shared_ptr<Servable>(servable.release(), [this, serial](Servable* released) {
    load_pool_->Schedule([this, serial, released] {
      const ServableId id = released->id();
      delete released;
      malloc_trim(0);  // hand freed model memory back, so RSS follows loads and unloads
      FinishUnload(id, serial);
    });
  });
}

void ServableManager::FinishUnload(const ServableId& id, uint64_t servable_serial) {
  absl::MutexLock lock(&mutex_);
  --live_servables_;
  VersionState* version = FindVersion(id.name, id.version);
  if (version == nullptr || version->servable_serial != servable_serial ||
      version->status.state != ServableState::kUnloading) {
    return;  // a copy replaced by a reload, not an unload
  }
  version->status = {id.version, ServableState::kEnd, absl::OkStatus()};
  ModelState* model = models_.find(id.name)->second.get();
  --model->busy;
  LogInfo("model ", id.name, " version ", id.version, " is unloaded");
  Reconcile(*model);
  DropRemovedModels();
  PublishLocked();
}

void ServableManager::PublishLocked() {
  absl::flat_hash_map<std::string, ModelRoute> routes;
  for (const auto& [key, model] : models_) {
    if (model->removed) continue;
    ModelRoute& route = routes[key];
    for (const auto& [version, state] : model->versions) {
      if (state.status.state == ServableState::kAvailable && state.servable != nullptr) {
        route.available[version] = state.servable;
      } else if (state.status.state == ServableState::kLoading) {
        route.unavailable_reason = StrCat("version ", version, " is loading");
      } else if (!state.status.status.ok()) {
        route.unavailable_reason =
            StrCat("version ", version, " failed to load: ", state.status.status.message());
      }
    }
    if (route.unavailable_reason.empty() && !model->source_status.ok()) {
      route.unavailable_reason = std::string(FromAbsl(model->source_status.message()));
    } else if (route.unavailable_reason.empty() && model->scanned && model->on_disk.empty()) {
      route.unavailable_reason = StrCat("no version folders under ", model->settings.base_path);
    } else if (route.unavailable_reason.empty() && !model->loaded) {
      route.unavailable_reason = "the model is unloaded";
    }
    route.labels.insert(model->settings.labels.begin(), model->settings.labels.end());
    int64_t total = 0;
    for (const auto& [label, weight] : model->settings.traffic) {
      auto version = model->settings.labels.find(label);
      if (weight <= 0 || version == model->settings.labels.end()) continue;
      auto servable = route.available.find(version->second);
      if (servable == route.available.end()) continue;
      total += weight;
      route.traffic.push_back({total, servable->second});
    }
  }
  routing_table_.store(std::make_shared<const RoutingTable>(std::move(routes)));
}

// ---- Management ----

absl::Status ServableManager::LoadModel(std::string_view name) {
  {
    absl::MutexLock lock(&mutex_);
    ModelState* model = FindModel(name);
    if (model == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
    model->loaded = true;
    for (auto& [version, state] : model->versions) state.next_retry.reset();
  }
  Rescan({std::string(name)});
  return absl::OkStatus();
}

absl::Status ServableManager::UnloadModel(std::string_view name) {
  absl::MutexLock lock(&mutex_);
  ModelState* model = FindModel(name);
  if (model == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
  model->loaded = false;
  Reconcile(*model);
  PublishLocked();
  return absl::OkStatus();
}

absl::Status ServableManager::ReloadModel(std::string_view name) {
  {
    absl::MutexLock lock(&mutex_);
    ModelState* model = FindModel(name);
    if (model == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
    for (auto& [version, state] : model->versions) state.next_retry.reset();
  }
  Rescan({std::string(name)});
  absl::MutexLock lock(&mutex_);
  ModelState* model = FindModel(name);
  if (model == nullptr || !model->loaded) return absl::OkStatus();
  const std::set<int64_t> aspired =
      AspiredVersions(model->settings, model->pending_labels, model->on_disk);
  for (auto& [version, state] : model->versions) {
    // Versions kept only until a newer one serves are not worth a fresh copy.
    if (state.status.state == ServableState::kAvailable && !state.loading &&
        aspired.contains(version)) {
      const std::string path = PathOf(model->on_disk, version);
      StartLoad(*model, state, path.empty() ? state.path : path);
    }
  }
  return absl::OkStatus();
}

absl::Status ServableManager::SetLabel(std::string_view name, std::string_view label,
                                       int64_t version, bool allow_unavailable) {
  if (label.empty()) return absl::InvalidArgumentError("a label needs a name");
  absl::MutexLock lock(&mutex_);
  ModelState* model = FindModel(name);
  if (model == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
  auto state = model->versions.find(version);
  const bool available = state != model->versions.end() &&
                         state->second.status.state == ServableState::kAvailable;
  const std::string key(label);
  if (!available) {
    const bool allowed = allow_unavailable || options_.allow_labels_for_unavailable_versions;
    if (!allowed || model->settings.labels.contains(key)) {
      return absl::FailedPreconditionError(StrCat(
          "version ", version, " of model ", name, " is not available; a label can only point "
          "at an available version", allowed ? " once the label is in use" : ""));
    }
    model->pending_labels[key] = version;
  } else {
    model->pending_labels.erase(key);
    model->settings.labels[key] = version;
  }
  Reconcile(*model);
  PublishLocked();
  return absl::OkStatus();
}

absl::Status ServableManager::RemoveLabel(std::string_view name, std::string_view label) {
  absl::MutexLock lock(&mutex_);
  ModelState* model = FindModel(name);
  if (model == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
  const std::string key(label);
  if (model->settings.traffic.contains(key)) {
    return absl::FailedPreconditionError(
        StrCat("label ", label, " carries traffic; set its weight away first"));
  }
  if (model->settings.labels.erase(key) + model->pending_labels.erase(key) == 0) {
    return absl::NotFoundError(StrCat("model ", name, " has no label ", label));
  }
  Reconcile(*model);
  PublishLocked();
  return absl::OkStatus();
}

absl::Status ServableManager::SetTraffic(std::string_view name,
                                         std::map<std::string, int64_t> weights) {
  absl::MutexLock lock(&mutex_);
  ModelState* model = FindModel(name);
  if (model == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
  ModelSettings candidate = model->settings;
  for (const auto& [label, version] : model->pending_labels) candidate.labels[label] = version;
  candidate.traffic = weights;
  RETURN_IF_ERROR(ValidateModelSettings(candidate));
  model->settings.traffic = std::move(weights);
  PublishLocked();
  return absl::OkStatus();
}

absl::Status ServableManager::WaitUntilModelSettled(std::string_view name,
                                                    absl::Duration timeout) const {
  struct Waiting {
    const ServableManager* manager;
    std::string_view name;
  };
  Waiting waiting{this, name};
  absl::MutexLock lock(&mutex_);
  if (FindModel(name) == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
  const bool settled = mutex_.AwaitWithTimeout(
      absl::Condition(
          +[](Waiting* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            const ModelState* model = w->manager->FindModel(w->name);
            return model == nullptr || model->busy == 0;
          },
          &waiting),
      timeout);
  if (!settled) {
    return absl::DeadlineExceededError(
        StrCat("model ", name, " is still loading or unloading after ",
               absl::FormatDuration(timeout)));
  }
  return absl::OkStatus();
}

// ---- Status ----

ServableManager::VersionState* ServableManager::FindVersion(std::string_view name,
                                                            int64_t version) {
  auto model = models_.find(ToAbsl(name));
  if (model == models_.end()) return nullptr;
  auto found = model->second->versions.find(version);
  return found == model->second->versions.end() ? nullptr : &found->second;
}

ServableManager::ModelState* ServableManager::FindModel(std::string_view name) {
  auto it = models_.find(ToAbsl(name));
  return it == models_.end() || it->second->removed ? nullptr : it->second.get();
}

const ServableManager::ModelState* ServableManager::FindModel(std::string_view name) const {
  auto it = models_.find(ToAbsl(name));
  return it == models_.end() || it->second->removed ? nullptr : it->second.get();
}

bool ServableManager::IsSettled() const {
  absl::MutexLock lock(&mutex_);
  return loads_in_progress_ == 0;
}

bool ServableManager::IsReady() const {
  if (ready_.load(std::memory_order_relaxed)) return true;
  if (!IsSettled()) return false;
  ready_.store(true, std::memory_order_relaxed);
  return true;
}

void ServableManager::WaitUntilSettled() const {
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(
      +[](const int* loads) { return *loads == 0; }, &loads_in_progress_));
}

absl::StatusOr<std::vector<ServableVersionStatus>> ServableManager::GetModelStatus(
    std::string_view name, std::optional<int64_t> version) const {
  absl::MutexLock lock(&mutex_);
  const ModelState* model = FindModel(name);
  if (model == nullptr || model->versions.empty()) {
    return absl::NotFoundError(StrCat("Could not find any versions of model ", name));
  }
  auto reported = [](const VersionState& state) {
    ServableVersionStatus status = state.status;
    // A failed fresh copy is the management API's news; the loaded version is fine.
    if (status.state == ServableState::kAvailable) status.status = absl::OkStatus();
    return status;
  };
  std::vector<ServableVersionStatus> result;
  if (version.has_value()) {
    auto found = model->versions.find(*version);
    if (found == model->versions.end()) {
      return absl::NotFoundError(
          StrCat("Could not find version ", *version, " of model ", name));
    }
    result.push_back(reported(found->second));
    return result;
  }
  for (auto v = model->versions.rbegin(); v != model->versions.rend(); ++v) {
    result.push_back(reported(v->second));
  }
  return result;
}

std::vector<ModelInfo> ServableManager::ListModels() const {
  std::vector<std::string> names;
  {
    absl::MutexLock lock(&mutex_);
    for (const auto& [name, model] : models_) {
      if (!model->removed) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<ModelInfo> models;
  for (const std::string& name : names) {
    absl::StatusOr<ModelInfo> info = GetModelInfo(name);
    if (info.ok()) models.push_back(*std::move(info));
  }
  return models;
}

absl::StatusOr<ModelInfo> ServableManager::GetModelInfo(std::string_view name) const {
  absl::MutexLock lock(&mutex_);
  const ModelState* model = FindModel(name);
  if (model == nullptr) return absl::NotFoundError(StrCat("Unknown model: ", name));
  ModelInfo info{model->settings, model->loaded, model->source_status, {},
                 model->pending_labels};
  for (auto v = model->versions.rbegin(); v != model->versions.rend(); ++v) {
    const VersionState& state = v->second;
    info.versions.push_back({state.status, state.path, state.load_time, state.warmup_time,
                             state.failed_attempts, state.next_retry});
  }
  return info;
}

}  // namespace serval
