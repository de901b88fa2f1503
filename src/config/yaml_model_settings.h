#ifndef SERVAL_CONFIG_YAML_MODEL_SETTINGS_H_
#define SERVAL_CONFIG_YAML_MODEL_SETTINGS_H_

// One entry of the YAML file's model_configs list, turned into ModelSettings.
//
//   - name: resnet
//     path: /models/resnet          # relative: under server_config.model_base_path, if given
//     version_policy: {latest: 2}   # or "all", {specific: [1, 2]}, or `version: 3`
//     labels: {stable: 2, canary: 3}
//     traffic: {stable: 90, canary: 10}
//     batch_size: 32
//     warmup_batch_sizes: [1, 8, 32]
//     instances: 1
//     gpu_device: 0                 # or "cpu"
//     memory_limit: 2GB
//
// docs/configuration.md documents each key. Thread safety: a pure function.

#include <yaml-cpp/yaml.h>

#include <string_view>

#include "absl/status/statusor.h"
#include "core/model_settings.h"

namespace serval {

// `entry` is model_configs[index]; `model_base_path` is server_config.model_base_path ("" when
// not given). The result is validated (ValidateModelSettings). INVALID_ARGUMENT
// "LINE:COLUMN: model_configs[NAME].KEY: ..." for an unknown key or a bad value, and
// "LINE:COLUMN: models[NAME].FIELD: ..." (the entry's position) when validation fails.
absl::StatusOr<ModelSettings> ParseYamlModelSettings(const YAML::Node& entry, size_t index,
                                                     std::string_view model_base_path);

}  // namespace serval

#endif  // SERVAL_CONFIG_YAML_MODEL_SETTINGS_H_
