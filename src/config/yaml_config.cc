#include "config/yaml_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "config/batching_parameters_file.h"
#include "config/server_flags.h"
#include "config/text_file.h"
#include "config/yaml_fields.h"
#include "config/yaml_model_settings.h"
#include "tensorflow_serving/servables/tensorflow/session_bundle_config.pb.h"

namespace serval {
namespace {

// The message of `error` behind the file's name: "FILE:LINE:COLUMN: ..." or "FILE: ...".
absl::Status InFile(std::string_view source_name, const absl::Status& error) {
  const std::string_view message = FromAbsl(error.message());
  const bool located = !message.empty() && std::isdigit(static_cast<unsigned char>(message[0]));
  return absl::Status(error.code(), StrCat(source_name, located ? ":" : ": ", message));
}

// A flag's value as the flag's setter takes it.
absl::StatusOr<std::string> FlagValue(const ServerFlag& flag, const YAML::Node& node,
                                      std::string_view path) {
  switch (flag.kind) {
    case ServerFlag::Kind::kBoolean: {
      ASSIGN_OR_RETURN(bool value, ReadBoolean(node, path));
      return std::string(value ? "true" : "false");
    }
    case ServerFlag::Kind::kInteger: {
      ASSIGN_OR_RETURN(int64_t value, ReadInteger(node, path));
      return StrCat(value);
    }
    case ServerFlag::Kind::kString:
      break;
  }
  return ReadString(node, path);
}

// Sets the flag called `key` from its YAML value.
absl::Status ApplyFlag(std::string_view key, const YAML::Node& key_node, const YAML::Node& value,
                       std::string_view path, ServerConfig& config) {
  const ServerFlag* flag = FindServerFlag(key);
  if (flag == nullptr || !flag->in_yaml) {
    return YamlError(key_node, path,
                     "unknown key; server_config takes the flags of `serval serve --help` by "
                     "name, model_base_path and batching_parameters");
  }
  ASSIGN_OR_RETURN(std::string text, FlagValue(*flag, value, path));
  if (absl::Status set = flag->set(text, config); !set.ok()) {
    return YamlError(value, path, FromAbsl(set.message()));
  }
  return absl::OkStatus();
}

// The Int64Value field of BatchingParameters called `key`.
google::protobuf::Int64Value* Int64Field(std::string_view key,
                                         tensorflow::serving::BatchingParameters& proto) {
  if (key == "max_batch_size") return proto.mutable_max_batch_size();
  if (key == "batch_timeout_micros") return proto.mutable_batch_timeout_micros();
  if (key == "max_enqueued_batches") return proto.mutable_max_enqueued_batches();
  if (key == "num_batch_threads") return proto.mutable_num_batch_threads();
  return proto.mutable_max_execution_batch_size();
}

// The one batching parameter TF Serving's BatchingParameters lacks (Triton's idea).
constexpr std::string_view kPreferredBatchSizes = "preferred_batch_sizes";

// batching_parameters: the fields of TF Serving's BatchingParameters
// (shared/docs/protocols.md 2.10) by name, plain values rather than wrapper messages.
absl::StatusOr<tensorflow::serving::BatchingParameters> BatchingParametersMessage(
    const YAML::Node& node, std::string_view path) {
  RETURN_IF_ERROR(CheckKeys(
      node, path,
      {"max_batch_size", "batch_timeout_micros", "max_enqueued_batches", "num_batch_threads",
       "max_execution_batch_size", "thread_pool_name", "enable_large_batch_splitting",
       "allowed_batch_sizes", "pad_variable_length_inputs", kPreferredBatchSizes}));
  tensorflow::serving::BatchingParameters proto;
  for (const auto& entry : node) {
    const std::string& key = entry.first.Scalar();
    const std::string key_path = StrCat(path, ".", key);
    if (key == kPreferredBatchSizes) {
      continue;  // Serval's own; read by ApplyBatchingParameters
    } else if (key == "thread_pool_name") {
      ASSIGN_OR_RETURN(*proto.mutable_thread_pool_name()->mutable_value(),
                       ReadString(entry.second, key_path));
    } else if (key == "enable_large_batch_splitting") {
      ASSIGN_OR_RETURN(bool value, ReadBoolean(entry.second, key_path));
      proto.mutable_enable_large_batch_splitting()->set_value(value);
    } else if (key == "pad_variable_length_inputs") {
      ASSIGN_OR_RETURN(bool value, ReadBoolean(entry.second, key_path));
      proto.set_pad_variable_length_inputs(value);
    } else if (key == "allowed_batch_sizes") {
      ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ReadIntegerList(entry.second, key_path));
      for (int64_t size : sizes) proto.add_allowed_batch_sizes(size);
    } else {
      ASSIGN_OR_RETURN(int64_t value, ReadInteger(entry.second, key_path));
      Int64Field(key, proto)->set_value(value);
    }
  }
  return proto;
}

// batching_parameters as BatchingSettings (its `enabled` left as it was), with the errors of
// BatchingSettingsFromProto at the key they are about.
absl::Status ApplyBatchingParameters(const YAML::Node& node, std::string_view path,
                                     ServerConfig& config) {
  ASSIGN_OR_RETURN(tensorflow::serving::BatchingParameters proto,
                   BatchingParametersMessage(node, path));
  absl::StatusOr<BatchingSettings> settings = BatchingSettingsFromProto(proto);
  if (settings.ok() && node[std::string(kPreferredBatchSizes)]) {
    const std::string key_path = StrCat(path, ".", kPreferredBatchSizes);
    ASSIGN_OR_RETURN(settings->preferred_batch_sizes,
                     ReadIntegerList(node[std::string(kPreferredBatchSizes)], key_path));
    absl::Status valid = ValidateBatchingSettings(*settings);
    if (!valid.ok()) settings = valid;
  }
  if (!settings.ok()) {
    const BatchingParametersError error =
        SplitBatchingParametersError(FromAbsl(settings.status().message()));
    if (error.field.empty()) return YamlError(node, path, error.message);
    const YAML::Node field = node[std::string(error.field)];
    return YamlError(field ? field : node, StrCat(path, ".", error.field), error.message);
  }
  settings->enabled = config.batching.enabled;
  config.batching = *std::move(settings);
  return absl::OkStatus();
}

// server_config: flags by name, plus model_base_path (returned) and batching_parameters.
absl::StatusOr<std::string> ApplyServerSection(const YAML::Node& node, ServerConfig& config) {
  RETURN_IF_ERROR(CheckMapping(node, "server_config"));
  std::string model_base_path;
  for (const auto& entry : node) {
    const std::string& key = entry.first.Scalar();
    const std::string path = StrCat("server_config.", key);
    if (key == "model_base_path") {
      ASSIGN_OR_RETURN(model_base_path, ReadString(entry.second, path));
    } else if (key == "batching_parameters") {
      RETURN_IF_ERROR(ApplyBatchingParameters(entry.second, path, config));
    } else {
      RETURN_IF_ERROR(ApplyFlag(key, entry.first, entry.second, path, config));
    }
  }
  return model_base_path;
}

absl::Status ApplyMonitoringSection(const YAML::Node& node, ServerConfig& config) {
  RETURN_IF_ERROR(
      CheckKeys(node, "monitoring", {"prometheus_endpoint", "log_level", "alert_thresholds"}));
  for (const auto& entry : node) {
    const std::string& key = entry.first.Scalar();
    const std::string path = StrCat("monitoring.", key);
    if (key == "alert_thresholds") {
      ASSIGN_OR_RETURN(config.alert_thresholds, ReadNumberMap(entry.second, path));
    } else {
      RETURN_IF_ERROR(ApplyFlag(key, entry.first, entry.second, path, config));
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyModelsSection(const YAML::Node& root, std::string_view model_base_path,
                                ServerConfig& config) {
  const YAML::Node list = root["model_configs"];
  std::vector<ModelSettings> models;
  if (list && !list.IsNull()) {
    if (!list.IsSequence()) return YamlError(list, "model_configs", "must be a list of models");
    for (size_t i = 0; i < list.size(); ++i) {
      ASSIGN_OR_RETURN(ModelSettings settings, ParseYamlModelSettings(list[i], i, model_base_path));
      models.push_back(std::move(settings));
    }
  }
  if (!models.empty()) {
    RETURN_IF_ERROR(ValidateModelSettingsList(models));
    config.models = std::move(models);
    config.model_repository.clear();
  } else if (!model_base_path.empty()) {
    config.models.clear();
    config.model_repository = std::string(model_base_path);
  } else {
    return absl::InvalidArgumentError(
        "names no models: give model_configs, or server_config.model_base_path naming a folder "
        "of models");
  }
  return absl::OkStatus();
}

absl::Status ApplyRoot(const YAML::Node& root, ServerConfig& config) {
  if (!root.IsDefined() || root.IsNull()) {
    return absl::InvalidArgumentError("is empty: give model_configs or server_config");
  }
  RETURN_IF_ERROR(CheckKeys(root, "", {"model_configs", "server_config", "monitoring"}));
  std::string model_base_path;
  if (root["server_config"]) {
    ASSIGN_OR_RETURN(model_base_path, ApplyServerSection(root["server_config"], config));
  }
  if (root["monitoring"]) RETURN_IF_ERROR(ApplyMonitoringSection(root["monitoring"], config));
  return ApplyModelsSection(root, model_base_path, config);
}

}  // namespace

absl::Status ApplyYamlConfig(std::string_view text, std::string_view source_name,
                             ServerConfig& config) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    absl::Status status = ApplyRoot(root, config);
    if (!status.ok()) return InFile(source_name, status);
    return absl::OkStatus();
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return absl::InvalidArgumentError(StrCat(source_name, ": ", e.msg));
    return absl::InvalidArgumentError(
        StrCat(source_name, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg));
  }
}

absl::Status ApplyYamlConfigFile(const std::string& path, ServerConfig& config) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ApplyYamlConfig(text, path, config);
}

}  // namespace serval
