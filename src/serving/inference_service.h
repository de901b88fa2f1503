#ifndef SERVAL_SERVING_INFERENCE_SERVICE_H_
#define SERVAL_SERVING_INFERENCE_SERVICE_H_

// InferenceService: the protocol-free request path that every front end calls.
//
//   resolve model and version → check inputs against the signature → queue on the servable →
//   run on an instance → keep the requested outputs, in signature order → complete the callback
//
// A front end resolves first, because decoding a body needs the signature (JSON carries no
// dtypes), then decodes, then calls Infer() with the servable it resolved.
//
// With a MetricsRegistry, Infer() records every request it answers (validation failures
// included) under the servable's model and version: its outcome and its end-to-end time, from
// Infer() to the callback (see docs/metrics.md).
//
// Thread safety: all methods may be called from any thread; none blocks on inference.

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "core/inference.h"
#include "core/servable_state.h"
#include "manager/servable.h"
#include "manager/servable_manager.h"
#include "metrics/metrics_registry.h"

namespace serval {

class InferenceService {
 public:
  // `manager`, and `metrics` when given, must outlive the service. Null `metrics`: no metrics.
  explicit InferenceService(const ServableManager& manager, MetricsRegistry* metrics = nullptr)
      : manager_(manager), metrics_(metrics) {}

  // The servable that answers `spec`, from the current routing snapshot (no lock).
  absl::StatusOr<std::shared_ptr<Servable>> Resolve(const ModelSpec& spec) const;

  // Checks `request` against the servable's signature and queues it. `done` runs exactly once:
  // at once with the validation error, or later on an executor thread with the result. The
  // servable stays alive until `done` has run.
  void Infer(std::shared_ptr<Servable> servable, InferenceRequest request,
             InferenceCallback done) const;

  // Counts a request for `servable` that a front end refused before Infer() (its body did not
  // decode), `elapsed` after it started decoding, in the version's request metrics.
  void RecordRefused(const Servable& servable, absl::StatusCode outcome,
                     absl::Duration elapsed) const;

  // Version states of a model, highest version first (see ServableManager::GetModelStatus).
  absl::StatusOr<std::vector<ServableVersionStatus>> GetModelStatus(
      std::string_view model, std::optional<int64_t> version) const;

  // The AVAILABLE versions of a model, lowest first; NOT_FOUND for an unknown model.
  absl::StatusOr<std::vector<int64_t>> AvailableVersions(std::string_view model) const;

  // True once the models found at start-up have been loaded or have failed to load, and from then
  // on (see ServableManager::IsReady).
  bool IsReady() const { return manager_.IsReady(); }

 private:
  const ServableManager& manager_;
  MetricsRegistry* const metrics_;
};

// OK when `requested` names `signature` or is empty (the default signature); otherwise
// INVALID_ARGUMENT in TF Serving's words.
absl::Status CheckSignatureName(const Signature& signature, std::string_view requested);

// OK when `inputs` are exactly the signature's inputs, each with the declared dtype, rank and
// fixed dimensions; otherwise INVALID_ARGUMENT naming the input.
absl::Status ValidateInputs(const Signature& signature, const NamedTensors& inputs);

// Keeps the outputs `filter` names (all when empty), in the order the signature declares them
// (outputs the signature does not declare follow, in the model's order). INVALID_ARGUMENT for an
// unknown or repeated name in `filter`.
absl::StatusOr<NamedTensors> SelectOutputs(const Signature& signature, NamedTensors outputs,
                                           const std::vector<std::string>& filter);

}  // namespace serval

#endif  // SERVAL_SERVING_INFERENCE_SERVICE_H_
