#include "tools/http_target.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "common/str_cat.h"

namespace serval {

std::string HttpTarget::HostHeader() const {
  if (host.find(':') != std::string::npos) return StrCat("[", host, "]:", port);
  return StrCat(host, ":", port);
}

absl::StatusOr<HttpTarget> ParseHttpTarget(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!absl::StartsWithIgnoreCase(ToAbsl(url), ToAbsl(kScheme))) {
    return absl::InvalidArgumentError(
        StrCat("'", url, "' must start with http:// (https is not supported)"));
  }
  std::string_view rest = url.substr(kScheme.size());
  HttpTarget target;
  const size_t slash = rest.find('/');
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    target.path_prefix = std::string(prefix);
    rest = rest.substr(0, slash);
  }
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:8501
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(StrCat("'", url, "': unclosed '[' in the host"));
    }
    target.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return absl::InvalidArgumentError(StrCat("'", url, "': expected ':PORT' after ']'"));
    }
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = rest.rfind(':');
    target.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (target.host.empty()) return absl::InvalidArgumentError(StrCat("'", url, "' has no host"));
  if (!port.empty() &&
      (!absl::SimpleAtoi(ToAbsl(port), &target.port) || target.port < 1 || target.port > 65535)) {
    return absl::InvalidArgumentError(StrCat("'", url, "': bad port '", port, "'"));
  }
  return target;
}

std::string PredictPath(const HttpTarget& target, std::string_view model,
                        std::optional<int64_t> version) {
  std::string path = StrCat(target.path_prefix, "/v1/models/", model);
  if (version.has_value()) StrAppend(&path, "/versions/", *version);
  StrAppend(&path, ":predict");
  return path;
}

std::string SerializePost(const HttpTarget& target, std::string_view path, std::string_view body) {
  return StrCat("POST ", path, " HTTP/1.1\r\nHost: ", target.HostHeader(),
                "\r\nUser-Agent: serval-bench\r\nContent-Type: application/json\r\n"
                "Content-Length: ",
                body.size(), "\r\n\r\n", body);
}

}  // namespace serval
