#ifndef SERVAL_SERVER_GRPC_CALL_OUTBOX_H_
#define SERVAL_SERVER_GRPC_CALL_OUTBOX_H_

// CallOutbox: the calls that other threads (a batch or executor thread, a reload) have finished,
// waiting for their completion queue's thread to send them. A call finished on the queue's own
// thread is sent at once; one finished elsewhere is posted here, and the queue's thread sends
// everything posted each time it is woken.
//
// Why: a thread that calls gRPC's Finish wakes the queue's thread for that one call, and on a
// shared core the woken thread preempts it. A batch thread answering 8 requests then switches
// threads 16 times. Posted here inside a WakeupBatch, the 8 answers cost the batch thread one
// wake-up (a grpc::Alarm that expires at once), and the queue's thread sends all 8.
//
// Thread safety: Post from any thread; lock-free (the posted calls form an intrusive stack).
// SendPosted on the queue's thread only.

#include <atomic>

#include "common/wakeup_batch.h"
#include "grpcpp/completion_queue.h"

namespace serval {

// A call waiting in a CallOutbox to be sent.
class OutgoingCall {
 public:
  // Sends the call's response or error; on the queue's thread.
  virtual void Send() = 0;

 protected:
  ~OutgoingCall() = default;

 private:
  friend class CallOutbox;
  OutgoingCall* next_posted_ = nullptr;
};

class CallOutbox final : public Wakeable {
 public:
  explicit CallOutbox(grpc::ServerCompletionQueue* queue) : queue_(queue) {}

  CallOutbox(const CallOutbox&) = delete;
  CallOutbox& operator=(const CallOutbox&) = delete;

  // Marks the calling thread as this outbox's queue's thread, for IsQueueThread.
  void BindToThisThread();
  bool IsQueueThread() const;

  // Queues `call` to be sent on the queue's thread. The first call posted since the last send
  // wakes that thread, at the end of the poster's WakeupBatch if one is open.
  void Post(OutgoingCall* call);

 private:
  // Sets an alarm on the queue that expires at once; its tag sends what is posted.
  void Wake() override;
  // Sends every call posted so far, in the order posted.
  void SendPosted();

  class WakeTag;

  grpc::ServerCompletionQueue* const queue_;
  std::atomic<OutgoingCall*> posted_{nullptr};  // newest first
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_CALL_OUTBOX_H_
