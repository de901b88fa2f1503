#ifndef SERVAL_TOOLS_PREDICT_BODY_H_
#define SERVAL_TOOLS_PREDICT_BODY_H_

// TF Serving predict request bodies for `serval bench`, made from tensors or from --input_spec.
//
// Row format ("instances") lists dimension 0 of every input as one instance each: a single input
// is written without its name ({"instances": [[...], [...]]}), so it works whatever the model
// calls it; several inputs are written as objects keyed by name and must share dimension 0.
// Columnar format ("inputs") writes whole tensors: {"inputs": [[...]]} for one input, {"inputs":
// {"a": ..., "b": ...}} for several.
//
// Thread safety: stateless functions; the random generator is the caller's.
//
//   ASSIGN_OR_RETURN(std::vector<TensorSpec> specs, ParseInputSpecs("x:fp32[1,4]"));
//   std::mt19937_64 random(1);
//   ASSIGN_OR_RETURN(std::string body,
//                    MakeRandomPredictBody(specs, PredictBodyFormat::kInstances, random));
//   // {"instances":[[0.25,-0.5,0.75,0.125]]}

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/inference.h"
#include "core/signature.h"

namespace serval {

enum class PredictBodyFormat { kInstances, kInputs };

// "instances" or "inputs", the JSON key.
std::string_view PredictBodyFormatName(PredictBodyFormat format);

// INVALID_ARGUMENT when `inputs` is empty; for fp16 and bf16, which TF Serving's JSON cannot
// carry; and in row format for an input of rank 0 or inputs of different dimension 0.
absl::StatusOr<std::string> MakePredictBody(const NamedTensors& inputs, PredictBodyFormat format);

// A body of random values (see random_tensor.h) for `specs`, which need has_shape.
absl::StatusOr<std::string> MakeRandomPredictBody(const std::vector<TensorSpec>& specs,
                                                  PredictBodyFormat format,
                                                  std::mt19937_64& random);

}  // namespace serval

#endif  // SERVAL_TOOLS_PREDICT_BODY_H_
