#include "manager/servable_manager.h"

#include "common/str_cat.h"
#include "common/logging.h"
#include "common/status_macros.h"

namespace serval {

ServableManager::ServableManager(const BackendRegistry& backends, ServableManagerOptions options)
    : backends_(backends),
      options_(std::move(options)),
      routing_table_(std::make_shared<const RoutingTable>()),
      load_pool_(std::make_unique<ThreadPool>("load", std::max(1, options_.load_threads))) {}

ServableManager::~ServableManager() {
  WaitUntilSettled();
  {
    absl::MutexLock lock(&mutex_);
    models_.clear();
  }
  routing_table_.store(std::make_shared<const RoutingTable>());
  // Requests in flight still hold servables; each is destroyed on the load pool when released.
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(
      +[](int* live) { return *live == 0; }, &live_servables_));
}

void ServableManager::LoadModels(std::vector<ModelSource> models) {
  for (ModelSource& model : models) {
    if (!model.config.ok()) {
      LogError("model ", model.name, ": ", model.config.status().message());
    }
    if (model.versions.empty()) {
      LogWarning("model ", model.name, ": no version folders under ", model.base_path);
      absl::MutexLock lock(&mutex_);
      models_[model.name];
      PublishLocked();
      continue;
    }
    VersionDir latest = model.versions.back();
    SetVersion(model.name, {latest.version, ServableState::kLoading, absl::OkStatus()}, nullptr);
    {
      absl::MutexLock lock(&mutex_);
      ++loads_in_progress_;
    }
    load_pool_->Schedule([this, model = std::move(model), latest] { Load(model, latest); });
  }
}

void ServableManager::Load(const ModelSource& model, VersionDir version) {
  LogInfo("loading model ", model.name, " version ", version.version, " from ", version.path);
  absl::StatusOr<std::shared_ptr<Servable>> servable = CreateServable(model, version);
  if (servable.ok()) {
    LogInfo("model ", model.name, " version ", version.version, " is available");
    SetVersion(model.name, {version.version, ServableState::kAvailable, absl::OkStatus()},
               *std::move(servable));
  } else {
    LogError("model ", model.name, " version ", version.version,
             " failed to load: ", servable.status().message());
    SetVersion(model.name, {version.version, ServableState::kEnd, servable.status()}, nullptr);
  }
  absl::MutexLock lock(&mutex_);
  --loads_in_progress_;
}

absl::StatusOr<std::shared_ptr<Servable>> ServableManager::CreateServable(
    const ModelSource& model, const VersionDir& version) {
  RETURN_IF_ERROR(model.config.status());
  ASSIGN_OR_RETURN(Backend * backend, backends_.Find(model.config->platform));
  ModelLoadRequest request{model.name, version.path, model.config->signature};
  ASSIGN_OR_RETURN(std::unique_ptr<Model> loaded, backend->Load(request));
  ASSIGN_OR_RETURN(std::unique_ptr<Servable> servable,
                   Servable::Create({model.name, version.version}, std::move(loaded),
                                    options_.servable));
  return Share(std::move(servable));
}

std::shared_ptr<Servable> ServableManager::Share(std::unique_ptr<Servable> servable) {
  {
    absl::MutexLock lock(&mutex_);
    ++live_servables_;
  }
  return std::shared_ptr<Servable>(servable.release(), [this](Servable* released) {
    load_pool_->Schedule([this, released] {
      delete released;
      absl::MutexLock lock(&mutex_);
      --live_servables_;
    });
  });
}

void ServableManager::SetVersion(const std::string& model, ServableVersionStatus status,
                                 std::shared_ptr<Servable> servable) {
  absl::MutexLock lock(&mutex_);
  ModelState& state = models_[model];
  const int64_t version = status.version;
  state.versions[version] = std::move(status);
  if (servable != nullptr) {
    state.servables[version] = std::move(servable);
  } else {
    state.servables.erase(version);
  }
  PublishLocked();
}

void ServableManager::PublishLocked() {
  absl::flat_hash_map<std::string, ModelRoute> routes;
  for (const auto& [name, state] : models_) {
    ModelRoute& route = routes[name];
    route.available = state.servables;
    for (const auto& [version, status] : state.versions) {
      if (status.state == ServableState::kLoading) {
        route.unavailable_reason = StrCat("version ", version, " is loading");
      } else if (!status.status.ok()) {
        route.unavailable_reason =
            StrCat("version ", version, " failed to load: ", status.status.message());
      }
    }
  }
  routing_table_.store(std::make_shared<const RoutingTable>(std::move(routes)));
}

bool ServableManager::IsSettled() const {
  absl::MutexLock lock(&mutex_);
  return loads_in_progress_ == 0;
}

void ServableManager::WaitUntilSettled() const {
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(
      +[](const int* loads) { return *loads == 0; }, &loads_in_progress_));
}

absl::StatusOr<std::vector<ServableVersionStatus>> ServableManager::GetModelStatus(
    std::string_view model, std::optional<int64_t> version) const {
  absl::MutexLock lock(&mutex_);
  auto it = models_.find(ToAbsl(model));
  if (it == models_.end() || it->second.versions.empty()) {
    return absl::NotFoundError(StrCat("Could not find any versions of model ", model));
  }
  const std::map<int64_t, ServableVersionStatus>& versions = it->second.versions;
  std::vector<ServableVersionStatus> result;
  if (version.has_value()) {
    auto found = versions.find(*version);
    if (found == versions.end()) {
      return absl::NotFoundError(
          StrCat("Could not find version ", *version, " of model ", model));
    }
    result.push_back(found->second);
    return result;
  }
  for (auto v = versions.rbegin(); v != versions.rend(); ++v) result.push_back(v->second);
  return result;
}

}  // namespace serval
