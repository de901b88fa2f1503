#include "metrics/model_metrics.h"

#include "absl/strings/ascii.h"
#include "common/str_cat.h"
#include "metrics/prometheus_text.h"

namespace serval {

std::string StatusCodeLabel(absl::StatusCode code) {
  const int value = static_cast<int>(code);
  if (value < 0 || value >= kNumStatusCodes) code = absl::StatusCode::kUnknown;
  return absl::AsciiStrToLower(absl::StatusCodeToString(code));
}

ModelMetrics::ModelMetrics(std::string model, int64_t version)
    : model_(std::move(model)),
      version_(version),
      labels_(FormatLabels({{"model", model_}, {"version", StrCat(version)}})) {}

size_t ModelMetrics::CodeIndex(absl::StatusCode code) {
  const int value = static_cast<int>(code);
  return value >= 0 && value < kNumStatusCodes ? value
                                               : static_cast<size_t>(absl::StatusCode::kUnknown);
}

void ModelMetrics::RecordRequest(absl::StatusCode outcome, absl::Duration end_to_end) {
  requests_[CodeIndex(outcome)].Increment();
  request_duration_.Observe(Seconds(end_to_end));
}

}  // namespace serval
