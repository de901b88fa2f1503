#include "tools/bench_run.h"

#include "tools/bench_plan.h"
#include "tools/bench_report.h"
#include "tools/grpc_bench.h"
#include "tools/in_process_bench.h"
#include "tools/latency_chart.h"
#include "tools/rest_bench.h"

namespace serval {
namespace {

absl::Status WriteOutputs(const BenchOptions& options, const BenchReport& report) {
  if (!options.output.empty()) {
    if (absl::Status status = WriteBenchReport(report, options.output); !status.ok()) {
      return status;
    }
  }
  if (!options.svg.empty()) return WriteTextFile(options.svg, RenderLatencyChart(report));
  return absl::OkStatus();
}

bool AnyErrors(const BenchReport& report) {
  for (const LevelResult& level : report.levels) {
    if (level.errors > 0) return true;
  }
  return false;
}

}  // namespace

int RunBench(const BenchOptions& options, const BackendRegistry& registry, std::ostream& out,
             std::ostream& err, bool err_is_terminal) {
  absl::StatusOr<BenchPlan> plan = options.rest()        ? PlanRestBench(options)
                                   : options.grpc_mode() ? PlanGrpcBench(options)
                                                         : PlanInProcessBench(options, registry);
  if (!plan.ok()) {
    err << "serval bench: " << plan.status().message() << "\n";
    return kBenchExitFailed;
  }
  absl::StatusOr<BenchReport> report = RunBenchPlan(*plan, out, err, err_is_terminal);
  if (!report.ok()) {
    err << "serval bench: " << report.status().message() << "\n";
    return kBenchExitFailed;
  }
  if (absl::Status status = WriteOutputs(options, *report); !status.ok()) {
    err << "serval bench: " << status.message() << "\n";
    return kBenchExitFailed;
  }
  return AnyErrors(*report) ? kBenchExitFailed : kBenchExitOk;
}

}  // namespace serval
