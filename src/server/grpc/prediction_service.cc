#include "server/grpc/prediction_service.h"

#include <memory>
#include <string>
#include <utility>

#include "common/str_cat.h"
#include "server/grpc/cancellable_reactor.h"
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

}  // namespace

grpc::ServerUnaryReactor* PredictionServiceImpl::Predict(grpc::CallbackServerContext* context,
                                                         const tfs::PredictRequest* request,
                                                         tfs::PredictResponse* response) {
  absl::StatusOr<ModelSpec> spec = ModelSpecFromProto(request->model_spec());
  if (!spec.ok()) return FinishNow(context, spec.status());
  absl::StatusOr<std::shared_ptr<Servable>> servable = service_.Resolve(*spec);
  if (!servable.ok()) return FinishNow(context, servable.status());
  // The message is gRPC's, allocated mutable and ours until the call finishes: moving large
  // tensor_content buffers out of it makes them the tensors' buffers without a copy.
  auto& owned = const_cast<tfs::PredictRequest&>(*request);
  const absl::Time decode_start = absl::Now();
  absl::StatusOr<NamedTensors> inputs = DecodeInputs(owned);
  if (!inputs.ok()) {
    service_.RecordRefused(**servable, inputs.status().code(), absl::Now() - decode_start);
    return FinishNow(context, inputs.status());
  }
  auto* reactor = new CancellableReactor();
  InferenceRequest inference{*spec, *std::move(inputs),
                             {request->output_filter().begin(), request->output_filter().end()},
                             RequestDeadline(*context, options_.default_request_timeout),
                             reactor->cancellation()};
  service_.Infer(*std::move(servable), std::move(inference),
                 [reactor, response, signature_name = spec->signature_name,
                  encoding = options_.output_encoding](absl::StatusOr<InferenceResponse> result) {
                   if (result.ok()) WriteOutputs(*result, signature_name, encoding, *response);
                   reactor->Finish(ToGrpcStatus(result.status()));
                 });
  return reactor;
}

grpc::ServerUnaryReactor* PredictionServiceImpl::GetModelMetadata(
    grpc::CallbackServerContext* context, const tfs::GetModelMetadataRequest* request,
    tfs::GetModelMetadataResponse* response) {
  if (request->metadata_field_size() == 0) {
    return FinishNow(context, absl::InvalidArgumentError(
                                  "GetModelMetadataRequest must name a metadata_field "
                                  "(\"signature_def\")"));
  }
  for (const std::string& field : request->metadata_field()) {
    if (field != "signature_def") {
      return FinishNow(context, absl::InvalidArgumentError(StrCat(
                                    "metadata_field '", field,
                                    "' is not supported; the only one is \"signature_def\"")));
    }
  }
  absl::StatusOr<ModelSpec> spec = ModelSpecFromProto(request->model_spec());
  if (!spec.ok()) return FinishNow(context, spec.status());
  absl::StatusOr<std::shared_ptr<Servable>> servable = service_.Resolve(*spec);
  if (!servable.ok()) return FinishNow(context, servable.status());
  const ServableId& id = (*servable)->id();
  const Signature& signature = (*servable)->signature();
  *response->mutable_model_spec() = ResolvedModelSpec(id.name, id.version, spec->signature_name);
  tfs::SignatureDefMap signatures;
  (*signatures.mutable_signature_def())[signature.name] = SignatureDefFromSignature(signature);
  (*response->mutable_metadata())["signature_def"].PackFrom(signatures);
  return FinishNow(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* PredictionServiceImpl::Classify(grpc::CallbackServerContext* context,
                                                          const tfs::ClassificationRequest* request,
                                                          tfs::ClassificationResponse*) {
  return FinishNow(context, Unimplemented(service_, request->model_spec(), "Classify"));
}

grpc::ServerUnaryReactor* PredictionServiceImpl::Regress(grpc::CallbackServerContext* context,
                                                         const tfs::RegressionRequest* request,
                                                         tfs::RegressionResponse*) {
  return FinishNow(context, Unimplemented(service_, request->model_spec(), "Regress"));
}

grpc::ServerUnaryReactor* PredictionServiceImpl::MultiInference(
    grpc::CallbackServerContext* context, const tfs::MultiInferenceRequest* request,
    tfs::MultiInferenceResponse*) {
  if (request->tasks_size() == 0) {
    return FinishNow(context, absl::InvalidArgumentError("MultiInference needs at least one task"));
  }
  const tfs::InferenceTask& task = request->tasks(0);
  return FinishNow(context, Unimplemented(service_, task.model_spec(),
                                          task.method_name() == "tensorflow/serving/regress"
                                              ? "Regress"
                                              : "Classify"));
}

}  // namespace serval
