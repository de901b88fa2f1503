#include "config/batching_parameters_file.h"

#include "absl/time/time.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "config/text_file.h"
#include "config/text_proto.h"
#include "tensorflow_serving/servables/tensorflow/session_bundle_config.pb.h"

namespace serval {
namespace {

constexpr std::string_view kPrefix = "batching_parameters.";

absl::Status FieldError(std::string_view field, std::string_view message) {
  return absl::InvalidArgumentError(StrCat(kPrefix, field, ": ", message));
}

// With large-batch splitting, TF Serving runs batches of max_execution_batch_size (its
// max_batch_size then caps the size of one request): that is Serval's largest batch.
absl::Status ApplyExecutionBatchSize(const tensorflow::serving::BatchingParameters& proto,
                                     BatchingSettings& settings) {
  if (!proto.has_max_execution_batch_size()) return absl::OkStatus();
  const int64_t size = proto.max_execution_batch_size().value();
  if (size < 1) return FieldError("max_execution_batch_size", "must be >= 1");
  if (!settings.enable_large_batch_splitting) return absl::OkStatus();  // unused, as upstream
  // TF Serving's max_batch_size is still checked, though Serval has no use for it.
  if (settings.max_batch_size < 1) return FieldError("max_batch_size", "must be >= 1");
  const std::vector<int64_t>& sizes = settings.allowed_batch_sizes;
  if (!sizes.empty() && sizes.back() != size) {
    return FieldError("allowed_batch_sizes", StrCat("the last entry (", sizes.back(),
                                                    ") must equal max_execution_batch_size (", size,
                                                    ") when enable_large_batch_splitting is on"));
  }
  settings.max_batch_size = size;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<BatchingSettings> BatchingSettingsFromProto(
    const tensorflow::serving::BatchingParameters& proto) {
  BatchingSettings settings;
  if (proto.has_max_batch_size()) settings.max_batch_size = proto.max_batch_size().value();
  if (proto.has_batch_timeout_micros()) {
    settings.batch_timeout = absl::Microseconds(proto.batch_timeout_micros().value());
  }
  if (proto.has_max_enqueued_batches()) {
    settings.max_enqueued_batches = proto.max_enqueued_batches().value();
  }
  if (proto.has_num_batch_threads()) settings.num_batch_threads = proto.num_batch_threads().value();
  settings.allowed_batch_sizes.assign(proto.allowed_batch_sizes().begin(),
                                      proto.allowed_batch_sizes().end());
  settings.pad_variable_length_inputs = proto.pad_variable_length_inputs();
  settings.enable_large_batch_splitting = proto.enable_large_batch_splitting().value();
  RETURN_IF_ERROR(ApplyExecutionBatchSize(proto, settings));
  RETURN_IF_ERROR(ValidateBatchingSettings(settings));
  return settings;
}

absl::StatusOr<BatchingSettings> ParseBatchingParameters(std::string_view text,
                                                         std::string_view source_name) {
  tensorflow::serving::BatchingParameters proto;
  google::protobuf::TextFormat::ParseInfoTree locations;
  RETURN_IF_ERROR(ParseTextProto(text, source_name, proto, locations));
  absl::StatusOr<BatchingSettings> settings = BatchingSettingsFromProto(proto);
  if (settings.ok()) return settings;
  // Say where the field is written, when it is.
  const std::string_view message = FromAbsl(settings.status().message());
  const BatchingParametersError error = SplitBatchingParametersError(message);
  const google::protobuf::FieldDescriptor* field =
      error.field.empty() ? nullptr
                          : proto.GetDescriptor()->FindFieldByName(std::string(error.field));
  if (field != nullptr) {
    const google::protobuf::TextFormat::ParseLocation at =
        locations.GetLocation(field, field->is_repeated() ? 0 : -1);
    if (at.line >= 0) {
      return absl::InvalidArgumentError(
          StrCat(source_name, ":", at.line + 1, ":", at.column + 1, ": ", message));
    }
  }
  return absl::InvalidArgumentError(StrCat(source_name, ": ", message));
}

absl::StatusOr<BatchingSettings> ReadBatchingParametersFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadTextFile(path));
  return ParseBatchingParameters(text, path);
}

BatchingParametersError SplitBatchingParametersError(std::string_view message) {
  if (!message.starts_with(kPrefix)) return {{}, message};
  const std::string_view rest = message.substr(kPrefix.size());
  const size_t colon = rest.find(": ");
  if (colon == std::string_view::npos) return {{}, message};
  return {rest.substr(0, colon), rest.substr(colon + 2)};
}

}  // namespace serval
