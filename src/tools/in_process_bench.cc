#include "tools/in_process_bench.h"

#include <memory>
#include <random>

#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "tools/batch_sweep.h"
#include "tools/model_under_test.h"

namespace serval {

absl::StatusOr<BenchPlan> PlanInProcessBench(const BenchOptions& options,
                                             const BackendRegistry& registry) {
  ASSIGN_OR_RETURN(ModelUnderTest loaded,
                   LoadModelUnderTest(options.model_base_path, options.model, options.version,
                                      options.device, registry));
  auto model = std::make_shared<ModelUnderTest>(std::move(loaded));
  std::mt19937_64 trial_random(options.seed);  // a bad --input_spec fails here, before any level
  RETURN_IF_ERROR(
      MakeBenchInputs(model->model->signature(), 1, options.input_specs, trial_random).status());
  BenchPlan plan;
  plan.report.mode = "in_process";
  plan.report.kind = LoadKind::kBatchSize;
  plan.report.target = model->version_path;
  plan.description = absl::StrFormat(
      "serval bench: model %s version %d in process on %s, %s per batch size after %s warm-up",
      model->name, model->version, options.device, absl::FormatDuration(options.duration),
      absl::FormatDuration(options.warmup));
  plan.levels.assign(options.batch_sizes.begin(), options.batch_sizes.end());
  BatchSweepOptions sweep;
  sweep.warmup = options.warmup;
  sweep.duration = options.duration;
  auto random = std::make_shared<std::mt19937_64>(options.seed);
  plan.run_level = [model, sweep, random, overrides = options.input_specs](
                       double level,
                       const ProgressCallback& progress) -> absl::StatusOr<LevelResult> {
    const int64_t batch_size = static_cast<int64_t>(level);
    ASSIGN_OR_RETURN(NamedTensors inputs,
                     MakeBenchInputs(model->model->signature(), batch_size, overrides, *random));
    return RunBatchLevel(*model->instance, inputs, batch_size, sweep, progress);
  };
  return plan;
}

}  // namespace serval
