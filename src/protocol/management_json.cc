#include "protocol/management_json.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/str_cat.h"
#include "protocol/json_writer.h"
#include "protocol/repository_index.h"

namespace serval {
namespace {

using simdjson::dom::element;

// ---- Writing ----

// Milliseconds rounded to the microsecond: enough for a load time, short to read.
double Milliseconds(absl::Duration duration) {
  return std::round(absl::ToDoubleMilliseconds(duration) * 1000.0) / 1000.0;
}

void WriteIntMap(const std::map<std::string, int64_t>& map, JsonWriter& writer) {
  writer.BeginObject();
  for (const auto& [key, value] : map) {
    writer.Key(key);
    writer.Int(value);
  }
  writer.EndObject();
}

void WriteVersion(const VersionInfo& version, absl::Time now, JsonWriter& writer) {
  writer.BeginObject();
  writer.Key("version");
  writer.Int(version.status.version);
  writer.Key("state");
  writer.String(ServableStateName(version.status.state));
  writer.Key("path");
  writer.String(version.path);
  if (!version.status.status.ok()) {
    writer.Key("error");
    writer.String(FromAbsl(version.status.status.message()));
  }
  writer.Key("load_ms");
  writer.Double(Milliseconds(version.load_time));
  writer.Key("warmup_ms");
  writer.Double(Milliseconds(version.warmup_time));
  writer.Key("failed_attempts");
  writer.Int(version.failed_attempts);
  if (version.next_retry.has_value()) {
    // Rounded up, so that 0 means "due now".
    writer.Key("next_retry_in_ms");
    writer.Int(std::max<int64_t>(
        0, absl::ToInt64Milliseconds(absl::Ceil(*version.next_retry - now, absl::Milliseconds(1)))));
  }
  writer.EndObject();
}

void WriteModel(const ModelInfo& model, absl::Time now, JsonWriter& writer) {
  writer.BeginObject();
  writer.Key("name");
  writer.String(model.settings.name);
  writer.Key("base_path");
  writer.String(model.settings.base_path);
  writer.Key("version_policy");
  writer.String(model.settings.version_policy.DebugString());
  writer.Key("loaded");
  writer.Bool(model.loaded);
  if (!model.source_status.ok()) {
    writer.Key("source_error");
    writer.String(FromAbsl(model.source_status.message()));
  }
  writer.Key("labels");
  WriteIntMap(model.settings.labels, writer);
  writer.Key("pending_labels");
  WriteIntMap(model.pending_labels, writer);
  writer.Key("traffic");
  WriteIntMap(model.settings.traffic, writer);
  writer.Key("versions");
  writer.BeginArray();
  for (const VersionInfo& version : model.versions) WriteVersion(version, now, writer);
  writer.EndArray();
  writer.EndObject();
}

// One entry of the index; `version` 0 writes none.
void WriteIndexEntry(std::string_view name, int64_t version, std::string_view state,
                     std::string_view reason, JsonWriter& writer) {
  writer.BeginObject();
  writer.Key("name");
  writer.String(name);
  if (version != 0) {
    writer.Key("version");
    writer.String(StrCat(version));  // Triton writes versions as strings
  }
  writer.Key("state");
  writer.String(state);
  writer.Key("reason");
  writer.String(reason);
  writer.EndObject();
}

// ---- Parsing ----

// Parses `body` with `parser`; the element lives in the parser.
absl::StatusOr<element> ParseJson(std::string_view body, simdjson::dom::parser& parser) {
  element root;
  // The parser copies the body into a padded buffer of its own.
  const simdjson::error_code error = parser.parse(body.data(), body.size()).get(root);
  if (error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        StrCat("request body is not valid JSON: ", simdjson::error_message(error)));
  }
  return root;
}

absl::StatusOr<simdjson::dom::object> ParseJsonObject(std::string_view body,
                                                      simdjson::dom::parser& parser) {
  absl::StatusOr<element> root = ParseJson(body, parser);
  if (!root.ok()) return root.status();
  simdjson::dom::object object;
  if (root->get_object().get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("request body must be a JSON object");
  }
  return object;
}

absl::StatusOr<int64_t> ReadInt(element value, std::string_view what) {
  int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(StrCat(what, " must be an integer"));
  }
  return number;
}

absl::StatusOr<bool> ReadBool(element value, std::string_view what) {
  bool flag = false;
  if (value.get_bool().get(flag) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(StrCat(what, " must be true or false"));
  }
  return flag;
}

}  // namespace

std::string WriteManagedModel(const ModelInfo& model, absl::Time now) {
  std::string json;
  JsonWriter writer(&json);
  WriteModel(model, now, writer);
  return json;
}

std::string WriteManagedModelList(const std::vector<ModelInfo>& models, absl::Time now) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginObject();
  writer.Key("models");
  writer.BeginArray();
  for (const ModelInfo& model : models) WriteModel(model, now, writer);
  writer.EndArray();
  writer.EndObject();
  return json;
}

std::string WriteRepositoryIndex(const std::vector<ModelInfo>& models, bool ready_only) {
  std::string json;
  JsonWriter writer(&json);
  writer.BeginArray();
  for (const RepositoryIndexEntry& entry : BuildRepositoryIndex(models, ready_only)) {
    WriteIndexEntry(entry.name, entry.version, entry.state, entry.reason, writer);
  }
  writer.EndArray();
  return json;
}

absl::StatusOr<LabelAssignment> ParseLabelAssignment(std::string_view body) {
  simdjson::dom::parser parser;
  absl::StatusOr<simdjson::dom::object> object = ParseJsonObject(body, parser);
  if (!object.ok()) return object.status();
  LabelAssignment assignment;
  bool has_version = false;
  for (const simdjson::dom::key_value_pair member : *object) {
    if (member.key == "version") {
      absl::StatusOr<int64_t> version = ReadInt(member.value, "field 'version'");
      if (!version.ok()) return version.status();
      if (*version <= 0) {
        return absl::InvalidArgumentError(
            StrCat("field 'version' must be a positive integer, got ", *version));
      }
      assignment.version = *version;
      has_version = true;
    } else if (member.key == "allow_unavailable") {
      absl::StatusOr<bool> allow = ReadBool(member.value, "field 'allow_unavailable'");
      if (!allow.ok()) return allow.status();
      assignment.allow_unavailable = *allow;
    } else {
      return absl::InvalidArgumentError(StrCat(
          "unknown field '", member.key, "'; expected 'version' and 'allow_unavailable'"));
    }
  }
  if (!has_version) return absl::InvalidArgumentError("missing field 'version'");
  return assignment;
}

absl::StatusOr<std::map<std::string, int64_t>> ParseTrafficWeights(std::string_view body) {
  simdjson::dom::parser parser;
  absl::StatusOr<simdjson::dom::object> object = ParseJsonObject(body, parser);
  if (!object.ok()) return object.status();
  std::map<std::string, int64_t> weights;
  for (const simdjson::dom::key_value_pair member : *object) {
    const std::string label(member.key);
    absl::StatusOr<int64_t> weight =
        ReadInt(member.value, StrCat("traffic weight of label '", label, "'"));
    if (!weight.ok()) return weight.status();
    if (*weight < 0) {
      return absl::InvalidArgumentError(
          StrCat("traffic weight of label '", label, "' must not be negative, got ", *weight));
    }
    if (!weights.emplace(label, *weight).second) {
      return absl::InvalidArgumentError(StrCat("label '", label, "' appears twice"));
    }
  }
  return weights;
}

absl::StatusOr<bool> ParseRepositoryIndexReadyOnly(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return false;
  simdjson::dom::parser parser;
  absl::StatusOr<simdjson::dom::object> object = ParseJsonObject(body, parser);
  if (!object.ok()) return object.status();
  element ready;
  if (object->at_key("ready").get(ready) != simdjson::SUCCESS) return false;
  return ReadBool(ready, "field 'ready'");
}

}  // namespace serval
