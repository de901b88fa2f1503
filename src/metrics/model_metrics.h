#ifndef SERVAL_METRICS_MODEL_METRICS_H_
#define SERVAL_METRICS_MODEL_METRICS_H_

// ModelMetrics: the metrics of one model version, recorded by the request path and the batching
// scheduler, rendered by MetricsRegistry (names, labels and units in docs/metrics.md).
//
//   serval_requests_total{model,version,code}   counter    requests answered, by outcome
//   serval_request_duration_seconds             histogram  end to end, Infer() to the callback
//   serval_queue_duration_seconds               histogram  waiting for a batch / an instance
//   serval_compute_duration_seconds             histogram  running a batch on an instance
//   serval_batch_size                           histogram  items per batch run
//   serval_queue_depth                          gauge      items waiting
//
// Thread safety: every Record/Add method may be called from any thread and is lock-free (relaxed
// atomics, a few nanoseconds); readers see each value eventually, in no particular order.
//
// A component that records for a version looks its ModelMetrics up once and keeps the reference
// (it lives as long as the MetricsRegistry):
//
//   ModelMetrics& metrics = registry.ForModel(id.name, id.version);
//   metrics.AddQueueDepth(+rows);                    // a request of `rows` items queued
//   metrics.AddQueueDepth(-batch_size);              // a batch of `batch_size` items taken
//   metrics.RecordQueueTime(start - enqueued_at);    // for each request in the batch
//   metrics.RecordBatch(batch_size);
//   metrics.RecordComputeTime(end - start);

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "metrics/counter.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"

namespace serval {

// Bucket bounds of the latency histograms, in seconds: 1-2.5-5 steps from 50 µs to 10 s.
inline constexpr std::array<double, 17> kLatencyBucketsSeconds = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};

// Bucket bounds of the batch size histogram: powers of two from 1 to 1024.
inline constexpr std::array<double, 11> kBatchSizeBuckets = {1,  2,   4,   8,   16,  32,
                                                             64, 128, 256, 512, 1024};

// Number of canonical status codes (absl::StatusCode 0 to 16).
inline constexpr int kNumStatusCodes = 17;

// "ok", "invalid_argument", "resource_exhausted", ...: the code's name in lower snake case, as
// the `code` label carries it. Codes outside the canonical range are "unknown".
std::string StatusCodeLabel(absl::StatusCode code);

class ModelMetrics {
 public:
  ModelMetrics(std::string model, int64_t version);
  ModelMetrics(const ModelMetrics&) = delete;
  ModelMetrics& operator=(const ModelMetrics&) = delete;

  // One request answered with `outcome`, `end_to_end` after it entered the service.
  void RecordRequest(absl::StatusCode outcome, absl::Duration end_to_end);
  // How long one request waited in the queue before the batch that runs it started; once per
  // request (so that quantiles are over requests, like the end-to-end histogram).
  void RecordQueueTime(absl::Duration waited) { queue_duration_.Observe(Seconds(waited)); }
  // How long one run of the model took.
  void RecordComputeTime(absl::Duration ran) { compute_duration_.Observe(Seconds(ran)); }
  // One batch of `batch_size` items (rows along dimension 0) run on an instance.
  void RecordBatch(int64_t batch_size) { batch_size_.Observe(static_cast<double>(batch_size)); }
  // Items waiting: +n when queued, -n when taken.
  void AddQueueDepth(int64_t delta) { queue_depth_.Add(delta); }

  const std::string& model() const { return model_; }
  int64_t version() const { return version_; }
  // `model="...",version="..."`, escaped: the label set of every sample of this version.
  const std::string& labels() const { return labels_; }

  uint64_t requests(absl::StatusCode outcome) const {
    return requests_[CodeIndex(outcome)].Value();
  }
  const Histogram& request_duration() const { return request_duration_; }
  const Histogram& queue_duration() const { return queue_duration_; }
  const Histogram& compute_duration() const { return compute_duration_; }
  const Histogram& batch_size() const { return batch_size_; }
  int64_t queue_depth() const { return queue_depth_.Value(); }

 private:
  static size_t CodeIndex(absl::StatusCode code);
  static double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

  const std::string model_;
  const int64_t version_;
  const std::string labels_;
  std::array<Counter, kNumStatusCodes> requests_;
  Histogram request_duration_{kLatencyBucketsSeconds};
  Histogram queue_duration_{kLatencyBucketsSeconds};
  Histogram compute_duration_{kLatencyBucketsSeconds};
  Histogram batch_size_{kBatchSizeBuckets};
  Gauge queue_depth_;
};

}  // namespace serval

#endif  // SERVAL_METRICS_MODEL_METRICS_H_
