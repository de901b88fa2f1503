#ifndef SERVAL_CONFIG_YAML_CONFIG_H_
#define SERVAL_CONFIG_YAML_CONFIG_H_

// Serval's YAML config file (--config): the models to serve, server settings and monitoring, in
// one file. Strict: an unknown key is an error naming its key path.
//
//   model_configs:                 # the models (yaml_model_settings.h has every key)
//     - name: resnet
//       path: /models/resnet
//   server_config:                 # any flag by its name (port, rest_api_port, num_load_threads,
//     port: 8500                   # ...), plus model_base_path and batching_parameters
//     model_base_path: /models     # a folder of models when model_configs is empty
//     batching_parameters: {max_batch_size: 32, batch_timeout_micros: 1000}
//   monitoring:
//     prometheus_endpoint: /metrics
//     log_level: info
//     alert_thresholds: {p99_latency_ms: 100, error_rate: 0.01}
//
// docs/configuration.md documents the schema. Errors read "FILE:LINE:COLUMN: KEY.PATH: message".
// Thread safety: pure functions (a file is read; nothing else is shared).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config/server_config.h"
#include "core/model_settings.h"

namespace serval {

// Applies the file's settings to `config`: server_config and monitoring override its fields;
// model_configs become config.models (validated whole), or, when there are none,
// server_config.model_base_path becomes config.model_repository. Does not set config_file.
// INVALID_ARGUMENT starting with `source_name` for bad YAML, an unknown key, a bad value, or a
// file that names no models.
absl::Status ApplyYamlConfig(std::string_view text, std::string_view source_name,
                             ServerConfig& config);

// ApplyYamlConfig of the file at `path`; NOT_FOUND when it does not exist.
absl::Status ApplyYamlConfigFile(const std::string& path, ServerConfig& config);

}  // namespace serval

#endif  // SERVAL_CONFIG_YAML_CONFIG_H_
