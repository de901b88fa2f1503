#include "tools/batch_sweep.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "common/str_cat.h"
#include "tools/random_tensor.h"

namespace serval {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

Clock::duration ToClock(absl::Duration duration) {
  return std::chrono::duration_cast<Clock::duration>(absl::ToChronoNanoseconds(duration));
}

// Where a level stands after a call that ended at `now`.
LevelProgress Snapshot(int64_t requests, int64_t batch_size, Clock::time_point now,
                       Clock::time_point start, Clock::time_point measure_start,
                       Clock::time_point measure_end) {
  LevelProgress progress;
  progress.items_per_request = batch_size;
  progress.requests = requests;
  if (now < measure_start) {
    progress.phase = LevelProgress::Phase::kWarmup;
    progress.elapsed_s = SecondsBetween(start, now);
    progress.phase_s = SecondsBetween(start, measure_start);
  } else {
    progress.phase = LevelProgress::Phase::kMeasuring;
    progress.elapsed_s = SecondsBetween(measure_start, now);
    progress.phase_s = SecondsBetween(measure_start, measure_end);
  }
  return progress;
}

const TensorSpec* FindSpec(const std::vector<TensorSpec>& specs, std::string_view name) {
  for (const TensorSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Shape BatchShape(const TensorSpec& spec, int64_t batch_size, bool free_dims_are_one) {
  if (!spec.has_shape) return {batch_size};
  Shape shape = spec.shape;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i == 0) {
      shape[i] = batch_size;
    } else if (shape[i] < 0 && free_dims_are_one) {
      shape[i] = 1;
    }
  }
  return shape;
}

absl::Status CheckOverrides(const Signature& signature, const std::vector<TensorSpec>& overrides) {
  for (const TensorSpec& given : overrides) {
    const TensorSpec* declared = signature.FindInput(given.name);
    if (declared == nullptr) {
      std::string names;
      for (const TensorSpec& input : signature.inputs) StrAppend(&names, " ", input.name);
      return absl::InvalidArgumentError(
          StrCat("--input_spec: the model has no input '", given.name, "' (it has:", names, ")"));
    }
    if (declared->has_shape && declared->dtype != given.dtype) {
      return absl::InvalidArgumentError(StrCat("--input_spec: input '", given.name, "' is ",
                                               DataTypeName(declared->dtype), ", not ",
                                               DataTypeName(given.dtype)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NamedTensors> MakeBenchInputs(const Signature& signature, int64_t batch_size,
                                             const std::vector<TensorSpec>& overrides,
                                             std::mt19937_64& random) {
  if (absl::Status status = CheckOverrides(signature, overrides); !status.ok()) return status;
  NamedTensors inputs;
  for (const TensorSpec& declared : signature.inputs) {
    const TensorSpec* given = FindSpec(overrides, declared.name);
    const TensorSpec& spec = given != nullptr ? *given : declared;
    inputs.emplace_back(spec.name,
                        RandomTensor(spec.dtype, BatchShape(spec, batch_size, true), random));
  }
  return inputs;
}

LevelResult RunBatchLevel(ModelInstance& instance, const NamedTensors& inputs, int64_t batch_size,
                          const BatchSweepOptions& options, const ProgressCallback& progress) {
  LatencyHistogram latency;
  LevelResult result;
  result.kind = LoadKind::kBatchSize;
  result.level = static_cast<double>(batch_size);
  result.items_per_request = batch_size;
  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_start = start + ToClock(options.warmup);
  const Clock::time_point measure_end = measure_start + ToClock(options.duration);
  Clock::time_point last_end = measure_start;
  for (Clock::time_point begin = start; begin < measure_end; begin = Clock::now()) {
    absl::StatusOr<NamedTensors> outputs = instance.Execute(inputs);
    const Clock::time_point end = Clock::now();
    const bool measured = begin >= measure_start;
    if (measured || !outputs.ok()) {
      ++result.requests;
      last_end = std::max(last_end, end);
    }
    if (!outputs.ok()) {
      ++result.errors;
      result.first_error = std::string(FromAbsl(outputs.status().message()));
      break;
    }
    if (measured) latency.Record(absl::FromChrono(end - begin));
    if (progress) {
      progress(Snapshot(result.requests, batch_size, end, start, measure_start, measure_end));
    }
  }
  result.seconds = std::max(0.0, SecondsBetween(measure_start, last_end));
  result.latency = latency.Summarize();
  return result;
}

}  // namespace serval
