#ifndef SERVAL_SERVER_GRPC_REFUSED_STREAM_H_
#define SERVAL_SERVER_GRPC_REFUSED_STREAM_H_

// RefusedStream: a call of a server-streaming method that Serval does not offer (such as
// grpc.health.v1.Health's Watch), ended at once with a fixed status. On the async API a method
// of a registered service that nobody asks calls for would leave its callers waiting, so such
// methods are asked for and refused. It deletes itself when gRPC returns its last tag.

#include <functional>

#include "grpcpp/server_context.h"
#include "grpcpp/support/async_stream.h"
#include "server/grpc/grpc_tag.h"
#include "server/grpc/served_method.h"

namespace serval {

// An AsyncService's RequestFoo for a server-streaming method.
template <class Base, class Request, class Response>
using StreamRequestMethod = void (Base::*)(grpc::ServerContext*, Request*,
                                           grpc::ServerAsyncWriter<Response>*,
                                           grpc::CompletionQueue*, grpc::ServerCompletionQueue*,
                                           void*);

template <class Request, class Response>
struct RefusedStreamMethod : ServedMethod {
  std::function<void(grpc::ServerContext*, Request*, grpc::ServerAsyncWriter<Response>*,
                     grpc::ServerCompletionQueue* queue, void* tag)>
      request;
  grpc::Status status;
};

template <class Request, class Response>
class RefusedStream final : public GrpcTag {
 public:
  // Asks gRPC for the next call of `method`, which must outlive it.
  static void Expect(const RefusedStreamMethod<Request, Response>& method) {
    new RefusedStream(method);
  }

  // Arrived: refuse it and ask for the next. Finished (or failed): done.
  void Proceed(bool ok) override {
    if (!ok || finishing_) {
      delete this;
      return;
    }
    if (method_.calls->accepting()) Expect(method_);
    finishing_ = true;
    writer_.Finish(method_.status, static_cast<GrpcTag*>(this));
  }

 private:
  explicit RefusedStream(const RefusedStreamMethod<Request, Response>& method)
      : method_(method), registration_(*method.calls), writer_(&context_) {
    method_.request(&context_, &request_, &writer_, method_.queue, static_cast<GrpcTag*>(this));
  }
  ~RefusedStream() = default;

  const RefusedStreamMethod<Request, Response>& method_;
  const CallCount::Registration registration_;  // before the gRPC objects: outlives them
  grpc::ServerContext context_;
  Request request_;
  grpc::ServerAsyncWriter<Response> writer_;
  bool finishing_ = false;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_REFUSED_STREAM_H_
