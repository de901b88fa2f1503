#include "core/model_settings.h"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/str_cat.h"

namespace serval {
namespace {

// "models[resnet].field: message" (or "models[resnet]: message" without a field).
absl::Status FieldError(const ModelSettings& settings, std::string_view field,
                        std::string_view message) {
  std::string where = StrCat("models[", settings.name, "]");
  if (!field.empty()) StrAppend(&where, ".", field);
  return absl::InvalidArgumentError(StrCat(where, ": ", message));
}

absl::Status ValidateVersionPolicy(const ModelSettings& settings) {
  const VersionPolicy& policy = settings.version_policy;
  switch (policy.kind) {
    case VersionPolicy::Kind::kLatest:
      if (policy.num_latest < 1) {
        return FieldError(settings, "version_policy",
                          StrCat("latest must be at least 1, got ", policy.num_latest));
      }
      return absl::OkStatus();
    case VersionPolicy::Kind::kAll:
      return absl::OkStatus();
    case VersionPolicy::Kind::kSpecific:
      break;
  }
  if (policy.versions.empty()) {
    return FieldError(settings, "version_policy", "specific needs at least one version");
  }
  std::set<int64_t> seen;
  for (int64_t version : policy.versions) {
    if (version < 1) {
      return FieldError(settings, "version_policy",
                        StrCat("versions are positive integers, got ", version));
    }
    if (!seen.insert(version).second) {
      return FieldError(settings, "version_policy",
                        StrCat("version ", version, " is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLabels(const ModelSettings& settings) {
  for (const auto& [label, version] : settings.labels) {
    if (label.empty()) return FieldError(settings, "labels", "a label name is empty");
    if (version < 1) {
      return FieldError(settings, "labels",
                        StrCat("label '", label, "' points at version ", version,
                               "; versions are positive integers"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTraffic(const ModelSettings& settings) {
  if (settings.traffic.empty()) return absl::OkStatus();
  int64_t total = 0;
  for (const auto& [label, weight] : settings.traffic) {
    if (settings.labels.find(label) == settings.labels.end()) {
      return FieldError(settings, "traffic",
                        StrCat("label '", label, "' is not a label of the model"));
    }
    if (weight < 0 || weight > kMaxTrafficWeight) {
      return FieldError(settings, "traffic",
                        StrCat("weight of '", label, "' is ", weight, "; weights are 0 to ",
                               kMaxTrafficWeight));
    }
    total += weight;
  }
  if (total == 0) return FieldError(settings, "traffic", "the weights are all zero");
  return absl::OkStatus();
}

// "" and "cpu", or "cuda:N".
bool IsDeviceName(std::string_view device) {
  if (device.empty() || device == "cpu") return true;
  constexpr std::string_view kCuda = "cuda:";
  if (device.substr(0, kCuda.size()) != kCuda) return false;
  const std::string_view index = device.substr(kCuda.size());
  int ordinal = 0;
  return !index.empty() && absl::SimpleAtoi(ToAbsl(index), &ordinal) && ordinal >= 0 &&
         std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; });
}

absl::Status ValidateResources(const ModelSettings& settings) {
  for (int64_t size : settings.warmup_batch_sizes) {
    if (size < 1) {
      return FieldError(settings, "warmup_batch_sizes",
                        StrCat("batch sizes are at least 1, got ", size));
    }
  }
  if (settings.instances < 0) {
    return FieldError(settings, "instances", StrCat("must be >= 0, got ", settings.instances));
  }
  if (settings.batch_size < 0) {
    return FieldError(settings, "batch_size", StrCat("must be >= 0, got ", settings.batch_size));
  }
  if (settings.memory_limit_bytes < 0) {
    return FieldError(settings, "memory_limit",
                      StrCat("must be >= 0, got ", settings.memory_limit_bytes));
  }
  if (!IsDeviceName(settings.device)) {
    return FieldError(settings, "device",
                      StrCat("'", settings.device, "' is neither \"cpu\" nor \"cuda:N\""));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<int64_t> VersionPolicy::Select(const std::vector<int64_t>& on_disk) const {
  std::vector<int64_t> sorted = on_disk;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  switch (kind) {
    case Kind::kLatest: {
      const size_t keep = static_cast<size_t>(std::max<int64_t>(num_latest, 0));
      if (sorted.size() > keep) sorted.erase(sorted.begin(), sorted.end() - keep);
      return sorted;
    }
    case Kind::kAll:
      return sorted;
    case Kind::kSpecific: {
      std::vector<int64_t> kept;
      for (int64_t version : sorted) {
        if (std::find(versions.begin(), versions.end(), version) != versions.end()) {
          kept.push_back(version);
        }
      }
      return kept;
    }
  }
  return {};
}

std::string VersionPolicy::DebugString() const {
  switch (kind) {
    case Kind::kLatest:
      return StrCat("latest: ", num_latest);
    case Kind::kAll:
      return "all";
    case Kind::kSpecific:
      return StrCat("specific: [", absl::StrJoin(versions, ", "), "]");
  }
  return "?";
}

absl::Status ValidateModelSettings(const ModelSettings& settings) {
  if (settings.name.empty()) return FieldError(settings, "name", "is empty");
  if (settings.base_path.empty()) return FieldError(settings, "base_path", "is empty");
  RETURN_IF_ERROR(ValidateVersionPolicy(settings));
  RETURN_IF_ERROR(ValidateLabels(settings));
  RETURN_IF_ERROR(ValidateTraffic(settings));
  return ValidateResources(settings);
}

absl::Status ValidateModelSettingsList(const std::vector<ModelSettings>& models) {
  absl::flat_hash_set<std::string> names;
  for (const ModelSettings& settings : models) {
    RETURN_IF_ERROR(ValidateModelSettings(settings));
    if (!names.insert(settings.name).second) {
      return FieldError(settings, "", "the name is given to more than one model");
    }
  }
  return absl::OkStatus();
}

}  // namespace serval
