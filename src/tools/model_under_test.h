#ifndef SERVAL_TOOLS_MODEL_UNDER_TEST_H_
#define SERVAL_TOOLS_MODEL_UNDER_TEST_H_

// ModelUnderTest: one model version loaded for `serval bench`'s in-process mode, the way the
// server loads it (its config.yaml, its platform's backend) but with no manager, queue or
// executor thread: one instance, called directly.
//
// Thread safety: the instance is not thread-safe (see ModelInstance); use it from one thread.
//
//   BackendRegistry registry;
//   registry.Register(CreateTorchBackend());
//   ASSIGN_OR_RETURN(ModelUnderTest model,
//                    LoadModelUnderTest("models/mlp", "", std::nullopt, "cpu", registry));
//   model.instance->Execute(inputs);

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "backend/backend.h"
#include "backend/backend_registry.h"

namespace serval {

struct ModelUnderTest {
  std::string name;
  int64_t version = 0;
  std::string version_path;
  std::unique_ptr<Model> model;
  std::unique_ptr<ModelInstance> instance;
};

// Loads `version` (the latest when absent) of the model in `base_path` (TF Serving's layout:
// numbered version folders, an optional config.yaml) and creates one instance on `device`.
// `name` defaults to the folder's name. NOT_FOUND when there is no such version; the config's,
// the registry's or the backend's error otherwise.
absl::StatusOr<ModelUnderTest> LoadModelUnderTest(const std::string& base_path, std::string name,
                                                  std::optional<int64_t> version,
                                                  std::string_view device,
                                                  const BackendRegistry& registry);

}  // namespace serval

#endif  // SERVAL_TOOLS_MODEL_UNDER_TEST_H_
