#ifndef SERVAL_SERVER_GRPC_GRPC_SERVER_H_
#define SERVAL_SERVER_GRPC_GRPC_SERVER_H_

// GrpcServer: one gRPC listener serving the services it is given on gRPC's completion-queue
// (async) API, with Serval's threads: `threads` CallQueues, each a completion queue drained by its
// own thread, which polls the network and runs the handlers. And Serval's limits: the largest
// message either way, and a grace period for calls in flight when it stops.
//
// The handlers never wait on inference: they queue the request and return; the inference
// callback finishes the call from an executor thread. gRPC's core keeps a few threads of its own
// (timers, its executor) besides these.
//
// Thread safety: Shutdown may be called from any thread, once.
//
//   PredictionServiceImpl predict(service, options);
//   ASSIGN_OR_RETURN(auto server, GrpcServer::Create(grpc_options, {&predict}));
//   LogInfo("gRPC on port ", server->port());

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/grpc/call_queue.h"
#include "server/grpc/grpc_service.h"

namespace serval {

struct GrpcServerOptions {
  std::string address = "0.0.0.0";
  int port = 8500;  // 0: any free port (see port())
  // The largest request and response, in bytes; a larger one fails with RESOURCE_EXHAUSTED
  // ("... larger than max ...") before it reaches a handler.
  int64_t max_message_bytes = int64_t{1} << 30;
  // Threads (each with its completion queue) that serve calls.
  int threads = 1;
};

class GrpcServer {
 public:
  // Starts listening. `services` must outlive the server. UNAVAILABLE when the port cannot be
  // bound; INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Create(
      const GrpcServerOptions& options, const std::vector<GrpcService*>& services);
  ~GrpcServer();  // Shutdown(now)

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  int port() const { return port_; }

  // Refuses new calls, lets the calls in flight finish until `deadline`, then has gRPC cancel
  // what is left, and returns once every call has been finished and deleted. A call whose handler
  // is still working (a running forward, a reload waiting for its models) holds the return back
  // until it finishes, past the deadline if need be. Idempotent.
  void Shutdown(absl::Time deadline);

 private:
  GrpcServer(std::vector<std::unique_ptr<CallQueue>> queues, std::unique_ptr<grpc::Server> server,
             int port)
      : queues_(std::move(queues)), server_(std::move(server)), port_(port) {}

  std::vector<std::unique_ptr<CallQueue>> queues_;
  std::unique_ptr<grpc::Server> server_;  // after queues_: destroyed before them
  const int port_;
  bool shut_down_ = false;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_GRPC_SERVER_H_
