#include "serving/inference_service.h"

#include <algorithm>
#include <chrono>

#include "absl/container/flat_hash_set.h"
#include "common/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace serval {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// Records one answered request; a no-op without metrics.
void RecordRequest(ModelMetrics* metrics, SteadyTime start, absl::StatusCode outcome) {
  if (metrics == nullptr) return;
  metrics->RecordRequest(outcome, absl::FromChrono(std::chrono::steady_clock::now() - start));
}

std::string InputNames(const Signature& signature) {
  return absl::StrJoin(signature.inputs, ", ", [](std::string* out, const TensorSpec& spec) {
    StrAppend(out, spec.name);
  });
}

// Orders `tensors` like `specs`, by name; those `specs` does not name go last, in their order.
void SortLike(const std::vector<TensorSpec>& specs, NamedTensors& tensors) {
  auto rank = [&specs](const NamedTensor& tensor) {
    auto it = std::find_if(specs.begin(), specs.end(),
                           [&](const TensorSpec& spec) { return spec.name == tensor.first; });
    return it - specs.begin();
  };
  auto before = [&rank](const NamedTensor& a, const NamedTensor& b) { return rank(a) < rank(b); };
  if (!std::is_sorted(tensors.begin(), tensors.end(), before)) {
    std::stable_sort(tensors.begin(), tensors.end(), before);
  }
}

}  // namespace

absl::Status CheckSignatureName(const Signature& signature, std::string_view requested) {
  if (requested.empty() || requested == signature.name) return absl::OkStatus();
  return absl::InvalidArgumentError(
      StrCat("Serving signature name: \"", requested, "\" not found in signature def"));
}

absl::Status ValidateInputs(const Signature& signature, const NamedTensors& inputs) {
  absl::flat_hash_set<std::string_view> seen;
  for (const auto& [name, tensor] : inputs) {
    const TensorSpec* spec = signature.FindInput(name);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(StrCat("unknown input '", name,
                                                     "'; the model takes: ", InputNames(signature)));
    }
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(StrCat("input '", name, "' is given twice"));
    }
    RETURN_IF_ERROR(CheckTensorMatchesSpec(*spec, tensor));
  }
  for (const TensorSpec& spec : signature.inputs) {
    if (!seen.contains(spec.name)) {
      return absl::InvalidArgumentError(StrCat("missing input '", spec.name,
                                                     "'; the model takes: ", InputNames(signature)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<NamedTensors> SelectOutputs(const Signature& signature, NamedTensors outputs,
                                           const std::vector<std::string>& filter) {
  // Signature order first, then anything the signature does not declare.
  SortLike(signature.outputs, outputs);
  if (filter.empty()) return outputs;
  absl::flat_hash_set<std::string_view> wanted;
  for (const std::string& name : filter) {
    bool exists = std::any_of(outputs.begin(), outputs.end(),
                              [&](const NamedTensor& output) { return output.first == name; });
    if (!exists) return absl::InvalidArgumentError(StrCat("unknown output '", name, "'"));
    if (!wanted.insert(name).second) {
      return absl::InvalidArgumentError(StrCat("output '", name, "' is requested twice"));
    }
  }
  std::erase_if(outputs, [&](const NamedTensor& output) { return !wanted.contains(output.first); });
  return outputs;
}

absl::StatusOr<std::shared_ptr<Servable>> InferenceService::Resolve(const ModelSpec& spec) const {
  return manager_.routing_table()->Resolve(spec);
}

void InferenceService::RecordRefused(const Servable& servable, absl::StatusCode outcome,
                                     absl::Duration elapsed) const {
  if (metrics_ == nullptr) return;
  metrics_->ForModel(servable.id().name, servable.id().version).RecordRequest(outcome, elapsed);
}

void InferenceService::Infer(std::shared_ptr<Servable> servable, InferenceRequest request,
                             InferenceCallback done) const {
  const SteadyTime start = std::chrono::steady_clock::now();
  // Lock-free once the version has metrics: ForModel creates them on its first request only.
  ModelMetrics* metrics = metrics_ == nullptr
                              ? nullptr
                              : &metrics_->ForModel(servable->id().name, servable->id().version);
  const Signature& signature = servable->signature();
  absl::Status valid = CheckSignatureName(signature, request.model.signature_name);
  if (valid.ok()) valid = ValidateInputs(signature, request.inputs);
  if (!valid.ok()) {
    RecordRequest(metrics, start, valid.code());
    done(std::move(valid));
    return;
  }
  // Signature order whatever the protocol's (a protobuf map has none), so that batched requests
  // line their inputs up.
  SortLike(signature.inputs, request.inputs);
  Servable& target = *servable;
  target.Submit(std::move(request.inputs),
                [servable = std::move(servable), filter = std::move(request.output_filter),
                 done = std::move(done), metrics, start](absl::StatusOr<NamedTensors> outputs) {
                  if (!outputs.ok()) {
                    RecordRequest(metrics, start, outputs.status().code());
                    done(outputs.status());
                    return;
                  }
                  absl::StatusOr<NamedTensors> selected =
                      SelectOutputs(servable->signature(), *std::move(outputs), filter);
                  RecordRequest(metrics, start, selected.status().code());
                  if (!selected.ok()) {
                    done(selected.status());
                    return;
                  }
                  done(InferenceResponse{servable->id().name, servable->id().version,
                                         *std::move(selected)});
                },
                request.deadline, std::move(request.cancellation));
}

absl::StatusOr<std::vector<ServableVersionStatus>> InferenceService::GetModelStatus(
    std::string_view model, std::optional<int64_t> version) const {
  return manager_.GetModelStatus(model, version);
}

absl::StatusOr<std::vector<int64_t>> InferenceService::AvailableVersions(
    std::string_view model) const {
  ASSIGN_OR_RETURN(std::vector<ServableVersionStatus> statuses,
                   manager_.GetModelStatus(model, std::nullopt));
  std::vector<int64_t> available;
  for (const ServableVersionStatus& status : statuses) {
    if (status.state == ServableState::kAvailable) available.push_back(status.version);
  }
  std::sort(available.begin(), available.end());
  return available;
}

}  // namespace serval
