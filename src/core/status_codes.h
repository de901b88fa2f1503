#ifndef SERVAL_CORE_STATUS_CODES_H_
#define SERVAL_CORE_STATUS_CODES_H_

// The one mapping from a canonical status code to an HTTP status code (protocols.md 1.4), and
// the code's upper-case name as TensorFlow's error enum prints it.

#include <string_view>

#include "absl/status/status.h"

namespace serval {

int HttpStatusFromCode(absl::StatusCode code);

// "OK", "INVALID_ARGUMENT", "NOT_FOUND", ...
std::string_view StatusCodeName(absl::StatusCode code);

}  // namespace serval

#endif  // SERVAL_CORE_STATUS_CODES_H_
