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
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
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

// Runs every level of `plan`. An error from run_level stops the run and is returned (the levels
// done so far have been printed). `terminal`: whether `progress_out` is a terminal.
absl::StatusOr<BenchReport> RunBenchPlan(const BenchPlan& plan, std::ostream& out,
                                         std::ostream& progress_out, bool terminal);

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_PLAN_H_
