#ifndef SERVAL_SERVER_HTTP_REST_ROUTER_H_
#define SERVAL_SERVER_HTTP_REST_ROUTER_H_

// RestRouter: maps HTTP requests to the InferenceService.
//
//   /v1/models/...        TF Serving's REST API (status, metadata, predict; classify and
//                         regress answer UNIMPLEMENTED)
//   /v2/health/live|ready KServe v2 health
//   GET /metrics          Prometheus text exposition 0.0.4 of the MetricsRegistry, when given
//                         one (the path is an option, matched exactly, ahead of the rest)
//   other /v1/ paths      400 "Malformed request"; anything else 404
//
// A successful predict response carries the header "X-Serval-Model-Version: <version>", naming
// the version that answered (the URL may name a label, or no version at all).
//
// Predict bodies are decoded on the I/O thread; inference runs on the servable's executor and
// the response is written from there, so the I/O thread never waits on a model.
//
// Thread safety: Handle() may be called from any thread.

#include <string>

#include "absl/time/time.h"
#include <utility>

#include "metrics/metrics_registry.h"
#include "server/http/http_message.h"
#include "serving/inference_service.h"

namespace serval {

inline constexpr char kModelVersionHeader[] = "X-Serval-Model-Version";
// A predict's own deadline, in milliseconds from its arrival (lower-case, as headers are kept);
// without it the server's --rest_api_timeout_in_ms applies.
inline constexpr char kRequestTimeoutHeader[] = "x-request-timeout-ms";

class RestRouter {
 public:
  // `service`, and `metrics` when given, must outlive the router. Null `metrics`: the metrics
  // path is not served (404, like any path outside /v1/ and /v2/health/).
  explicit RestRouter(const InferenceService& service, const MetricsRegistry* metrics = nullptr,
                      std::string metrics_path = "/metrics",
                      absl::Duration default_request_timeout = absl::InfiniteDuration())
      : service_(service),
        metrics_(metrics),
        metrics_path_(std::move(metrics_path)),
        default_request_timeout_(default_request_timeout) {}

  void Handle(HttpRequest request, HttpResponder respond) const;

 private:
  const InferenceService& service_;
  const MetricsRegistry* const metrics_;
  const std::string metrics_path_;
  // How long a predict may wait for an instance unless its X-Request-Timeout-Ms header says.
  const absl::Duration default_request_timeout_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_REST_ROUTER_H_
