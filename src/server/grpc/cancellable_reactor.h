#ifndef SERVAL_SERVER_GRPC_CANCELLABLE_REACTOR_H_
#define SERVAL_SERVER_GRPC_CANCELLABLE_REACTOR_H_

// CancellableReactor: the reactor of a unary inference call. It turns the client's cancellation
// (a cancelled call, a passed deadline, a closed connection) into the request's CancellationFlag,
// so that work still queued for a client that has gone never runs, as over HTTP.
//
// Lifetime: created with new by the handler, which must call Finish exactly once (at once for an
// error, or from the inference callback); gRPC then calls OnDone, which deletes it.
//
// Thread safety: OnCancel may run on any gRPC thread at any time before OnDone; the flag is
// atomic.

#include <memory>

#include "common/cancellation.h"
#include "grpcpp/support/server_callback.h"

namespace serval {

class CancellableReactor : public grpc::ServerUnaryReactor {
 public:
  CancellableReactor() : flag_(std::make_shared<CancellationFlag>()) {}

  Cancellation cancellation() const { return flag_; }

  void OnCancel() override { flag_->Cancel(); }
  void OnDone() override { delete this; }

 private:
  const std::shared_ptr<CancellationFlag> flag_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_CANCELLABLE_REACTOR_H_
