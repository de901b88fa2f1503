#include "main/serve_command.h"

#include <signal.h>

#include <iostream>

#include "absl/time/time.h"
#include "backend/backend_registry.h"
#include "common/logging.h"
#include "config/server_config.h"
#include "manager/servable_manager.h"
#include "repository/model_repository.h"
#include "server/http/http_server.h"
#include "server/http/rest_router.h"
#include "serving/inference_service.h"
#ifdef SERVAL_WITH_TORCH
#include "backends/torch/torch_backend.h"
#endif

namespace serval {
namespace {

absl::Status RegisterBackends(const ServerConfig& config, BackendRegistry& registry) {
#ifdef SERVAL_WITH_TORCH
  if (absl::Status status = ConfigureTorchThreads(config.intra_op_threads); !status.ok()) {
    return status;
  }
  registry.Register(CreateTorchBackend());
#endif
  return absl::OkStatus();
}

ModelRepository MakeRepository(const ServerConfig& config) {
  if (!config.model_repository.empty()) return ModelRepository::ForDirectory(config.model_repository);
  return ModelRepository::ForModel(config.model_name, config.model_base_path);
}

// Blocks SIGINT and SIGTERM in this thread and every thread started after it, so that
// WaitForStopSignal() receives them.
sigset_t BlockStopSignals() {
  // A parent may have left them ignored, and an ignored signal never reaches sigwait().
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int WaitForStopSignal(const sigset_t& signals) {
  int signal = 0;
  sigwait(&signals, &signal);
  return signal;
}

int Serve(const ServerConfig& config) {
  const sigset_t stop_signals = BlockStopSignals();
  BackendRegistry backends;
  if (absl::Status status = RegisterBackends(config, backends); !status.ok()) {
    LogError(status.message());
    return 1;
  }
  auto models = MakeRepository(config).Scan();
  if (!models.ok()) {
    LogError(models.status().message());
    return 1;
  }
  ServableManager manager(backends, {.load_threads = 1,
                                     .servable = {.num_instances = config.instances_per_model,
                                                  .max_queued_requests = config.max_queued_requests}});
  manager.LoadModels(*std::move(models));
  InferenceService service(manager);
  RestRouter router(service);
  HttpServerOptions http_options;
  http_options.address = config.rest_api_address;
  http_options.port = config.rest_api_port;
  http_options.num_io_threads = config.rest_api_num_threads;
  http_options.max_body_bytes = config.max_request_body_bytes;
  http_options.read_timeout = absl::Milliseconds(config.rest_api_timeout_ms);
  auto server = HttpServer::Create(http_options, [&router](HttpRequest request, HttpResponder respond) {
    router.Handle(std::move(request), std::move(respond));
  });
  if (!server.ok()) {
    LogError("cannot start the REST API: ", server.status().message());
    return 1;
  }
  LogInfo("REST API listening on ", config.rest_api_address, ":", (*server)->port());
  const int signal = WaitForStopSignal(stop_signals);
  LogInfo("received signal ", signal, ", shutting down");
  (*server)->Stop();
  return 0;
}

}  // namespace

int RunServeCommand(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::cout << ServeFlagsHelp();
      return 0;
    }
  }
  auto config = ParseServeFlags(args);
  if (!config.ok()) {
    std::cerr << "serval serve: " << config.status().message() << "\n\n" << ServeFlagsHelp();
    return 2;
  }
  return Serve(*config);
}

}  // namespace serval
