#ifndef SERVAL_COMMON_CANCELLATION_H_
#define SERVAL_COMMON_CANCELLATION_H_

// CancellationFlag: how a front end tells the work it queued that nobody waits for the answer any
// more (the client closed its connection). The front end raises it; queues poll it before
// running a request, and drop the request instead.
//
//   auto flag = std::make_shared<CancellationFlag>();
//   request.cancellation = flag;   // readers see it as std::shared_ptr<const CancellationFlag>
//   ...
//   flag->Cancel();                // the client went away
//
// Thread safety: every method may be called from any thread.

#include <atomic>
#include <memory>

namespace serval {

class CancellationFlag {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

// Null means the request cannot be cancelled.
using Cancellation = std::shared_ptr<const CancellationFlag>;

inline bool IsCancelled(const Cancellation& cancellation) {
  return cancellation != nullptr && cancellation->cancelled();
}

}  // namespace serval

#endif  // SERVAL_COMMON_CANCELLATION_H_
