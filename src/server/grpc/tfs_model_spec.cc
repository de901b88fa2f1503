#include "server/grpc/tfs_model_spec.h"

#include <string>

#include "core/signature.h"

namespace serval {

absl::StatusOr<ModelSpec> ModelSpecFromProto(const tensorflow::serving::ModelSpec& proto) {
  if (proto.name().empty()) {
    return absl::InvalidArgumentError("the request's model_spec has no model name");
  }
  ModelSpec spec;
  spec.name = proto.name();
  if (proto.has_version()) spec.version = proto.version().value();
  if (proto.version_choice_case() == tensorflow::serving::ModelSpec::kVersionLabel) {
    spec.label = proto.version_label();
  }
  spec.signature_name = proto.signature_name();
  return spec;
}

tensorflow::serving::ModelSpec ResolvedModelSpec(std::string_view name, int64_t version,
                                                 std::string_view signature_name) {
  tensorflow::serving::ModelSpec spec;
  spec.set_name(std::string(name));
  spec.mutable_version()->set_value(version);
  spec.set_signature_name(signature_name.empty() ? std::string(kDefaultSignatureName)
                                                 : std::string(signature_name));
  return spec;
}

}  // namespace serval
