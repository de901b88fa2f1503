#ifndef SERVAL_REPOSITORY_MODEL_REPOSITORY_H_
#define SERVAL_REPOSITORY_MODEL_REPOSITORY_H_

// ModelRepository: the Source. It reads TF Serving's layout from disk,
//
//   <repository>/<model>/config.yaml        (optional, see model_config.h)
//   <repository>/<model>/<version>/...      (version: a positive integer, e.g. 1 or 00000123)
//
// and reports which models and complete version folders are there. A name that starts with '.'
// or is not a positive integer is ignored, so a publisher writes a version into a hidden folder
// and renames it into place, and Serval never sees it half written.
//
// Thread safety: immutable after construction; Scan() may be called from any thread.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model_settings.h"
#include "repository/model_config.h"

namespace serval {

struct VersionDir {
  int64_t version = 0;
  std::string path;
};

struct ModelSource {
  std::string name;
  std::string base_path;
  absl::StatusOr<ModelConfig> config;
  std::vector<VersionDir> versions;  // ascending
};

class ModelRepository {
 public:
  // One model, as TF Serving's --model_name and --model_base_path.
  static ModelRepository ForModel(std::string name, std::string base_path);
  // Every (non-hidden) folder of `path` is a model named after the folder.
  static ModelRepository ForDirectory(std::string path);

  // What is on disk now, models sorted by name. NOT_FOUND when the repository folder (or the one
  // model's base path) does not exist.
  absl::StatusOr<std::vector<ModelSource>> Scan() const;

 private:
  ModelRepository(std::string name, std::string path) : name_(std::move(name)), path_(std::move(path)) {}

  std::string name_;  // empty for a directory of models
  std::string path_;
};

// Default settings for each model found (name and base path; latest version only), as served
// with --model_repository.
std::vector<ModelSettings> DefaultModelSettings(const std::vector<ModelSource>& models);

// The complete version folders under one model's base path, ascending.
absl::StatusOr<std::vector<VersionDir>> ListVersions(const std::string& base_path);

// The version a folder name stands for, or nullopt when the name is hidden or not a positive
// integer.
std::optional<int64_t> ParseVersionName(std::string_view name);

}  // namespace serval

#endif  // SERVAL_REPOSITORY_MODEL_REPOSITORY_H_
