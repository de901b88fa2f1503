#include "manager/routing_table.h"

#include "common/str_cat.h"

namespace serval {

absl::StatusOr<std::shared_ptr<Servable>> RoutingTable::Resolve(const ModelSpec& spec) const {
  if (spec.label.has_value()) {
    return absl::InvalidArgumentError(
        StrCat("Unrecognized servable version label: ", *spec.label));
  }
  auto not_found = [&spec](std::string_view reason) {
    return absl::NotFoundError(StrCat("Servable not found for request: ", spec.DebugString(),
                                            reason.empty() ? "" : "; ", reason));
  };
  auto model = models_.find(spec.name);
  if (model == models_.end()) return not_found("");
  const ModelRoute& route = model->second;
  if (spec.version.has_value()) {
    auto version = route.available.find(*spec.version);
    if (version != route.available.end()) return version->second;
    return not_found(route.available.empty() ? route.unavailable_reason : "");
  }
  if (route.available.empty()) return not_found(route.unavailable_reason);
  return route.available.rbegin()->second;
}

}  // namespace serval
