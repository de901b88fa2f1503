#ifndef SERVAL_TOOLS_LATENCY_HISTOGRAM_H_
#define SERVAL_TOOLS_LATENCY_HISTOGRAM_H_

// LatencyHistogram: records latencies in nanoseconds into log-linear buckets, HdrHistogram
// style, and answers percentiles to within 0.4% of the exact value.
//
// Values below 256 ns get one bucket each; above, every power-of-two range is split into 128
// equal buckets, so a bucket is never wider than 1/128 of its lower bound and its midpoint is
// within 1/256 of any value in it. Memory is fixed (about 60 KB) whatever the number of samples,
// so a load generator can keep one per thread and Merge() them at the end.
//
// Thread safety: none; one histogram per thread, merged after the threads are joined.
//
//   LatencyHistogram histogram;
//   histogram.Record(absl::Milliseconds(3));
//   LatencySummary summary = histogram.Summarize();  // summary.p99_ms == 3.0 (to 0.4%)

#include <cstdint>
#include <vector>

#include "absl/time/time.h"

namespace serval {

// Milliseconds, for reports; all zero when nothing was recorded.
struct LatencySummary {
  int64_t count = 0;
  double mean_ms = 0;
  double min_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Negative durations count as 0.
  void Record(absl::Duration latency);
  void RecordNanos(uint64_t nanos);

  // Adds every sample of `other` to this histogram.
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  // Exact.
  uint64_t min_nanos() const { return count_ == 0 ? 0 : min_; }
  uint64_t max_nanos() const { return max_; }
  double mean_nanos() const;

  // The nearest-rank `percentile` (0 < percentile <= 100): the value with rank
  // ceil(percentile / 100 * count), as the midpoint of its bucket clamped to [min, max]. 0 when
  // empty.
  uint64_t PercentileNanos(double percentile) const;

  LatencySummary Summarize() const;

 private:
  static size_t BucketIndex(uint64_t nanos);
  // The midpoint of bucket `index`.
  static uint64_t BucketMidpoint(size_t index);

  std::vector<uint64_t> buckets_;
  int64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_LATENCY_HISTOGRAM_H_
