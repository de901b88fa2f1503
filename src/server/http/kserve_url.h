#ifndef SERVAL_SERVER_HTTP_KSERVE_URL_H_
#define SERVAL_SERVER_HTTP_KSERVE_URL_H_

// The URL grammar of KServe v2's REST API (protocols.md 3.1), matched exactly, case included, as
// Triton matches it:
//
//   GET  /v2                                               server metadata
//   GET  /v2/health/live, /v2/health/ready                 server health
//   GET  /v2/models/{MODEL}[/versions/{VERSION}]           model metadata
//   GET  /v2/models/{MODEL}[/versions/{VERSION}]/ready     model readiness
//   POST /v2/models/{MODEL}[/versions/{VERSION}]/infer     inference
//
// MODEL is one non-empty path segment, percent-decoded; VERSION is decimal digits.

#include <optional>
#include <string_view>

#include "core/inference.h"

namespace serval {

enum class KServeEndpoint {
  kServerMetadata,
  kServerLive,
  kServerReady,
  kModelMetadata,
  kModelReady,
  kInfer,
};

struct KServeUrl {
  KServeEndpoint endpoint = KServeEndpoint::kServerMetadata;
  ModelSpec model;  // name and, when the path has one, version; empty for server endpoints
};

// The endpoint the path of `target` names (any query string is ignored), whatever the method;
// nullopt when it names none of the above.
std::optional<KServeUrl> ParseKServeUrl(std::string_view target);

// The one method `endpoint` answers: "GET" or "POST".
std::string_view KServeEndpointMethod(KServeEndpoint endpoint);

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_KSERVE_URL_H_
