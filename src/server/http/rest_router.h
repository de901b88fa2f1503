#ifndef SERVAL_SERVER_HTTP_REST_ROUTER_H_
#define SERVAL_SERVER_HTTP_REST_ROUTER_H_

// RestRouter: maps HTTP requests to the InferenceService.
//
//   /v1/models/...        TF Serving's REST API (status, metadata, predict; classify and
//                         regress answer UNIMPLEMENTED)
//   /v2/health/live|ready KServe v2 health
//   other /v1/ paths      400 "Malformed request"; anything else 404
//
// A successful predict response carries the header "X-Serval-Model-Version: <version>", naming
// the version that answered (the URL may name a label, or no version at all).
//
// Predict bodies are decoded on the I/O thread; inference runs on the servable's executor and
// the response is written from there, so the I/O thread never waits on a model.
//
// Thread safety: Handle() may be called from any thread.

#include "server/http/http_message.h"
#include "serving/inference_service.h"

namespace serval {

inline constexpr char kModelVersionHeader[] = "X-Serval-Model-Version";

class RestRouter {
 public:
  // `service` must outlive the router.
  explicit RestRouter(const InferenceService& service) : service_(service) {}

  void Handle(HttpRequest request, HttpResponder respond) const;

 private:
  const InferenceService& service_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_REST_ROUTER_H_
