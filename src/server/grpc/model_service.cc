#include "server/grpc/model_service.h"

#include <string>
#include <utility>

#include "common/status_macros.h"
#include "server/grpc/grpc_status.h"
#include "server/grpc/tfs_model_spec.h"

namespace serval {
namespace {

namespace tfs = tensorflow::serving;

tfs::ModelVersionStatus::State StateToProto(ServableState state) {
  switch (state) {
    case ServableState::kStart:
      return tfs::ModelVersionStatus::START;
    case ServableState::kLoading:
      return tfs::ModelVersionStatus::LOADING;
    case ServableState::kAvailable:
      return tfs::ModelVersionStatus::AVAILABLE;
    case ServableState::kUnloading:
      return tfs::ModelVersionStatus::UNLOADING;
    case ServableState::kEnd:
      return tfs::ModelVersionStatus::END;
  }
  return tfs::ModelVersionStatus::UNKNOWN;
}

void StatusToProto(const absl::Status& status, tfs::StatusProto& proto) {
  proto.set_error_code(static_cast<tensorflow::error::Code>(status.code()));
  proto.set_error_message(std::string(status.message()));
}

absl::Status WriteModelStatus(const InferenceService& service,
                              const tfs::GetModelStatusRequest& request,
                              tfs::GetModelStatusResponse& response) {
  if (!request.has_model_spec()) return absl::InvalidArgumentError("Missing ModelSpec");
  ASSIGN_OR_RETURN(ModelSpec spec, ModelSpecFromProto(request.model_spec()));
  // As over REST: a label is accepted, and all versions are listed.
  ASSIGN_OR_RETURN(std::vector<ServableVersionStatus> versions,
                   service.GetModelStatus(spec.name, spec.version));
  for (const ServableVersionStatus& version : versions) {
    tfs::ModelVersionStatus* status = response.add_model_version_status();
    status->set_version(version.version);
    status->set_state(StateToProto(version.state));
    StatusToProto(version.status, *status->mutable_status());
  }
  return absl::OkStatus();
}

}  // namespace

ModelServiceImpl::ModelServiceImpl(const InferenceService& service, ReloadConfig reload_config)
    : service_(service),
      reload_config_(std::move(reload_config)),
      reload_pool_(std::make_unique<ThreadPool>("grpc-reload", 1)) {}

ModelServiceImpl::~ModelServiceImpl() = default;

void ModelServiceImpl::Listen(CallQueue& queue) {
  queue.Serve(async_, &Async::RequestGetModelStatus, [this](auto& call) {
    call.Finish(ToGrpcStatus(WriteModelStatus(service_, call.request(), call.response())));
  });
  queue.Serve(async_, &Async::RequestHandleReloadConfigRequest,
              [this](auto& call) { HandleReloadConfigRequest(call); });
}

void ModelServiceImpl::HandleReloadConfigRequest(
    UnaryCall<tfs::ReloadConfigRequest, tfs::ReloadConfigResponse>& call) {
  if (!reload_config_) {
    return call.Finish(ToGrpcStatus(
        absl::UnimplementedError("this server cannot reload its config over gRPC")));
  }
  // The call stays valid until Finish.
  reload_pool_->Schedule([this, &call] {
    const absl::Status status = reload_config_(call.request().config());
    StatusToProto(status, *call.response().mutable_status());
    call.Finish(ToGrpcStatus(status));
  });
}

}  // namespace serval
