#ifndef SERVAL_BACKEND_BACKEND_REGISTRY_H_
#define SERVAL_BACKEND_BACKEND_REGISTRY_H_

// BackendRegistry: the runtimes this server was built with, by platform name.
// Filled once at start-up (by main), read-only afterwards, so lookups need no lock.
//
//   BackendRegistry registry;
//   registry.Register(CreateTorchBackend(options));
//   ASSIGN_OR_RETURN(Backend * backend, registry.Find("torchscript"));

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "backend/backend.h"

namespace serval {

class BackendRegistry {
 public:
  // Replaces any backend already registered under the same platform.
  void Register(std::unique_ptr<Backend> backend);

  // NOT_FOUND, naming the platforms there are, when none is registered under `platform`.
  absl::StatusOr<Backend*> Find(std::string_view platform) const;

  std::vector<std::string> Platforms() const;

 private:
  absl::flat_hash_map<std::string, std::unique_ptr<Backend>> backends_;
};

}  // namespace serval

#endif  // SERVAL_BACKEND_BACKEND_REGISTRY_H_
