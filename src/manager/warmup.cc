#include "manager/warmup.h"

#include "common/logging.h"
#include "common/str_cat.h"
#include "manager/servable.h"

namespace serval {
namespace {

Shape WarmupShape(const TensorSpec& spec, int64_t batch_size) {
  if (!spec.has_shape) return {batch_size};
  Shape shape = spec.shape;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) shape[i] = i == 0 ? batch_size : 1;
  }
  return shape;
}

Tensor ZeroTensor(DataType dtype, Shape shape) {
  if (dtype != DataType::kString) return Tensor::Zeros(dtype, std::move(shape));
  int64_t elements = 1;
  for (int64_t dim : shape) elements *= dim;
  return Tensor::FromStrings(std::move(shape), std::vector<std::string>(elements));
}

}  // namespace

NamedTensors MakeWarmupInputs(const Signature& signature, int64_t batch_size) {
  NamedTensors inputs;
  for (const TensorSpec& spec : signature.inputs) {
    inputs.emplace_back(spec.name, ZeroTensor(spec.dtype, WarmupShape(spec, batch_size)));
  }
  return inputs;
}

absl::Status RunWarmupRequests(Servable& servable, const std::vector<NamedTensors>& requests) {
  for (size_t i = 0; i < requests.size(); ++i) {
    if (absl::Status status = servable.RunOnEveryInstance(requests[i]); !status.ok()) {
      return absl::Status(status.code(),
                          StrCat("warmup request ", i + 1, " failed: ", status.message()));
    }
  }
  return absl::OkStatus();
}

void RunSynthesizedWarmup(Servable& servable, const std::vector<int64_t>& batch_sizes) {
  const std::vector<int64_t> sizes = batch_sizes.empty() ? std::vector<int64_t>{1} : batch_sizes;
  for (int64_t batch_size : sizes) {
    absl::Status status =
        servable.RunOnEveryInstance(MakeWarmupInputs(servable.signature(), batch_size));
    if (!status.ok()) {
      LogWarning("model ", servable.id().name, " version ", servable.id().version,
                 ": warmup with zeros at batch size ", batch_size, " failed, skipping warmup: ",
                 status.message());
      return;
    }
  }
}

}  // namespace serval
