// The `serval` binary: dispatches to its subcommands.
//
//   serval serve --model_repository=DIR [flags]     serve every model in DIR
//   serval serve --model_name=NAME --model_base_path=DIR [flags]   TF Serving style, one model
//   serval bench --url=http://HOST:PORT --model=NAME --input_spec=SPEC [flags]   load a server
//   serval bench --model_base_path=DIR --batch_sizes=1,8,32 [flags]   benchmark a model in process
//
// For TF Serving compatibility, flags given without a subcommand mean `serve`.

#include <iostream>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "main/serve_command.h"
#include "tools/bench_command.h"

namespace {

constexpr char kUsage[] =
    "usage: serval <command> [flags]\n\n"
    "commands:\n"
    "  serve    serve models over TF Serving's and KServe v2's REST and gRPC APIs (serval serve "
    "--help)\n"
    "  bench    measure throughput and latency of a server or a model (serval bench --help)\n";

}  // namespace

int main(int argc, char** argv) {
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's deadlock detection on: every
  // lock of every absl::Mutex, gRPC's own included, updates a process-wide lock graph. Abseil's
  // release builds leave it off, and so does this binary (serve and bench alike); the tests keep
  // it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "serve") return serval::RunServeCommand({args.begin() + 1, args.end()});
  if (args[0] == "bench") return serval::RunBenchCommand({args.begin() + 1, args.end()});
  if (args[0].rfind("--", 0) == 0) return serval::RunServeCommand(args);
  std::cerr << "serval: unknown command '" << args[0] << "'\n\n" << kUsage;
  return 2;
}
