#include "tools/bench_table.h"

#include "absl/strings/str_format.h"
#include "common/str_cat.h"

namespace serval {

std::string FormatMillis(double millis) {
  if (millis < 1) return absl::StrFormat("%.4f", millis);
  if (millis < 1000) return absl::StrFormat("%.3f", millis);
  return absl::StrFormat("%.1f", millis);
}

std::string FormatLevel(double level) { return absl::StrFormat("%g", level); }

std::string FormatTableHeader(LoadKind kind) {
  return absl::StrFormat("%11s %9s %10s %8s %8s %8s %8s %7s\n", std::string(LoadKindName(kind)),
                         "requests", std::string(ThroughputUnit(kind)), "p50 ms", "p90 ms",
                         "p99 ms", "max ms", "errors");
}

std::string FormatTableRow(const LevelResult& level) {
  const LatencySummary& latency = level.latency;
  std::string row = absl::StrFormat(
      "%11s %9d %10.1f %8s %8s %8s %8s %7d\n", FormatLevel(level.level), level.requests,
      level.Throughput(), FormatMillis(latency.p50_ms), FormatMillis(latency.p90_ms),
      FormatMillis(latency.p99_ms), FormatMillis(latency.max_ms), level.errors);
  if (level.errors > 0) StrAppend(&row, "            first error: ", level.first_error, "\n");
  return row;
}

}  // namespace serval
