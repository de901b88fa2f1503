#ifndef SERVAL_BACKENDS_TORCH_TORCH_MODEL_H_
#define SERVAL_BACKENDS_TORCH_TORCH_MODEL_H_

// TorchModel: a loaded TorchScript module and the Signature it is served under.
// Thread safety: as Model. Instances on the CPU share the module (TorchScript inference does not
// mutate it), so N instances cost no extra memory.

#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>

#include "absl/status/statusor.h"
#include "backend/backend.h"

namespace serval {

class TorchModel : public Model {
 public:
  // Checks `module`'s forward() against `declared` (when given) and derives the signature.
  static absl::StatusOr<std::unique_ptr<TorchModel>> Create(
      std::shared_ptr<torch::jit::Module> module, const std::optional<Signature>& declared);

  const Signature& signature() const override { return signature_; }

  absl::StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(std::string_view device) override;

 private:
  TorchModel(std::shared_ptr<torch::jit::Module> module, Signature signature,
             std::vector<std::string> argument_inputs)
      : module_(std::move(module)),
        signature_(std::move(signature)),
        argument_inputs_(std::move(argument_inputs)) {}

  std::shared_ptr<torch::jit::Module> module_;
  Signature signature_;
  // The signature input passed as each forward() argument, in argument order.
  std::vector<std::string> argument_inputs_;
};

}  // namespace serval

#endif  // SERVAL_BACKENDS_TORCH_TORCH_MODEL_H_
