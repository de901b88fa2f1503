#ifndef SERVAL_SERVER_HTTP_JSON_RESPONSE_H_
#define SERVAL_SERVER_HTTP_JSON_RESPONSE_H_

// The two response shapes every router answers with: a JSON body with a status, and an error as
// {"error": "..."} with the HTTP status of its code.

#include <string>

#include "absl/status/status.h"
#include "server/http/http_message.h"

namespace serval {

HttpResponse JsonResponse(int status, std::string body);

// TF Serving's error body, {"error": message}, with HttpStatusFromCode(status.code()).
HttpResponse ErrorResponse(const absl::Status& status);

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_JSON_RESPONSE_H_
