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
#include "server/grpc/cancellable_reactor.h"
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
absl::Status CheckToken(const grpc::CallbackServerContext& context, const std::string& token) {
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

grpc::ServerUnaryReactor* KServeServiceImpl::ServerLive(grpc::CallbackServerContext* context,
                                                        const inference::ServerLiveRequest*,
                                                        inference::ServerLiveResponse* response) {
  response->set_live(true);
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* KServeServiceImpl::ServerReady(
    grpc::CallbackServerContext* context, const inference::ServerReadyRequest*,
    inference::ServerReadyResponse* response) {
  response->set_ready(service_.IsReady());
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* KServeServiceImpl::ModelReady(
    grpc::CallbackServerContext* context, const inference::ModelReadyRequest* request,
    inference::ModelReadyResponse* response) {
  absl::StatusOr<std::shared_ptr<Servable>> servable =
      Resolve(service_, request->name(), request->version());
  // A malformed request is an error; a model that is not there is simply not ready.
  if (servable.status().code() == absl::StatusCode::kInvalidArgument) {
    return FinishNow(context, servable.status());
  }
  response->set_ready(servable.ok());
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* KServeServiceImpl::ServerMetadata(
    grpc::CallbackServerContext* context, const inference::ServerMetadataRequest*,
    inference::ServerMetadataResponse* response) {
  response->set_name("serval");
  response->set_version(kServalVersion);
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* KServeServiceImpl::ModelMetadata(
    grpc::CallbackServerContext* context, const inference::ModelMetadataRequest* request,
    inference::ModelMetadataResponse* response) {
  absl::StatusOr<std::shared_ptr<Servable>> servable =
      Resolve(service_, request->name(), request->version());
  if (!servable.ok()) return FinishNow(context, servable.status());
  absl::StatusOr<std::vector<int64_t>> versions = service_.AvailableVersions(request->name());
  if (!versions.ok()) return FinishNow(context, versions.status());
  response->set_name(request->name());
  for (int64_t version : *versions) response->add_versions(StrCat(version));
  response->set_platform(kKServePlatform);
  const Signature& signature = (*servable)->signature();
  for (const TensorSpec& spec : signature.inputs) AddTensorMetadata(spec, *response->add_inputs());
  for (const TensorSpec& spec : signature.outputs) {
    AddTensorMetadata(spec, *response->add_outputs());
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* KServeServiceImpl::ModelInfer(grpc::CallbackServerContext* context,
                                                        const inference::ModelInferRequest* request,
                                                        inference::ModelInferResponse* response) {
  absl::StatusOr<std::shared_ptr<Servable>> servable =
      Resolve(service_, request->model_name(), request->model_version());
  if (!servable.ok()) return FinishNow(context, servable.status());
  // The message is gRPC's, allocated mutable and ours until the call finishes: moving the raw
  // input bytes out of it makes them the tensors' buffers without a copy.
  auto& owned = const_cast<inference::ModelInferRequest&>(*request);
  const absl::Time decode_start = absl::Now();
  absl::StatusOr<NamedTensors> inputs = DecodeModelInferInputs(owned);
  if (!inputs.ok()) {
    service_.RecordRefused(**servable, inputs.status().code(), absl::Now() - decode_start);
    return FinishNow(context, inputs.status());
  }
  auto* reactor = new CancellableReactor();
  ModelSpec spec;
  spec.name = request->model_name();
  InferenceRequest inference{std::move(spec), *std::move(inputs), RequestedOutputs(*request),
                             RequestDeadline(*context, options_.default_request_timeout),
                             reactor->cancellation()};
  service_.Infer(*std::move(servable), std::move(inference),
                 [reactor, response, id = request->id()](absl::StatusOr<InferenceResponse> result) {
                   absl::Status status = result.status();
                   if (status.ok()) status = EncodeModelInferResponse(*result, id, *response);
                   reactor->Finish(ToGrpcStatus(status));
                 });
  return reactor;
}

grpc::ServerUnaryReactor* KServeServiceImpl::RepositoryIndex(
    grpc::CallbackServerContext* context, const inference::RepositoryIndexRequest* request,
    inference::RepositoryIndexResponse* response) {
  if (options_.repository == nullptr) {
    return FinishNow(context, absl::UnimplementedError("this server has no model repository API"));
  }
  for (const RepositoryIndexEntry& entry :
       BuildRepositoryIndex(options_.repository->ListModels(), request->ready())) {
    inference::RepositoryIndexResponse::ModelIndex* model = response->add_models();
    model->set_name(entry.name);
    if (entry.version != 0) model->set_version(StrCat(entry.version));
    model->set_state(std::string(entry.state));
    model->set_reason(entry.reason);
  }
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* KServeServiceImpl::RepositoryModelLoad(
    grpc::CallbackServerContext* context, const inference::RepositoryModelLoadRequest* request,
    inference::RepositoryModelLoadResponse*) {
  return ChangeRepository(context, [this, model = request->model_name()] {
    return LoadAndSettle(*options_.repository, model, options_.settle_timeout);
  });
}

grpc::ServerUnaryReactor* KServeServiceImpl::RepositoryModelUnload(
    grpc::CallbackServerContext* context, const inference::RepositoryModelUnloadRequest* request,
    inference::RepositoryModelUnloadResponse*) {
  return ChangeRepository(context, [this, model = request->model_name()] {
    return UnloadAndSettle(*options_.repository, model, options_.settle_timeout);
  });
}

grpc::ServerUnaryReactor* KServeServiceImpl::ChangeRepository(
    grpc::CallbackServerContext* context, std::function<absl::Status()> change) {
  if (options_.repository == nullptr) {
    return FinishNow(context, absl::UnimplementedError("this server has no model repository API"));
  }
  if (absl::Status allowed = CheckToken(*context, options_.repository_token); !allowed.ok()) {
    return FinishNow(context, allowed);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  repository_pool_->Schedule(
      [reactor, change = std::move(change)] { reactor->Finish(ToGrpcStatus(change())); });
  return reactor;
}

}  // namespace serval
