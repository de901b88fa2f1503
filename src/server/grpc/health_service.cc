#include "server/grpc/health_service.h"

#include <algorithm>

#include "common/str_cat.h"

namespace serval {

void HealthServiceImpl::Listen(CallQueue& queue) {
  queue.Serve(async_, &Async::RequestCheck,
              [this](auto& call) { call.Finish(Check(call.request(), call.response())); });
  queue.Refuse(async_, &Async::RequestWatch,
               grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            "grpc.health.v1.Health/Watch is not served; use Check"));
}

grpc::Status HealthServiceImpl::Check(const grpc::health::v1::HealthCheckRequest& request,
                                      grpc::health::v1::HealthCheckResponse& response) const {
  const std::string& name = request.service();
  if (!name.empty() &&
      std::find(service_names_.begin(), service_names_.end(), name) == service_names_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, StrCat("unknown service '", name, "'"));
  }
  response.set_status(service_.IsReady() ? grpc::health::v1::HealthCheckResponse::SERVING
                                         : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  return grpc::Status::OK;
}

}  // namespace serval
