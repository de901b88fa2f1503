#ifndef SERVAL_TOOLS_BENCH_OPTIONS_H_
#define SERVAL_TOOLS_BENCH_OPTIONS_H_

// The flags of `serval bench`, parsed and checked, and its --help text.
//
// Three modes, chosen by the flags: REST (--url: load a running server over HTTP), gRPC (--grpc:
// load a running server over gRPC, TF Serving's Predict or KServe v2's ModelInfer) and in-process
// (--model_base_path: load the model here and call it directly). Flags of another mode are
// errors, so a typo never silently changes what is measured. Flags take "--name=value" or
// "--name value".
//
// Thread safety: stateless functions.
//
//   absl::StatusOr<BenchOptions> options = ParseBenchOptions(args);
//   if (!options.ok()) { std::cerr << options.status().message(); return 2; }

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/signature.h"
#include "tools/grpc_request.h"
#include "tools/predict_body.h"

namespace serval {

struct BenchOptions {
  bool help = false;  // --help: print BenchHelp() and nothing else

  // Mode: exactly one of these.
  std::string url;              // REST
  std::string grpc;             // gRPC: "HOST:PORT"
  std::string model_base_path;  // in-process

  std::string model;  // REST and gRPC: required; in-process: defaults to the folder's name
  std::optional<int64_t> version;

  // What to send: REST needs exactly one of input_specs and request_file; gRPC input_specs.
  std::vector<TensorSpec> input_specs;
  std::string request_file;
  PredictBodyFormat body_format = PredictBodyFormat::kInstances;
  GrpcProtocol protocol = GrpcProtocol::kTfServing;
  TensorProtoEncoding tensor_encoding = TensorProtoEncoding::kTyped;  // gRPC, TF Serving only

  // The levels: REST and gRPC take concurrency (default 1) or rates; in-process batch_sizes
  // (default 1).
  std::vector<int64_t> concurrency;
  std::vector<double> rates;
  std::vector<int64_t> batch_sizes;

  absl::Duration duration;  // REST and gRPC 10 s, in-process 5 s
  absl::Duration warmup;    // REST and gRPC 2 s, in-process 1 s

  // REST and gRPC.
  bool poisson = false;
  int threads = 2;
  int max_connections = 256;  // REST: connections; gRPC: calls in flight (open loop)
  absl::Duration timeout = absl::Seconds(30);

  // In-process.
  int intra_op_threads = 0;  // 0: LibTorch's default
  std::string device = "cpu";

  std::string output;  // .json or .csv
  std::string svg;
  uint64_t seed = 1;

  bool rest() const { return !url.empty(); }
  bool grpc_mode() const { return !grpc.empty(); }
};

// INVALID_ARGUMENT whose message names the flag at fault.
absl::StatusOr<BenchOptions> ParseBenchOptions(const std::vector<std::string>& args);

// What `serval bench --help` prints: usage, examples, and every flag.
std::string BenchHelp();

// The line the REST and gRPC modes print first: `target`, `what` is sent (may be empty), the mean
// size of the `requests` (bodies or serialized messages), the load, the times and the client
// threads.
std::string DescribeNetworkBench(const BenchOptions& options, std::string_view target,
                                 std::string_view what, const std::vector<std::string>& requests);

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_OPTIONS_H_
