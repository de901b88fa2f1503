#ifndef SERVAL_SERVER_GRPC_TFS_MODEL_SPEC_H_
#define SERVAL_SERVER_GRPC_TFS_MODEL_SPEC_H_

// TF Serving's ModelSpec message (protocols.md 2.2) to and from Serval's ModelSpec.

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/inference.h"
#include "tensorflow_serving/apis/model.pb.h"

namespace serval {

// INVALID_ARGUMENT when the name is empty.
absl::StatusOr<ModelSpec> ModelSpecFromProto(const tensorflow::serving::ModelSpec& proto);

// What a response echoes: the name, the version that answered, and the signature used
// (serving_default when the request named none).
tensorflow::serving::ModelSpec ResolvedModelSpec(std::string_view name, int64_t version,
                                                 std::string_view signature_name);

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_TFS_MODEL_SPEC_H_
