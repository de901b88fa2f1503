#include "tools/load_generator.h"

#include <utility>

#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "common/str_cat.h"
#include "tools/load_worker.h"

namespace serval {

absl::StatusOr<std::unique_ptr<LoadGenerator>> LoadGenerator::Create(HttpLoadOptions options) {
  if (options.requests.empty()) return absl::InvalidArgumentError("no request to send");
  if (options.threads < 1) return absl::InvalidArgumentError("threads must be >= 1");
  if (options.max_connections < 1) return absl::InvalidArgumentError("max_connections < 1");
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  TcpEndpoints endpoints =
      resolver.resolve(options.target.host, std::to_string(options.target.port), ec);
  if (ec) {
    return absl::UnavailableError(
        StrCat("cannot resolve ", options.target.host, ": ", ec.message()));
  }
  return std::unique_ptr<LoadGenerator>(
      new LoadGenerator(std::move(options), std::move(endpoints)));
}

absl::StatusOr<LevelResult> LoadGenerator::RunLevel(LoadKind kind, double level,
                                                    const ProgressCallback& progress) {
  return RunLoadLevel(
      LevelOptionsFor(options_, options_.max_connections, levels_run_++), kind, level,
      [this](const LoadSchedule& schedule, LoadProgress& counts) {
        return std::make_unique<LoadWorker>(endpoints_, options_.requests, schedule, counts);
      },
      progress);
}

}  // namespace serval
