#ifndef SERVAL_TOOLS_BENCH_RESULT_H_
#define SERVAL_TOOLS_BENCH_RESULT_H_

// What `serval bench` measured: one LevelResult per load level (a concurrency, a request rate or
// a batch size), collected in a BenchReport that the table, JSON, CSV and SVG writers share.
//
// Thread safety: plain values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/latency_histogram.h"

namespace serval {

// What a level sets.
enum class LoadKind {
  kConcurrency,  // REST and gRPC, closed loop: requests in flight, each followed by the next
  kRate,         // REST and gRPC, open loop: requests per second on a schedule
  kBatchSize,    // in-process: ModelInstance::Execute at this batch size, one call at a time
};

// "concurrency", "rate", "batch_size": the column and JSON key of the level.
std::string_view LoadKindName(LoadKind kind);
// "req/s" for REST, "items/s" in-process.
std::string_view ThroughputUnit(LoadKind kind);

struct LevelResult {
  LoadKind kind = LoadKind::kConcurrency;
  double level = 0;
  double seconds = 0;       // the measured time: the window, or to the last measured answer
  int64_t requests = 0;     // finished in the window, answered or failed
  int64_t errors = 0;       // non-2xx answers and transport failures (in-process: failed calls)
  std::string first_error;  // "" when errors == 0
  int64_t items_per_request = 1;  // the batch size in-process
  LatencySummary latency;         // of the successful requests

  // Successful requests (times items_per_request) per second of the window.
  double Throughput() const;
};

struct BenchReport {
  std::string mode;                        // "rest", "grpc" or "in_process"
  LoadKind kind = LoadKind::kConcurrency;  // of every level
  std::string target;  // the predict URL, the gRPC method and what it sends, or the model's folder
  std::vector<LevelResult> levels;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_RESULT_H_
