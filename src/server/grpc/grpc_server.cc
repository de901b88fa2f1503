#include "server/grpc/grpc_server.h"

#include <limits>

#include "common/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace serval {

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Create(
    const GrpcServerOptions& options, const std::vector<GrpcService*>& services) {
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(StrCat("gRPC port ", options.port, " is out of range"));
  }
  if (options.max_message_bytes < 1 ||
      options.max_message_bytes > std::numeric_limits<int>::max()) {
    return absl::InvalidArgumentError(
        StrCat("the gRPC message limit must be 1 to ", std::numeric_limits<int>::max(),
               " bytes, not ", options.max_message_bytes));
  }
  if (options.threads < 1) {
    return absl::InvalidArgumentError(
        StrCat("the gRPC server needs at least one thread, not ", options.threads));
  }
  grpc::ServerBuilder builder;
  int port = 0;
  // IPv6 literals need brackets in a gRPC target.
  const std::string host = options.address.find(':') != std::string::npos
                               ? StrCat("[", options.address, "]")
                               : options.address;
  builder.AddListeningPort(StrCat(host, ":", options.port), grpc::InsecureServerCredentials(),
                           &port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  for (GrpcService* service : services) builder.RegisterService(&service->async_service());
  std::vector<std::unique_ptr<CallQueue>> queues;
  for (int i = 0; i < options.threads; ++i) {
    queues.push_back(
        std::make_unique<CallQueue>(builder.AddCompletionQueue(), StrCat("grpc-", i)));
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        StrCat("cannot listen for gRPC on ", options.address, ":", options.port));
  }
  for (const std::unique_ptr<CallQueue>& queue : queues) {
    for (GrpcService* service : services) service->Listen(*queue);
    queue->Start();
  }
  return std::unique_ptr<GrpcServer>(new GrpcServer(std::move(queues), std::move(server), port));
}

GrpcServer::~GrpcServer() { Shutdown(absl::Now()); }

void GrpcServer::Shutdown(absl::Time deadline) {
  if (shut_down_) return;
  shut_down_ = true;
  for (const std::unique_ptr<CallQueue>& queue : queues_) queue->StopAccepting();
  server_->Shutdown(absl::ToChronoTime(deadline));
  for (const std::unique_ptr<CallQueue>& queue : queues_) queue->Close();
}

}  // namespace serval
