#ifndef SERVAL_TOOLS_LATENCY_CHART_H_
#define SERVAL_TOOLS_LATENCY_CHART_H_

// `serval bench --svg=FILE`: a self-contained SVG chart of latency (p50 and p99, ms) against
// throughput, one point per level, each labelled with its level; axes from zero with round
// ticks. Levels without a successful request have no point. Plain text, no library.
//
// Thread safety: stateless.
//
//   ASSIGN_OR_RETURN(..., WriteTextFile("chart.svg", RenderLatencyChart(report)));

#include <string>

#include "tools/bench_result.h"

namespace serval {

std::string RenderLatencyChart(const BenchReport& report);

}  // namespace serval

#endif  // SERVAL_TOOLS_LATENCY_CHART_H_
