#include "server/http/json_response.h"

#include "core/status_codes.h"
#include "protocol/tfs_json.h"

namespace serval {

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(const absl::Status& status) {
  return JsonResponse(HttpStatusFromCode(status.code()), WriteTfsError(status));
}

}  // namespace serval
