#include "config/model_config_file.h"

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "config/text_file.h"
#include "config/text_proto.h"
#include "tensorflow_serving/config/model_server_config.pb.h"

namespace serval {
namespace {

using tensorflow::serving::FileSystemStoragePathSourceConfig;
using tensorflow::serving::ModelConfig;
using tensorflow::serving::ModelServerConfig;

VersionPolicy VersionPolicyFromProto(
    const FileSystemStoragePathSourceConfig::ServableVersionPolicy& policy) {
  using Policy = FileSystemStoragePathSourceConfig::ServableVersionPolicy;
  switch (policy.policy_choice_case()) {
    case Policy::kLatest:
      return VersionPolicy::Latest(
          policy.latest().num_versions() == 0 ? 1 : int64_t{policy.latest().num_versions()});
    case Policy::kAll:
      return VersionPolicy::All();
    case Policy::kSpecific:
      return VersionPolicy::Specific(
          {policy.specific().versions().begin(), policy.specific().versions().end()});
    case Policy::POLICY_CHOICE_NOT_SET:
      break;
  }
  return VersionPolicy::Latest(1);
}

ModelSettings ModelSettingsFromModelConfig(const ModelConfig& model) {
  ModelSettings settings;
  settings.name = model.name();
  settings.base_path = model.base_path();
  settings.version_policy = VersionPolicyFromProto(model.model_version_policy());
  for (const auto& [label, version] : model.version_labels()) settings.labels[label] = version;
  return settings;
}

}  // namespace

absl::StatusOr<std::vector<ModelSettings>> ModelSettingsFromProto(const ModelServerConfig& config) {
  if (config.config_case() == ModelServerConfig::kCustomModelConfig) {
    return absl::InvalidArgumentError("custom_model_config: only model_config_list is supported");
  }
  std::vector<ModelSettings> models;
  for (const ModelConfig& model : config.model_config_list().config()) {
    models.push_back(ModelSettingsFromModelConfig(model));
  }
  RETURN_IF_ERROR(ValidateModelSettingsList(models));
  return models;
}

absl::StatusOr<std::vector<ModelSettings>> ParseModelConfigText(std::string_view text,
                                                                std::string_view source_name) {
  ModelServerConfig proto;
  RETURN_IF_ERROR(ParseTextProto(text, source_name, proto));
  auto models = ModelSettingsFromProto(proto);
  if (!models.ok()) {
    return absl::InvalidArgumentError(StrCat(source_name, ": ", models.status().message()));
  }
  return models;
}

absl::StatusOr<std::vector<ModelSettings>> ReadModelConfigFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseModelConfigText(text, path);
}

}  // namespace serval
