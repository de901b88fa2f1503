#ifndef SERVAL_CORE_MODEL_SETTINGS_H_
#define SERVAL_CORE_MODEL_SETTINGS_H_

// ModelSettings: how the server is told to serve one model: where its versions live, which of them
// to keep loaded, the labels that name versions, how unlabelled traffic splits between labels, and
// how to warm a version up. src/config fills them from Serval's YAML, TF Serving's model config
// file or the single-model flags; the ServableManager applies them.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace serval {

// Which of the versions on disk to keep loaded (TF Serving's ServableVersionPolicy).
struct VersionPolicy {
  enum class Kind { kLatest, kAll, kSpecific };
  Kind kind = Kind::kLatest;
  int64_t num_latest = 1;         // kLatest: the highest N
  std::vector<int64_t> versions;  // kSpecific

  static VersionPolicy Latest(int64_t n) { return {Kind::kLatest, n, {}}; }
  static VersionPolicy All() { return {Kind::kAll, 1, {}}; }
  static VersionPolicy Specific(std::vector<int64_t> versions) {
    return {Kind::kSpecific, 1, std::move(versions)};
  }

  // The versions of `on_disk` (ascending) this policy keeps, ascending. kSpecific keeps only those
  // of its versions that are on disk.
  std::vector<int64_t> Select(const std::vector<int64_t>& on_disk) const;

  // "latest: 1", "all", "specific: [1, 2]"
  std::string DebugString() const;
};

// The largest traffic weight, so that sums never overflow.
inline constexpr int64_t kMaxTrafficWeight = 1'000'000'000;

struct ModelSettings {
  std::string name;
  std::string base_path;  // the folder of version folders
  VersionPolicy version_policy;
  // Label -> version. A label keeps its version loaded even when the policy would drop it, so that
  // moving a label back is an instant rollback.
  std::map<std::string, int64_t> labels;
  // Label -> weight (>= 0) for requests that name no version or label; empty: the highest
  // available version answers them all.
  std::map<std::string, int64_t> traffic;
  // Batch sizes each version runs at before it takes traffic; empty means {1}.
  std::vector<int64_t> warmup_batch_sizes;
  int instances = 0;                // execution instances per version; 0: the server's default
  std::string device;               // "cpu" (default) or "cuda:N"
  int64_t batch_size = 0;           // largest batch (from the seed's `batch_size`); 0: unset
  int64_t memory_limit_bytes = 0;   // 0: no limit
};

// INVALID_ARGUMENT naming the field (as "models[name].field") for: an empty name or base path,
// latest N < 1, an empty or repeated specific list, a non-positive version, an empty label name,
// a traffic label that is not a label, a weight outside 0 to kMaxTrafficWeight, weights that are all zero, a warmup
// batch size < 1, negative instances or limits, a device other than "", "cpu" or "cuda:N".
absl::Status ValidateModelSettings(const ModelSettings& settings);

// ValidateModelSettings for each, and no model name twice.
absl::Status ValidateModelSettingsList(const std::vector<ModelSettings>& models);

}  // namespace serval

#endif  // SERVAL_CORE_MODEL_SETTINGS_H_
