#include "metrics/metrics_registry.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "common/str_cat.h"
#include "metrics/prometheus_text.h"

namespace serval {
namespace {

// One histogram family: its name, help, and which histogram of a version it shows.
struct HistogramFamily {
  std::string_view name;
  std::string_view help;
  const Histogram& (ModelMetrics::*histogram)() const;
};

constexpr HistogramFamily kHistogramFamilies[] = {
    {"serval_request_duration_seconds",
     "Time from a request entering the inference service to its answer, in seconds.",
     &ModelMetrics::request_duration},
    {"serval_queue_duration_seconds",
     "Time a request waited in the model's queue before its batch started running, in seconds.",
     &ModelMetrics::queue_duration},
    {"serval_compute_duration_seconds",
     "Time one batch took to run on a model instance, in seconds.",
     &ModelMetrics::compute_duration},
    {"serval_batch_size", "Items (rows along dimension 0) per batch run on a model instance.",
     &ModelMetrics::batch_size},
};

}  // namespace

struct MetricsRegistry::Table {
  explicit Table(size_t capacity) : slots(capacity) {}
  std::vector<std::atomic<ModelMetrics*>> slots;  // a power of two, at most half full
};

MetricsRegistry::MetricsRegistry() {
  tables_.push_back(std::make_unique<Table>(64));
  table_.store(tables_.back().get(), std::memory_order_release);
}

MetricsRegistry::~MetricsRegistry() = default;

size_t MetricsRegistry::Hash(std::string_view model, int64_t version) {
  return absl::Hash<std::pair<absl::string_view, int64_t>>()({ToAbsl(model), version});
}

ModelMetrics* MetricsRegistry::Probe(const Table& table, std::string_view model, int64_t version) {
  const size_t mask = table.slots.size() - 1;
  for (size_t i = Hash(model, version) & mask;; i = (i + 1) & mask) {
    // Acquire: a pointer seen here is to a fully constructed ModelMetrics.
    ModelMetrics* metrics = table.slots[i].load(std::memory_order_acquire);
    if (metrics == nullptr) return nullptr;  // the table always has a free slot
    if (metrics->version() == version && metrics->model() == model) return metrics;
  }
}

void MetricsRegistry::Insert(Table& table, ModelMetrics* metrics) {
  const size_t mask = table.slots.size() - 1;
  size_t i = Hash(metrics->model(), metrics->version()) & mask;
  while (table.slots[i].load(std::memory_order_relaxed) != nullptr) i = (i + 1) & mask;
  table.slots[i].store(metrics, std::memory_order_release);
}

ModelMetrics* MetricsRegistry::Find(std::string_view model, int64_t version) const {
  return Probe(*table_.load(std::memory_order_acquire), model, version);
}

ModelMetrics& MetricsRegistry::ForModel(std::string_view model, int64_t version) {
  if (ModelMetrics* found = Find(model, version)) return *found;
  absl::MutexLock lock(&mutex_);
  // Another thread may have created it between the lookup and the lock.
  if (ModelMetrics* found = Find(model, version)) return *found;
  all_.push_back(std::make_unique<ModelMetrics>(std::string(model), version));
  ModelMetrics* created = all_.back().get();
  if (2 * all_.size() > tables_.back()->slots.size()) {
    // Fill a table twice the size before publishing it, so a reader never misses an entry.
    auto bigger = std::make_unique<Table>(2 * tables_.back()->slots.size());
    for (const auto& metrics : all_) Insert(*bigger, metrics.get());
    table_.store(bigger.get(), std::memory_order_release);
    tables_.push_back(std::move(bigger));
  } else {
    Insert(*tables_.back(), created);
  }
  return *created;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::vector<const ModelMetrics*> versions;
  {
    absl::MutexLock lock(&mutex_);
    versions.reserve(all_.size());
    for (const auto& metrics : all_) versions.push_back(metrics.get());
  }
  std::sort(versions.begin(), versions.end(), [](const ModelMetrics* a, const ModelMetrics* b) {
    if (a->model() != b->model()) return a->model() < b->model();
    return a->version() < b->version();
  });

  std::string out;
  AppendFamilyHeader(&out, "serval_requests_total", "counter",
                     "Requests answered by the inference service, by status code.");
  for (const ModelMetrics* metrics : versions) {
    for (int i = 0; i < kNumStatusCodes; ++i) {
      const auto code = static_cast<absl::StatusCode>(i);
      const uint64_t count = metrics->requests(code);
      // "ok" always, so that rate() has a series from the first scrape; other codes once seen.
      if (count == 0 && code != absl::StatusCode::kOk) continue;
      AppendSample(&out, "serval_requests_total",
                   StrCat(metrics->labels(), ",code=\"", StatusCodeLabel(code), "\""), count);
    }
  }
  for (const HistogramFamily& family : kHistogramFamilies) {
    AppendFamilyHeader(&out, family.name, "histogram", family.help);
    for (const ModelMetrics* metrics : versions) {
      AppendHistogram(&out, family.name, metrics->labels(),
                      (metrics->*family.histogram)().Snapshot());
    }
  }
  AppendFamilyHeader(&out, "serval_queue_depth", "gauge",
                     "Items waiting in the model's queue for a batch or an instance.");
  for (const ModelMetrics* metrics : versions) {
    AppendSample(&out, "serval_queue_depth", metrics->labels(), metrics->queue_depth());
  }
  return out;
}

}  // namespace serval
