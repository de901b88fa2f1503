#include "repository/model_repository.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "common/str_cat.h"
#include "common/status_macros.h"

namespace serval {
namespace {

namespace fs = std::filesystem;

absl::Status CheckDirectory(const std::string& path, std::string_view what) {
  std::error_code error;
  if (fs::is_directory(path, error)) return absl::OkStatus();
  return absl::NotFoundError(StrCat(what, " ", path, " is not a directory"));
}

// Visible subdirectories of `path`.
absl::StatusOr<std::vector<fs::directory_entry>> Subdirectories(const std::string& path) {
  std::error_code error;
  fs::directory_iterator it(path, error);
  if (error) return absl::UnavailableError(StrCat("cannot list ", path, ": ", error.message()));
  std::vector<fs::directory_entry> directories;
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (entry.is_directory(error)) directories.push_back(entry);
  }
  return directories;
}

ModelSource ReadModel(std::string name, std::string base_path) {
  absl::StatusOr<ModelConfig> config = ReadModelConfig(base_path);
  ModelSource model{std::move(name), std::move(base_path), std::move(config), {}};
  auto versions = ListVersions(model.base_path);
  if (versions.ok()) {
    model.versions = std::move(versions).value();
  } else if (model.config.ok()) {
    model.config = versions.status();
  }
  return model;
}

}  // namespace

std::optional<int64_t> ParseVersionName(std::string_view name) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t version = 0;
  if (!absl::SimpleAtoi(ToAbsl(name), &version) || version <= 0) return std::nullopt;
  return version;
}

absl::StatusOr<std::vector<VersionDir>> ListVersions(const std::string& base_path) {
  ASSIGN_OR_RETURN(std::vector<fs::directory_entry> directories, Subdirectories(base_path));
  std::vector<VersionDir> versions;
  for (const fs::directory_entry& entry : directories) {
    std::optional<int64_t> version = ParseVersionName(entry.path().filename().string());
    if (version.has_value()) versions.push_back({*version, entry.path().string()});
  }
  std::sort(versions.begin(), versions.end(),
            [](const VersionDir& a, const VersionDir& b) { return a.version < b.version; });
  return versions;
}

ModelRepository ModelRepository::ForModel(std::string name, std::string base_path) {
  return ModelRepository(std::move(name), std::move(base_path));
}

ModelRepository ModelRepository::ForDirectory(std::string path) {
  return ModelRepository("", std::move(path));
}

absl::StatusOr<std::vector<ModelSource>> ModelRepository::Scan() const {
  std::vector<ModelSource> models;
  if (!name_.empty()) {
    RETURN_IF_ERROR(CheckDirectory(path_, "model base path"));
    models.push_back(ReadModel(name_, path_));
    return models;
  }
  RETURN_IF_ERROR(CheckDirectory(path_, "model repository"));
  ASSIGN_OR_RETURN(std::vector<fs::directory_entry> directories, Subdirectories(path_));
  for (const fs::directory_entry& entry : directories) {
    models.push_back(ReadModel(entry.path().filename().string(), entry.path().string()));
  }
  std::sort(models.begin(), models.end(),
            [](const ModelSource& a, const ModelSource& b) { return a.name < b.name; });
  return models;
}

std::vector<ModelSettings> DefaultModelSettings(const std::vector<ModelSource>& models) {
  std::vector<ModelSettings> settings;
  for (const ModelSource& model : models) {
    settings.push_back({.name = model.name, .base_path = model.base_path});
  }
  return settings;
}

}  // namespace serval
