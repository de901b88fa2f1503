#ifndef SERVAL_CONFIG_MODEL_CONFIG_FILE_H_
#define SERVAL_CONFIG_MODEL_CONFIG_FILE_H_

// TF Serving's --model_config_file: the text form of tensorflow.serving.ModelServerConfig
// (shared/docs/protocols.md 2.9, proto/tensorflow_serving/config/model_server_config.proto), turned
// into the ModelSettings the manager applies.
//
//   model_config_list {
//     config {
//       name: "resnet"  base_path: "/models/resnet"
//       model_version_policy { specific { versions: 2 versions: 3 } }
//       version_labels { key: "stable" value: 2 }
//     }
//   }
//
// Mapping: name, base_path; model_version_policy latest (num_versions 0 means 1) / all /
// specific, absent: latest 1; version_labels -> labels. model_platform is accepted whatever it
// says (the model folder's config.yaml names the backend); model_type and logging_config are
// accepted and ignored. custom_model_config is refused, as TF Serving's own server does.
//
// Thread safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/model_settings.h"

// Generated from proto/ into the build tree (tensorflow_serving/config/model_server_config.pb.h).
namespace tensorflow::serving {
class ModelServerConfig;
}  // namespace tensorflow::serving

namespace serval {

// The models of a parsed ModelServerConfig (e.g. the body of a HandleReloadConfigRequest),
// validated whole. An empty config is an empty list. INVALID_ARGUMENT "only model_config_list is
// supported" for custom_model_config; the ValidateModelSettingsList error otherwise.
absl::StatusOr<std::vector<ModelSettings>> ModelSettingsFromProto(
    const tensorflow::serving::ModelServerConfig& config);

// Parses the text and converts it. Errors start with `source_name`, then the line and column
// where the text parser gives one ("models.config:4:7: ...").
absl::StatusOr<std::vector<ModelSettings>> ParseModelConfigText(std::string_view text,
                                                                std::string_view source_name);

// ParseModelConfigText of the file at `path`; NOT_FOUND when it does not exist.
absl::StatusOr<std::vector<ModelSettings>> ReadModelConfigFile(const std::string& path);

}  // namespace serval

#endif  // SERVAL_CONFIG_MODEL_CONFIG_FILE_H_
