#include "tools/grpc_target.h"

#include "absl/strings/numbers.h"
#include "common/str_cat.h"

namespace serval {

std::string GrpcTarget::Address() const {
  if (host.find(':') != std::string::npos) return StrCat("[", host, "]:", port);
  return StrCat(host, ":", port);
}

absl::StatusOr<GrpcTarget> ParseGrpcTarget(std::string_view text) {
  auto error = [text](std::string_view what) {
    return absl::InvalidArgumentError(StrCat("'", text, "' ", what, " (want HOST:PORT)"));
  };
  if (text.find("://") != std::string_view::npos) return error("has a scheme");
  if (text.find('/') != std::string_view::npos) return error("has a path");
  GrpcTarget target;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {  // [::1]:8500
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return error("has an unclosed '['");
    target.host = std::string(text.substr(1, close - 1));
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return error("has no port");
    port = rest.substr(1);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return error("has no port");
    target.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
    if (target.host.find(':') != std::string::npos) return error("needs brackets around IPv6");
  }
  if (target.host.empty()) return error("has no host");
  if (!absl::SimpleAtoi(ToAbsl(port), &target.port) || target.port < 1 || target.port > 65535) {
    return error(StrCat("has a bad port '", port, "'"));
  }
  return target;
}

}  // namespace serval
