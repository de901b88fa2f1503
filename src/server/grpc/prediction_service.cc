#include "server/grpc/prediction_service.h"

#include <memory>
#include <string>
#include <utility>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "server/grpc/grpc_status.h"
#include "server/grpc/request_deadline.h"
#include "server/grpc/tfs_model_spec.h"

namespace serval {
namespace {

namespace tfs = tensorflow::serving;

// The request's inputs as tensors; large tensor_content buffers are moved out of `request`.
absl::StatusOr<NamedTensors> DecodeInputs(tfs::PredictRequest& request) {
  NamedTensors inputs;
  inputs.reserve(request.inputs_size());
  for (auto& [alias, proto] : *request.mutable_inputs()) {
    absl::StatusOr<Tensor> tensor = TensorFromProto(alias, proto);
    if (!tensor.ok()) return tensor.status();
    inputs.emplace_back(alias, *std::move(tensor));
  }
  return inputs;
}

void WriteOutputs(const InferenceResponse& result, std::string_view signature_name,
                  TensorProtoEncoding encoding, tfs::PredictResponse& response) {
  *response.mutable_model_spec() =
      ResolvedModelSpec(result.model_name, result.model_version, signature_name);
  auto& outputs = *response.mutable_outputs();
  for (const auto& [name, tensor] : result.outputs) TensorToProto(tensor, encoding, outputs[name]);
}

absl::Status Unimplemented(const InferenceService& service, const tfs::ModelSpec& proto,
                           std::string_view rpc) {
  absl::StatusOr<ModelSpec> spec = ModelSpecFromProto(proto);
  if (!spec.ok()) return spec.status();
  absl::StatusOr<std::shared_ptr<Servable>> servable = service.Resolve(*spec);
  if (!servable.ok()) return servable.status();
  return absl::UnimplementedError(
      StrCat(rpc, " needs a ", rpc == "Classify" ? "classify" : "regress", " signature; model ",
             spec->name, " has only the predict signature '", (*servable)->signature().name,
             "' (use Predict)"));
}

absl::Status MultiInferenceRefusal(const InferenceService& service,
                                   const tfs::MultiInferenceRequest& request) {
  if (request.tasks_size() == 0) {
    return absl::InvalidArgumentError("MultiInference needs at least one task");
  }
  const tfs::InferenceTask& task = request.tasks(0);
  return Unimplemented(service, task.model_spec(),
                       task.method_name() == "tensorflow/serving/regress" ? "Regress" : "Classify");
}

absl::Status WriteModelMetadata(const InferenceService& service,
                                const tfs::GetModelMetadataRequest& request,
                                tfs::GetModelMetadataResponse& response) {
  if (request.metadata_field_size() == 0) {
    return absl::InvalidArgumentError(
        "GetModelMetadataRequest must name a metadata_field (\"signature_def\")");
  }
  for (const std::string& field : request.metadata_field()) {
    if (field != "signature_def") {
      return absl::InvalidArgumentError(StrCat(
          "metadata_field '", field, "' is not supported; the only one is \"signature_def\""));
    }
  }
  ASSIGN_OR_RETURN(ModelSpec spec, ModelSpecFromProto(request.model_spec()));
  ASSIGN_OR_RETURN(std::shared_ptr<Servable> servable, service.Resolve(spec));
  const ServableId& id = servable->id();
  const Signature& signature = servable->signature();
  *response.mutable_model_spec() = ResolvedModelSpec(id.name, id.version, spec.signature_name);
  tfs::SignatureDefMap signatures;
  (*signatures.mutable_signature_def())[signature.name] = SignatureDefFromSignature(signature);
  (*response.mutable_metadata())["signature_def"].PackFrom(signatures);
  return absl::OkStatus();
}

}  // namespace

void PredictionServiceImpl::Listen(CallQueue& queue) {
  queue.Serve(
      async_, &Async::RequestPredict, [this](auto& call) { Predict(call); },
      /*watch_cancellation=*/true);
  queue.Serve(async_, &Async::RequestGetModelMetadata,
              [this](auto& call) { GetModelMetadata(call); });
  queue.Serve(async_, &Async::RequestClassify, [this](auto& call) {
    call.Finish(ToGrpcStatus(Unimplemented(service_, call.request().model_spec(), "Classify")));
  });
  queue.Serve(async_, &Async::RequestRegress, [this](auto& call) {
    call.Finish(ToGrpcStatus(Unimplemented(service_, call.request().model_spec(), "Regress")));
  });
  queue.Serve(async_, &Async::RequestMultiInference,
              [this](auto& call) { call.Finish(ToGrpcStatus(MultiInferenceRefusal(service_, call.request()))); });
}

void PredictionServiceImpl::Predict(UnaryCall<tfs::PredictRequest, tfs::PredictResponse>& call) {
  tfs::PredictRequest& request = call.request();
  absl::StatusOr<ModelSpec> spec = ModelSpecFromProto(request.model_spec());
  if (!spec.ok()) return call.Finish(ToGrpcStatus(spec.status()));
  absl::StatusOr<std::shared_ptr<Servable>> servable = service_.Resolve(*spec);
  if (!servable.ok()) return call.Finish(ToGrpcStatus(servable.status()));
  const absl::Time decode_start = absl::Now();
  absl::StatusOr<NamedTensors> inputs = DecodeInputs(request);
  if (!inputs.ok()) {
    service_.RecordRefused(**servable, inputs.status().code(), absl::Now() - decode_start);
    return call.Finish(ToGrpcStatus(inputs.status()));
  }
  InferenceRequest inference{*spec, *std::move(inputs),
                             {request.output_filter().begin(), request.output_filter().end()},
                             RequestDeadline(call.context(), options_.default_request_timeout),
                             call.cancellation()};
  service_.Infer(*std::move(servable), std::move(inference),
                 [&call, signature_name = spec->signature_name,
                  encoding = options_.output_encoding](absl::StatusOr<InferenceResponse> result) {
                   if (result.ok()) {
                     WriteOutputs(*result, signature_name, encoding, call.response());
                   }
                   call.Finish(ToGrpcStatus(result.status()));
                 });
}

void PredictionServiceImpl::GetModelMetadata(
    UnaryCall<tfs::GetModelMetadataRequest, tfs::GetModelMetadataResponse>& call) {
  call.Finish(ToGrpcStatus(WriteModelMetadata(service_, call.request(), call.response())));
}

}  // namespace serval
