#ifndef SERVAL_CORE_MANAGED_MODEL_H_
#define SERVAL_CORE_MANAGED_MODEL_H_

// ModelInfo and VersionInfo: a model and its versions as the ServableManager reports them to the
// management API (settings, states, load and warmup times, retries).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/model_settings.h"
#include "core/servable_state.h"

namespace serval {

// One version as the management API shows it.
struct VersionInfo {
  ServableVersionStatus status;  // version, state, and the load error if any
  std::string path;
  absl::Duration load_time;      // reading the model and creating its instances
  absl::Duration warmup_time;    // running it before it took traffic
  int failed_attempts = 0;       // consecutive failed loads
  std::optional<absl::Time> next_retry;
};

// One model as the management API shows it.
struct ModelInfo {
  ModelSettings settings;                        // as configured (labels and traffic as set now)
  bool loaded = true;                            // false after UnloadModel
  absl::Status source_status;                    // why its base path or config.yaml cannot be read
  std::vector<VersionInfo> versions;             // highest first
  std::map<std::string, int64_t> pending_labels; // configured labels whose version is not up yet
};

}  // namespace serval

#endif  // SERVAL_CORE_MANAGED_MODEL_H_
