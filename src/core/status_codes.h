#ifndef SERVAL_CORE_STATUS_CODES_H_
#define SERVAL_CORE_STATUS_CODES_H_

// The mappings from a canonical status code to an HTTP status code, one per REST protocol
// (TF Serving's, protocols.md 1.4; KServe v2's as Triton answers it, protocols.md 3.7), and the
// code's upper-case name as TensorFlow's error enum prints it.

#include <string_view>

#include "absl/status/status.h"

namespace serval {

// TF Serving's REST API: 400, 404, 429 for a full queue, 504 for a passed deadline, ...
int HttpStatusFromCode(absl::StatusCode code);

// KServe v2 REST (/v2/...), in Triton's error classes: INTERNAL 500, NOT_FOUND 404,
// UNIMPLEMENTED 501, UNAVAILABLE 503, and also 503 for RESOURCE_EXHAUSTED (a full queue) and
// DEADLINE_EXCEEDED, which Triton reports as UNAVAILABLE; everything else (invalid argument,
// failed precondition, cancelled, unknown, ...) 400, as Triton answers its other classes.
int KServeHttpStatusFromCode(absl::StatusCode code);

// "OK", "INVALID_ARGUMENT", "NOT_FOUND", ...
std::string_view StatusCodeName(absl::StatusCode code);

}  // namespace serval

#endif  // SERVAL_CORE_STATUS_CODES_H_
