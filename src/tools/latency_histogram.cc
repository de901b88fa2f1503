#include "tools/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace serval {
namespace {

// 2^kSubBucketBits buckets per power of two; values below 2 * kSubBuckets are exact.
constexpr int kSubBucketBits = 7;
constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;  // 128
constexpr uint64_t kExactLimit = 2 * kSubBuckets;                // 256
// Shifts 1..(64 - kSubBucketBits - 1) cover every uint64_t above kExactLimit.
constexpr size_t kBucketCount = kExactLimit + (64 - kSubBucketBits - 1) * kSubBuckets;

double NanosToMillis(double nanos) { return nanos / 1e6; }

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBucketCount, 0) {}

size_t LatencyHistogram::BucketIndex(uint64_t nanos) {
  if (nanos < kExactLimit) return static_cast<size_t>(nanos);
  // nanos >> shift lies in [kSubBuckets, 2 * kSubBuckets).
  const int shift = std::bit_width(nanos) - 1 - kSubBucketBits;
  const uint64_t mantissa = nanos >> shift;
  return static_cast<size_t>(kExactLimit + (shift - 1) * kSubBuckets + (mantissa - kSubBuckets));
}

uint64_t LatencyHistogram::BucketMidpoint(size_t index) {
  if (index < kExactLimit) return index;
  const size_t above = index - kExactLimit;
  const int shift = static_cast<int>(above / kSubBuckets) + 1;
  const uint64_t mantissa = kSubBuckets + above % kSubBuckets;
  const uint64_t lower = mantissa << shift;
  return lower + ((uint64_t{1} << shift) >> 1);
}

void LatencyHistogram::Record(absl::Duration latency) {
  const int64_t nanos = absl::ToInt64Nanoseconds(latency);
  RecordNanos(nanos < 0 ? 0 : static_cast<uint64_t>(nanos));
}

void LatencyHistogram::RecordNanos(uint64_t nanos) {
  ++buckets_[BucketIndex(nanos)];
  ++count_;
  min_ = std::min(min_, nanos);
  max_ = std::max(max_, nanos);
  sum_ += nanos;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double LatencyHistogram::mean_nanos() const {
  return count_ == 0 ? 0 : static_cast<double>(sum_ / count_);
}

uint64_t LatencyHistogram::PercentileNanos(double percentile) const {
  if (count_ == 0) return 0;
  const double wanted = std::ceil(percentile / 100.0 * static_cast<double>(count_));
  const uint64_t rank = static_cast<uint64_t>(std::clamp(wanted, 1.0, static_cast<double>(count_)));
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::clamp(BucketMidpoint(i), min_, max_);
  }
  return max_;
}

LatencySummary LatencyHistogram::Summarize() const {
  LatencySummary summary;
  summary.count = count_;
  if (count_ == 0) return summary;
  summary.mean_ms = NanosToMillis(mean_nanos());
  summary.min_ms = NanosToMillis(static_cast<double>(min_));
  summary.p50_ms = NanosToMillis(static_cast<double>(PercentileNanos(50)));
  summary.p90_ms = NanosToMillis(static_cast<double>(PercentileNanos(90)));
  summary.p99_ms = NanosToMillis(static_cast<double>(PercentileNanos(99)));
  summary.max_ms = NanosToMillis(static_cast<double>(max_));
  return summary;
}

}  // namespace serval
