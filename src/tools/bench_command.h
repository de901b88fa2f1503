#ifndef SERVAL_TOOLS_BENCH_COMMAND_H_
#define SERVAL_TOOLS_BENCH_COMMAND_H_

// `serval bench`: a load generator for Serval (and any TF Serving REST server), and an
// in-process benchmark of a model alone. See BenchHelp() (bench_options.h) for the flags.
//
//   serval bench --url=http://127.0.0.1:8501 --model=mlp --concurrency=1,8,32
//       --input_spec='features:fp32[1,8],temperature:fp32[1,1]'
//   serval bench --model_base_path=models/mlp --batch_sizes=1,8,32 --output=mlp.json
//
// Exit status: kBenchExitOk, kBenchExitFailed or kBenchExitUsage (bench_run.h).
//
// Thread safety: call from one thread at a time (it prints to stdout and stderr).

#include <string>
#include <vector>

namespace serval {

// Parses `args` (after "bench"), registers the runtimes this binary was built with (LibTorch
// when SERVAL_WITH_TORCH), and runs them with RunBench. Returns the exit status.
int RunBenchCommand(const std::vector<std::string>& args);

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_COMMAND_H_
