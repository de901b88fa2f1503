#ifndef SERVAL_TOOLS_BENCH_REPORT_H_
#define SERVAL_TOOLS_BENCH_REPORT_H_

// `serval bench --output=FILE`: every level's numbers as JSON or CSV, chosen by the extension.
//
// JSON:
//   {"mode":"rest","target":"http://127.0.0.1:8501/v1/models/mlp:predict","load":"concurrency",
//    "throughput_unit":"req/s","levels":[{"concurrency":8,"seconds":10.0,"requests":41230,
//    "errors":0,"first_error":"","items_per_request":1,"throughput":4123.0,
//    "latency_ms":{"mean":1.9,"min":0.8,"p50":1.9,"p90":2.2,"p99":3.4,"max":9.8}}]}
// CSV: a header row, then one row per level:
//   concurrency,seconds,requests,errors,throughput_req_per_s,mean_ms,min_ms,p50_ms,p90_ms,p99_ms,max_ms,first_error
//
// Thread safety: stateless functions.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "tools/bench_result.h"

namespace serval {

std::string BenchReportJson(const BenchReport& report);
std::string BenchReportCsv(const BenchReport& report);

// True for the file names WriteBenchReport knows how to write (".json", ".csv").
bool IsBenchReportFileName(std::string_view path);

// Writes `contents` to `path`; INTERNAL naming the file and the reason when that fails.
absl::Status WriteTextFile(const std::string& path, std::string_view contents);

// Writes the report as JSON or CSV by `path`'s extension; INVALID_ARGUMENT for another extension.
absl::Status WriteBenchReport(const BenchReport& report, const std::string& path);

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_REPORT_H_
