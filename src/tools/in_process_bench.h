#ifndef SERVAL_TOOLS_IN_PROCESS_BENCH_H_
#define SERVAL_TOOLS_IN_PROCESS_BENCH_H_

// `serval bench --model_base_path=...`: plans the in-process mode. Loads the model through the
// backend its config.yaml names (ModelUnderTest), then runs each --batch_sizes level with
// RunBatchLevel on inputs of random values made from the signature (and --input_spec).
//
// Thread safety: stateless; the plan's run_level is not reentrant.
//
//   ASSIGN_OR_RETURN(BenchPlan plan, PlanInProcessBench(options, registry));

#include "absl/status/statusor.h"
#include "backend/backend_registry.h"
#include "tools/bench_options.h"
#include "tools/bench_plan.h"

namespace serval {

// The load's error when the model does not load; INVALID_ARGUMENT when --input_spec does not fit
// the signature.
absl::StatusOr<BenchPlan> PlanInProcessBench(const BenchOptions& options,
                                             const BackendRegistry& registry);

}  // namespace serval

#endif  // SERVAL_TOOLS_IN_PROCESS_BENCH_H_
