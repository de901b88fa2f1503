#ifndef SERVAL_CORE_INFERENCE_H_
#define SERVAL_CORE_INFERENCE_H_

// The protocol-free request and response that every front end builds and every runtime serves.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/cancellation.h"
#include "core/tensor.h"

namespace serval {

using NamedTensor = std::pair<std::string, Tensor>;
using NamedTensors = std::vector<NamedTensor>;

// Which model and version a request asks for: a number, a label, or neither (the latest).
struct ModelSpec {
  std::string name;
  std::optional<int64_t> version;
  std::optional<std::string> label;
  std::string signature_name;  // empty: serving_default

  // TF Serving's words for it: "Latest(m)", "Specific(m, 3)", "Label(m, stable)".
  std::string DebugString() const;
};

struct InferenceRequest {
  ModelSpec model;
  NamedTensors inputs;
  // Names of the outputs to return; empty returns all of them.
  std::vector<std::string> output_filter;
  // A request still queued at this time never runs; it is answered DEADLINE_EXCEEDED.
  absl::Time deadline = absl::InfiniteFuture();
  // Raised when the client has gone; a request still queued then never runs (CANCELLED).
  Cancellation cancellation;
};

struct InferenceResponse {
  std::string model_name;
  int64_t model_version = 0;
  NamedTensors outputs;
};

// Called exactly once per request, on whichever thread finished it.
using InferenceCallback = std::function<void(absl::StatusOr<InferenceResponse>)>;

}  // namespace serval

#endif  // SERVAL_CORE_INFERENCE_H_
