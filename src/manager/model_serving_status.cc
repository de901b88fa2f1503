#include "manager/model_serving_status.h"

#include "common/str_cat.h"

namespace serval {

absl::Status ModelServingStatus(const ServableManager& manager, const std::string& model) {
  absl::StatusOr<ModelInfo> info = manager.GetModelInfo(model);
  if (!info.ok()) return info.status();
  absl::Status reason = absl::UnavailableError(StrCat("model ", model, " has no version to load"));
  for (const VersionInfo& version : info->versions) {
    if (version.status.state == ServableState::kAvailable) return absl::OkStatus();
    if (!version.status.status.ok()) {
      reason = absl::InvalidArgumentError(StrCat("failed to load model ", model, " version ",
                                                 version.status.version, ": ",
                                                 version.status.status.message()));
    }
  }
  if (!info->source_status.ok()) reason = info->source_status;
  return reason;
}

}  // namespace serval
