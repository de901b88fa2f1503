#include "config/server_flags.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "config/batching_parameters_file.h"
#include "config/monitoring_config_file.h"
#include "config/text_file.h"

namespace serval {
namespace {

using Kind = ServerFlag::Kind;

absl::Status ParseInteger(std::string_view value, int64_t min, int64_t max, int64_t& out) {
  if (absl::SimpleAtoi(ToAbsl(value), &out) && out >= min && out <= max) return absl::OkStatus();
  if (max == std::numeric_limits<int64_t>::max()) {
    return absl::InvalidArgumentError(StrCat("must be an integer >= ", min, ", got '", value, "'"));
  }
  return absl::InvalidArgumentError(
      StrCat("must be an integer from ", min, " to ", max, ", got '", value, "'"));
}

// A flag that sets a string member.
ServerFlag StringFlag(std::string_view name, std::string_view help,
                      std::string ServerConfig::*member) {
  return {name, Kind::kString, help, [member](std::string_view value, ServerConfig& config) {
            config.*member = std::string(value);
            return absl::OkStatus();
          }};
}

// A flag that sets an integer member, from `min` to the largest value the member holds.
template <typename Int>
ServerFlag NumberFlag(std::string_view name, std::string_view help, Int ServerConfig::*member,
                      int64_t min,
                      int64_t max = static_cast<int64_t>(std::min<uint64_t>(
                          std::numeric_limits<Int>::max(), std::numeric_limits<int64_t>::max()))) {
  return {name, Kind::kInteger, help,
          [member, min, max](std::string_view value, ServerConfig& config) {
            int64_t parsed = 0;
            RETURN_IF_ERROR(ParseInteger(value, min, max, parsed));
            config.*member = static_cast<Int>(parsed);
            return absl::OkStatus();
          }};
}

ServerFlag BooleanFlag(std::string_view name, std::string_view help, bool ServerConfig::*member) {
  return {name, Kind::kBoolean, help, [member](std::string_view value, ServerConfig& config) {
            ASSIGN_OR_RETURN(config.*member, ParseBoolean(value));
            return absl::OkStatus();
          }};
}

// A flag whose value names a file that `read` turns into settings.
ServerFlag FileFlag(std::string_view name, std::string_view help,
                    std::function<absl::Status(const std::string& path, ServerConfig&)> read) {
  return {name, Kind::kString, help, [read](std::string_view value, ServerConfig& config) {
            if (value.empty()) return absl::InvalidArgumentError("needs a file name");
            return read(std::string(value), config);
          }};
}

ServerFlag ModelSource(ServerFlag flag) {
  flag.model_source = true;
  flag.in_yaml = false;
  return flag;
}

ServerFlag CommandLineOnly(ServerFlag flag) {
  flag.in_yaml = false;
  return flag;
}

absl::Status SetLogLevel(std::string_view value, ServerConfig& config) {
  if (value != "info" && value != "warning" && value != "error") {
    return absl::InvalidArgumentError(StrCat("must be info, warning or error, got '", value, "'"));
  }
  config.log_level = std::string(value);
  return absl::OkStatus();
}

absl::Status SetPrometheusEndpoint(std::string_view value, ServerConfig& config) {
  if (!value.empty() && value.front() != '/') {
    return absl::InvalidArgumentError(
        StrCat("must be a URL path starting with '/' (or empty for none), got '", value, "'"));
  }
  config.prometheus_endpoint = std::string(value);
  return absl::OkStatus();
}

absl::Status ReadManagementToken(const std::string& path, ServerConfig& config) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  const std::string_view token = FromAbsl(absl::StripAsciiWhitespace(text));
  if (token.empty()) return absl::InvalidArgumentError(StrCat(path, ": the token file is empty"));
  config.management_token = std::string(token);
  return absl::OkStatus();
}

absl::Status SetEnableBatching(std::string_view value, ServerConfig& config) {
  ASSIGN_OR_RETURN(config.batching.enabled, ParseBoolean(value));
  return absl::OkStatus();
}

// Replaces the batching parameters (from the YAML file, say) whole; --enable_batching stays.
absl::Status ReadBatchingParameters(const std::string& path, ServerConfig& config) {
  ASSIGN_OR_RETURN(BatchingSettings settings, ReadBatchingParametersFile(path));
  settings.enabled = config.batching.enabled;
  config.batching = std::move(settings);
  return absl::OkStatus();
}

absl::Status ReadMonitoringConfig(const std::string& path, ServerConfig& config) {
  ASSIGN_OR_RETURN(config.prometheus_endpoint, ReadMonitoringConfigFile(path));
  return absl::OkStatus();
}

// The table itself: long, but one entry per flag and no logic.
std::vector<ServerFlag> MakeFlags() {
  constexpr int kMaxPort = 65535;
  return {
      // Model sources.
      ModelSource(StringFlag("model_base_path",
                             "folder of one model's version folders (TF Serving's flag)",
                             &ServerConfig::model_base_path)),
      CommandLineOnly(StringFlag(
          "model_name", "name of the one model served from --model_base_path (default: default)",
          &ServerConfig::model_name)),
      ModelSource(StringFlag("model_repository", "folder whose every subfolder is a model",
                             &ServerConfig::model_repository)),
      ModelSource(StringFlag("model_config_file",
                             "TF Serving model config file (text ModelServerConfig)",
                             &ServerConfig::model_config_file)),
      ModelSource(StringFlag("config",
                             "Serval YAML config: models, server settings, monitoring; flags "
                             "given with it override the file",
                             &ServerConfig::config_file)),
      // Keeping models up to date.
      NumberFlag("model_config_file_poll_wait_seconds",
                 "re-read --model_config_file or --config every N seconds; 0: once (default: 0)",
                 &ServerConfig::model_config_file_poll_wait_seconds, 0),
      NumberFlag("file_system_poll_wait_seconds",
                 "re-scan model folders for versions every N seconds; 0: once (default: 1)",
                 &ServerConfig::file_system_poll_wait_seconds, 0),
      BooleanFlag("allow_version_labels_for_unavailable_models",
                  "a new label may point at a version not yet available (default: false)",
                  &ServerConfig::allow_version_labels_for_unavailable_models),
      BooleanFlag(
          "enable_model_warmup",
          "run each new version at its warm-up batch sizes before it serves (default: true)",
          &ServerConfig::enable_model_warmup),
      NumberFlag("num_load_threads", "versions loaded in parallel; 0 means 1 (default: 1)",
                 &ServerConfig::num_load_threads, 0),
      NumberFlag("load_thread_niceness",
                 "nice value of the load threads, so loads yield the CPU to inference; 0-19 "
                 "(default: 10)",
                 &ServerConfig::load_thread_niceness, 0, 19),
      NumberFlag("load_retry_initial_backoff_ms",
                 "first wait before retrying a failed load, doubled each time (default: 1000)",
                 &ServerConfig::load_retry_initial_backoff_ms, 1),
      NumberFlag("load_retry_max_backoff_ms", "longest wait between load retries (default: 60000)",
                 &ServerConfig::load_retry_max_backoff_ms, 1),
      // Front ends.
      StringFlag("rest_api_address", "address the REST API listens on (default: 0.0.0.0)",
                 &ServerConfig::rest_api_address),
      NumberFlag("rest_api_port", "REST API port; 0 picks a free one (default: 8501)",
                 &ServerConfig::rest_api_port, 0, kMaxPort),
      StringFlag("grpc_address", "address the gRPC API listens on (default: 0.0.0.0)",
                 &ServerConfig::grpc_address),
      NumberFlag("port",
                 "gRPC port (TF Serving's and KServe v2's services); 0 picks a free one, -1 turns "
                 "it off (default: 8500)",
                 &ServerConfig::grpc_port, -1, kMaxPort),
      NumberFlag("grpc_port", "the same as --port", &ServerConfig::grpc_port, -1, kMaxPort),
      NumberFlag("grpc_max_message_bytes",
                 "largest gRPC request or response; larger ones fail with RESOURCE_EXHAUSTED "
                 "(default: 2147483647)",
                 &ServerConfig::grpc_max_message_bytes, 1, 2147483647),
      NumberFlag("grpc_max_threads",
                 "threads serving gRPC calls, each with its own completion queue (default: one "
                 "per core)",
                 &ServerConfig::grpc_max_threads, 0, 1024),
      BooleanFlag("enable_serialization_as_tensor_content",
                  "gRPC Predict answers in tensor_content bytes rather than typed fields such as "
                  "float_val (default: false)",
                  &ServerConfig::enable_serialization_as_tensor_content),
      NumberFlag("rest_api_num_threads", "HTTP I/O threads (default: one per core)",
                 &ServerConfig::rest_api_num_threads, 0),
      NumberFlag("rest_api_timeout_in_ms",
                 "a predict's default deadline (504 if still queued then), how long a client may "
                 "take to send a request, and idle keep-alive (default: 30000)",
                 &ServerConfig::rest_api_timeout_ms, 1),
      NumberFlag("max_request_body_bytes", "larger request bodies get 413 (default: 67108864)",
                 &ServerConfig::max_request_body_bytes, 1),
      // Management.
      StringFlag("management_address",
                 "address of the management API (load, unload, reload) (default: 127.0.0.1)",
                 &ServerConfig::management_address),
      NumberFlag("management_port",
                 "management API port; 0 picks a free one, -1 turns it off (default: 8502)",
                 &ServerConfig::management_port, -1, kMaxPort),
      StringFlag("management_token", "bearer token the management API asks for (default: none)",
                 &ServerConfig::management_token),
      FileFlag("management_token_file",
               "read --management_token from this file (surrounding whitespace trimmed)",
               ReadManagementToken),
      NumberFlag("drain_timeout_seconds",
                 "on shutdown, how long in-flight requests may take to finish (default: 30)",
                 &ServerConfig::drain_timeout_seconds, 0),
      // Execution.
      NumberFlag("intra_op_threads", "LibTorch intra-op threads, set once (default: one per core)",
                 &ServerConfig::intra_op_threads, 0),
      NumberFlag("tensorflow_intra_op_parallelism", "TF Serving's name for --intra_op_threads",
                 &ServerConfig::intra_op_threads, 0),
      NumberFlag("instances_per_model",
                 "model instances per version, each with a thread (default: 1)",
                 &ServerConfig::instances_per_model, 1),
      NumberFlag("max_queued_requests",
                 "requests a version may queue before answering 429 (default: 1024)",
                 &ServerConfig::max_queued_requests, 1),
      BooleanFlag("cpu_bound_inference_threads",
                  "run executors and batch threads as SCHED_BATCH, so that waking them never "
                  "preempts the network thread (default: true)",
                  &ServerConfig::cpu_bound_inference_threads),
      {"enable_batching", Kind::kBoolean, "batch requests to a version together (default: false)",
       SetEnableBatching},
      FileFlag("batching_parameters_file",
               "TF Serving batching parameters file (text BatchingParameters); read and checked "
               "even without --enable_batching (default: TF Serving's defaults)",
               ReadBatchingParameters),
      // Monitoring.
      {"prometheus_endpoint", Kind::kString,
       "URL path of the Prometheus metrics; empty: none (default: /metrics)",
       SetPrometheusEndpoint},
      FileFlag("monitoring_config_file",
               "TF Serving monitoring config file (text MonitoringConfig); sets "
               "--prometheus_endpoint",
               ReadMonitoringConfig),
      {"log_level", Kind::kString, "info, warning or error (default: info)", SetLogLevel},
  };
}

}  // namespace

const std::vector<ServerFlag>& ServerFlags() {
  static const std::vector<ServerFlag>* const flags = new std::vector<ServerFlag>(MakeFlags());
  return *flags;
}

const ServerFlag* FindServerFlag(std::string_view name) {
  for (const ServerFlag& flag : ServerFlags()) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

absl::StatusOr<bool> ParseBoolean(std::string_view value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return absl::InvalidArgumentError(StrCat("must be true or false, got '", value, "'"));
}

}  // namespace serval
