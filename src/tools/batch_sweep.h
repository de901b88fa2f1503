#ifndef SERVAL_TOOLS_BATCH_SWEEP_H_
#define SERVAL_TOOLS_BATCH_SWEEP_H_

// `serval bench`'s in-process mode, minus the loading: runs ModelInstance::Execute back to back
// at one batch size and measures items per second and latency, with no HTTP, JSON or queue in
// between. What the model itself costs, to compare with what the server adds.
//
// Inputs are random (random_tensor.h). Their shapes come from the signature: dimension 0 is the
// batch size, other free dimensions are 1, and an input of unknown rank gets [batch_size]; or,
// for the inputs named in `overrides` (--input_spec), from there with dimension 0 set to the
// batch size.
//
// Thread safety: stateless functions; RunBatchLevel uses `instance` from the calling thread only.
//
//   ASSIGN_OR_RETURN(NamedTensors inputs, MakeBenchInputs(model->signature(), 8, {}, random));
//   LevelResult result = RunBatchLevel(*instance, inputs, 8, options, nullptr);

#include <cstdint>
#include <random>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "backend/backend.h"
#include "core/inference.h"
#include "core/signature.h"
#include "tools/bench_result.h"
#include "tools/progress_line.h"

namespace serval {

struct BatchSweepOptions {
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
};

// INVALID_ARGUMENT when an override names no input of the signature, or declares another dtype
// than a signature that declares its inputs.
absl::StatusOr<NamedTensors> MakeBenchInputs(const Signature& signature, int64_t batch_size,
                                             const std::vector<TensorSpec>& overrides,
                                             std::mt19937_64& random);

// Calls Execute(inputs) until `warmup` then `duration` have passed; calls that start in the
// warm-up are not measured. The first failing call ends the level and is reported as its error.
// The measured seconds run to the end of the last measured call. `progress` may be null.
LevelResult RunBatchLevel(ModelInstance& instance, const NamedTensors& inputs, int64_t batch_size,
                          const BatchSweepOptions& options, const ProgressCallback& progress);

}  // namespace serval

#endif  // SERVAL_TOOLS_BATCH_SWEEP_H_
