#include "tools/bench_command.h"

#include <cstdio>
#include <iostream>

#include "tools/bench_run.h"
#include "tools/progress_line.h"
#ifdef SERVAL_WITH_TORCH
#include "backends/torch/torch_backend.h"
#endif

namespace serval {
namespace {

absl::Status RegisterBackends(const BenchOptions& options, BackendRegistry& registry) {
#ifdef SERVAL_WITH_TORCH
  if (options.intra_op_threads > 0) {
    if (absl::Status status = ConfigureTorchThreads(options.intra_op_threads); !status.ok()) {
      return status;
    }
  }
  registry.Register(CreateTorchBackend());
#endif
  return absl::OkStatus();
}

}  // namespace

int RunBenchCommand(const std::vector<std::string>& args) {
  absl::StatusOr<BenchOptions> options = ParseBenchOptions(args);
  if (!options.ok()) {
    std::cerr << "serval bench: " << options.status().message()
              << "\nsee 'serval bench --help' for the flags\n";
    return kBenchExitUsage;
  }
  if (options->help) {
    std::cout << BenchHelp();
    return kBenchExitOk;
  }
  BackendRegistry registry;
  if (absl::Status status = RegisterBackends(*options, registry); !status.ok()) {
    std::cerr << "serval bench: " << status.message() << "\n";
    return kBenchExitFailed;
  }
  return RunBench(*options, registry, std::cout, std::cerr, ProgressLine::IsTerminal(stderr));
}

}  // namespace serval
