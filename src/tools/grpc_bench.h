#ifndef SERVAL_TOOLS_GRPC_BENCH_H_
#define SERVAL_TOOLS_GRPC_BENCH_H_

// `serval bench --grpc=HOST:PORT`: plans the gRPC mode. Makes the requests (16 of random values
// from --input_spec, in the --protocol and --tensor_encoding asked for, serialized once and sent
// in turn) and runs each --concurrency or --rate level with a GrpcLoadGenerator.
//
// Thread safety: stateless; the plan's run_level is not reentrant.
//
//   ASSIGN_OR_RETURN(BenchPlan plan, PlanGrpcBench(options));

#include "absl/status/statusor.h"
#include "tools/bench_options.h"
#include "tools/bench_plan.h"

namespace serval {

// INVALID_ARGUMENT for a bad target or input spec.
absl::StatusOr<BenchPlan> PlanGrpcBench(const BenchOptions& options);

}  // namespace serval

#endif  // SERVAL_TOOLS_GRPC_BENCH_H_
