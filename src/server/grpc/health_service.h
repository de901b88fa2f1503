#ifndef SERVAL_SERVER_GRPC_HEALTH_SERVICE_H_
#define SERVAL_SERVER_GRPC_HEALTH_SERVICE_H_

// gRPC's standard health service, grpc.health.v1.Health (what Kubernetes' gRPC probes and
// grpc_health_probe call). Check answers SERVING once the server is ready (the start-up models
// loaded or failed, InferenceService::IsReady), NOT_SERVING before, for the server as a whole
// ("") and for each service this server runs; NOT_FOUND for any other service name, as the
// health protocol asks. Watch is not served: it ends at once with UNIMPLEMENTED.
//
// Thread safety: the handlers may run on any of the server's call queue threads.

#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "server/grpc/grpc_service.h"
#include "serving/inference_service.h"

namespace serval {

class HealthServiceImpl : public GrpcService {
 public:
  // `service` must outlive this object. `service_names`: the full names of the services served
  // ("tensorflow.serving.PredictionService", ...).
  HealthServiceImpl(const InferenceService& service, std::vector<std::string> service_names)
      : service_(service), service_names_(std::move(service_names)) {}

  grpc::Service& async_service() override { return async_; }
  void Listen(CallQueue& queue) override;

 private:
  using Async = grpc::health::v1::Health::AsyncService;

  grpc::Status Check(const grpc::health::v1::HealthCheckRequest& request,
                     grpc::health::v1::HealthCheckResponse& response) const;

  const InferenceService& service_;
  const std::vector<std::string> service_names_;
  Async async_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_HEALTH_SERVICE_H_
