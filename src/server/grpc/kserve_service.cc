#include "server/grpc/kserve_service.h"

#include <memory>
#include <string>
#include <utility>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "common/version.h"
#include "manager/model_serving_status.h"
#include "protocol/kserve_grpc.h"
#include "protocol/kserve_platform.h"
#include "protocol/repository_index.h"
#include "server/grpc/grpc_status.h"
#include "server/grpc/request_deadline.h"

namespace serval {
namespace {

absl::StatusOr<std::shared_ptr<Servable>> Resolve(const InferenceService& service,
                                                  const std::string& name,
                                                  const std::string& version) {
  if (name.empty()) return absl::InvalidArgumentError("the request names no model");
  absl::StatusOr<std::optional<int64_t>> number = ParseKServeVersion(version);
  if (!number.ok()) return number.status();
  ModelSpec spec;
  spec.name = name;
  spec.version = *number;
  return service.Resolve(spec);
}

void AddTensorMetadata(const TensorSpec& spec,
                       inference::ModelMetadataResponse::TensorMetadata& metadata) {
  metadata.set_name(spec.name);
  metadata.set_datatype(std::string(KServeDataTypeName(spec.dtype)));
  // Without a declared shape the rank is unknown too; KServe has no way to say so, and a
  // single -1 is the closest.
  if (!spec.has_shape) {
    metadata.add_shape(-1);
    return;
  }
  for (int64_t dim : spec.shape) metadata.add_shape(dim);
}

// Load and unload wait for the model to settle; a load must leave a version serving.
absl::Status LoadAndSettle(ServableManager& manager, const std::string& model,
                           absl::Duration timeout) {
  RETURN_IF_ERROR(manager.LoadModel(model));
  RETURN_IF_ERROR(manager.WaitUntilModelSettled(model, timeout));
  return ModelServingStatus(manager, model);
}

absl::Status UnloadAndSettle(ServableManager& manager, const std::string& model,
                             absl::Duration timeout) {
  RETURN_IF_ERROR(manager.UnloadModel(model));
  return manager.WaitUntilModelSettled(model, timeout);
}

// OK when the call's "authorization" metadata carries `token` as a bearer token.
absl::Status CheckToken(const grpc::ServerContext& context, const std::string& token) {
  if (token.empty()) {
    return absl::PermissionDeniedError(
        "loading and unloading over gRPC needs a management token (--management_token_file); "
        "use the management API instead");
  }
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end() ||
      std::string_view(it->second.data(), it->second.size()) != StrCat("Bearer ", token)) {
    return absl::UnauthenticatedError(
        "this call needs the management token as \"authorization: Bearer <token>\" metadata");
  }
  return absl::OkStatus();
}

}  // namespace

KServeServiceImpl::KServeServiceImpl(const InferenceService& service,
                                     const KServeServiceOptions& options)
    : service_(service), options_(options) {
  if (options_.repository != nullptr) {
    repository_pool_ = std::make_unique<ThreadPool>("grpc-repository", 1);
  }
}

void KServeServiceImpl::Listen(CallQueue& queue) {
  queue.Serve(async_, &Async::RequestServerLive, [](auto& call) {
    call.response().set_live(true);
    call.Finish(grpc::Status::OK);
  });
  queue.Serve(async_, &Async::RequestServerReady, [this](auto& call) {
    call.response().set_ready(service_.IsReady());
    call.Finish(grpc::Status::OK);
  });
  queue.Serve(async_, &Async::RequestModelReady,
              [this](auto& call) { call.Finish(ModelReady(call.request(), call.response())); });
  queue.Serve(async_, &Async::RequestServerMetadata, [](auto& call) {
    call.response().set_name("serval");
    call.response().set_version(kServalVersion);
    call.Finish(grpc::Status::OK);
  });
  queue.Serve(async_, &Async::RequestModelMetadata,
              [this](auto& call) { call.Finish(ModelMetadata(call.request(), call.response())); });
  queue.Serve(
      async_, &Async::RequestModelInfer, [this](auto& call) { ModelInfer(call); },
      /*watch_cancellation=*/true);
  queue.Serve(async_, &Async::RequestRepositoryIndex, [this](auto& call) {
    call.Finish(RepositoryIndex(call.request(), call.response()));
  });
  queue.Serve(async_, &Async::RequestRepositoryModelLoad, [this](auto& call) {
    ChangeRepository(call, [this, model = call.request().model_name()] {
      return LoadAndSettle(*options_.repository, model, options_.settle_timeout);
    });
  });
  queue.Serve(async_, &Async::RequestRepositoryModelUnload, [this](auto& call) {
    ChangeRepository(call, [this, model = call.request().model_name()] {
      return UnloadAndSettle(*options_.repository, model, options_.settle_timeout);
    });
  });
}

grpc::Status KServeServiceImpl::ModelReady(const inference::ModelReadyRequest& request,
                                           inference::ModelReadyResponse& response) const {
  absl::StatusOr<std::shared_ptr<Servable>> servable =
      Resolve(service_, request.name(), request.version());
  // A malformed request is an error; a model that is not there is simply not ready.
  if (servable.status().code() == absl::StatusCode::kInvalidArgument) {
    return ToGrpcStatus(servable.status());
  }
  response.set_ready(servable.ok());
  return grpc::Status::OK;
}

grpc::Status KServeServiceImpl::ModelMetadata(const inference::ModelMetadataRequest& request,
                                              inference::ModelMetadataResponse& response) const {
  absl::StatusOr<std::shared_ptr<Servable>> servable =
      Resolve(service_, request.name(), request.version());
  if (!servable.ok()) return ToGrpcStatus(servable.status());
  absl::StatusOr<std::vector<int64_t>> versions = service_.AvailableVersions(request.name());
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  response.set_name(request.name());
  for (int64_t version : *versions) response.add_versions(StrCat(version));
  response.set_platform(kKServePlatform);
  const Signature& signature = (*servable)->signature();
  for (const TensorSpec& spec : signature.inputs) AddTensorMetadata(spec, *response.add_inputs());
  for (const TensorSpec& spec : signature.outputs) {
    AddTensorMetadata(spec, *response.add_outputs());
  }
  return grpc::Status::OK;
}

void KServeServiceImpl::ModelInfer(
    UnaryCall<inference::ModelInferRequest, inference::ModelInferResponse>& call) {
  inference::ModelInferRequest& request = call.request();
  absl::StatusOr<std::shared_ptr<Servable>> servable =
      Resolve(service_, request.model_name(), request.model_version());
  if (!servable.ok()) return call.Finish(ToGrpcStatus(servable.status()));
  const absl::Time decode_start = absl::Now();
  absl::StatusOr<NamedTensors> inputs = DecodeModelInferInputs(request);
  if (!inputs.ok()) {
    service_.RecordRefused(**servable, inputs.status().code(), absl::Now() - decode_start);
    return call.Finish(ToGrpcStatus(inputs.status()));
  }
  ModelSpec spec;
  spec.name = request.model_name();
  InferenceRequest inference{std::move(spec), *std::move(inputs), RequestedOutputs(request),
                             RequestDeadline(call.context(), options_.default_request_timeout),
                             call.cancellation()};
  service_.Infer(*std::move(servable), std::move(inference),
                 [&call](absl::StatusOr<InferenceResponse> result) {
                   absl::Status status = result.status();
                   if (status.ok()) {
                     status = EncodeModelInferResponse(*result, call.request().id(),
                                                       call.response());
                   }
                   call.Finish(ToGrpcStatus(status));
                 });
}

grpc::Status KServeServiceImpl::RepositoryIndex(const inference::RepositoryIndexRequest& request,
                                                inference::RepositoryIndexResponse& response) const {
  if (options_.repository == nullptr) {
    return ToGrpcStatus(absl::UnimplementedError("this server has no model repository API"));
  }
  for (const RepositoryIndexEntry& entry :
       BuildRepositoryIndex(options_.repository->ListModels(), request.ready())) {
    inference::RepositoryIndexResponse::ModelIndex* model = response.add_models();
    model->set_name(entry.name);
    if (entry.version != 0) model->set_version(StrCat(entry.version));
    model->set_state(std::string(entry.state));
    model->set_reason(entry.reason);
  }
  return grpc::Status::OK;
}

template <class Call>
void KServeServiceImpl::ChangeRepository(Call& call, std::function<absl::Status()> change) {
  if (options_.repository == nullptr) {
    return call.Finish(
        ToGrpcStatus(absl::UnimplementedError("this server has no model repository API")));
  }
  if (absl::Status allowed = CheckToken(call.context(), options_.repository_token);
      !allowed.ok()) {
    return call.Finish(ToGrpcStatus(allowed));
  }
  repository_pool_->Schedule(
      [&call, change = std::move(change)] { call.Finish(ToGrpcStatus(change())); });
}

}  // namespace serval
