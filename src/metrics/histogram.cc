#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>

#include "common/check.h"

namespace serval {

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    CHECK(std::isfinite(bounds_[i])) << "histogram bound " << bounds_[i];
    CHECK(i == 0 || bounds_[i - 1] < bounds_[i]) << "histogram bounds must increase";
  }
}

size_t Histogram::BucketIndex(double value) const {
  if (std::isnan(value)) return bounds_.size();  // as Prometheus' Go client: the +Inf bucket
  return std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
}

void Histogram::Observe(double value) {
  counts_[BucketIndex(value)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot snapshot;
  snapshot.bounds = bounds_;
  snapshot.counts.reserve(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    snapshot.counts.push_back(counts_[i].load(std::memory_order_relaxed));
    snapshot.count += snapshot.counts.back();
  }
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

}  // namespace serval
