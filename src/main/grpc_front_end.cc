#include "main/grpc_front_end.h"

#include <string>
#include <utility>
#include <vector>

namespace serval {
namespace {

PredictionServiceOptions PredictionOptions(const ServerConfig& config) {
  PredictionServiceOptions options;
  options.default_request_timeout = absl::Milliseconds(config.rest_api_timeout_ms);
  options.output_encoding = config.enable_serialization_as_tensor_content
                                ? TensorProtoEncoding::kContent
                                : TensorProtoEncoding::kTyped;
  return options;
}

KServeServiceOptions KServeOptions(const ServerConfig& config, ServableManager& manager) {
  KServeServiceOptions options;
  options.default_request_timeout = absl::Milliseconds(config.rest_api_timeout_ms);
  options.repository = &manager;
  options.repository_token = config.management_token;
  return options;
}

// The names grpc.health.v1.Health answers for, besides the server as a whole.
std::vector<std::string> ServedServiceNames() {
  return {"tensorflow.serving.PredictionService", "tensorflow.serving.ModelService",
          "inference.GRPCInferenceService"};
}

}  // namespace

GrpcFrontEnd::GrpcFrontEnd(const ServerConfig& config, const InferenceService& service,
                           ServableManager& manager, ModelServiceImpl::ReloadConfig reload_config)
    : prediction_(service, PredictionOptions(config)),
      model_(service, std::move(reload_config)),
      kserve_(service, KServeOptions(config, manager)),
      health_(service, ServedServiceNames()) {}

absl::StatusOr<std::unique_ptr<GrpcFrontEnd>> GrpcFrontEnd::Start(
    const ServerConfig& config, const InferenceService& service, ServableManager& manager,
    ModelServiceImpl::ReloadConfig reload_config) {
  std::unique_ptr<GrpcFrontEnd> front_end(
      new GrpcFrontEnd(config, service, manager, std::move(reload_config)));
  GrpcServerOptions options;
  options.address = config.grpc_address;
  options.port = config.grpc_port;
  options.max_message_bytes = config.grpc_max_message_bytes;
  options.threads = config.grpc_max_threads;
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Create(
      options, {&front_end->prediction_, &front_end->model_, &front_end->kserve_,
                &front_end->health_});
  if (!server.ok()) return server.status();
  front_end->server_ = *std::move(server);
  return front_end;
}

}  // namespace serval
