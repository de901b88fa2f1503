#include "config/server_config.h"

#include <functional>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "common/str_cat.h"
#include "common/status_macros.h"

namespace serval {
namespace {

struct Flag {
  std::string_view name;
  std::string_view help;
  std::function<absl::Status(std::string_view value, ServerConfig& config)> set;
};

template <typename Int>
absl::Status ParseNumber(std::string_view name, std::string_view value, Int min, Int& out) {
  int64_t parsed = 0;
  if (!absl::SimpleAtoi(ToAbsl(value), &parsed) || parsed < static_cast<int64_t>(min)) {
    return absl::InvalidArgumentError(
        StrCat("--", name, " must be an integer >= ", min, ", got '", value, "'"));
  }
  out = static_cast<Int>(parsed);
  return absl::OkStatus();
}

// One flag that sets a string member.
Flag StringFlag(std::string_view name, std::string_view help, std::string ServerConfig::*member) {
  return {name, help, [member](std::string_view value, ServerConfig& config) {
            config.*member = std::string(value);
            return absl::OkStatus();
          }};
}

// One flag that sets an integer member, at least `min`.
template <typename Int>
Flag NumberFlag(std::string_view name, std::string_view help, Int ServerConfig::*member, Int min) {
  return {name, help, [name, member, min](std::string_view value, ServerConfig& config) {
            return ParseNumber(name, value, min, config.*member);
          }};
}

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags = {
      StringFlag("model_name", "name of the one model served from --model_base_path (default: default)",
                 &ServerConfig::model_name),
      StringFlag("model_base_path", "folder of one model's version folders (TF Serving's flag)",
                 &ServerConfig::model_base_path),
      StringFlag("model_repository", "folder whose every subfolder is a model",
                 &ServerConfig::model_repository),
      StringFlag("rest_api_address", "address the REST API listens on (default: 0.0.0.0)",
                 &ServerConfig::rest_api_address),
      NumberFlag("rest_api_port", "REST API port; 0 picks a free one (default: 8501)",
                 &ServerConfig::rest_api_port, 0),
      NumberFlag("port", "gRPC port, reserved for the gRPC API (default: 8500)",
                 &ServerConfig::grpc_port, 0),
      NumberFlag("rest_api_num_threads", "HTTP I/O threads (default: one per core)",
                 &ServerConfig::rest_api_num_threads, 0),
      NumberFlag("rest_api_timeout_in_ms",
                 "how long a client may take to send a request, and idle keep-alive (default: 30000)",
                 &ServerConfig::rest_api_timeout_ms, int64_t{1}),
      NumberFlag("max_request_body_bytes", "larger request bodies get 413 (default: 67108864)",
                 &ServerConfig::max_request_body_bytes, size_t{1}),
      NumberFlag("intra_op_threads", "LibTorch intra-op threads, set once (default: one per core)",
                 &ServerConfig::intra_op_threads, 0),
      NumberFlag("tensorflow_intra_op_parallelism", "TF Serving's name for --intra_op_threads",
                 &ServerConfig::intra_op_threads, 0),
      NumberFlag("instances_per_model", "model instances per version, each with a thread (default: 1)",
                 &ServerConfig::instances_per_model, 1),
      NumberFlag("max_queued_requests",
                 "requests a version may queue before answering 429 (default: 1024)",
                 &ServerConfig::max_queued_requests, size_t{1}),
  };
  return flags;
}

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : Flags()) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

absl::Status Validate(ServerConfig& config) {
  if (config.model_base_path.empty() == config.model_repository.empty()) {
    return absl::InvalidArgumentError(
        "give exactly one of --model_base_path (one model) or --model_repository (a folder of "
        "models)");
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (config.rest_api_num_threads == 0) config.rest_api_num_threads = cores;
  if (config.intra_op_threads == 0) config.intra_op_threads = cores;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerConfig> ParseServeFlags(absl::Span<const std::string> args) {
  ServerConfig config;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!absl::StartsWith(ToAbsl(arg), "--")) {
      return absl::InvalidArgumentError(StrCat("unexpected argument '", arg, "'"));
    }
    arg.remove_prefix(2);
    std::string_view name = arg.substr(0, arg.find('='));
    const Flag* flag = FindFlag(name);
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          StrCat("unknown flag --", name, "; see serval serve --help"));
    }
    std::string_view value;
    if (name.size() < arg.size()) {
      value = arg.substr(name.size() + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(StrCat("flag --", name, " needs a value"));
    }
    RETURN_IF_ERROR(flag->set(value, config));
  }
  RETURN_IF_ERROR(Validate(config));
  return config;
}

std::string ServeFlagsHelp() {
  std::string help = "usage: serval serve --model_repository=DIR | --model_base_path=DIR [flags]\n\n";
  for (const Flag& flag : Flags()) StrAppend(&help, "  --", flag.name, "\n      ", flag.help, "\n");
  return help;
}

}  // namespace serval
