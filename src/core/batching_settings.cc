#include "core/batching_settings.h"

#include "common/status_macros.h"
#include "common/str_cat.h"

namespace serval {
namespace {

absl::Status FieldError(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(StrCat("batching_parameters.", field, ": ", message));
}

absl::Status ValidateIncreasing(std::string_view field, const std::vector<int64_t>& sizes) {
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 1 || (i > 0 && sizes[i] <= sizes[i - 1])) {
      return FieldError(field, "must be positive and strictly increasing");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAllowedSizes(const BatchingSettings& settings) {
  const std::vector<int64_t>& sizes = settings.allowed_batch_sizes;
  RETURN_IF_ERROR(ValidateIncreasing("allowed_batch_sizes", sizes));
  if (!sizes.empty() && sizes.back() != settings.max_batch_size) {
    return FieldError("allowed_batch_sizes",
                      StrCat("the last entry (", sizes.back(), ") must equal max_batch_size (",
                             settings.max_batch_size, ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePreferredSizes(const BatchingSettings& settings) {
  const std::vector<int64_t>& sizes = settings.preferred_batch_sizes;
  RETURN_IF_ERROR(ValidateIncreasing("preferred_batch_sizes", sizes));
  if (!sizes.empty() && sizes.back() > settings.max_batch_size) {
    return FieldError("preferred_batch_sizes",
                      StrCat("the last entry (", sizes.back(), ") exceeds max_batch_size (",
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
  RETURN_IF_ERROR(ValidateAllowedSizes(settings));
  return ValidatePreferredSizes(settings);
}

}  // namespace serval
