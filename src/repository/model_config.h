#ifndef SERVAL_REPOSITORY_MODEL_CONFIG_H_
#define SERVAL_REPOSITORY_MODEL_CONFIG_H_

// ModelConfig: what a model's optional <base>/<model>/config.yaml says about it.
//
//   platform: torchscript          # the backend; torchscript is the default
//   signature_name: serving_default
//   inputs:
//     - name: x
//       dtype: fp32                # fp32, int64, bytes, ... (see ParseDataType)
//       shape: [-1, 4]             # -1: any size
//   outputs:
//     - name: y
//       dtype: fp32
//       shape: [-1, 4]
//
// Unknown keys are errors, so a typo does not silently change how a model is served.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/signature.h"

namespace serval {

inline constexpr char kModelConfigFileName[] = "config.yaml";

struct ModelConfig {
  std::string platform = "torchscript";
  // Present when the file declares inputs or outputs.
  std::optional<Signature> signature;
};

// INVALID_ARGUMENT naming the key at fault for malformed YAML, unknown keys, bad dtypes or
// shapes, and duplicate or empty tensor names.
absl::StatusOr<ModelConfig> ParseModelConfig(std::string_view yaml);

// Reads <model_base_path>/config.yaml; a model without one gets the defaults.
absl::StatusOr<ModelConfig> ReadModelConfig(const std::string& model_base_path);

}  // namespace serval

#endif  // SERVAL_REPOSITORY_MODEL_CONFIG_H_
