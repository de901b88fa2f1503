#include "tools/grpc_load_generator.h"

#include <utility>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/slice.h"
#include "tools/grpc_load_worker.h"
#include "tools/load_level.h"

namespace serval {
namespace {

std::shared_ptr<grpc::Channel> NewChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  // Without this, channels to the same target share one connection (gRPC's global subchannel
  // pool), and the threads would share one HTTP/2 connection.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcLoadGenerator>> GrpcLoadGenerator::Create(
    GrpcLoadOptions options) {
  if (options.requests.empty()) return absl::InvalidArgumentError("no request to send");
  if (options.target.empty()) return absl::InvalidArgumentError("no target");
  if (options.method.empty() || options.method.front() != '/') {
    return absl::InvalidArgumentError("the method must be a full path, /package.Service/Method");
  }
  if (options.threads < 1) return absl::InvalidArgumentError("threads must be >= 1");
  if (options.max_in_flight < 1) return absl::InvalidArgumentError("max_in_flight < 1");
  std::vector<grpc::ByteBuffer> requests;
  for (const std::string& request : options.requests) {
    grpc::Slice slice(request);
    requests.emplace_back(&slice, 1);
  }
  return std::unique_ptr<GrpcLoadGenerator>(
      new GrpcLoadGenerator(std::move(options), std::move(requests)));
}

absl::StatusOr<LevelResult> GrpcLoadGenerator::RunLevel(LoadKind kind, double level,
                                                        const ProgressCallback& progress) {
  return RunLoadLevel(
      LevelOptionsFor(options_, options_.max_in_flight, levels_run_++), kind, level,
      [this](const LoadSchedule& schedule, LoadProgress& counts) {
        return std::make_unique<GrpcLoadWorker>(NewChannel(options_.target), options_.method,
                                                requests_, schedule, counts);
      },
      progress);
}

}  // namespace serval
