#ifndef SERVAL_CONFIG_YAML_FIELDS_H_
#define SERVAL_CONFIG_YAML_FIELDS_H_

// Strict, typed reads of YAML nodes for Serval's config file, with errors that say where:
// "LINE:COLUMN: PATH: message", where PATH is the key path ("model_configs[resnet].labels.stable")
// and the position is 1-based. The caller puts the file name in front.
//
//   RETURN_IF_ERROR(CheckKeys(node, path, {"name", "path"}));
//   ASSIGN_OR_RETURN(int64_t size, ReadInteger(node["batch_size"], StrCat(path, ".batch_size")));
//
// Every Read* takes a node that is there (check `if (node["key"])` first; a missing required key is
// reported with YamlError on the node that should hold it). Thread safety: pure functions.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace serval {

// INVALID_ARGUMENT "LINE:COLUMN: PATH: message" at `node`'s position ("PATH: message" when it
// has none).
absl::Status YamlError(const YAML::Node& node, std::string_view path, std::string_view message);

// `node` must be a mapping whose keys are all in `allowed` and none given twice; an unknown key is
// reported with its path and the keys that are allowed.
absl::Status CheckKeys(const YAML::Node& node, std::string_view path,
                       std::initializer_list<std::string_view> allowed);

// A mapping whose keys are strings, each once.
absl::Status CheckMapping(const YAML::Node& node, std::string_view path);

absl::StatusOr<std::string> ReadString(const YAML::Node& node, std::string_view path);
absl::StatusOr<int64_t> ReadInteger(const YAML::Node& node, std::string_view path);
absl::StatusOr<double> ReadNumber(const YAML::Node& node, std::string_view path);
// true/false (and YAML's yes/no, on/off).
absl::StatusOr<bool> ReadBoolean(const YAML::Node& node, std::string_view path);
absl::StatusOr<std::vector<int64_t>> ReadIntegerList(const YAML::Node& node, std::string_view path);
// A mapping of names to integers, e.g. labels {stable: 2, canary: 3}.
absl::StatusOr<std::map<std::string, int64_t>> ReadIntegerMap(const YAML::Node& node,
                                                              std::string_view path);
absl::StatusOr<std::map<std::string, double>> ReadNumberMap(const YAML::Node& node,
                                                            std::string_view path);

}  // namespace serval

#endif  // SERVAL_CONFIG_YAML_FIELDS_H_
