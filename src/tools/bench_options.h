#ifndef SERVAL_TOOLS_BENCH_OPTIONS_H_
#define SERVAL_TOOLS_BENCH_OPTIONS_H_

// The flags of `serval bench`, parsed and checked, and its --help text.
//
// Two modes, chosen by the flags: REST (--url: load a running server over HTTP) and in-process
// (--model_base_path: load the model here and call it directly). Flags of the other mode are
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
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/signature.h"
#include "tools/predict_body.h"

namespace serval {

struct BenchOptions {
  bool help = false;  // --help: print BenchHelp() and nothing else

  // Mode: exactly one of these.
  std::string url;              // REST
  std::string model_base_path;  // in-process

  std::string model;  // REST: required; in-process: defaults to the folder's name
  std::optional<int64_t> version;

  // What to send: REST needs exactly one of input_specs and request_file.
  std::vector<TensorSpec> input_specs;
  std::string request_file;
  PredictBodyFormat body_format = PredictBodyFormat::kInstances;

  // The levels: REST takes concurrency (default 1) or rates; in-process batch_sizes (default 1).
  std::vector<int64_t> concurrency;
  std::vector<double> rates;
  std::vector<int64_t> batch_sizes;

  absl::Duration duration;  // REST 10 s, in-process 5 s
  absl::Duration warmup;    // REST 2 s, in-process 1 s

  // REST.
  bool poisson = false;
  int threads = 2;
  int max_connections = 256;
  absl::Duration timeout = absl::Seconds(30);

  // In-process.
  int intra_op_threads = 0;  // 0: LibTorch's default
  std::string device = "cpu";

  std::string output;  // .json or .csv
  std::string svg;
  uint64_t seed = 1;

  bool rest() const { return !url.empty(); }
};

// INVALID_ARGUMENT whose message names the flag at fault.
absl::StatusOr<BenchOptions> ParseBenchOptions(const std::vector<std::string>& args);

// What `serval bench --help` prints: usage, examples, and every flag.
std::string BenchHelp();

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_OPTIONS_H_
