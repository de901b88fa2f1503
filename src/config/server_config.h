#ifndef SERVAL_CONFIG_SERVER_CONFIG_H_
#define SERVAL_CONFIG_SERVER_CONFIG_H_

// ServerConfig: everything `serval serve` is told, from its command-line flags.
//
// Flags are TF Serving's where it has one (--model_name, --model_base_path, --rest_api_port,
// --rest_api_num_threads, --rest_api_timeout_in_ms, --tensorflow_intra_op_parallelism), so a
// command line written for tensorflow_model_server works unchanged.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace serval {

struct ServerConfig {
  // One model (TF Serving style) ...
  std::string model_name = "default";
  std::string model_base_path;
  // ... or every model folder of a repository.
  std::string model_repository;

  std::string rest_api_address = "0.0.0.0";
  int rest_api_port = 8501;
  int grpc_port = 8500;  // reserved for the gRPC front end
  int rest_api_num_threads = 0;  // 0: one per core
  int64_t rest_api_timeout_ms = 30000;
  size_t max_request_body_bytes = size_t{64} << 20;

  int intra_op_threads = 0;  // 0: one per core
  int instances_per_model = 1;
  size_t max_queued_requests = 1024;
};

// Parses `serve`'s flags (`--name=value` or `--name value`). INVALID_ARGUMENT naming the flag for
// an unknown flag, a bad value, or neither/both of --model_base_path and --model_repository.
// Zeros meaning "one per core" are resolved to the machine's core count.
absl::StatusOr<ServerConfig> ParseServeFlags(absl::Span<const std::string> args);

// The flags, their defaults and what they do, for --help.
std::string ServeFlagsHelp();

}  // namespace serval

#endif  // SERVAL_CONFIG_SERVER_CONFIG_H_
