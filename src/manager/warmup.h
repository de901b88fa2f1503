#ifndef SERVAL_MANAGER_WARMUP_H_
#define SERVAL_MANAGER_WARMUP_H_

// Warmup: runs a freshly loaded version before it takes traffic, so that the first requests do not
// pay for lazy initialisation (TorchScript's profiling runs, allocator growth, page faults).
//
// Requests come from the version folder when it carries any (read by a WarmupRequestReader);
// otherwise they are made from the signature: zeros, with each free dimension 1 except the first,
// which takes each warmup batch size in turn.

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/inference.h"
#include "core/signature.h"

namespace serval {

class Servable;

// Inputs for `signature` at `batch_size`: zeros (empty strings), free dimensions as above, and
// shape [batch_size] for inputs whose shape is unknown.
NamedTensors MakeWarmupInputs(const Signature& signature, int64_t batch_size);

// Runs `requests` on every instance of `servable`, which takes no traffic yet. A failing request
// fails the warmup: these came with the model, so they must work.
absl::Status RunWarmupRequests(Servable& servable, const std::vector<NamedTensors>& requests);

// Runs inputs made from the signature at each of `batch_sizes` ({1} when empty) on every instance.
// A failure is logged and ends the warmup without failing the load, since zeros may not be valid
// input for every model.
void RunSynthesizedWarmup(Servable& servable, const std::vector<int64_t>& batch_sizes);

}  // namespace serval

#endif  // SERVAL_MANAGER_WARMUP_H_
