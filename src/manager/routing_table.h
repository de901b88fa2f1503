#ifndef SERVAL_MANAGER_ROUTING_TABLE_H_
#define SERVAL_MANAGER_ROUTING_TABLE_H_

// RoutingTable: an immutable snapshot of which servable answers which model and version.
//
// The manager builds a new table on every change and swaps it in atomically; the request path
// reads the current one without taking a lock and keeps using it for the whole request.
//
// Thread safety: immutable, so safe to share.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/inference.h"
#include "manager/servable.h"

namespace serval {

struct ModelRoute {
  std::map<int64_t, std::shared_ptr<Servable>> available;  // by version, ascending
  // Why a request finds nothing to serve it ("version 1 failed to load: ..."); empty if unknown.
  std::string unavailable_reason;
};

class RoutingTable {
 public:
  RoutingTable() = default;
  explicit RoutingTable(absl::flat_hash_map<std::string, ModelRoute> models)
      : models_(std::move(models)) {}

  // The servable for `spec`: the given version, or the highest available one.
  // NOT_FOUND (in TF Serving's words) for an unknown model or version; INVALID_ARGUMENT for a
  // label, since no labels exist yet.
  absl::StatusOr<std::shared_ptr<Servable>> Resolve(const ModelSpec& spec) const;

 private:
  absl::flat_hash_map<std::string, ModelRoute> models_;
};

}  // namespace serval

#endif  // SERVAL_MANAGER_ROUTING_TABLE_H_
