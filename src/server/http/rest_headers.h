#ifndef SERVAL_SERVER_HTTP_REST_HEADERS_H_
#define SERVAL_SERVER_HTTP_REST_HEADERS_H_

// HTTP headers of Serval's own that every REST protocol (TF Serving's /v1, KServe's /v2) shares.

namespace serval {

// On every successful inference response: the version that answered, since the URL may name a
// label, or no version at all.
inline constexpr char kModelVersionHeader[] = "X-Serval-Model-Version";

// An inference request's own deadline, in milliseconds from its arrival (lower-case, as headers
// are kept); without it the server's --rest_api_timeout_in_ms applies.
inline constexpr char kRequestTimeoutHeader[] = "x-request-timeout-ms";

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_REST_HEADERS_H_
