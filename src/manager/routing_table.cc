#include "manager/routing_table.h"

#include <random>

#include "common/str_cat.h"

namespace serval {
namespace {

// A number in [0, total), from a generator of this thread's own: no lock, no shared state.
int64_t Draw(int64_t total) {
  thread_local std::minstd_rand generator(std::random_device{}());
  return std::uniform_int_distribution<int64_t>(0, total - 1)(generator);
}

const std::shared_ptr<Servable>& PickShare(const std::vector<TrafficShare>& traffic) {
  const int64_t draw = Draw(traffic.back().upper_bound);
  for (const TrafficShare& share : traffic) {
    if (draw < share.upper_bound) return share.servable;
  }
  return traffic.back().servable;
}

}  // namespace

absl::StatusOr<std::shared_ptr<Servable>> RoutingTable::Resolve(const ModelSpec& spec) const {
  auto not_found = [&spec](std::string_view reason) {
    return absl::NotFoundError(StrCat("Servable not found for request: ", spec.DebugString(),
                                      reason.empty() ? "" : "; ", reason));
  };
  auto model = models_.find(spec.name);
  if (model == models_.end()) return not_found("");
  const ModelRoute& route = model->second;
  std::optional<int64_t> version = spec.version;
  if (spec.label.has_value()) {
    auto label = route.labels.find(*spec.label);
    if (label == route.labels.end()) {
      return absl::InvalidArgumentError(
          StrCat("Unrecognized servable version label: ", *spec.label));
    }
    version = label->second;
  }
  if (version.has_value()) {
    auto found = route.available.find(*version);
    if (found != route.available.end()) return found->second;
    if (spec.label.has_value()) {
      return not_found(StrCat("label ", *spec.label, " points at version ", *version,
                              ", which is not available"));
    }
    return not_found(route.available.empty() ? route.unavailable_reason : "");
  }
  if (!route.traffic.empty()) return PickShare(route.traffic);
  if (route.available.empty()) return not_found(route.unavailable_reason);
  return route.available.rbegin()->second;
}

}  // namespace serval
