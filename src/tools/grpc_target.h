#ifndef SERVAL_TOOLS_GRPC_TARGET_H_
#define SERVAL_TOOLS_GRPC_TARGET_H_

// Where `serval bench --grpc=HOST:PORT` sends its calls.
//
//   ASSIGN_OR_RETURN(GrpcTarget target, ParseGrpcTarget("127.0.0.1:8500"));
//   target.Address();  // "127.0.0.1:8500", what grpc::CreateChannel takes
//
// Thread safety: plain values and stateless functions.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace serval {

struct GrpcTarget {
  std::string host;  // a name or an address; IPv6 without brackets
  int port = 0;

  // "host:port" ("[::1]:8500" for IPv6): gRPC's target string.
  std::string Address() const;
};

// Parses "HOST:PORT" or "[IPV6]:PORT"; the port is required. INVALID_ARGUMENT for a scheme
// ("http://..."), a path, an empty host, or a missing or bad port.
absl::StatusOr<GrpcTarget> ParseGrpcTarget(std::string_view text);

}  // namespace serval

#endif  // SERVAL_TOOLS_GRPC_TARGET_H_
