#ifndef SERVAL_MANAGER_MODEL_SERVING_STATUS_H_
#define SERVAL_MANAGER_MODEL_SERVING_STATUS_H_

// Whether a model serves after a load: what Triton's repository load answers (a load that leaves
// nothing serving is an error, with the reason).

#include <string>

#include "absl/status/status.h"
#include "manager/servable_manager.h"

namespace serval {

// OK when some version of `model` is AVAILABLE; otherwise why not: NOT_FOUND for an unknown
// model, the first load error found (INVALID_ARGUMENT), the folder's error, or UNAVAILABLE when
// it has no version at all.
absl::Status ModelServingStatus(const ServableManager& manager, const std::string& model);

}  // namespace serval

#endif  // SERVAL_MANAGER_MODEL_SERVING_STATUS_H_
