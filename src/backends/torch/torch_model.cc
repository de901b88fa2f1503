#include "backends/torch/torch_model.h"

#include <algorithm>

#include "common/str_cat.h"
#include "backends/torch/torch_errors.h"
#include "backends/torch/torch_tensors.h"
#include "common/status_macros.h"

namespace serval {
namespace {

std::string OutputName(const Signature& signature, size_t index) {
  if (index < signature.outputs.size()) return signature.outputs[index].name;
  return StrCat("output_", index);
}

absl::Status AppendOutput(std::string name, const c10::IValue& value, NamedTensors& outputs) {
  if (!value.isTensor()) {
    return absl::InternalError(StrCat("the model returned a non-tensor value (",
                                            value.tagKind(), ") for output '", name, "'"));
  }
  ASSIGN_OR_RETURN(Tensor tensor, FromTorch(value.toTensor()));
  outputs.emplace_back(std::move(name), std::move(tensor));
  return absl::OkStatus();
}

// Names the values forward() returned: a tensor, a tuple or list of tensors, or a
// Dict[str, Tensor].
absl::StatusOr<NamedTensors> NameOutputs(const c10::IValue& result, const Signature& signature) {
  NamedTensors outputs;
  if (result.isTensor()) {
    RETURN_IF_ERROR(AppendOutput(OutputName(signature, 0), result, outputs));
  } else if (result.isTuple() || result.isList()) {
    std::vector<c10::IValue> values = result.isTuple()
                                          ? result.toTupleRef().elements().vec()
                                          : result.toListRef().vec();
    for (size_t i = 0; i < values.size(); ++i) {
      RETURN_IF_ERROR(AppendOutput(OutputName(signature, i), values[i], outputs));
    }
  } else if (result.isGenericDict()) {
    for (const auto& entry : result.toGenericDict()) {
      if (!entry.key().isString()) {
        return absl::InternalError("the model returned a dict whose keys are not strings");
      }
      RETURN_IF_ERROR(AppendOutput(entry.key().toStringRef(), entry.value(), outputs));
    }
  } else {
    return absl::InternalError(
        StrCat("the model returned an unsupported value of kind ", result.tagKind()));
  }
  return outputs;
}

class TorchInstance : public ModelInstance {
 public:
  TorchInstance(std::shared_ptr<torch::jit::Module> module, const Signature& signature,
                const std::vector<std::string>& argument_inputs)
      : module_(std::move(module)), signature_(signature), argument_inputs_(argument_inputs) {}

  absl::StatusOr<NamedTensors> Execute(const NamedTensors& inputs) override {
    std::vector<c10::IValue> arguments;
    arguments.reserve(argument_inputs_.size());
    for (const std::string& name : argument_inputs_) {
      auto it = std::find_if(inputs.begin(), inputs.end(),
                             [&](const NamedTensor& input) { return input.first == name; });
      if (it == inputs.end()) return absl::InvalidArgumentError("missing input '" + name + "'");
      ASSIGN_OR_RETURN(at::Tensor tensor, ToTorch(it->second));
      arguments.emplace_back(std::move(tensor));
    }
    try {
      torch::InferenceMode guard;
      c10::IValue result = module_->forward(std::move(arguments));
      return NameOutputs(result, signature_);
    } catch (const c10::Error& error) {
      return absl::InvalidArgumentError(
          StrCat("the model failed on this input: ", FirstLine(error.what_without_backtrace())));
    } catch (const std::bad_alloc&) {
      return absl::ResourceExhaustedError("out of memory while running the model");
    } catch (const std::runtime_error& error) {  // raised by the script itself
      return absl::InvalidArgumentError(
          StrCat("the model failed on this input: ", LastLine(error.what())));
    } catch (const std::exception& error) {
      return absl::InternalError(StrCat("the model failed: ", error.what()));
    }
  }

 private:
  std::shared_ptr<torch::jit::Module> module_;
  const Signature& signature_;  // owned by the TorchModel, which outlives its instances
  const std::vector<std::string>& argument_inputs_;
};

bool IsTensorType(const c10::TypePtr& type) { return type->kind() == c10::TypeKind::TensorType; }

// Outputs forward()'s return type tells about before it runs: one per tensor of a tuple.
std::vector<TensorSpec> OutputsFromSchema(const c10::FunctionSchema& schema) {
  std::vector<TensorSpec> outputs;
  if (schema.returns().size() != 1) return outputs;
  const c10::TypePtr& type = schema.returns()[0].type();
  size_t count = 0;
  if (IsTensorType(type)) {
    count = 1;
  } else if (auto tuple = type->cast<c10::TupleType>()) {
    count = tuple->elements().size();
  }
  for (size_t i = 0; i < count; ++i) outputs.push_back({StrCat("output_", i)});
  return outputs;
}

// Which signature input feeds each forward() argument: by name when the declared names are the
// argument names, else by position.
absl::StatusOr<std::vector<std::string>> MapArguments(const std::vector<std::string>& arguments,
                                                      const Signature& signature) {
  if (arguments.size() != signature.inputs.size()) {
    return absl::InvalidArgumentError(
        StrCat("config.yaml declares ", signature.inputs.size(),
                     " inputs but the model's forward() takes ", arguments.size()));
  }
  bool by_name = std::all_of(arguments.begin(), arguments.end(), [&](const std::string& name) {
    return signature.FindInput(name) != nullptr;
  });
  if (by_name) return arguments;
  std::vector<std::string> mapped;
  for (const TensorSpec& input : signature.inputs) mapped.push_back(input.name);
  return mapped;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TorchModel>> TorchModel::Create(
    std::shared_ptr<torch::jit::Module> module, const std::optional<Signature>& declared) {
  c10::optional<torch::jit::Method> forward = module->find_method("forward");
  if (!forward.has_value()) {
    return absl::InvalidArgumentError("the TorchScript module has no forward() method");
  }
  const c10::FunctionSchema& schema = forward->function().getSchema();
  std::vector<std::string> arguments;
  for (size_t i = 1; i < schema.arguments().size(); ++i) {  // 0 is self
    const c10::Argument& argument = schema.arguments()[i];
    if (!IsTensorType(argument.type())) {
      return absl::InvalidArgumentError(
          StrCat("forward() argument '", argument.name(), "' has type ",
                       argument.type()->str(), "; Serval passes tensors only"));
    }
    arguments.push_back(argument.name());
  }
  Signature signature;
  if (declared.has_value()) {
    signature = *declared;
  } else {
    for (const std::string& name : arguments) signature.inputs.push_back({name});
    signature.outputs = OutputsFromSchema(schema);
  }
  ASSIGN_OR_RETURN(std::vector<std::string> argument_inputs, MapArguments(arguments, signature));
  return std::unique_ptr<TorchModel>(
      new TorchModel(std::move(module), std::move(signature), std::move(argument_inputs)));
}

absl::StatusOr<std::unique_ptr<ModelInstance>> TorchModel::CreateInstance(
    std::string_view device) {
  if (device != "cpu") {
    return absl::UnimplementedError(
        StrCat("device '", device, "' is not supported by this build; use cpu"));
  }
  return std::make_unique<TorchInstance>(module_, signature_, argument_inputs_);
}

}  // namespace serval
