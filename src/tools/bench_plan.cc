#include "tools/bench_plan.h"

#include "common/str_cat.h"
#include "tools/bench_table.h"

namespace serval {

absl::StatusOr<BenchReport> RunBenchPlan(const BenchPlan& plan, std::ostream& out,
                                         std::ostream& progress_out, bool terminal) {
  BenchReport report = plan.report;
  const LoadKind kind = report.kind;
  out << plan.description << "\n" << FormatTableHeader(kind) << std::flush;
  for (double level : plan.levels) {
    ProgressLine progress(progress_out, terminal,
                          StrCat(LoadKindName(kind), " ", FormatLevel(level)),
                          std::string(ThroughputUnit(kind)));
    absl::StatusOr<LevelResult> result = plan.run_level(
        level, [&progress](const LevelProgress& snapshot) { progress.Update(snapshot); });
    progress.Clear();
    if (!result.ok()) return result.status();
    out << FormatTableRow(*result) << std::flush;
    report.levels.push_back(*std::move(result));
  }
  return report;
}

}  // namespace serval
