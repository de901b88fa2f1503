#ifndef SERVAL_CORE_BATCHING_SETTINGS_H_
#define SERVAL_CORE_BATCHING_SETTINGS_H_

// BatchingSettings: how requests to one servable are gathered into batches (TF Serving's
// BatchingParameters, protocols.md 2.10). src/config fills them from --enable_batching with
// --batching_parameters_file, or from the YAML's server_config.batching_parameters; the
// batching library (src/batching) applies them.

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace serval {

struct BatchingSettings {
  bool enabled = false;
  // Largest batch formed. A request with more items is split across batches when
  // enable_large_batch_splitting, else refused with INVALID_ARGUMENT.
  int64_t max_batch_size = 1000;
  // How long the first request of a batch waits for others; 0 runs what is there at once.
  absl::Duration batch_timeout = absl::ZeroDuration();
  // Queue bound, in batches: max_enqueued_batches * max_batch_size items may wait; beyond that
  // requests are refused at once with RESOURCE_EXHAUSTED.
  int64_t max_enqueued_batches = 10;
  // Batches run in parallel; 0: one per model instance.
  int64_t num_batch_threads = 0;
  // Batches are padded up to the next of these (ascending; the last equals max_batch_size);
  // empty: no padding.
  std::vector<int64_t> allowed_batch_sizes;
  // Triton's preferred batch sizes (ascending, each at most max_batch_size): a batch whose
  // queued requests add up to one of these runs at once, without waiting for batch_timeout;
  // empty: only a full batch or the timeout starts one.
  std::vector<int64_t> preferred_batch_sizes;
  // Pad ragged dimensions (other than the first) to the largest in the batch when concatenating.
  bool pad_variable_length_inputs = false;
  bool enable_large_batch_splitting = false;
};

// INVALID_ARGUMENT naming the field (as "batching_parameters.field") for a max_batch_size < 1, a
// negative timeout, max_enqueued_batches < 1, negative num_batch_threads, allowed_batch_sizes
// not strictly increasing or whose last entry is not max_batch_size, preferred_batch_sizes not
// strictly increasing or beyond max_batch_size.
absl::Status ValidateBatchingSettings(const BatchingSettings& settings);

}  // namespace serval

#endif  // SERVAL_CORE_BATCHING_SETTINGS_H_
