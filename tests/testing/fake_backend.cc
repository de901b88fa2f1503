#include "testing/fake_backend.h"

#include <filesystem>

#include "common/str_cat.h"
#include "testing/temp_dir.h"

namespace serval::testing {
namespace {

class FakeInstance : public ModelInstance {
 public:
  FakeInstance(const Signature& signature, std::shared_ptr<Gate> gate)
      : signature_(signature), gate_(std::move(gate)) {}

  absl::StatusOr<NamedTensors> Execute(const NamedTensors& inputs) override {
    gate_->WaitUntilOpen();
    NamedTensors outputs;
    for (size_t i = 0; i < inputs.size() && i < signature_.outputs.size(); ++i) {
      const TensorSpec* input = signature_.FindInput(inputs[i].first);
      size_t position = input - signature_.inputs.data();
      outputs.emplace_back(signature_.outputs[position].name, inputs[i].second);
    }
    return outputs;
  }

 private:
  const Signature& signature_;
  std::shared_ptr<Gate> gate_;
};

class FakeModel : public Model {
 public:
  FakeModel(Signature signature, std::shared_ptr<Gate> gate)
      : signature_(std::move(signature)), gate_(std::move(gate)) {}

  const Signature& signature() const override { return signature_; }

  absl::StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(std::string_view device) override {
    return std::make_unique<FakeInstance>(signature_, gate_);
  }

 private:
  Signature signature_;
  std::shared_ptr<Gate> gate_;
};

}  // namespace

void Gate::Open() {
  absl::MutexLock lock(&mutex_);
  open_ = true;
}

void Gate::Close() {
  absl::MutexLock lock(&mutex_);
  open_ = false;
}

void Gate::WaitUntilOpen() {
  absl::MutexLock lock(&mutex_);
  ++waiting_;
  mutex_.Await(absl::Condition(&open_));
  --waiting_;
}

int Gate::waiting() const {
  absl::MutexLock lock(&mutex_);
  return waiting_;
}

Gate& FakeBackend::CloseGate() {
  gate_->Close();
  return *gate_;
}

absl::StatusOr<std::unique_ptr<Model>> FakeBackend::Load(const ModelLoadRequest& request) {
  namespace fs = std::filesystem;
  if (fs::exists(fs::path(request.version_path) / "corrupt")) {
    return absl::InvalidArgumentError(StrCat("corrupt model in ", request.version_path));
  }
  if (!fs::exists(fs::path(request.version_path) / "model")) {
    return absl::NotFoundError(StrCat("no model in ", request.version_path));
  }
  Signature signature;
  if (request.declared_signature.has_value()) {
    signature = *request.declared_signature;
  } else {
    signature.inputs = {{"x", DataType::kFp32, {-1, -1}, true}};
    signature.outputs = {{"y", DataType::kFp32, {-1, -1}, true}};
  }
  return std::make_unique<FakeModel>(std::move(signature), gate_);
}

void WriteFakeModel(const std::string& base_path, int64_t version, bool corrupt) {
  WriteFile(base_path + "/config.yaml", "platform: fake\n");
  WriteFile(StrCat(base_path, "/", version, corrupt ? "/corrupt" : "/model"), "");
}

}  // namespace serval::testing
