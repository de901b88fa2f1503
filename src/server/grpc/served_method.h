#ifndef SERVAL_SERVER_GRPC_SERVED_METHOD_H_
#define SERVAL_SERVER_GRPC_SERVED_METHOD_H_

// ServedMethod: what every method served on a CallQueue shares: the completion queue its calls
// come back on, the queue's call count, and its outbox for calls finished on other threads. UnaryMethod and RefusedStreamMethod add how to ask
// gRPC for a call and what to do with it. The CallQueue owns them; they outlive their calls.

#include "grpcpp/completion_queue.h"
#include "server/grpc/call_count.h"
#include "server/grpc/call_outbox.h"

namespace serval {

struct ServedMethod {
  virtual ~ServedMethod() = default;

  grpc::ServerCompletionQueue* queue = nullptr;
  CallCount* calls = nullptr;
  CallOutbox* outbox = nullptr;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_SERVED_METHOD_H_
