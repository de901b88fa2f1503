#include "config/yaml_fields.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/str_cat.h"

namespace serval {
namespace {

// The scalar text of `node`, or an error saying what `node` is instead.
absl::StatusOr<std::string> ScalarText(const YAML::Node& node, std::string_view path,
                                       std::string_view expected) {
  if (node.IsScalar()) return node.Scalar();
  const char* what = node.IsNull() ? "nothing" : node.IsMap() ? "a mapping" : "a list";
  return YamlError(node, path, StrCat("must be ", expected, ", got ", what));
}

}  // namespace

absl::Status YamlError(const YAML::Node& node, std::string_view path, std::string_view message) {
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  std::string error;
  if (!mark.is_null()) error = StrCat(mark.line + 1, ":", mark.column + 1, ": ");
  if (!path.empty()) StrAppend(&error, path, ": ");
  StrAppend(&error, message);
  return absl::InvalidArgumentError(error);
}

absl::Status CheckMapping(const YAML::Node& node, std::string_view path) {
  if (!node.IsMap()) return YamlError(node, path, "must be a mapping (key: value)");
  std::set<std::string> seen;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) return YamlError(entry.first, path, "keys must be names");
    const std::string& key = entry.first.Scalar();
    if (!seen.insert(key).second) {
      return YamlError(entry.first, StrCat(path, ".", key), "is given twice");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckKeys(const YAML::Node& node, std::string_view path,
                       std::initializer_list<std::string_view> allowed) {
  RETURN_IF_ERROR(CheckMapping(node, path));
  for (const auto& entry : node) {
    const std::string& key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return YamlError(
          entry.first, StrCat(path, path.empty() ? "" : ".", key),
          StrCat("unknown key; known keys here: ",
                 absl::StrJoin(allowed, ", ",
                               [](std::string* out, std::string_view s) { StrAppend(out, s); })));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadString(const YAML::Node& node, std::string_view path) {
  return ScalarText(node, path, "a string");
}

absl::StatusOr<int64_t> ReadInteger(const YAML::Node& node, std::string_view path) {
  ASSIGN_OR_RETURN(std::string text, ScalarText(node, path, "an integer"));
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return YamlError(node, path, StrCat("must be an integer, got '", text, "'"));
  }
  return value;
}

absl::StatusOr<double> ReadNumber(const YAML::Node& node, std::string_view path) {
  ASSIGN_OR_RETURN(std::string text, ScalarText(node, path, "a number"));
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return YamlError(node, path, StrCat("must be a number, got '", text, "'"));
  }
  return value;
}

absl::StatusOr<bool> ReadBoolean(const YAML::Node& node, std::string_view path) {
  ASSIGN_OR_RETURN(std::string text, ScalarText(node, path, "true or false"));
  bool value = false;
  if (!YAML::convert<bool>::decode(node, value)) {
    return YamlError(node, path, StrCat("must be true or false, got '", text, "'"));
  }
  return value;
}

absl::StatusOr<std::vector<int64_t>> ReadIntegerList(const YAML::Node& node,
                                                     std::string_view path) {
  if (!node.IsSequence()) return YamlError(node, path, "must be a list like [1, 8, 32]");
  std::vector<int64_t> values;
  for (size_t i = 0; i < node.size(); ++i) {
    ASSIGN_OR_RETURN(int64_t value, ReadInteger(node[i], StrCat(path, "[", i, "]")));
    values.push_back(value);
  }
  return values;
}

absl::StatusOr<std::map<std::string, int64_t>> ReadIntegerMap(const YAML::Node& node,
                                                              std::string_view path) {
  RETURN_IF_ERROR(CheckMapping(node, path));
  std::map<std::string, int64_t> values;
  for (const auto& entry : node) {
    const std::string& key = entry.first.Scalar();
    ASSIGN_OR_RETURN(values[key], ReadInteger(entry.second, StrCat(path, ".", key)));
  }
  return values;
}

absl::StatusOr<std::map<std::string, double>> ReadNumberMap(const YAML::Node& node,
                                                            std::string_view path) {
  RETURN_IF_ERROR(CheckMapping(node, path));
  std::map<std::string, double> values;
  for (const auto& entry : node) {
    const std::string& key = entry.first.Scalar();
    ASSIGN_OR_RETURN(values[key], ReadNumber(entry.second, StrCat(path, ".", key)));
  }
  return values;
}

}  // namespace serval
