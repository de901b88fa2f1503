#ifndef SERVAL_SERVER_GRPC_GRPC_SERVER_H_
#define SERVAL_SERVER_GRPC_GRPC_SERVER_H_

// GrpcServer: one gRPC listener (gRPC's callback API) serving the services it is given, with
// Serval's limits: the largest message either way, and a grace period for calls in flight when it
// stops.
//
// The services' handlers never wait on inference: they queue the request and return; the
// inference callback finishes the call from an executor thread. gRPC's own threads (polling and
// running callbacks) are sized by gRPC from the number of cores; gRPC 1.51's callback API has no
// setting for them.
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

namespace serval {

struct GrpcServerOptions {
  std::string address = "0.0.0.0";
  int port = 8500;  // 0: any free port (see port())
  // The largest request and response, in bytes; a larger one fails with RESOURCE_EXHAUSTED
  // ("... larger than max ...") before it reaches a handler.
  int64_t max_message_bytes = int64_t{1} << 30;
};

class GrpcServer {
 public:
  // Starts listening. `services` must outlive the server. UNAVAILABLE when the port cannot be
  // bound; INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Create(
      const GrpcServerOptions& options, const std::vector<grpc::Service*>& services);
  ~GrpcServer();  // Shutdown(now)

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  int port() const { return port_; }

  // Refuses new calls and waits until the calls in flight finish or `deadline` passes, then
  // cancels what is left. Idempotent.
  void Shutdown(absl::Time deadline);

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, int port)
      : server_(std::move(server)), port_(port) {}

  std::unique_ptr<grpc::Server> server_;
  const int port_;
  bool shut_down_ = false;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_GRPC_SERVER_H_
