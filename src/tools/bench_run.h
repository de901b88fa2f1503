#ifndef SERVAL_TOOLS_BENCH_RUN_H_
#define SERVAL_TOOLS_BENCH_RUN_H_

// RunBench: `serval bench` after its flags are parsed: plans the mode (REST, gRPC or
// in-process), runs every level, prints the table, writes --output and --svg, and turns the
// outcome into the exit status. Separate from bench_command.cc, which registers the runtimes this
// binary was built with, so that tests can run it with a fake backend and without LibTorch.
//
// Thread safety: call from one thread at a time.
//
//   BackendRegistry registry;
//   registry.Register(std::make_unique<FakeBackend>());
//   int status = RunBench(*ParseBenchOptions(args), registry, std::cout, std::cerr, false);

#include <ostream>

#include "backend/backend_registry.h"
#include "tools/bench_options.h"

namespace serval {

// Every request (in-process: call) succeeded.
inline constexpr int kBenchExitOk = 0;
// Some failed, or the run could not start (the host does not resolve, the model does not load),
// or an output file could not be written.
inline constexpr int kBenchExitFailed = 1;
// Bad flags.
inline constexpr int kBenchExitUsage = 2;

// Runs checked `options`, with the backends in `registry` for the in-process mode. The table goes
// to `out`; the progress line (redrawn in place when `err_is_terminal`) and errors to `err`.
int RunBench(const BenchOptions& options, const BackendRegistry& registry, std::ostream& out,
             std::ostream& err, bool err_is_terminal);

}  // namespace serval

#endif  // SERVAL_TOOLS_BENCH_RUN_H_
