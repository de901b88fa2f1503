#include "server/grpc/call_outbox.h"

#include "grpc/support/time.h"
#include "grpcpp/alarm.h"
#include "server/grpc/grpc_tag.h"

namespace serval {
namespace {

thread_local const CallOutbox* bound_outbox = nullptr;

}  // namespace

// One wake-up: an alarm that has already expired, so gRPC puts its tag on the queue at once.
class CallOutbox::WakeTag final : public GrpcTag {
 public:
  explicit WakeTag(CallOutbox& outbox) : outbox_(outbox) {
    alarm_.Set(outbox.queue_, gpr_inf_past(GPR_CLOCK_MONOTONIC), static_cast<GrpcTag*>(this));
  }

  void Proceed(bool) override {
    outbox_.SendPosted();
    delete this;
  }

 private:
  CallOutbox& outbox_;
  grpc::Alarm alarm_;
};

void CallOutbox::BindToThisThread() { bound_outbox = this; }

bool CallOutbox::IsQueueThread() const { return bound_outbox == this; }

void CallOutbox::Post(OutgoingCall* call) {
  OutgoingCall* head = posted_.load(std::memory_order_relaxed);
  do {
    call->next_posted_ = head;
  } while (!posted_.compare_exchange_weak(head, call, std::memory_order_release,
                                          std::memory_order_relaxed));
  // Only the post that finds the outbox empty wakes the queue's thread: until that thread takes
  // the posted calls, a wake-up is already on its way for everything posted after it.
  if (head == nullptr) WakeupBatch::Wake(*this);
}

void CallOutbox::Wake() { new WakeTag(*this); }

void CallOutbox::SendPosted() {
  OutgoingCall* newest = posted_.exchange(nullptr, std::memory_order_acquire);
  OutgoingCall* oldest = nullptr;
  while (newest != nullptr) {  // reverse, so that calls go out in the order they were posted
    OutgoingCall* next = newest->next_posted_;
    newest->next_posted_ = oldest;
    oldest = newest;
    newest = next;
  }
  while (oldest != nullptr) {
    OutgoingCall* next = oldest->next_posted_;  // read first: Send may end the call
    oldest->Send();
    oldest = next;
  }
}

}  // namespace serval
