#ifndef SERVAL_SERVER_GRPC_GRPC_SERVICE_H_
#define SERVAL_SERVER_GRPC_GRPC_SERVICE_H_

// GrpcService: what GrpcServer needs of each service it serves: the generated AsyncService to
// register, and a way to ask each of the server's call queues for calls of every method.

#include "grpcpp/impl/service_type.h"
#include "server/grpc/call_queue.h"

namespace serval {

class GrpcService {
 public:
  virtual ~GrpcService() = default;

  virtual grpc::Service& async_service() = 0;
  // Serves every method of the service on `queue`; called once per queue, after the server
  // starts.
  virtual void Listen(CallQueue& queue) = 0;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_GRPC_SERVICE_H_
