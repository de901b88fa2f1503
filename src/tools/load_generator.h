#ifndef SERVAL_TOOLS_LOAD_GENERATOR_H_
#define SERVAL_TOOLS_LOAD_GENERATOR_H_

// LoadGenerator: `serval bench`'s REST mode. Runs one load level at a time against a server, on
// `threads` worker threads (LoadWorker, each with its own event loop and connections), and merges
// what they measured into a LevelResult.
//
// A level is a closed-loop concurrency (that many connections, split across the threads) or an
// open-loop rate (split evenly: each thread's schedule is offset so that together they are
// evenly spaced). Each level starts with fresh connections and runs `warmup`, then `duration`;
// see load_level.h for what counts as measured.
//
// Thread safety: RunLevel() is not reentrant; it blocks the caller, which also runs `progress`.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<LoadGenerator> generator, LoadGenerator::Create(options));
//   ASSIGN_OR_RETURN(LevelResult result, generator->RunLevel(LoadKind::kConcurrency, 8, nullptr));

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/bench_result.h"
#include "tools/http_target.h"
#include "tools/load_connection.h"
#include "tools/progress_line.h"

namespace serval {

struct HttpLoadOptions {
  HttpTarget target;
  std::vector<std::string> requests;  // serialized (SerializePost), sent in turn; at least one
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);  // per connect, write and read
  int threads = 2;
  int max_connections = 256;  // open loop, over all threads
  bool poisson = false;       // open loop: Poisson arrivals instead of evenly spaced ones
  uint64_t seed = 1;
};

class LoadGenerator {
 public:
  // Resolves the host once. INVALID_ARGUMENT for bad options; UNAVAILABLE when the host does not
  // resolve. Connecting happens in RunLevel, whose failures are counted as errors.
  static absl::StatusOr<std::unique_ptr<LoadGenerator>> Create(HttpLoadOptions options);

  // `kind` is kConcurrency (level: connections, >= 1) or kRate (level: requests/s, > 0).
  // `progress` may be null; it is called on the caller's thread about every 20 ms.
  absl::StatusOr<LevelResult> RunLevel(LoadKind kind, double level,
                                       const ProgressCallback& progress);

 private:
  LoadGenerator(HttpLoadOptions options, TcpEndpoints endpoints)
      : options_(std::move(options)), endpoints_(std::move(endpoints)) {}

  const HttpLoadOptions options_;
  const TcpEndpoints endpoints_;
  uint64_t levels_run_ = 0;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_LOAD_GENERATOR_H_
