#ifndef SERVAL_SERVER_GRPC_GRPC_TAG_H_
#define SERVAL_SERVER_GRPC_GRPC_TAG_H_

// GrpcTag: what Serval puts on a gRPC completion queue. Each event the queue returns is a tag that
// knows what to do with it; `ok` is gRPC's: false when the operation failed (the server is
// shutting down, the call was cancelled).

namespace serval {

class GrpcTag {
 public:
  virtual void Proceed(bool ok) = 0;

 protected:
  ~GrpcTag() = default;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_GRPC_TAG_H_
