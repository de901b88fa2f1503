#ifndef SERVAL_MAIN_GRPC_FRONT_END_H_
#define SERVAL_MAIN_GRPC_FRONT_END_H_

// GrpcFrontEnd: the gRPC listener of `serval serve` and the services on it, configured from the
// ServerConfig: TF Serving's PredictionService and ModelService, KServe v2's
// GRPCInferenceService, and grpc.health.v1.Health.
//
// Thread safety: Shutdown may be called from any thread, once.

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config/server_config.h"
#include "server/grpc/grpc_server.h"
#include "server/grpc/health_service.h"
#include "server/grpc/kserve_service.h"
#include "server/grpc/model_service.h"
#include "server/grpc/prediction_service.h"
#include "serving/inference_service.h"

namespace serval {

class GrpcFrontEnd {
 public:
  // Starts listening on config.grpc_address:grpc_port. `service` and `manager` (for KServe's
  // repository RPCs) must outlive the front end; `reload_config` serves
  // HandleReloadConfigRequest (may be empty: UNIMPLEMENTED).
  static absl::StatusOr<std::unique_ptr<GrpcFrontEnd>> Start(
      const ServerConfig& config, const InferenceService& service, ServableManager& manager,
      ModelServiceImpl::ReloadConfig reload_config);

  int port() const { return server_->port(); }

  // Refuses new calls, lets those in flight finish until `deadline`, then cancels the rest.
  void Shutdown(absl::Time deadline) { server_->Shutdown(deadline); }

 private:
  GrpcFrontEnd(const ServerConfig& config, const InferenceService& service,
               ServableManager& manager, ModelServiceImpl::ReloadConfig reload_config);

  PredictionServiceImpl prediction_;
  ModelServiceImpl model_;
  KServeServiceImpl kserve_;
  HealthServiceImpl health_;
  std::unique_ptr<GrpcServer> server_;  // last: stops before the services go
};

}  // namespace serval

#endif  // SERVAL_MAIN_GRPC_FRONT_END_H_
