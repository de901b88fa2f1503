#ifndef SERVAL_METRICS_COUNTER_H_
#define SERVAL_METRICS_COUNTER_H_

// Counter: a monotonically increasing count (Prometheus type "counter").
//
// Thread safety: Increment() and Value() may be called from any thread; both are a single relaxed
// atomic operation, no lock.
//
//   Counter served;
//   served.Increment();

#include <atomic>
#include <cstdint>

namespace serval {

class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace serval

#endif  // SERVAL_METRICS_COUNTER_H_
