#include "core/batching_settings.h"

#include "common/str_cat.h"

namespace serval {
namespace {

absl::Status FieldError(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(StrCat("batching_parameters.", field, ": ", message));
}

absl::Status ValidateAllowedSizes(const BatchingSettings& settings) {
  const std::vector<int64_t>& sizes = settings.allowed_batch_sizes;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 1 || (i > 0 && sizes[i] <= sizes[i - 1])) {
      return FieldError("allowed_batch_sizes", "must be positive and strictly increasing");
    }
  }
  if (!sizes.empty() && sizes.back() != settings.max_batch_size) {
    return FieldError("allowed_batch_sizes",
                      StrCat("the last entry (", sizes.back(), ") must equal max_batch_size (",
                             settings.max_batch_size, ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateBatchingSettings(const BatchingSettings& settings) {
  if (settings.max_batch_size < 1) return FieldError("max_batch_size", "must be >= 1");
  if (settings.batch_timeout < absl::ZeroDuration()) {
    return FieldError("batch_timeout_micros", "must be >= 0");
  }
  if (settings.max_enqueued_batches < 1) return FieldError("max_enqueued_batches", "must be >= 1");
  if (settings.num_batch_threads < 0) return FieldError("num_batch_threads", "must be >= 0");
  return ValidateAllowedSizes(settings);
}

}  // namespace serval
