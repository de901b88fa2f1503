#include "backends/torch/torch_backend.h"

#include <filesystem>

#include <ATen/Parallel.h>
#include <torch/script.h>

#include "common/str_cat.h"
#include "backends/torch/torch_errors.h"
#include "backends/torch/torch_model.h"

namespace serval {
namespace {

class TorchBackend : public Backend {
 public:
  std::string_view platform() const override { return kTorchScriptPlatform; }

  absl::StatusOr<std::unique_ptr<Model>> Load(const ModelLoadRequest& request) override {
    const std::string path = (std::filesystem::path(request.version_path) / kTorchScriptFileName);
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
      return absl::NotFoundError(StrCat("no ", kTorchScriptFileName, " in ",
                                              request.version_path));
    }
    std::shared_ptr<torch::jit::Module> module;
    try {
      torch::InferenceMode guard;
      module = std::make_shared<torch::jit::Module>(torch::jit::load(path, torch::kCPU));
      module->eval();
    } catch (const c10::Error& e) {
      return absl::InvalidArgumentError(StrCat(
          "cannot load TorchScript model ", path, ": ", FirstLine(e.what_without_backtrace())));
    } catch (const std::exception& e) {
      return absl::InvalidArgumentError(
          StrCat("cannot load TorchScript model ", path, ": ", FirstLine(e.what())));
    }
    absl::StatusOr<std::unique_ptr<TorchModel>> model;
    try {
      model = TorchModel::Create(std::move(module), request.declared_signature);
    } catch (const std::exception& e) {
      model = absl::InvalidArgumentError(StrCat("cannot read forward(): ", FirstLine(e.what())));
    }
    if (!model.ok()) {
      return absl::Status(model.status().code(),
                          StrCat(path, ": ", model.status().message()));
    }
    return std::unique_ptr<Model>(std::move(model).value());
  }
};

}  // namespace

std::unique_ptr<Backend> CreateTorchBackend() { return std::make_unique<TorchBackend>(); }

absl::Status ConfigureTorchThreads(int intra_op_threads) {
  if (intra_op_threads < 1) {
    return absl::InvalidArgumentError(
        StrCat("intra-op threads must be >= 1, got ", intra_op_threads));
  }
  try {
    at::set_num_threads(intra_op_threads);
    // Start the intra-op workers now, from the main thread: threads inherit their creator's nice
    // value, and the first parallel region could otherwise run on a (niced) load thread.
    at::parallel_for(0, intra_op_threads, 1, [](int64_t, int64_t) {});
  } catch (const std::exception& e) {
    return absl::InternalError(StrCat("cannot set LibTorch threads: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace serval
