#ifndef SERVAL_SERVER_GRPC_REQUEST_DEADLINE_H_
#define SERVAL_SERVER_GRPC_REQUEST_DEADLINE_H_

// A gRPC call's deadline becomes its inference request's deadline; a call without one gets the
// server's default timeout (the same one REST requests get).

#include "absl/time/time.h"
#include "grpcpp/server_context.h"

namespace serval {

inline absl::Time RequestDeadline(const grpc::ServerContext& context,
                                  absl::Duration default_timeout) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::Now() + default_timeout;
  }
  return absl::FromChrono(deadline);
}

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_REQUEST_DEADLINE_H_
