#include "backend/backend_registry.h"

#include <algorithm>

#include "common/str_cat.h"
#include "absl/strings/str_join.h"

namespace serval {

void BackendRegistry::Register(std::unique_ptr<Backend> backend) {
  std::string platform(backend->platform());
  backends_[platform] = std::move(backend);
}

absl::StatusOr<Backend*> BackendRegistry::Find(std::string_view platform) const {
  auto it = backends_.find(ToAbsl(platform));
  if (it != backends_.end()) return it->second.get();
  return absl::NotFoundError(StrCat("no backend for platform '", platform,
                                          "'; this build has: ", absl::StrJoin(Platforms(), ", ")));
}

std::vector<std::string> BackendRegistry::Platforms() const {
  std::vector<std::string> names;
  for (const auto& [name, backend] : backends_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace serval
