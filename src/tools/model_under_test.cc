#include "tools/model_under_test.h"

#include <filesystem>
#include <vector>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "repository/model_config.h"
#include "repository/model_repository.h"

namespace serval {
namespace {

absl::StatusOr<VersionDir> ChooseVersion(const std::string& base_path,
                                         std::optional<int64_t> version) {
  ASSIGN_OR_RETURN(std::vector<VersionDir> versions, ListVersions(base_path));
  if (versions.empty()) {
    return absl::NotFoundError(StrCat(base_path, " holds no version folder (1, 2, ...)"));
  }
  if (!version.has_value()) return versions.back();
  for (const VersionDir& dir : versions) {
    if (dir.version == *version) return dir;
  }
  return absl::NotFoundError(StrCat(base_path, " has no version ", *version));
}

// "models/mlp/" -> "mlp".
std::string FolderName(const std::string& path) {
  std::filesystem::path normal = std::filesystem::path(path).lexically_normal();
  if (normal.filename().empty()) normal = normal.parent_path();
  return normal.filename().string();
}

}  // namespace

absl::StatusOr<ModelUnderTest> LoadModelUnderTest(const std::string& base_path, std::string name,
                                                  std::optional<int64_t> version,
                                                  std::string_view device,
                                                  const BackendRegistry& registry) {
  ModelUnderTest loaded;
  loaded.name = name.empty() ? FolderName(base_path) : std::move(name);
  ASSIGN_OR_RETURN(VersionDir dir, ChooseVersion(base_path, version));
  ASSIGN_OR_RETURN(ModelConfig config, ReadModelConfig(base_path));
  ASSIGN_OR_RETURN(Backend * backend, registry.Find(config.platform));
  loaded.version = dir.version;
  loaded.version_path = dir.path;
  ASSIGN_OR_RETURN(loaded.model, backend->Load({loaded.name, dir.path, config.signature}));
  ASSIGN_OR_RETURN(loaded.instance, loaded.model->CreateInstance(device));
  return loaded;
}

}  // namespace serval
