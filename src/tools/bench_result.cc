#include "tools/bench_result.h"

namespace serval {

std::string_view LoadKindName(LoadKind kind) {
  switch (kind) {
    case LoadKind::kConcurrency:
      return "concurrency";
    case LoadKind::kRate:
      return "rate";
    case LoadKind::kBatchSize:
      return "batch_size";
  }
  return "level";
}

std::string_view ThroughputUnit(LoadKind kind) {
  return kind == LoadKind::kBatchSize ? "items/s" : "req/s";
}

double LevelResult::Throughput() const {
  if (seconds <= 0) return 0;
  return static_cast<double>((requests - errors) * items_per_request) / seconds;
}

}  // namespace serval
