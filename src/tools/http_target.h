#ifndef SERVAL_TOOLS_HTTP_TARGET_H_
#define SERVAL_TOOLS_HTTP_TARGET_H_

// Where `serval bench` sends its requests: the server from --url, and the predict path of the
// model (and version) under test.
//
//   ASSIGN_OR_RETURN(HttpTarget target, ParseHttpTarget("http://127.0.0.1:8501"));
//   std::string path = PredictPath(target, "mlp", 2);  // "/v1/models/mlp/versions/2:predict"
//
// Thread safety: plain values and stateless functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace serval {

struct HttpTarget {
  std::string host;  // a name or an address; IPv6 without brackets
  int port = 80;
  std::string path_prefix;  // "" or "/prefix", with no trailing slash

  // "host:port" for the Host header ("[::1]:8501" for IPv6).
  std::string HostHeader() const;
};

// Parses "http://HOST[:PORT][/PREFIX]". INVALID_ARGUMENT for other schemes (https is not
// supported), an empty host, or a bad port.
absl::StatusOr<HttpTarget> ParseHttpTarget(std::string_view url);

// "<prefix>/v1/models/<model>[/versions/<version>]:predict".
std::string PredictPath(const HttpTarget& target, std::string_view model,
                        std::optional<int64_t> version);

// A complete HTTP/1.1 POST of `body` (application/json) to `path`, ready to write to a socket.
std::string SerializePost(const HttpTarget& target, std::string_view path, std::string_view body);

}  // namespace serval

#endif  // SERVAL_TOOLS_HTTP_TARGET_H_
