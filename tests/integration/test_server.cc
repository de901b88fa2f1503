#include "integration/test_server.h"

#include <filesystem>

#include "common/str_cat.h"
#include "backends/torch/torch_backend.h"
#include "common/check.h"
#include "common/status_macros.h"
#include "config/model_config_file.h"
#include "repository/model_repository.h"

namespace serval {

TestServer::TestServer(const std::string& repository, TestServerOptions options) {
  CHECK(ConfigureTorchThreads(1).ok());
  backends_.Register(CreateTorchBackend());
  ServableManagerOptions manager_options;
  manager_options.servable.max_queued_requests = options.max_queued_requests;
  manager_options.servable.batching = options.batching;
  manager_options.servable.num_instances = options.instances;
  manager_options.metrics = &metrics_;
  manager_ = std::make_unique<ServableManager>(backends_, manager_options);
  auto models = ModelRepository::ForDirectory(repository).Scan();
  CHECK(models.ok()) << models.status();
  CHECK(manager_->SetModels(DefaultModelSettings(*models)).ok());
  manager_->WaitUntilSettled();
  service_ = std::make_unique<InferenceService>(*manager_, &metrics_);
  router_ = std::make_unique<RestRouter>(*service_, &metrics_);
  HttpServerOptions http_options;
  http_options.address = "127.0.0.1";
  http_options.port = 0;
  http_options.num_io_threads = 2;
  http_options.max_body_bytes = options.max_body_bytes;
  auto http = HttpServer::Create(http_options, [this](HttpRequest request, HttpResponder respond) {
    router_->Handle(std::move(request), std::move(respond));
  });
  CHECK(http.ok()) << http.status();
  http_ = *std::move(http);
  if (options.management) {
    management_router_ = std::make_unique<ManagementRouter>(*manager_, ManagementRouterOptions());
    auto management =
        HttpServer::Create(http_options, [this](HttpRequest request, HttpResponder respond) {
          management_router_->Handle(std::move(request), std::move(respond));
        });
    CHECK(management.ok()) << management.status();
    management_http_ = *std::move(management);
  }
  if (options.grpc) StartGrpc(options);
}

void TestServer::StartGrpc(const TestServerOptions& options) {
  PredictionServiceOptions prediction;
  prediction.output_encoding = options.grpc_tensor_content ? TensorProtoEncoding::kContent
                                                           : TensorProtoEncoding::kTyped;
  prediction_service_ = std::make_unique<PredictionServiceImpl>(*service_, prediction);
  model_service_ = std::make_unique<ModelServiceImpl>(
      *service_, [this](const tensorflow::serving::ModelServerConfig& proto) -> absl::Status {
        absl::StatusOr<std::vector<ModelSettings>> models = ModelSettingsFromProto(proto);
        if (!models.ok()) return models.status();
        RETURN_IF_ERROR(manager_->SetModels(*std::move(models)));
        manager_->WaitUntilSettled();
        return absl::OkStatus();
      });
  KServeServiceOptions kserve;
  kserve.repository = manager_.get();
  kserve.repository_token = options.management_token;
  kserve_service_ = std::make_unique<KServeServiceImpl>(*service_, kserve);
  health_service_ = std::make_unique<HealthServiceImpl>(
      *service_, std::vector<std::string>{"tensorflow.serving.PredictionService",
                                          "inference.GRPCInferenceService"});
  GrpcServerOptions grpc_options;
  grpc_options.address = "127.0.0.1";
  grpc_options.port = 0;
  grpc_options.max_message_bytes = options.grpc_max_message_bytes;
  grpc_options.threads = options.grpc_threads;
  auto grpc = GrpcServer::Create(grpc_options, {prediction_service_.get(), model_service_.get(),
                                                kserve_service_.get(), health_service_.get()});
  CHECK(grpc.ok()) << grpc.status();
  grpc_ = *std::move(grpc);
}

TestServer::~TestServer() {
  if (grpc_ != nullptr) grpc_->Shutdown(absl::Now());
  if (management_http_ != nullptr) management_http_->Stop();
  http_->Stop();
}

void CopyExampleModel(const std::string& name, const TempDir& repository, std::string as) {
  namespace fs = std::filesystem;
  const fs::path source = fs::path(SERVAL_TEST_MODELS) / "examples" / name;
  const fs::path target = fs::path(repository.path()) / (as.empty() ? name : as);
  fs::create_directories(target);
  fs::copy(source, target, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

void CopyTestModel(const std::string& name, const TempDir& repository, const std::string& model,
                   int version) {
  namespace fs = std::filesystem;
  const fs::path target = fs::path(repository.path()) / model / StrCat(version);
  fs::create_directories(target);
  fs::copy_file(fs::path(SERVAL_TEST_MODELS) / "tests" / name / "model.pt", target / "model.pt",
                fs::copy_options::overwrite_existing);
}

}  // namespace serval
