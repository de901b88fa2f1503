#ifndef SERVAL_CONFIG_BATCHING_PARAMETERS_FILE_H_
#define SERVAL_CONFIG_BATCHING_PARAMETERS_FILE_H_

// TF Serving's --batching_parameters_file: the text form of tensorflow.serving.BatchingParameters
// (shared/docs/protocols.md 2.10), turned into Serval's BatchingSettings. The YAML's
// server_config.batching_parameters (yaml_config.cc) fills the same message and goes through
// BatchingSettingsFromProto, so both forms mean the same.
//
//   max_batch_size { value: 128 }
//   batch_timeout_micros { value: 0 }
//   max_enqueued_batches { value: 1000000 }
//   num_batch_threads { value: 8 }
//       -> {max_batch_size 128, batch_timeout 0, max_enqueued_batches 1000000,
//           num_batch_threads 8}
//
// Absent fields take TF Serving's defaults: max_batch_size 1000, batch_timeout_micros 0,
// max_enqueued_batches 10; num_batch_threads absent (or 0) means one per model instance.
// thread_pool_name is a name only and is ignored. With enable_large_batch_splitting,
// max_execution_batch_size (when given) is the largest batch formed, so it becomes
// BatchingSettings::max_batch_size (TF Serving's max_batch_size then only caps a request's size,
// which Serval does not do: it splits a request of any size). `enabled` is left false: it comes
// from --enable_batching. Thread safety: pure functions.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/batching_settings.h"

namespace tensorflow::serving {
class BatchingParameters;
}  // namespace tensorflow::serving

namespace serval {

// The message's settings, checked with ValidateBatchingSettings. INVALID_ARGUMENT
// "batching_parameters.FIELD: message" for a value out of range (also max_execution_batch_size
// < 1, and allowed_batch_sizes not ending at max_execution_batch_size when it is used).
absl::StatusOr<BatchingSettings> BatchingSettingsFromProto(
    const tensorflow::serving::BatchingParameters& proto);

// The text form's settings. INVALID_ARGUMENT "SOURCE:LINE:COLUMN: message" (1-based) for bad text
// or a bad value of a field written in the text ("SOURCE: message" for one that is not, e.g. a
// default max_batch_size that allowed_batch_sizes does not end at).
absl::StatusOr<BatchingSettings> ParseBatchingParameters(std::string_view text,
                                                         std::string_view source_name);

// ParseBatchingParameters of the file at `path`; NOT_FOUND when it does not exist.
absl::StatusOr<BatchingSettings> ReadBatchingParametersFile(const std::string& path);

// The FIELD of an error message "batching_parameters.FIELD: ..." (from BatchingSettingsFromProto
// or ValidateBatchingSettings), and the message after "FIELD: "; an empty field for another one.
struct BatchingParametersError {
  std::string_view field;
  std::string_view message;
};
BatchingParametersError SplitBatchingParametersError(std::string_view message);

}  // namespace serval

#endif  // SERVAL_CONFIG_BATCHING_PARAMETERS_FILE_H_
