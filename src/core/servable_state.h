#ifndef SERVAL_CORE_SERVABLE_STATE_H_
#define SERVAL_CORE_SERVABLE_STATE_H_

// The life of one model version, in TF Serving's terms, as status endpoints report it.

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace serval {

enum class ServableState {
  kStart,      // known, not yet loading
  kLoading,    // being loaded or warmed up
  kAvailable,  // serving
  kUnloading,  // draining and being released
  kEnd,        // unloaded, or failed to load (then `status` says why)
};

// "START", "LOADING", "AVAILABLE", "UNLOADING", "END"
std::string_view ServableStateName(ServableState state);

struct ServableVersionStatus {
  int64_t version = 0;
  ServableState state = ServableState::kStart;
  absl::Status status;  // non-OK when the version failed to load
};

}  // namespace serval

#endif  // SERVAL_CORE_SERVABLE_STATE_H_
