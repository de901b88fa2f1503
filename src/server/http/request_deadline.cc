#include "server/http/request_deadline.h"

#include <cstdint>

#include "absl/strings/numbers.h"
#include "common/str_cat.h"

namespace serval {

absl::StatusOr<absl::Time> RequestDeadline(const HttpRequest& request,
                                           absl::Duration default_timeout) {
  const std::string_view header = request.Header(kRequestTimeoutHeader);
  if (header.empty()) return absl::Now() + default_timeout;
  int64_t milliseconds = 0;
  if (!absl::SimpleAtoi(ToAbsl(header), &milliseconds) || milliseconds <= 0) {
    return absl::InvalidArgumentError(StrCat(
        "X-Request-Timeout-Ms must be a positive number of milliseconds, got '", header, "'"));
  }
  return absl::Now() + absl::Milliseconds(milliseconds);
}

}  // namespace serval
