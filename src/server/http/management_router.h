#ifndef SERVAL_SERVER_HTTP_MANAGEMENT_ROUTER_H_
#define SERVAL_SERVER_HTTP_MANAGEMENT_ROUTER_H_

// ManagementRouter: the management API over HTTP, served on its own listener (never on the
// inference port), so that it can be firewalled and authenticated apart from traffic.
//
//   GET    /v1/manage/models                          {"models": [MODEL, ...]}
//   GET    /v1/manage/models/{m}                      MODEL
//   POST   /v1/manage/models/{m}/load|unload|reload   change, wait until settled, then MODEL
//   PUT    /v1/manage/models/{m}/labels/{label}       {"version": 3, "allow_unavailable": false}
//   DELETE /v1/manage/models/{m}/labels/{label}
//   PUT    /v1/manage/models/{m}/traffic              {"stable": 90, "canary": 10}; {} clears
//   POST   /v1/manage/config:reload                   {"status": "ok"}
//   POST   /v2/repository/index                       Triton's repository extension
//   POST   /v2/repository/models/{m}/load|unload      Triton's: {} once settled
//
// MODEL is protocol/management_json.h's model object. load, unload and reload wait for the model
// to settle for ?timeout_ms= (default 60000; 504 when it passes). Model and label path segments
// are percent-decoded. Errors are {"error": "..."} with the project's status -> HTTP mapping;
// an unknown path is 404, a known path with the wrong method 405, a bad body 400 naming the field.
//
// Authentication: with a bearer token set, a request without "Authorization: Bearer <token>"
// gets 401 before anything else is looked at. The token is compared in constant time.
//
// Threads: Handle() runs on an HTTP I/O thread and only checks the token and the route; the
// manager is called on the router's own small pool, because loads block for as long as a model
// takes to load, and the response is sent from there.
//
// Thread safety: Handle() may be called from any thread. Destroy the router after the HttpServer
// that calls it has stopped and before the manager: the destructor finishes the calls already
// queued (their responses go nowhere once the server has stopped).
//
//   ManagementRouterOptions options;
//   options.bearer_token = flags.management_token;
//   options.reload_config = [&] { return ReloadModelConfig(path, manager); };
//   ManagementRouter router(manager, std::move(options));
//   ASSIGN_OR_RETURN(auto server, HttpServer::Create(management_http_options,
//       [&router](HttpRequest request, HttpResponder respond) {
//         router.Handle(std::move(request), std::move(respond));
//       }));

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/thread_pool.h"
#include "manager/servable_manager.h"
#include "server/http/http_message.h"

namespace serval {

namespace management_internal {
struct Call;  // one routed request; defined in management_router.cc
}  // namespace management_internal

struct ManagementRouterOptions {
  // When non-empty, every request must carry "Authorization: Bearer <token>".
  std::string bearer_token;
  // Re-reads the model config file and applies it. Empty when the server has no config file:
  // config:reload then answers 501.
  std::function<absl::Status()> reload_config;
  // Threads that call the manager; each blocked load, unload or reload holds one.
  int threads = 4;
  // How long load, unload and reload wait for the model to settle without ?timeout_ms=.
  absl::Duration default_settle_timeout = absl::Seconds(60);
  // "now" for next_retry_in_ms: the clock the manager uses. Must outlive the router.
  Clock* clock = &Clock::Real();
};

class ManagementRouter {
 public:
  // `manager` must outlive the router.
  ManagementRouter(ServableManager& manager, ManagementRouterOptions options);
  ~ManagementRouter();

  ManagementRouter(const ManagementRouter&) = delete;
  ManagementRouter& operator=(const ManagementRouter&) = delete;

  void Handle(HttpRequest request, HttpResponder respond) const;

 private:
  using Call = management_internal::Call;

  bool Authorized(const HttpRequest& request) const;
  // Runs on the pool: calls the manager and builds the response.
  HttpResponse Execute(const Call& call) const;
  HttpResponse ChangeModel(const Call& call) const;
  HttpResponse ChangeRepositoryModel(const Call& call) const;
  HttpResponse SetLabel(const Call& call) const;
  HttpResponse SetTraffic(const Call& call) const;
  HttpResponse ReloadConfig() const;
  HttpResponse RepositoryIndex(const Call& call) const;
  // MODEL for `model`, or its error.
  HttpResponse DescribeModel(const std::string& model) const;

  ServableManager& manager_;
  const ManagementRouterOptions options_;
  // Declared last: destroyed first, finishing the calls it holds while the rest is intact.
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_MANAGEMENT_ROUTER_H_
