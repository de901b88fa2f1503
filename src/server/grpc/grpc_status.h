#ifndef SERVAL_SERVER_GRPC_GRPC_STATUS_H_
#define SERVAL_SERVER_GRPC_GRPC_STATUS_H_

// absl::Status to grpc::Status. The canonical codes have the same numbers in both (and in
// tensorflow.error.Code, protocols.md 2.7), so a code maps to itself: a full queue is
// RESOURCE_EXHAUSTED, a passed deadline DEADLINE_EXCEEDED, an unknown model NOT_FOUND.

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace serval {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_GRPC_STATUS_H_
