#ifndef SERVAL_PROTOCOL_WARMUP_REQUESTS_H_
#define SERVAL_PROTOCOL_WARMUP_REQUESTS_H_

// Warmup requests that ship with a model version (TF Serving's assets.extra idea, in JSON):
//
//   <version>/assets.extra/warmup_requests.jsonl
//
// one TF Serving REST predict body per line ({"instances": ...} or {"inputs": ...}), at most
// 1000 lines; empty lines and lines starting with '#' are skipped. The manager replays them on
// every instance before the version takes traffic.
//
// Thread safety: thread-safe.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/inference.h"
#include "core/signature.h"

namespace serval {

inline constexpr char kWarmupRequestsFile[] = "assets.extra/warmup_requests.jsonl";
inline constexpr int kMaxWarmupRequests = 1000;

// The requests in `version_path`'s warmup file, decoded for `signature`; none when there is no
// file. INVALID_ARGUMENT naming the line for a request that does not decode, or too many lines.
absl::StatusOr<std::vector<NamedTensors>> ReadWarmupRequests(const std::string& version_path,
                                                             const Signature& signature);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_WARMUP_REQUESTS_H_
