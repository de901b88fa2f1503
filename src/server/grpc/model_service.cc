#include "server/grpc/model_service.h"

#include <string>
#include <utility>

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

}  // namespace

ModelServiceImpl::ModelServiceImpl(const InferenceService& service, ReloadConfig reload_config)
    : service_(service),
      reload_config_(std::move(reload_config)),
      reload_pool_(std::make_unique<ThreadPool>("grpc-reload", 1)) {}

ModelServiceImpl::~ModelServiceImpl() = default;

grpc::ServerUnaryReactor* ModelServiceImpl::GetModelStatus(
    grpc::CallbackServerContext* context, const tfs::GetModelStatusRequest* request,
    tfs::GetModelStatusResponse* response) {
  if (!request->has_model_spec()) {
    return FinishNow(context, absl::InvalidArgumentError("Missing ModelSpec"));
  }
  absl::StatusOr<ModelSpec> spec = ModelSpecFromProto(request->model_spec());
  if (!spec.ok()) return FinishNow(context, spec.status());
  // As over REST: a label is accepted, and all versions are listed.
  absl::StatusOr<std::vector<ServableVersionStatus>> versions =
      service_.GetModelStatus(spec->name, spec->version);
  if (!versions.ok()) return FinishNow(context, versions.status());
  for (const ServableVersionStatus& version : *versions) {
    tfs::ModelVersionStatus* status = response->add_model_version_status();
    status->set_version(version.version);
    status->set_state(StateToProto(version.state));
    StatusToProto(version.status, *status->mutable_status());
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* ModelServiceImpl::HandleReloadConfigRequest(
    grpc::CallbackServerContext* context, const tfs::ReloadConfigRequest* request,
    tfs::ReloadConfigResponse* response) {
  if (!reload_config_) {
    return FinishNow(context, absl::UnimplementedError(
                                  "this server cannot reload its config over gRPC"));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // The request and response stay valid until Finish.
  reload_pool_->Schedule([this, reactor, request, response] {
    const absl::Status status = reload_config_(request->config());
    StatusToProto(status, *response->mutable_status());
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

}  // namespace serval
