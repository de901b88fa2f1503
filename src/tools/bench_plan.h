#ifndef SERVAL_TOOLS_BENCH_PLAN_H_
#define SERVAL_TOOLS_BENCH_PLAN_H_

// BenchPlan: what `serval bench` is about to run, whichever the mode: the levels and how to run
// one. RunBenchPlan runs them in order, showing a progress line on stderr while each runs and
// printing its table row on stdout as soon as it is done.
//
// Thread safety: RunBenchPlan runs the levels on the calling thread (run_level may start its own
// threads).
//
//   ASSIGN_OR_RETURN(BenchPlan plan, PlanRestBench(options));
//   ASSIGN_OR_RETURN(BenchReport report, RunBenchPlan(plan, std::cout, std::cerr, false));

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/bench_options.h"
#include "tools/bench_result.h"
#include "tools/progress_line.h"

namespace serval {

struct BenchPlan {
  BenchReport report;       // mode, kind and target set; no levels yet
  std::string description;  // one line for the top of the output
  std::vector<double> levels;
  // Runs one level; `progress` is never null.
  std::function<absl::StatusOr<LevelResult>(double level, const ProgressCallback& progress)>
      run_level;
};

// Sets `plan`'s kind and levels from the command's closed-loop concurrencies or open-loop rates,
// and has run_level run them on `generator` (REST's or gRPC's load generator).
template <typename Generator>
void PlanNetworkLevels(const BenchOptions& options, std::unique_ptr<Generator> generator,
                       BenchPlan& plan) {
  plan.report.kind = options.rates.empty() ? LoadKind::kConcurrency : LoadKind::kRate;
  if (options.rates.empty()) {
    plan.levels.assign(options.concurrency.begin(), options.concurrency.end());
  } else {
    plan.levels = options.rates;
  }
  std::shared_ptr<Generator> shared = std::move(generator);
  plan.run_level = [shared, kind = plan.report.kind](double level,
                                                     const ProgressCallback& progress) {
    return shared->RunLevel(kind, level, progress);
  };
}

// Runs every level of `plan`. An error from run_level stops the run and is returned (the levels
// done so far have been printed). `terminal`: whether `progress_out` is a terminal.
absl::StatusOr<BenchReport> RunBenchPlan(const BenchPlan& plan, std::ostream& out,
                                         std::ostream& progress_out, bool terminal);

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_PLAN_H_
