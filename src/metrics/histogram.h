#ifndef SERVAL_METRICS_HISTOGRAM_H_
#define SERVAL_METRICS_HISTOGRAM_H_

// Histogram: counts observations into fixed buckets (Prometheus type "histogram").
//
// Bucket i counts the observations v with bounds[i-1] < v <= bounds[i] (Prometheus' "le", less
// or equal); a last, implicit bucket counts those above every bound (le="+Inf"). Bounds are fixed
// at construction, so Observe() is a binary search over a few doubles and two atomic additions:
// no lock, no allocation.
//
// Thread safety: Observe() and Snapshot() may be called from any thread. A snapshot reads the
// atomics one by one, so while observations land it may see an observation in the bucket counts
// and not yet in the sum (or the reverse); count always equals the sum of the bucket counts.
//
//   Histogram latency(kLatencyBucketsSeconds);
//   latency.Observe(0.003);
//   HistogramSnapshot now = latency.Snapshot();

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace serval {

struct HistogramSnapshot {
  std::vector<double> bounds;    // upper bounds, increasing; "+Inf" implied after the last
  std::vector<uint64_t> counts;  // per bucket, not cumulative; bounds.size() + 1 entries
  double sum = 0;
  uint64_t count = 0;  // the sum of `counts`
};

class Histogram {
 public:
  // `bounds` must be finite and strictly increasing (CHECKed: they are Serval's own constants).
  explicit Histogram(std::span<const double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);

  // The bucket `value` falls in: the index of the first bound >= value, or bounds().size().
  size_t BucketIndex(double value) const;

  std::span<const double> bounds() const { return bounds_; }
  HistogramSnapshot Snapshot() const;

 private:
  const std::vector<double> bounds_;
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

}  // namespace serval

#endif  // SERVAL_METRICS_HISTOGRAM_H_
