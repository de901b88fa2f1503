#include "core/signature.h"

#include "common/str_cat.h"

namespace serval {
namespace {

const TensorSpec* FindByName(const std::vector<TensorSpec>& specs, std::string_view name) {
  for (const TensorSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace

std::string TensorSpec::DebugString() const {
  return StrCat(DataTypeName(dtype), has_shape ? ShapeToString(shape) : "[?]");
}

absl::Status CheckTensorMatchesSpec(const TensorSpec& spec, const Tensor& tensor) {
  if (tensor.dtype() != spec.dtype) {
    return absl::InvalidArgumentError(
        StrCat("input '", spec.name, "' expects dtype ", DataTypeName(spec.dtype),
                     " but received ", DataTypeName(tensor.dtype())));
  }
  if (!spec.has_shape) return absl::OkStatus();
  bool matches = tensor.shape().size() == spec.shape.size();
  for (size_t i = 0; matches && i < spec.shape.size(); ++i) {
    matches = spec.shape[i] == -1 || spec.shape[i] == tensor.shape()[i];
  }
  if (matches) return absl::OkStatus();
  return absl::InvalidArgumentError(StrCat("input '", spec.name, "' expects shape ",
                                                 ShapeToString(spec.shape), " but received ",
                                                 ShapeToString(tensor.shape())));
}

const TensorSpec* Signature::FindInput(std::string_view input_name) const {
  return FindByName(inputs, input_name);
}

const TensorSpec* Signature::FindOutput(std::string_view output_name) const {
  return FindByName(outputs, output_name);
}

}  // namespace serval
