#ifndef SERVAL_CONFIG_SERVER_CONFIG_H_
#define SERVAL_CONFIG_SERVER_CONFIG_H_

// ServerConfig: everything `serval serve` is told, from its command-line flags and, with --config,
// from Serval's YAML file; the models to serve resolved to a list of ModelSettings.
//
// Users come with one of four model sources, and give exactly one:
//   --model_base_path=DIR [--model_name=NAME]   one model, TF Serving style
//   --model_repository=DIR                      every model folder of DIR
//   --model_config_file=FILE                    TF Serving's text ModelServerConfig
//   --config=FILE                               Serval's YAML (models, server settings, monitoring)
//
// Flags are TF Serving's where it has one (--port, --rest_api_port, --model_config_file,
// --model_config_file_poll_wait_seconds, --file_system_poll_wait_seconds, --num_load_threads,
// --enable_batching, ...), so a command line written for tensorflow_model_server works unchanged.
// Flags given next to --config override the file's server settings. docs/configuration.md
// documents every flag and both file formats.
//
// Thread safety: the functions are safe to call from any thread; a ServerConfig is a plain value.
//
//   ASSIGN_OR_RETURN(ServerConfig config, ParseServeFlags(args));
//   manager.SetModels(config.models);
//   ...on SIGHUP or every --model_config_file_poll_wait_seconds:
//   auto models = LoadModelsConfig(config);   // an error keeps the models being served

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/batching_settings.h"
#include "core/model_settings.h"

namespace serval {

struct ServerConfig {
  // --- Where the models come from: exactly one of the four sources. ---
  // One model (TF Serving style) ...
  std::string model_name = "default";
  std::string model_base_path;
  // ... or every model folder of a repository; `models` stays empty and the serve command turns
  // the folders into ModelSettings. Also set when the --config file has no model_configs and
  // names a folder in server_config.model_base_path.
  std::string model_repository;
  // ... or TF Serving's --model_config_file (text ModelServerConfig) ...
  std::string model_config_file;
  // ... or Serval's YAML (--config).
  std::string config_file;
  // The resolved, validated models (empty for a repository).
  std::vector<ModelSettings> models;

  // --- Keeping the models up to date. ---
  // Re-read model_config_file or config_file every N seconds; 0: read once at start.
  int64_t model_config_file_poll_wait_seconds = 0;
  // Re-scan model folders for versions every N seconds; 0: scan once at start.
  int64_t file_system_poll_wait_seconds = 1;
  bool allow_version_labels_for_unavailable_models = false;
  bool enable_model_warmup = true;
  int num_load_threads = 1;  // the flag's 0 means 1
  int load_thread_niceness = 10;  // loads and warmups yield the CPU to inference
  int64_t load_retry_initial_backoff_ms = 1000;
  int64_t load_retry_max_backoff_ms = 60000;

  // --- Front ends. ---
  std::string rest_api_address = "0.0.0.0";
  int rest_api_port = 8501;
  std::string grpc_address = "0.0.0.0";
  int grpc_port = 8500;  // --port, TF Serving's name for the gRPC port; -1: no gRPC listener
  // The largest gRPC request or response; TF Serving and Triton allow INT32_MAX.
  int64_t grpc_max_message_bytes = 2147483647;
  // Threads serving gRPC calls (TF Serving's flag name); 0: one per core.
  int grpc_max_threads = 0;
  // TF Serving's gRPC Predict answers in tensor_content bytes rather than typed fields.
  bool enable_serialization_as_tensor_content = false;
  int rest_api_num_threads = 0;  // 0: one per core
  int64_t rest_api_timeout_ms = 30000;
  size_t max_request_body_bytes = size_t{64} << 20;

  // --- Management listener (model load/unload/reload API). ---
  std::string management_address = "127.0.0.1";
  int management_port = 8502;    // 0: pick a free port; -1: no management listener
  std::string management_token;  // empty: no token asked for
  // Graceful shutdown: how long in-flight requests may take to finish.
  int64_t drain_timeout_seconds = 30;

  // --- Execution. ---
  int intra_op_threads = 0;  // 0: one per core
  int instances_per_model = 1;
  size_t max_queued_requests = 1024;
  // Executors and batch threads run as SCHED_BATCH, so that waking them does not preempt the
  // network thread that queued the request (common/cpu_bound_thread.h).
  bool cpu_bound_inference_threads = true;
  // Dynamic batching, per servable: `enabled` from --enable_batching (or the YAML's
  // enable_batching); the rest from --batching_parameters_file (TF Serving's text
  // BatchingParameters, shared/docs/protocols.md 2.10) or the YAML's
  // server_config.batching_parameters, validated (ValidateBatchingSettings); TF Serving's
  // defaults when neither is given. A file given with --config replaces the YAML's parameters.
  BatchingSettings batching;

  // --- Monitoring. ---
  std::string prometheus_endpoint = "/metrics";  // empty: no metrics endpoint
  std::string log_level = "info";                // info, warning or error
  // Alert name -> threshold, e.g. p99_latency_ms -> 100 (YAML only).
  std::map<std::string, double> alert_thresholds;
};

// Parses `serve`'s flags: `--name=value` or `--name value`; boolean flags `--name` or
// `--name=true|false`. With --config, the YAML file is read first and the other flags override
// its settings. Resolves `models` from the model source, and zeros meaning "one per core".
// INVALID_ARGUMENT naming the flag (or the file, line and field) for an unknown flag, a bad value,
// a bad config file, or not exactly one model source (naming the sources given).
absl::StatusOr<ServerConfig> ParseServeFlags(absl::Span<const std::string> args);

// The flags, their defaults and what they do, for --help.
std::string ServeFlagsHelp();

// Reads the models again from wherever `config` says they come from: the --model_config_file,
// the --config YAML (its model part only; server settings changed in the file are not applied,
// which the caller logs as needing a restart), or the single-model flags. Returns an empty list
// for a repository (--model_repository, or a YAML naming a folder): the caller discovers its
// folders. Used at start and on every reload (poll, SIGHUP, management API).
// INVALID_ARGUMENT naming the file, and the line and field where known, for a bad file, and for a
// YAML file that switched between model_configs and a repository folder (a restart); the list is
// validated whole (ValidateModelSettingsList). NOT_FOUND when the file is gone.
absl::StatusOr<std::vector<ModelSettings>> LoadModelsConfig(const ServerConfig& config);

}  // namespace serval

#endif  // SERVAL_CONFIG_SERVER_CONFIG_H_
