#ifndef SERVAL_METRICS_METRICS_REGISTRY_H_
#define SERVAL_METRICS_METRICS_REGISTRY_H_

// MetricsRegistry: owns the ModelMetrics of every model version the server has served, and
// renders them all in Prometheus' text format (docs/metrics.md lists what it writes).
//
// A version's ModelMetrics is created on first use and lives as long as the registry: a version
// that is unloaded keeps its series (its counters stop moving), so rates over a roll-out stay
// right, and callers may keep the reference.
//
// Thread safety: every method may be called from any thread. ForModel() for an existing version
// is lock-free and wait-free (a hash and a few atomic loads, no write to shared memory); creating
// one takes a mutex. RenderPrometheus() takes the mutex only to list the versions, then reads
// each value atomically, one by one.
//
//   MetricsRegistry metrics;
//   ModelMetrics& m = metrics.ForModel("resnet", 3);
//   m.RecordRequest(absl::StatusCode::kOk, absl::Milliseconds(12));
//   std::string text = metrics.RenderPrometheus();

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "metrics/model_metrics.h"

namespace serval {

class MetricsRegistry {
 public:
  MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;
  ~MetricsRegistry();

  // The metrics of `model` version `version`, created on first use. The reference stays valid
  // for the registry's lifetime.
  ModelMetrics& ForModel(std::string_view model, int64_t version);

  // The metrics of `model` version `version` if ForModel() created them; null otherwise.
  // Lock-free.
  ModelMetrics* Find(std::string_view model, int64_t version) const;

  // Every metric family (HELP and TYPE lines even while no version has samples), each version's
  // samples ordered by model name, then version.
  std::string RenderPrometheus() const;

 private:
  // An open-addressing hash table of ModelMetrics pointers, read without a lock. Slots only ever
  // go from null to a pointer (under mutex_); a full table is replaced by one twice its size,
  // and the old one is kept until the registry dies, since a reader may still be probing it.
  struct Table;

  static size_t Hash(std::string_view model, int64_t version);
  static ModelMetrics* Probe(const Table& table, std::string_view model, int64_t version);
  static void Insert(Table& table, ModelMetrics* metrics);

  std::atomic<const Table*> table_;
  mutable absl::Mutex mutex_;
  std::vector<std::unique_ptr<Table>> tables_ ABSL_GUARDED_BY(mutex_);  // the last is current
  std::vector<std::unique_ptr<ModelMetrics>> all_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace serval

#endif  // SERVAL_METRICS_METRICS_REGISTRY_H_
