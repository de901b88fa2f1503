#include "core/servable_state.h"

namespace serval {

std::string_view ServableStateName(ServableState state) {
  switch (state) {
    case ServableState::kStart:
      return "START";
    case ServableState::kLoading:
      return "LOADING";
    case ServableState::kAvailable:
      return "AVAILABLE";
    case ServableState::kUnloading:
      return "UNLOADING";
    case ServableState::kEnd:
      return "END";
  }
  return "UNKNOWN";
}

}  // namespace serval
