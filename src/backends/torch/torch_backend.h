#ifndef SERVAL_BACKENDS_TORCH_TORCH_BACKEND_H_
#define SERVAL_BACKENDS_TORCH_TORCH_BACKEND_H_

// The TorchScript runtime, platform "torchscript": loads <version>/model.pt with LibTorch.
// This header names no LibTorch type, so the rest of Serval can include it cheaply.
//
// Signature: from the model's config.yaml when it declares one; otherwise the input names are
// forward()'s argument names (dtype fp32, any shape) and the outputs are named output_0..n for a
// tensor or tuple result (or the keys of a Dict[str, Tensor], known once it has run).

#include <memory>

#include "absl/status/status.h"
#include "backend/backend.h"

namespace serval {

inline constexpr char kTorchScriptPlatform[] = "torchscript";
inline constexpr char kTorchScriptFileName[] = "model.pt";

std::unique_ptr<Backend> CreateTorchBackend();

// Sets LibTorch's process-wide intra-op thread count. Call once, at start-up, before any model
// runs. `threads` must be >= 1.
absl::Status ConfigureTorchThreads(int intra_op_threads);

}  // namespace serval

#endif  // SERVAL_BACKENDS_TORCH_TORCH_BACKEND_H_
