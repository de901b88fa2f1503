#ifndef SERVAL_BATCHING_BATCH_TENSORS_H_
#define SERVAL_BATCHING_BATCH_TENSORS_H_

// Joining requests into one batch along dimension 0, and splitting a batch's outputs back into
// per-request views.
//
//   ASSIGN_OR_RETURN(NamedTensors batch, ConcatenateInputs(parts, /*rows=*/8, false));
//   ... outputs = instance.Execute(batch) ...
//   ASSIGN_OR_RETURN(std::vector<NamedTensors> each, SplitOutputs(outputs, {3, 2}));
//
// Thread safety: pure functions.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/inference.h"

namespace serval {

// The rows (dimension 0) every input of `inputs` has. INVALID_ARGUMENT for a scalar input, inputs
// that disagree, or no inputs.
absl::StatusOr<int64_t> BatchRows(const NamedTensors& inputs);

// Concatenates the same-named inputs of `parts` (each listing the same names in the same order)
// along dimension 0 into tensors of `rows` rows (at least the sum of the parts'; the rest is zero
// padding). The other dimensions must match, unless `pad_variable_length`: then each is the
// largest of the parts' and smaller parts are zero-padded. INVALID_ARGUMENT naming the input
// otherwise.
absl::StatusOr<NamedTensors> ConcatenateInputs(absl::Span<const NamedTensors* const> parts,
                                               int64_t rows, bool pad_variable_length);

// Splits every output along dimension 0 into consecutive views of `sizes` rows (no copies);
// rows beyond their sum (padding) are dropped. INVALID_ARGUMENT for an output of rank 0 or with
// fewer rows than the sum.
absl::StatusOr<std::vector<NamedTensors>> SplitOutputs(const NamedTensors& outputs,
                                                       absl::Span<const int64_t> sizes);

// Rows [begin, end) of every input, as views (for splitting a request too large for one batch).
NamedTensors SliceRows(const NamedTensors& inputs, int64_t begin, int64_t end);

// Joins per-part outputs (same names, same order) back into one along dimension 0, copying.
absl::StatusOr<NamedTensors> JoinOutputs(absl::Span<const NamedTensors> parts);

}  // namespace serval

#endif  // SERVAL_BATCHING_BATCH_TENSORS_H_
