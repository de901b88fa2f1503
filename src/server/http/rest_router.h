#ifndef SERVAL_SERVER_HTTP_REST_ROUTER_H_
#define SERVAL_SERVER_HTTP_REST_ROUTER_H_

// RestRouter: maps HTTP requests to the InferenceService.
//
//   /v1/models/...        TF Serving's REST API (status, metadata, predict; classify and
//                         regress answer UNIMPLEMENTED)
//   /v2, /v2/...          KServe v2's REST API, handed to KServeRouter (kserve_router.h):
//                         health, server and model metadata, model readiness, infer
//   GET /metrics          Prometheus text exposition 0.0.4 of the MetricsRegistry, when given
//                         one (the path is an option, matched exactly, ahead of the rest)
//   other /v1/ paths      400 "Malformed request"; anything else 404
//
// A successful predict (or infer) response carries the header "X-Serval-Model-Version: <version>",
// naming the version that answered (the URL may name a label, or no version at all).
//
// Predict and infer bodies are decoded on the I/O thread; inference runs on the servable's
// executor and the response is written from there, so the I/O thread never waits on a model.
//
// Thread safety: Handle() may be called from any thread.

#include <string>
#include <utility>

#include "absl/time/time.h"
#include "metrics/metrics_registry.h"
#include "server/http/http_message.h"
#include "server/http/kserve_router.h"
#include "server/http/rest_headers.h"
#include "serving/inference_service.h"

namespace serval {

class RestRouter {
 public:
  // `service`, and `metrics` when given, must outlive the router. Null `metrics`: the metrics
  // path is not served (404, like any path outside /v1/ and /v2).
  explicit RestRouter(const InferenceService& service, const MetricsRegistry* metrics = nullptr,
                      std::string metrics_path = "/metrics",
                      absl::Duration default_request_timeout = absl::InfiniteDuration())
      : service_(service),
        metrics_(metrics),
        metrics_path_(std::move(metrics_path)),
        default_request_timeout_(default_request_timeout),
        kserve_(service, default_request_timeout) {}

  void Handle(HttpRequest request, HttpResponder respond) const;

 private:
  const InferenceService& service_;
  const MetricsRegistry* const metrics_;
  const std::string metrics_path_;
  // How long a predict may wait for an instance unless its X-Request-Timeout-Ms header says.
  const absl::Duration default_request_timeout_;
  const KServeRouter kserve_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_REST_ROUTER_H_
