#ifndef SERVAL_MANAGER_ROUTING_TABLE_H_
#define SERVAL_MANAGER_ROUTING_TABLE_H_

// RoutingTable: an immutable snapshot of which servable answers which model, version and label,
// and how requests that name neither split between labels.
//
// The manager builds a new table on every change and swaps it in atomically; the request path
// reads the current one without taking a lock and keeps using it for the whole request.
//
// Thread safety: immutable, so safe to share; Resolve() may be called from any thread.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/inference.h"
#include "manager/servable.h"

namespace serval {

// One share of a model's unlabelled traffic: requests draw a number below the table's total
// weight and take the first share whose `upper_bound` exceeds it.
struct TrafficShare {
  int64_t upper_bound = 0;
  std::shared_ptr<Servable> servable;
};

struct ModelRoute {
  std::map<int64_t, std::shared_ptr<Servable>> available;  // by version, ascending
  std::map<std::string, int64_t, std::less<>> labels;      // label -> version, available or not
  std::vector<TrafficShare> traffic;  // empty: the highest available version takes it all
  // Why a request finds nothing to serve it ("version 1 failed to load: ..."); empty if unknown.
  std::string unavailable_reason;
};

class RoutingTable {
 public:
  RoutingTable() = default;
  explicit RoutingTable(absl::flat_hash_map<std::string, ModelRoute> models)
      : models_(std::move(models)) {}

  // The servable for `spec`: the given version, the version the label points at, else a draw
  // from the traffic split, else the highest available version. NOT_FOUND (in TF Serving's words)
  // for an unknown model or version, or a label whose version is not available;
  // INVALID_ARGUMENT for an unknown label.
  absl::StatusOr<std::shared_ptr<Servable>> Resolve(const ModelSpec& spec) const;

 private:
  absl::flat_hash_map<std::string, ModelRoute> models_;
};

}  // namespace serval

#endif  // SERVAL_MANAGER_ROUTING_TABLE_H_
