#ifndef SERVAL_METRICS_GAUGE_H_
#define SERVAL_METRICS_GAUGE_H_

// Gauge: a value that goes up and down (Prometheus type "gauge"), kept as an integer.
//
// Thread safety: every method may be called from any thread; each is a single relaxed atomic
// operation, no lock.
//
//   Gauge waiting;
//   waiting.Add(+batch);  // queued
//   waiting.Add(-batch);  // taken

#include <atomic>
#include <cstdint>

namespace serval {

class Gauge {
 public:
  void Add(int64_t delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Set(int64_t value) { value_.store(value, std::memory_order_relaxed); }
  int64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

}  // namespace serval

#endif  // SERVAL_METRICS_GAUGE_H_
