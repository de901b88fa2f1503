#ifndef SERVAL_COMMON_WAKEUP_BATCH_H_
#define SERVAL_COMMON_WAKEUP_BATCH_H_

// WakeupBatch: holds back the wake-ups that one thread's work sends to other threads until the
// thread has finished a batch of that work, so that a thread answering many requests at once
// wakes each receiving thread once, not once per answer.
//
// A batch thread answers a batch's requests one after another. Each answer goes to the thread
// that sends it to its client (a gRPC completion queue's thread). Woken once per answer, that
// thread preempts the batch thread on a shared core, sends one answer, and sleeps again, as many
// times as the batch has requests. Inside a WakeupBatch, the answers queue up and their receiver
// is woken once, when the batch ends.
//
//   {
//     WakeupBatch wakeups;                       // on the batch thread
//     for (Task& task : batch) task.done(...);   // receivers call WakeupBatch::Wake(*this)
//   }                                            // each receiver woken once, here
//
// Batches nest: an inner WakeupBatch joins the outer one. Thread safety: a WakeupBatch belongs to
// the thread that made it; Wake may be called from any thread, and without an open batch wakes
// at once.

#include <vector>

namespace serval {

// A thread that WakeupBatch wakes, such as a queue's consumer.
class Wakeable {
 public:
  // Wakes the thread; called on the waking thread. The Wakeable must stay alive until it returns.
  virtual void Wake() = 0;

 protected:
  ~Wakeable() = default;
};

class WakeupBatch {
 public:
  WakeupBatch();
  // Wakes every Wakeable deferred to this batch, once each, in the order first deferred.
  ~WakeupBatch();

  WakeupBatch(const WakeupBatch&) = delete;
  WakeupBatch& operator=(const WakeupBatch&) = delete;

  // Wakes `target` when the calling thread's open batch ends, or now when none is open.
  static void Wake(Wakeable& target);

 private:
  WakeupBatch* const outer_;     // the batch already open on this thread, if any
  std::vector<Wakeable*> held_;  // only in the outermost batch
};

}  // namespace serval

#endif  // SERVAL_COMMON_WAKEUP_BATCH_H_
