#ifndef SERVAL_SERVER_GRPC_UNARY_CALL_H_
#define SERVAL_SERVER_GRPC_UNARY_CALL_H_

// UnaryCall: one unary RPC served on a completion queue (gRPC's async API), from the moment Serval
// asks gRPC for it until gRPC has returned every tag it was given. It owns the call's context,
// request and response. When the call arrives it asks for the next call of the same method, then
// gives itself to the method's handler, which must Finish it exactly once: at once for an error,
// or later from any thread (the inference callback on an executor), in which case the response
// goes out from the queue's thread, through its CallOutbox. It deletes itself.
//
// Events, each a GrpcTag on the queue, so all on the queue's one thread: arrived; finished; and,
// for a method that watches cancellation, done, after which gRPC says whether the client
// cancelled (a cancelled call, a passed deadline, a closed connection), which raises the call's
// CancellationFlag so that queued work for a client that has gone never runs.
//
// UnaryMethod: what a CallQueue knows of one unary method: how to ask gRPC for a call, and the
// handler.

#include <functional>
#include <memory>

#include "common/cancellation.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/async_unary_call.h"
#include "server/grpc/grpc_tag.h"
#include "server/grpc/served_method.h"

namespace serval {

// An AsyncService's RequestFoo, declared by the generated WithAsyncMethod_Foo base.
template <class Base, class Request, class Response>
using UnaryRequestMethod = void (Base::*)(grpc::ServerContext*, Request*,
                                          grpc::ServerAsyncResponseWriter<Response>*,
                                          grpc::CompletionQueue*, grpc::ServerCompletionQueue*,
                                          void*);

template <class Request, class Response>
class UnaryCall;

template <class Request, class Response>
struct UnaryMethod : ServedMethod {
  bool watch_cancellation = false;
  // Asks gRPC for one call, whose arrival comes back on `queue` as `tag`.
  std::function<void(grpc::ServerContext*, Request*, grpc::ServerAsyncResponseWriter<Response>*,
                     grpc::ServerCompletionQueue* queue, void* tag)>
      request;
  std::function<void(UnaryCall<Request, Response>&)> handler;
};

template <class Request, class Response>
class UnaryCall final : private OutgoingCall {
 public:
  using Handler = std::function<void(UnaryCall&)>;

  // Asks gRPC for the next call of `method`, which must outlive it.
  static void Expect(const UnaryMethod<Request, Response>& method) { new UnaryCall(method); }

  UnaryCall(const UnaryCall&) = delete;
  UnaryCall& operator=(const UnaryCall&) = delete;

  const grpc::ServerContext& context() const { return context_; }
  // gRPC's message, ours until Finish: a handler may move large fields out of it.
  Request& request() { return request_; }
  Response& response() { return response_; }
  // Raised when the client goes away; null unless the method watches cancellation.
  Cancellation cancellation() const { return flag_; }

  // Sends the response (OK) or the error; once, from any thread. From another thread than the
  // queue's, it is posted to the queue's outbox and sent from there.
  void Finish(const grpc::Status& status) {
    status_ = status;
    if (method_.outbox->IsQueueThread()) {
      Send();
    } else {
      method_.outbox->Post(this);
    }
  }

 private:
  class Event final : public GrpcTag {
   public:
    Event(UnaryCall* call, void (UnaryCall::*handle)(bool)) : call_(call), handle_(handle) {}
    void Proceed(bool ok) override { (call_->*handle_)(ok); }

   private:
    UnaryCall* const call_;
    void (UnaryCall::*const handle_)(bool);
  };

  explicit UnaryCall(const UnaryMethod<Request, Response>& method)
      : method_(method),
        registration_(*method.calls),
        writer_(&context_),
        pending_(method.watch_cancellation ? 2 : 1) {
    if (method_.watch_cancellation) {
      flag_ = std::make_shared<CancellationFlag>();
      context_.AsyncNotifyWhenDone(static_cast<GrpcTag*>(&done_));
    }
    method_.request(&context_, &request_, &writer_, method_.queue,
                    static_cast<GrpcTag*>(&arrived_));
  }
  ~UnaryCall() = default;

  void OnArrived(bool ok) {
    // Not ok: the server is shutting down and this call never started, so no other tag comes.
    if (!ok) {
      delete this;
      return;
    }
    if (method_.calls->accepting()) Expect(method_);
    method_.handler(*this);
  }
  void Send() override {
    if (status_.ok()) {
      writer_.Finish(response_, status_, &finished_);
    } else {
      writer_.FinishWithError(status_, &finished_);
    }
  }
  void OnFinished(bool) { Release(); }
  void OnDone(bool) {
    if (context_.IsCancelled()) flag_->Cancel();
    Release();
  }
  // The finished and done tags both come back on the queue's one thread.
  void Release() {
    if (--pending_ == 0) delete this;
  }

  const UnaryMethod<Request, Response>& method_;
  const CallCount::Registration registration_;  // before the gRPC objects: outlives them
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> writer_;
  std::shared_ptr<CancellationFlag> flag_;
  grpc::Status status_;  // what Finish was given, for Send
  int pending_;  // tags still to come after arrival: finished, and done when watched
  Event arrived_{this, &UnaryCall::OnArrived};
  Event finished_{this, &UnaryCall::OnFinished};
  Event done_{this, &UnaryCall::OnDone};
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_UNARY_CALL_H_
