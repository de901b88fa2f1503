#ifndef SERVAL_SERVER_GRPC_CALL_QUEUE_H_
#define SERVAL_SERVER_GRPC_CALL_QUEUE_H_

// CallQueue: one of the gRPC server's completion queues and the Serval thread that drains it.
// Services ask it for calls of each of their methods (Serve); every event of a call (it arrived,
// it finished, the client went away) comes back on this queue's thread as a GrpcTag, and that
// thread runs the method's handler. A server has as many call queues as it has gRPC threads
// (--grpc_max_threads), and gRPC hands each new call to whichever queue has one requested.
//
// A call finished on another thread (inference ends on a batch or executor thread) is sent from
// this queue's thread too, through its CallOutbox.
//
// Shutdown: after the server's own Shutdown, requested calls come back failed and the calls in
// flight finish; Close waits until none is left, then shuts the queue and joins its thread.
//
// Thread safety: Serve before Start; StopAccepting and Close from any thread but the queue's own.
//
//   CallQueue queue(builder.AddCompletionQueue(), "grpc-0");
//   service.Listen(queue);    // queue.Serve(async, &Async::RequestPredict, handler) per method
//   queue.Start();
//   ...  server->Shutdown(deadline);  queue.Close();

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/server_context.h"
#include "server/grpc/call_count.h"
#include "server/grpc/call_outbox.h"
#include "server/grpc/refused_stream.h"
#include "server/grpc/unary_call.h"

namespace serval {

class CallQueue {
 public:
  CallQueue(std::unique_ptr<grpc::ServerCompletionQueue> queue, std::string thread_name);
  ~CallQueue();  // Close()

  CallQueue(const CallQueue&) = delete;
  CallQueue& operator=(const CallQueue&) = delete;

  // Serves the unary method that `request_method` (an AsyncService's RequestFoo) asks for: each
  // call runs `handler` on this queue's thread, which must Finish it once, from any thread.
  // With `watch_cancellation`, the call's cancellation() is raised when the client cancels or
  // its deadline passes.
  template <class AsyncService, class Base, class Request, class Response>
  void Serve(AsyncService& service, UnaryRequestMethod<Base, Request, Response> request_method,
             typename UnaryCall<Request, Response>::Handler handler,
             bool watch_cancellation = false);

  // Serves a server-streaming method that Serval does not offer: each call ends with `status`.
  template <class AsyncService, class Base, class Request, class Response>
  void Refuse(AsyncService& service, StreamRequestMethod<Base, Request, Response> request_method,
              const grpc::Status& status);

  // Starts the thread that drains the queue.
  void Start();
  // After the server's Shutdown: waits for every call to end, then stops the thread.
  void Close();

  // Stops asking gRPC for new calls; for the server's Shutdown, before Close.
  void StopAccepting() { calls_.StopAccepting(); }

 private:
  void Drain();
  // Gives `method` this queue's completion queue, call count and outbox.
  void Attach(ServedMethod& method) {
    method.queue = queue_.get();
    method.calls = &calls_;
    method.outbox = &outbox_;
  }

  const std::unique_ptr<grpc::ServerCompletionQueue> queue_;
  const std::string thread_name_;
  std::vector<std::unique_ptr<ServedMethod>> methods_;
  CallCount calls_;
  CallOutbox outbox_;
  std::thread thread_;
  bool closed_ = false;
};

template <class AsyncService, class Base, class Request, class Response>
void CallQueue::Serve(AsyncService& service,
                      UnaryRequestMethod<Base, Request, Response> request_method,
                      typename UnaryCall<Request, Response>::Handler handler,
                      bool watch_cancellation) {
  auto method = std::make_unique<UnaryMethod<Request, Response>>();
  method->request = [&service, request_method](grpc::ServerContext* context, Request* request,
                                               grpc::ServerAsyncResponseWriter<Response>* writer,
                                               grpc::ServerCompletionQueue* queue, void* tag) {
    (static_cast<Base&>(service).*request_method)(context, request, writer, queue, queue, tag);
  };
  method->handler = std::move(handler);
  method->watch_cancellation = watch_cancellation;
  Attach(*method);
  UnaryCall<Request, Response>::Expect(*method);
  methods_.push_back(std::move(method));
}

template <class AsyncService, class Base, class Request, class Response>
void CallQueue::Refuse(AsyncService& service,
                       StreamRequestMethod<Base, Request, Response> request_method,
                       const grpc::Status& status) {
  auto method = std::make_unique<RefusedStreamMethod<Request, Response>>();
  method->request = [&service, request_method](grpc::ServerContext* context, Request* request,
                                               grpc::ServerAsyncWriter<Response>* writer,
                                               grpc::ServerCompletionQueue* queue, void* tag) {
    (static_cast<Base&>(service).*request_method)(context, request, writer, queue, queue, tag);
  };
  method->status = status;
  Attach(*method);
  RefusedStream<Request, Response>::Expect(*method);
  methods_.push_back(std::move(method));
}

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_CALL_QUEUE_H_
