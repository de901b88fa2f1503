#ifndef SERVAL_MANAGER_SERVABLE_METRICS_H_
#define SERVAL_MANAGER_SERVABLE_METRICS_H_

// ServableMetrics: feeds what a servable's queue and instances report (queueing, batches, compute
// time) into its model version's ModelMetrics.
//
// Thread safety: every method may be called from any thread (ModelMetrics records lock-free).

#include "batching/batch_scheduler.h"
#include "metrics/model_metrics.h"

namespace serval {

class ServableMetrics : public BatchObserver {
 public:
  // `metrics` must outlive this object (a MetricsRegistry keeps its members for its lifetime).
  explicit ServableMetrics(ModelMetrics& metrics) : metrics_(metrics) {}

  void OnEnqueued(int64_t rows) override { metrics_.AddQueueDepth(rows); }
  void OnDequeued(int64_t rows, absl::Duration waited) override {
    metrics_.AddQueueDepth(-rows);
    metrics_.RecordQueueTime(waited);
  }
  void OnBatch(int64_t rows, int64_t padded_rows, absl::Duration compute) override {
    metrics_.RecordBatch(rows);
    metrics_.RecordComputeTime(compute);
  }

 private:
  ModelMetrics& metrics_;
};

}  // namespace serval

#endif  // SERVAL_MANAGER_SERVABLE_METRICS_H_
