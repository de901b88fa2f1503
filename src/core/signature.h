#ifndef SERVAL_CORE_SIGNATURE_H_
#define SERVAL_CORE_SIGNATURE_H_

// Signature: the named inputs and outputs a model version takes and returns.
//
// A TensorSpec's shape may hold -1 for a dimension of any size; `has_shape == false` means the
// rank itself is unknown (a TorchScript model without a config.yaml), and any shape is accepted.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/data_type.h"
#include "core/tensor.h"

namespace serval {

inline constexpr char kDefaultSignatureName[] = "serving_default";

struct TensorSpec {
  std::string name;
  DataType dtype = DataType::kFp32;
  Shape shape;
  bool has_shape = false;

  // "fp32[-1, 4]", or "fp32[?]" when the rank is unknown.
  std::string DebugString() const;
};

// OK when `tensor` fits this spec: same dtype, same rank and equal fixed dimensions. The error
// (INVALID_ARGUMENT) names the input and the expected and received dtype or shape.
absl::Status CheckTensorMatchesSpec(const TensorSpec& spec, const Tensor& tensor);

struct Signature {
  std::string name = kDefaultSignatureName;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;

  // nullptr when there is no input (output) of that name.
  const TensorSpec* FindInput(std::string_view input_name) const;
  const TensorSpec* FindOutput(std::string_view output_name) const;
};

}  // namespace serval

#endif  // SERVAL_CORE_SIGNATURE_H_
