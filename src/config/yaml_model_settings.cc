#include "config/yaml_model_settings.h"

#include <filesystem>
#include <limits>
#include <string>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "config/byte_size.h"
#include "config/yaml_fields.h"

namespace serval {
namespace {

// "model_configs[resnet]", or "model_configs[2]" while the name is unknown.
std::string EntryPath(const YAML::Node& entry, size_t index) {
  const YAML::Node name = entry.IsMap() ? entry["name"] : YAML::Node();
  if (name && name.IsScalar() && !name.Scalar().empty()) {
    return StrCat("model_configs[", name.Scalar(), "]");
  }
  return StrCat("model_configs[", index, "]");
}

absl::StatusOr<VersionPolicy> ReadVersionPolicy(const YAML::Node& node, std::string_view path) {
  constexpr std::string_view kForms = "must be \"all\", {latest: N}, {all: {}} or {specific: [..]}";
  if (node.IsScalar()) {
    if (node.Scalar() == "all") return VersionPolicy::All();
    if (node.Scalar() == "latest") return VersionPolicy::Latest(1);
    return YamlError(node, path, StrCat(kForms, ", got '", node.Scalar(), "'"));
  }
  RETURN_IF_ERROR(CheckKeys(node, path, {"latest", "all", "specific"}));
  if (node.size() != 1) return YamlError(node, path, StrCat(kForms, " (one of them)"));
  if (node["latest"]) {
    ASSIGN_OR_RETURN(int64_t latest, ReadInteger(node["latest"], StrCat(path, ".latest")));
    return VersionPolicy::Latest(latest);
  }
  if (node["specific"]) {
    ASSIGN_OR_RETURN(std::vector<int64_t> versions,
                     ReadIntegerList(node["specific"], StrCat(path, ".specific")));
    return VersionPolicy::Specific(std::move(versions));
  }
  const YAML::Node all = node["all"];
  if (!all.IsNull() && !(all.IsMap() && all.size() == 0)) {
    return YamlError(all, StrCat(path, ".all"), "takes no value; write {all: {}} or \"all\"");
  }
  return VersionPolicy::All();
}

// gpu_device: N -> "cuda:N"; "cpu" and "cuda:N" as they are.
absl::StatusOr<std::string> ReadDevice(const YAML::Node& node, std::string_view path) {
  ASSIGN_OR_RETURN(std::string text, ReadString(node, path));
  if (text == "cpu" || text.rfind("cuda:", 0) == 0) return text;
  auto ordinal = ReadInteger(node, path);
  if (!ordinal.ok() || *ordinal < 0) {
    return YamlError(
        node, path,
        StrCat("must be a GPU number (0, 1, ...), \"cpu\" or \"cuda:N\", got '", text, "'"));
  }
  return StrCat("cuda:", *ordinal);
}

absl::StatusOr<int> ReadInstances(const YAML::Node& node, std::string_view path) {
  ASSIGN_OR_RETURN(int64_t instances, ReadInteger(node, path));
  if (instances < 0 || instances > std::numeric_limits<int>::max()) {
    return YamlError(node, path, StrCat("must be a count >= 0, got ", instances));
  }
  return static_cast<int>(instances);
}

absl::StatusOr<int64_t> ReadMemoryLimit(const YAML::Node& node, std::string_view path) {
  ASSIGN_OR_RETURN(std::string text, ReadString(node, path));
  auto bytes = ParseByteSize(text);
  if (!bytes.ok()) return YamlError(node, path, FromAbsl(bytes.status().message()));
  return *bytes;
}

// `path` under the model_base_path when relative; model_base_path/name when not given.
absl::StatusOr<std::string> ReadBasePath(const YAML::Node& entry, std::string_view entry_path,
                                         std::string_view name, std::string_view model_base_path) {
  const std::string path = StrCat(entry_path, ".path");
  if (!entry["path"]) {
    if (model_base_path.empty()) {
      return YamlError(entry, path, "is missing (or give server_config.model_base_path)");
    }
    return (std::filesystem::path(model_base_path) / name).string();
  }
  ASSIGN_OR_RETURN(std::string base_path, ReadString(entry["path"], path));
  if (base_path.empty()) return YamlError(entry["path"], path, "is empty");
  if (model_base_path.empty() || std::filesystem::path(base_path).is_absolute()) return base_path;
  return (std::filesystem::path(model_base_path) / base_path).string();
}

absl::Status ReadVersions(const YAML::Node& entry, std::string_view path, ModelSettings& settings) {
  if (entry["version"] && entry["version_policy"]) {
    return YamlError(entry["version"], StrCat(path, ".version"),
                     "give version or version_policy, not both");
  }
  if (entry["version"]) {
    ASSIGN_OR_RETURN(int64_t version, ReadInteger(entry["version"], StrCat(path, ".version")));
    settings.version_policy = VersionPolicy::Specific({version});
  }
  if (entry["version_policy"]) {
    ASSIGN_OR_RETURN(settings.version_policy,
                     ReadVersionPolicy(entry["version_policy"], StrCat(path, ".version_policy")));
  }
  if (entry["labels"]) {
    ASSIGN_OR_RETURN(settings.labels, ReadIntegerMap(entry["labels"], StrCat(path, ".labels")));
  }
  if (entry["traffic"]) {
    ASSIGN_OR_RETURN(settings.traffic, ReadIntegerMap(entry["traffic"], StrCat(path, ".traffic")));
  }
  return absl::OkStatus();
}

absl::Status ReadResources(const YAML::Node& entry, std::string_view path,
                           ModelSettings& settings) {
  if (entry["batch_size"]) {
    ASSIGN_OR_RETURN(settings.batch_size,
                     ReadInteger(entry["batch_size"], StrCat(path, ".batch_size")));
  }
  if (entry["warmup_batch_sizes"]) {
    ASSIGN_OR_RETURN(
        settings.warmup_batch_sizes,
        ReadIntegerList(entry["warmup_batch_sizes"], StrCat(path, ".warmup_batch_sizes")));
  } else {
    settings.warmup_batch_sizes = {1};
    if (settings.batch_size > 1) settings.warmup_batch_sizes.push_back(settings.batch_size);
  }
  if (entry["instances"]) {
    ASSIGN_OR_RETURN(settings.instances,
                     ReadInstances(entry["instances"], StrCat(path, ".instances")));
  }
  if (entry["gpu_device"]) {
    ASSIGN_OR_RETURN(settings.device, ReadDevice(entry["gpu_device"], StrCat(path, ".gpu_device")));
  }
  if (entry["memory_limit"]) {
    ASSIGN_OR_RETURN(settings.memory_limit_bytes,
                     ReadMemoryLimit(entry["memory_limit"], StrCat(path, ".memory_limit")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ModelSettings> ParseYamlModelSettings(const YAML::Node& entry, size_t index,
                                                     std::string_view model_base_path) {
  const std::string path = EntryPath(entry, index);
  RETURN_IF_ERROR(
      CheckKeys(entry, path,
                {"name", "path", "version", "version_policy", "labels", "traffic", "batch_size",
                 "warmup_batch_sizes", "instances", "gpu_device", "memory_limit"}));
  ModelSettings settings;
  if (!entry["name"]) return YamlError(entry, StrCat(path, ".name"), "is missing");
  ASSIGN_OR_RETURN(settings.name, ReadString(entry["name"], StrCat(path, ".name")));
  ASSIGN_OR_RETURN(settings.base_path, ReadBasePath(entry, path, settings.name, model_base_path));
  RETURN_IF_ERROR(ReadVersions(entry, path, settings));
  RETURN_IF_ERROR(ReadResources(entry, path, settings));
  if (absl::Status valid = ValidateModelSettings(settings); !valid.ok()) {
    return YamlError(entry, "", FromAbsl(valid.message()));
  }
  return settings;
}

}  // namespace serval
