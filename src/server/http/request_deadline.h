#ifndef SERVAL_SERVER_HTTP_REQUEST_DEADLINE_H_
#define SERVAL_SERVER_HTTP_REQUEST_DEADLINE_H_

// The deadline of an inference request that came over HTTP, for every REST protocol: its
// X-Request-Timeout-Ms header, or else the server's default (--rest_api_timeout_in_ms). A request
// still queued when its deadline passes never runs.

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/http/http_message.h"
#include "server/http/rest_headers.h"

namespace serval {

// Now plus the request's X-Request-Timeout-Ms, else now plus `default_timeout`. INVALID_ARGUMENT
// when the header is not a positive integer.
absl::StatusOr<absl::Time> RequestDeadline(const HttpRequest& request,
                                           absl::Duration default_timeout);

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_REQUEST_DEADLINE_H_
