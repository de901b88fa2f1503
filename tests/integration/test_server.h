#ifndef SERVAL_INTEGRATION_TEST_SERVER_H_
#define SERVAL_INTEGRATION_TEST_SERVER_H_

// TestServer: the whole serving stack in-process (TorchScript backend, manager, inference
// service, REST router with /metrics, HTTP server on 127.0.0.1 port 0) over a model repository
// folder.
//
//   TempDir repository;
//   CopyExampleModel("half_plus_two", repository);
//   TestServer server(repository.path());
//   HttpClient client(server.port());

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "backend/backend_registry.h"
#include "core/batching_settings.h"
#include "manager/servable_manager.h"
#include "metrics/metrics_registry.h"
#include "server/grpc/grpc_server.h"
#include "server/grpc/health_service.h"
#include "server/grpc/kserve_service.h"
#include "server/grpc/model_service.h"
#include "server/grpc/prediction_service.h"
#include "server/http/http_server.h"
#include "server/http/management_router.h"
#include "server/http/rest_router.h"
#include "serving/inference_service.h"
#include "testing/temp_dir.h"

namespace serval {

struct TestServerOptions {
  size_t max_body_bytes = size_t{64} << 20;
  size_t max_queued_requests = 1024;
  // Also serve the management API on its own port.
  bool management = false;
  BatchingSettings batching;  // off unless enabled
  int instances = 1;
  // Also serve gRPC (TF Serving's and KServe v2's services, health) on its own port; its
  // HandleReloadConfigRequest replaces the models and waits until they settle.
  bool grpc = false;
  // gRPC Predict answers in tensor_content rather than typed fields.
  bool grpc_tensor_content = false;
  int64_t grpc_max_message_bytes = int64_t{1} << 30;
  int grpc_threads = 2;
  // What KServe's RepositoryModelLoad/Unload ask for over gRPC; empty: refused.
  std::string management_token;
};

class TestServer {
 public:
  // Loads every model in `repository` (waiting until each loaded or failed) and starts serving.
  explicit TestServer(const std::string& repository, TestServerOptions options = {});
  ~TestServer();

  int port() const { return http_->port(); }
  int management_port() const { return management_http_->port(); }
  int grpc_port() const { return grpc_->port(); }
  // Stops the gRPC server, letting calls in flight finish until `deadline`.
  void StopGrpc(absl::Time deadline) { grpc_->Shutdown(deadline); }
  ServableManager& manager() { return *manager_; }

 private:
  BackendRegistry backends_;
  MetricsRegistry metrics_;
  std::unique_ptr<ServableManager> manager_;
  std::unique_ptr<InferenceService> service_;
  std::unique_ptr<RestRouter> router_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<ManagementRouter> management_router_;
  std::unique_ptr<HttpServer> management_http_;
  std::unique_ptr<PredictionServiceImpl> prediction_service_;
  std::unique_ptr<ModelServiceImpl> model_service_;
  std::unique_ptr<KServeServiceImpl> kserve_service_;
  std::unique_ptr<HealthServiceImpl> health_service_;
  std::unique_ptr<GrpcServer> grpc_;

  void StartGrpc(const TestServerOptions& options);
};

// Copies bundled example model `name` (config.yaml and version 1) into `repository`/`as`.
void CopyExampleModel(const std::string& name, const TempDir& repository, std::string as = "");

// Writes test model `name`'s model.pt as `repository`/`model`/`version`/model.pt.
void CopyTestModel(const std::string& name, const TempDir& repository, const std::string& model,
                   int version = 1);

}  // namespace serval

#endif  // SERVAL_INTEGRATION_TEST_SERVER_H_
