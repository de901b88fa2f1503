#include "protocol/repository_index.h"

#include "common/str_cat.h"

namespace serval {
namespace {

std::string_view TritonState(ServableState state) {
  switch (state) {
    case ServableState::kAvailable:
      return "READY";
    case ServableState::kLoading:
      return "LOADING";
    case ServableState::kUnloading:
      return "UNLOADING";
    default:
      return "UNAVAILABLE";
  }
}

}  // namespace

std::vector<RepositoryIndexEntry> BuildRepositoryIndex(const std::vector<ModelInfo>& models,
                                                       bool ready_only) {
  std::vector<RepositoryIndexEntry> entries;
  for (const ModelInfo& model : models) {
    if (model.versions.empty()) {
      if (!ready_only) {
        entries.push_back({model.settings.name, 0, TritonState(ServableState::kEnd),
                           std::string(FromAbsl(model.source_status.message()))});
      }
      continue;
    }
    for (const VersionInfo& version : model.versions) {
      if (ready_only && version.status.state != ServableState::kAvailable) continue;
      entries.push_back({model.settings.name, version.status.version,
                         TritonState(version.status.state),
                         std::string(FromAbsl(version.status.status.message()))});
    }
  }
  return entries;
}

}  // namespace serval
