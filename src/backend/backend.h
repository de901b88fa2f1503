#ifndef SERVAL_BACKEND_BACKEND_H_
#define SERVAL_BACKEND_BACKEND_H_

// The boundary between Serval and a model runtime (LibTorch today; ONNX Runtime and TensorFlow
// later). Nothing here names a runtime type: a runtime lives entirely behind these three classes.
//
//   Backend ──Load(version dir)──▶ Model ──CreateInstance(device)──▶ ModelInstance ──Execute──▶
//
// Contract for every implementation: no exception escapes; every runtime failure (a corrupt file,
// a shape the model rejects, an out-of-memory) comes back as a Status naming what failed.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/inference.h"
#include "core/signature.h"

namespace serval {

// One executable copy of a model on a device.
// Thread safety: not thread-safe; the owner runs one Execute at a time per instance (N instances
// give N-way parallelism).
class ModelInstance {
 public:
  virtual ~ModelInstance() = default;

  // Runs the model on `inputs` (validated against the signature by the caller) and returns every
  // output, named as in the signature.
  virtual absl::StatusOr<NamedTensors> Execute(const NamedTensors& inputs) = 0;
};

// A loaded model version.
// Thread safety: signature() and CreateInstance() may be called from any thread.
class Model {
 public:
  virtual ~Model() = default;

  virtual const Signature& signature() const = 0;

  // `device` is "cpu" or "cuda:N".
  virtual absl::StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(
      std::string_view device) = 0;
};

struct ModelLoadRequest {
  std::string model_name;
  std::string version_path;  // <base>/<model>/<version>
  // From the model's config.yaml; when absent the backend derives the signature from the file.
  std::optional<Signature> declared_signature;
};

// A model runtime, registered by platform name ("torchscript").
// Thread safety: Load() may run concurrently for different versions.
class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string_view platform() const = 0;

  virtual absl::StatusOr<std::unique_ptr<Model>> Load(const ModelLoadRequest& request) = 0;
};

}  // namespace serval

#endif  // SERVAL_BACKEND_BACKEND_H_
