#ifndef SERVAL_TOOLS_REST_BENCH_H_
#define SERVAL_TOOLS_REST_BENCH_H_

// `serval bench --url=...`: plans the REST mode. Makes the request bodies (16 bodies of random
// values from --input_spec, sent in turn, or the --request_file as is), resolves the server, and
// runs each --concurrency or --rate level with a LoadGenerator.
//
// Thread safety: stateless; the plan's run_level is not reentrant.
//
//   ASSIGN_OR_RETURN(BenchPlan plan, PlanRestBench(options));

#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/bench_options.h"
#include "tools/bench_plan.h"

namespace serval {

// The predict bodies the REST mode sends: from the request file, or random.
absl::StatusOr<std::vector<std::string>> MakeRestBodies(const BenchOptions& options);

// INVALID_ARGUMENT for a bad URL or input spec, NOT_FOUND for a missing request file,
// UNAVAILABLE when the host does not resolve.
absl::StatusOr<BenchPlan> PlanRestBench(const BenchOptions& options);

}  // namespace serval

#endif  // SERVAL_TOOLS_REST_BENCH_H_
