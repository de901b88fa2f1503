#ifndef SERVAL_MAIN_MODEL_SOURCES_H_
#define SERVAL_MAIN_MODEL_SOURCES_H_

// ModelSources: tells the ServableManager what to serve and keeps it current.
//
// At start it applies the models of the ServerConfig (a config file, the single-model flags, or
// every folder of --model_repository). Then two pollers run: one rescans the model folders every
// --file_system_poll_wait_seconds (finding new versions, and new model folders of a repository;
// with polling off it still starts due load retries once a second), and one re-reads the config
// file every --model_config_file_poll_wait_seconds. ReloadConfig() is also what SIGHUP and the
// management API call. A config that does not parse or validate is rejected whole; the running
// one stays.
//
// Thread safety: ReloadConfig() may be called from any thread.
//
//   ModelSources sources(config, manager);
//   RETURN_IF_ERROR(sources.Start());

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/periodic_task.h"
#include "config/server_config.h"
#include "manager/servable_manager.h"

namespace serval {

class ModelSources {
 public:
  // `manager` must outlive this object.
  ModelSources(const ServerConfig& config, ServableManager& manager);
  ~ModelSources();  // stops the pollers

  // Applies the configured models and starts the pollers. INVALID_ARGUMENT for a bad config;
  // NOT_FOUND when the repository folder does not exist.
  absl::Status Start();

  // True when the models come from a file that ReloadConfig() can re-read.
  bool HasConfigFile() const;

  // Re-reads the config file and applies it (models absent from it are unloaded). The error, and
  // the running config stays, when it does not parse or validate.
  absl::Status ReloadConfig();

  // Serves `models` instead (ModelService.HandleReloadConfigRequest) and waits until they have
  // loaded or failed. Models absent from the list are unloaded. FAILED_PRECONDITION with
  // --model_repository, whose folders decide the models; the ValidateModelSettingsList error for
  // a bad list, and the running models stay.
  absl::Status ApplyModels(std::vector<ModelSettings> models);

 private:
  absl::Status ApplyRepository();
  void PollModels();
  std::string ReadConfigText() const;
  bool ConfigFileChanged();

  const ServerConfig config_;
  ServableManager& manager_;
  absl::Mutex reload_mutex_;  // one reload at a time
  // The config file as last applied; the poller reloads only when it changes, so that labels and
  // traffic set through the management API since then are not reset.
  std::string last_config_text_ ABSL_GUARDED_BY(reload_mutex_);
  std::unique_ptr<PeriodicTask> folder_poller_;
  std::unique_ptr<PeriodicTask> config_poller_;
};

}  // namespace serval

#endif  // SERVAL_MAIN_MODEL_SOURCES_H_
