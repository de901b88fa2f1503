#include "repository/model_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "absl/container/flat_hash_set.h"
#include "common/str_cat.h"
#include "common/status_macros.h"

namespace serval {
namespace {

absl::Status CheckKeys(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                       std::string_view where) {
  if (!node.IsMap()) return absl::InvalidArgumentError(StrCat(where, " must be a mapping"));
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return absl::InvalidArgumentError(StrCat("unknown key '", key, "' in ", where));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TensorSpec> ParseTensorSpec(const YAML::Node& node, std::string_view where) {
  RETURN_IF_ERROR(CheckKeys(node, {"name", "dtype", "shape"}, where));
  TensorSpec spec;
  if (!node["name"] || node["name"].as<std::string>().empty()) {
    return absl::InvalidArgumentError(StrCat(where, " needs a name"));
  }
  spec.name = node["name"].as<std::string>();
  if (node["dtype"]) {
    const std::string dtype = node["dtype"].as<std::string>();
    std::optional<DataType> parsed = ParseDataType(dtype);
    if (!parsed.has_value()) {
      return absl::InvalidArgumentError(
          StrCat("unknown dtype '", dtype, "' for '", spec.name, "'"));
    }
    spec.dtype = *parsed;
  }
  if (node["shape"]) {
    if (!node["shape"].IsSequence()) {
      return absl::InvalidArgumentError(
          StrCat("shape of '", spec.name, "' must be a list like [-1, 4]"));
    }
    for (const YAML::Node& dim : node["shape"]) {
      const int64_t size = dim.as<int64_t>();
      if (size < -1) {
        return absl::InvalidArgumentError(
            StrCat("shape of '", spec.name, "' has dimension ", size, "; use -1 for any"));
      }
      spec.shape.push_back(size);
    }
    spec.has_shape = true;
  }
  return spec;
}

absl::StatusOr<std::vector<TensorSpec>> ParseTensorSpecs(const YAML::Node& node,
                                                         std::string_view key) {
  std::vector<TensorSpec> specs;
  if (!node) return specs;
  if (!node.IsSequence()) {
    return absl::InvalidArgumentError(StrCat("'", key, "' must be a list"));
  }
  absl::flat_hash_set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    ASSIGN_OR_RETURN(TensorSpec spec, ParseTensorSpec(node[i], StrCat(key, "[", i, "]")));
    if (!names.insert(spec.name).second) {
      return absl::InvalidArgumentError(StrCat("duplicate name '", spec.name, "' in ", key));
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

absl::StatusOr<ModelConfig> ParseNode(const YAML::Node& root) {
  ModelConfig config;
  if (!root || root.IsNull()) return config;  // an empty file: all defaults
  RETURN_IF_ERROR(
      CheckKeys(root, {"platform", "signature_name", "inputs", "outputs"}, "config.yaml"));
  if (root["platform"]) config.platform = root["platform"].as<std::string>();
  if (root["inputs"] || root["outputs"] || root["signature_name"]) {
    Signature signature;
    if (root["signature_name"]) signature.name = root["signature_name"].as<std::string>();
    ASSIGN_OR_RETURN(signature.inputs, ParseTensorSpecs(root["inputs"], "inputs"));
    ASSIGN_OR_RETURN(signature.outputs, ParseTensorSpecs(root["outputs"], "outputs"));
    config.signature = std::move(signature);
  }
  return config;
}

}  // namespace

absl::StatusOr<ModelConfig> ParseModelConfig(std::string_view yaml) {
  try {
    return ParseNode(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("invalid YAML: ", e.what()));
  }
}

absl::StatusOr<ModelConfig> ReadModelConfig(const std::string& model_base_path) {
  const std::filesystem::path path = std::filesystem::path(model_base_path) / kModelConfigFileName;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return ModelConfig{};
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) return absl::UnavailableError(StrCat("cannot read ", path.string()));
  auto config = ParseModelConfig(text.str());
  if (!config.ok()) {
    return absl::InvalidArgumentError(StrCat(path.string(), ": ", config.status().message()));
  }
  return config;
}

}  // namespace serval
