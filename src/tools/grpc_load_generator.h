#ifndef SERVAL_TOOLS_GRPC_LOAD_GENERATOR_H_
#define SERVAL_TOOLS_GRPC_LOAD_GENERATOR_H_

// GrpcLoadGenerator: `serval bench`'s gRPC mode. Runs one load level at a time against a gRPC
// server, on `threads` worker threads (GrpcLoadWorker, each with its own completion queue and
// channel, so its own HTTP/2 connection), and merges what they measured into a LevelResult.
//
// Levels are split over the threads as in the REST mode (load_level.h): a closed-loop
// concurrency is that many calls in flight over all threads; an open-loop rate is split evenly,
// each thread's schedule offset. Each level starts with fresh channels (connected during the
// warm-up) and runs `warmup`, then `duration`.
//
// Channels take messages of any size both ways, and keep their own subchannels, so that the
// threads' connections are not shared.
//
// Thread safety: RunLevel() is not reentrant; it blocks the caller, which also runs `progress`.
//
//   GrpcLoadOptions options;
//   options.target = "127.0.0.1:8500";
//   options.method = "/tensorflow.serving.PredictionService/Predict";
//   options.requests = {serialized_request};
//   ASSIGN_OR_RETURN(std::unique_ptr<GrpcLoadGenerator> generator,
//                    GrpcLoadGenerator::Create(options));
//   ASSIGN_OR_RETURN(LevelResult result, generator->RunLevel(LoadKind::kConcurrency, 8, nullptr));

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/support/byte_buffer.h"
#include "tools/bench_result.h"
#include "tools/progress_line.h"

namespace serval {

struct GrpcLoadOptions {
  std::string target;                 // "host:port", as grpc::CreateChannel takes it
  std::string method;                 // the full method path, "/package.Service/Method"
  std::vector<std::string> requests;  // serialized request messages, sent in turn; at least one
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);  // each call's deadline
  int threads = 2;
  int max_in_flight = 256;  // open loop, over all threads
  bool poisson = false;     // open loop: Poisson arrivals instead of evenly spaced ones
  uint64_t seed = 1;
};

class GrpcLoadGenerator {
 public:
  // INVALID_ARGUMENT for bad options. Nothing connects here: a server that is not there shows as
  // failed calls (UNAVAILABLE) in RunLevel.
  static absl::StatusOr<std::unique_ptr<GrpcLoadGenerator>> Create(GrpcLoadOptions options);

  // `kind` is kConcurrency (level: calls in flight, >= 1) or kRate (level: calls/s, > 0).
  // `progress` may be null; it is called on the caller's thread about every 20 ms.
  absl::StatusOr<LevelResult> RunLevel(LoadKind kind, double level,
                                       const ProgressCallback& progress);

 private:
  GrpcLoadGenerator(GrpcLoadOptions options, std::vector<grpc::ByteBuffer> requests)
      : options_(std::move(options)), requests_(std::move(requests)) {}

  const GrpcLoadOptions options_;
  const std::vector<grpc::ByteBuffer> requests_;
  uint64_t levels_run_ = 0;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_GRPC_LOAD_GENERATOR_H_
