#ifndef SERVAL_TOOLS_BENCH_TABLE_H_
#define SERVAL_TOOLS_BENCH_TABLE_H_

// The table `serval bench` prints on stdout, one row per level as each level finishes:
//
//   concurrency  requests      req/s   p50 ms   p90 ms   p99 ms   max ms  errors
//             8     41230     4123.0    1.903    2.210    3.402    9.801       0
//            16     82001     8200.1   0.9650    1.003    1.402    4.180       0
//
// A level with errors is followed by a line with the first error.
//
// Thread safety: stateless functions.

#include <string>

#include "tools/bench_result.h"

namespace serval {

// The header line, with its newline.
std::string FormatTableHeader(LoadKind kind);

// The row of `level`, with its newline, and the first-error line when there were errors.
std::string FormatTableRow(const LevelResult& level);

// Latency for the table: four decimals below 1 ms (in-process calls take microseconds), three
// below 1 s, one above.
std::string FormatMillis(double millis);

// "8", "500", "0.5": a level as the table and the chart write it.
std::string FormatLevel(double level);

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_TABLE_H_
