#include "server/grpc/call_queue.h"

#include <pthread.h>

#include <utility>

#include "absl/time/clock.h"

namespace serval {

CallQueue::CallQueue(std::unique_ptr<grpc::ServerCompletionQueue> queue, std::string thread_name)
    : queue_(std::move(queue)), thread_name_(std::move(thread_name)), outbox_(queue_.get()) {}

CallQueue::~CallQueue() { Close(); }

void CallQueue::Start() {
  thread_ = std::thread([this] {
    outbox_.BindToThisThread();
    Drain();
  });
  pthread_setname_np(thread_.native_handle(), thread_name_.substr(0, 15).c_str());
}

void CallQueue::Drain() {
  void* tag = nullptr;
  bool ok = false;
  while (queue_->Next(&tag, &ok)) static_cast<GrpcTag*>(tag)->Proceed(ok);
}

void CallQueue::Close() {
  if (closed_) return;
  closed_ = true;
  calls_.StopAccepting();
  // The server has shut down: requested calls come back failed, and the calls in flight finish
  // as their inference ends. Only this wait, at shutdown, polls.
  if (thread_.joinable()) {
    while (calls_.live() > 0) absl::SleepFor(absl::Milliseconds(1));
  }
  queue_->Shutdown();
  if (thread_.joinable()) {
    thread_.join();
  } else {
    Drain();  // never started: empty it here, as gRPC asks before a queue is destroyed
  }
}

}  // namespace serval
