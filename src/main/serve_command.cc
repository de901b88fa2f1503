#include "main/serve_command.h"

#include <signal.h>

#include <iostream>
#include <thread>

#include "absl/time/time.h"
#include "backend/backend_registry.h"
#include "common/logging.h"
#include "config/model_config_file.h"
#include "config/server_config.h"
#include "main/grpc_front_end.h"
#include "main/model_sources.h"
#include "manager/servable_manager.h"
#include "metrics/metrics_registry.h"
#include "protocol/warmup_requests.h"
#include "server/http/http_server.h"
#include "server/http/management_router.h"
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

ServableManagerOptions ManagerOptions(const ServerConfig& config) {
  ServableManagerOptions options;
  options.load_threads = config.num_load_threads;
  options.load_thread_niceness = config.load_thread_niceness;
  // With batching, each instance has one batch thread; num_batch_threads asks for at least that
  // many instances.
  options.servable.num_instances =
      config.batching.enabled
          ? std::max<int>(config.instances_per_model, config.batching.num_batch_threads)
          : config.instances_per_model;
  options.servable.batching = config.batching;
  options.servable.max_queued_requests = config.max_queued_requests;
  options.servable.cpu_bound_threads = config.cpu_bound_inference_threads;
  options.retry_initial_backoff = absl::Milliseconds(config.load_retry_initial_backoff_ms);
  options.retry_max_backoff = absl::Milliseconds(config.load_retry_max_backoff_ms);
  options.allow_labels_for_unavailable_versions =
      config.allow_version_labels_for_unavailable_models;
  options.enable_warmup = config.enable_model_warmup;
  options.warmup_reader = ReadWarmupRequests;
  return options;
}

// Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread started after it, so that
// only WaitForSignal() receives them.
sigset_t BlockSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
    // A parent may have left them ignored, and an ignored signal never reaches sigwait().
    ::signal(signal, SIG_DFL);
    sigaddset(&signals, signal);
  }
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int WaitForSignal(const sigset_t& signals) {
  int signal = 0;
  sigwait(&signals, &signal);
  return signal;
}

absl::StatusOr<std::unique_ptr<HttpServer>> StartHttp(const std::string& address, int port,
                                                      const ServerConfig& config,
                                                      HttpHandler handler) {
  HttpServerOptions options;
  options.address = address;
  options.port = port;
  options.num_io_threads = config.rest_api_num_threads;
  options.max_body_bytes = config.max_request_body_bytes;
  options.read_timeout = absl::Milliseconds(config.rest_api_timeout_ms);
  return HttpServer::Create(options, std::move(handler));
}

// Graceful shutdown: refuse new connections, let the requests in flight finish (bounded), stop.
void Drain(const std::vector<HttpServer*>& servers, GrpcFrontEnd* grpc, absl::Duration timeout) {
  for (HttpServer* server : servers) server->StopAccepting();
  const absl::Time deadline = absl::Now() + timeout;
  // gRPC refuses new calls at once and waits for those in flight, alongside the HTTP servers.
  std::thread grpc_drain;
  if (grpc != nullptr) grpc_drain = std::thread([grpc, deadline] { grpc->Shutdown(deadline); });
  for (HttpServer* server : servers) {
    if (server->in_flight() > 0) LogInfo("draining ", server->in_flight(), " requests");
    if (!server->WaitForInFlight(std::max(absl::ZeroDuration(), deadline - absl::Now()))) {
      LogWarning(server->in_flight(), " requests still in flight after ",
                 absl::FormatDuration(timeout), "; stopping anyway");
    }
  }
  for (HttpServer* server : servers) server->Stop();
  if (grpc_drain.joinable()) grpc_drain.join();
}

int Serve(const ServerConfig& config) {
  const sigset_t signals = BlockSignals();
  BackendRegistry backends;
  if (absl::Status status = RegisterBackends(config, backends); !status.ok()) {
    LogError(status.message());
    return 1;
  }
  MetricsRegistry metrics;
  ServableManagerOptions manager_options = ManagerOptions(config);
  manager_options.metrics = &metrics;
  ServableManager manager(backends, manager_options);
  ModelSources sources(config, manager);
  if (absl::Status status = sources.Start(); !status.ok()) {
    LogError(status.message());
    return 1;
  }

  InferenceService service(manager, &metrics);
  RestRouter rest_router(service, config.prometheus_endpoint.empty() ? nullptr : &metrics,
                         config.prometheus_endpoint,
                         absl::Milliseconds(config.rest_api_timeout_ms));
  auto rest = StartHttp(config.rest_api_address, config.rest_api_port, config,
                        [&rest_router](HttpRequest request, HttpResponder respond) {
                          rest_router.Handle(std::move(request), std::move(respond));
                        });
  if (!rest.ok()) {
    LogError("cannot start the REST API: ", rest.status().message());
    return 1;
  }
  LogInfo("REST API listening on ", config.rest_api_address, ":", (*rest)->port());
  std::vector<HttpServer*> servers = {rest->get()};

  ManagementRouterOptions management_options;
  management_options.bearer_token = config.management_token;
  if (sources.HasConfigFile()) management_options.reload_config = [&] { return sources.ReloadConfig(); };
  // Only with a listener: the router owns a thread pool.
  std::unique_ptr<ManagementRouter> management_router;
  std::unique_ptr<HttpServer> management;
  if (config.management_port >= 0) {
    management_router = std::make_unique<ManagementRouter>(manager, management_options);
    auto started = StartHttp(config.management_address, config.management_port, config,
                             [router = management_router.get()](HttpRequest request,
                                                                HttpResponder respond) {
                               router->Handle(std::move(request), std::move(respond));
                             });
    if (!started.ok()) {
      LogError("cannot start the management API: ", started.status().message());
      return 1;
    }
    management = *std::move(started);
    LogInfo("management API listening on ", config.management_address, ":", management->port());
    servers.push_back(management.get());
  }

  std::unique_ptr<GrpcFrontEnd> grpc;
  if (config.grpc_port >= 0) {
    auto started = GrpcFrontEnd::Start(
        config, service, manager, [&sources](const tensorflow::serving::ModelServerConfig& proto) {
          absl::StatusOr<std::vector<ModelSettings>> models = ModelSettingsFromProto(proto);
          if (!models.ok()) return models.status();
          return sources.ApplyModels(*std::move(models));
        });
    if (!started.ok()) {
      LogError("cannot start the gRPC API: ", started.status().message());
      return 1;
    }
    grpc = *std::move(started);
    LogInfo("gRPC API listening on ", config.grpc_address, ":", grpc->port());
  }

  while (true) {
    const int signal = WaitForSignal(signals);
    if (signal != SIGHUP) {
      LogInfo("received signal ", signal, ", shutting down");
      break;
    }
    LogInfo("received SIGHUP, reloading the config");
    absl::Status status = sources.HasConfigFile() ? sources.ReloadConfig() : absl::OkStatus();
    if (!sources.HasConfigFile()) manager.PollOnce();
    if (!status.ok()) LogError("config reload rejected, the running config stays: ", status.message());
  }
  Drain(servers, grpc.get(), absl::Seconds(config.drain_timeout_seconds));
  LogInfo("stopped serving; unloading models");
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
