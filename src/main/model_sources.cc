#include "main/model_sources.h"

#include <fstream>
#include <iterator>

#include "common/logging.h"
#include "common/status_macros.h"
#include "repository/model_repository.h"

namespace serval {

ModelSources::ModelSources(const ServerConfig& config, ServableManager& manager)
    : config_(config), manager_(manager) {}

ModelSources::~ModelSources() {
  config_poller_.reset();
  folder_poller_.reset();
}

bool ModelSources::HasConfigFile() const {
  return !config_.config_file.empty() || !config_.model_config_file.empty();
}

absl::Status ModelSources::Start() {
  {
    absl::MutexLock lock(&reload_mutex_);
    last_config_text_ = ReadConfigText();
  }
  if (!config_.model_repository.empty()) {
    RETURN_IF_ERROR(ApplyRepository());
  } else {
    RETURN_IF_ERROR(manager_.SetModels(config_.models));
  }
  const bool polling = config_.file_system_poll_wait_seconds > 0;
  // With polling off, the poller still starts the load retries that come due.
  folder_poller_ = std::make_unique<PeriodicTask>(
      "poll", absl::Seconds(polling ? config_.file_system_poll_wait_seconds : 1),
      [this, polling] { polling ? PollModels() : manager_.RetryDue(); });
  if (HasConfigFile() && config_.model_config_file_poll_wait_seconds > 0) {
    config_poller_ = std::make_unique<PeriodicTask>(
        "config-poll", absl::Seconds(config_.model_config_file_poll_wait_seconds), [this] {
          if (!ConfigFileChanged()) return;  // labels and traffic set since then stay
          if (absl::Status status = ReloadConfig(); !status.ok()) {
            LogError("config reload rejected, the running config stays: ", status.message());
          }
        });
  }
  return absl::OkStatus();
}

std::string ModelSources::ReadConfigText() const {
  std::ifstream file(config_.config_file.empty() ? config_.model_config_file : config_.config_file);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

bool ModelSources::ConfigFileChanged() {
  absl::MutexLock lock(&reload_mutex_);
  return ReadConfigText() != last_config_text_;
}

absl::Status ModelSources::ApplyRepository() {
  ASSIGN_OR_RETURN(std::vector<ModelSource> models,
                   ModelRepository::ForDirectory(config_.model_repository).Scan());
  return manager_.SetModels(DefaultModelSettings(models));
}

void ModelSources::PollModels() {
  if (!config_.model_repository.empty()) {
    // New model folders join; models already known keep their labels and traffic.
    auto models = ModelRepository::ForDirectory(config_.model_repository).Scan();
    if (models.ok()) {
      for (ModelSettings& settings : DefaultModelSettings(*models)) {
        const std::string name = settings.name;
        if (manager_.AddModel(std::move(settings)).ok()) LogInfo("found new model ", name);
      }
    }
  }
  manager_.PollOnce();
}

absl::Status ModelSources::ApplyModels(std::vector<ModelSettings> models) {
  if (!config_.model_repository.empty()) {
    return absl::FailedPreconditionError(
        "the models come from --model_repository, whose folders decide what is served; a config "
        "cannot replace them");
  }
  {
    absl::MutexLock lock(&reload_mutex_);
    RETURN_IF_ERROR(manager_.SetModels(std::move(models)));
  }
  manager_.WaitUntilSettled();
  return absl::OkStatus();
}

absl::Status ModelSources::ReloadConfig() {
  if (!HasConfigFile()) {
    return absl::UnimplementedError(
        "no config file to reload: the models come from command-line flags");
  }
  absl::MutexLock lock(&reload_mutex_);
  last_config_text_ = ReadConfigText();
  ASSIGN_OR_RETURN(std::vector<ModelSettings> models, LoadModelsConfig(config_));
  if (!config_.model_repository.empty()) {
    RETURN_IF_ERROR(ApplyRepository());
  } else {
    RETURN_IF_ERROR(manager_.SetModels(std::move(models)));
  }
  LogInfo("config reloaded");
  return absl::OkStatus();
}

}  // namespace serval
