#ifndef SERVAL_SERVER_GRPC_CALL_COUNT_H_
#define SERVAL_SERVER_GRPC_CALL_COUNT_H_

// CallCount: how many calls a completion queue has in existence (requested from gRPC, running,
// or finishing), so that closing the queue can wait for the last one; and whether the queue still
// asks gRPC for new calls.
//
// Thread safety: every method may be called from any thread; atomics only, no lock on the call
// path.

#include <atomic>
#include <cstdint>

namespace serval {

class CallCount {
 public:
  // Counts one call for as long as it lives. Declared before the call's gRPC objects, so that it
  // is destroyed after them: a count of zero means they are gone.
  class Registration {
   public:
    explicit Registration(CallCount& count) : count_(count) {
      count_.live_.fetch_add(1, std::memory_order_relaxed);
    }
    ~Registration() { count_.live_.fetch_sub(1, std::memory_order_acq_rel); }

    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    CallCount& count_;
  };

  int64_t live() const { return live_.load(std::memory_order_acquire); }

  // After StopAccepting, a call that arrives does not ask for the next one.
  void StopAccepting() { accepting_.store(false, std::memory_order_relaxed); }
  bool accepting() const { return accepting_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> live_{0};
  std::atomic<bool> accepting_{true};
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_CALL_COUNT_H_
