#include "server/grpc/health_service.h"

#include <algorithm>

#include "common/str_cat.h"

namespace serval {

grpc::ServerUnaryReactor* HealthServiceImpl::Check(
    grpc::CallbackServerContext* context, const grpc::health::v1::HealthCheckRequest* request,
    grpc::health::v1::HealthCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string& name = request->service();
  if (!name.empty() &&
      std::find(service_names_.begin(), service_names_.end(), name) == service_names_.end()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                 StrCat("unknown service '", name, "'")));
    return reactor;
  }
  response->set_status(service_.IsReady() ? grpc::health::v1::HealthCheckResponse::SERVING
                                          : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace serval
