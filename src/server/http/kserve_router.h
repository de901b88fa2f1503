#ifndef SERVAL_SERVER_HTTP_KSERVE_ROUTER_H_
#define SERVAL_SERVER_HTTP_KSERVE_ROUTER_H_

// KServeRouter: KServe v2's REST API (the Open Inference Protocol, protocols.md 3.1-3.7) with
// Triton's binary tensor data extension, on the REST port. RestRouter hands it every path under
// /v2.
//
//   GET  /v2                                       {"name": "serval", "version": ...,
//                                                  "extensions": ["binary_tensor_data"]}
//   GET  /v2/health/live                           200 {"live": true}
//   GET  /v2/health/ready                          200 {"ready": true} once the start-up loads
//                                                  have finished or failed, 503 before
//   GET  /v2/models/{m}[/versions/{v}]             model metadata from the servable's signature
//   GET  /v2/models/{m}[/versions/{v}]/ready       200 {"name": m, "ready": true} when it resolves
//                                                  to an available version; else 400, as Triton
//   POST /v2/models/{m}[/versions/{v}]/infer       inference (protocol/kserve_json.h)
//
// An infer body is JSON, or JSON followed by binary tensor data when the request carries
// Inference-Header-Content-Length; with that header at 0 the whole body is the raw bytes of a
// single-input model's input. A response with binary outputs carries the same header and
// Content-Type application/octet-stream. A successful infer also carries X-Serval-Model-Version.
// Compressed bodies (Content-Encoding) are refused with 415.
//
// Errors are {"error": "..."} with Triton's HTTP statuses (KServeHttpStatusFromCode): 400 for a
// bad request, 404 for an unknown model or version, 503 for a full queue or a passed deadline,
// 501, 500. An unknown path under /v2 is 404 {"error": "Not Found"}, a known path with the wrong
// method 405 {"error": "Method Not Allowed"}.
//
// Infer bodies are decoded on the I/O thread; inference runs on the servable's executor and the
// response is written from there, so the I/O thread never waits on a model.
//
// Thread safety: Handle() may be called from any thread; the request path takes no lock.

#include "absl/time/time.h"
#include "server/http/http_message.h"
#include "protocol/kserve_platform.h"
#include "serving/inference_service.h"

namespace serval {

inline constexpr char kInferenceHeaderContentLength[] = "Inference-Header-Content-Length";

class KServeRouter {
 public:
  // `service` must outlive the router. An infer without X-Request-Timeout-Ms may wait
  // `default_request_timeout` for an instance.
  KServeRouter(const InferenceService& service, absl::Duration default_request_timeout)
      : service_(service), default_request_timeout_(default_request_timeout) {}

  // Answers a request whose path is /v2 or starts with /v2/.
  void Handle(HttpRequest request, HttpResponder respond) const;

 private:
  const InferenceService& service_;
  const absl::Duration default_request_timeout_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_KSERVE_ROUTER_H_
