#ifndef SERVAL_TOOLS_INPUT_SPEC_H_
#define SERVAL_TOOLS_INPUT_SPEC_H_

// The --input_spec flag of `serval bench`: the inputs to send, each a name, a dtype and a
// concrete shape, comma-separated.
//
//   x:fp32[1,64]
//   features:fp32[1,8],temperature:fp32[1,1]
//   ids:int64[4,16],mask:bool[4,16],scale:fp64[]      ([] is a scalar)
//
// Dtypes are those ParseDataType accepts (fp32, float32, int64, bool, bytes, ...). Every
// dimension must be >= 0: this describes one request, not a signature.
//
// Thread safety: stateless functions.

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/signature.h"

namespace serval {

// The specs in the order written, each with has_shape set. INVALID_ARGUMENT naming the part at
// fault for a missing name, an unknown dtype, a malformed or negative shape, or a name given
// twice.
absl::StatusOr<std::vector<TensorSpec>> ParseInputSpecs(std::string_view text);

}  // namespace serval

#endif  // SERVAL_TOOLS_INPUT_SPEC_H_
