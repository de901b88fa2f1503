#include "server/http/kserve_url.h"

#include <cstdint>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/str_cat.h"
#include "server/http/tfs_url.h"

namespace serval {
namespace {

// Decimal digits that fit a version number.
std::optional<int64_t> ParseVersion(std::string_view digits) {
  int64_t version = 0;
  if (digits.empty() || !absl::c_all_of(digits, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(ToAbsl(digits), &version)) {
    return std::nullopt;
  }
  return version;
}

// The segments after /v2/models/: {MODEL}[/versions/{VERSION}][/ready | /infer].
std::optional<KServeUrl> ParseModelPath(const std::vector<std::string_view>& segments) {
  if (segments.empty() || segments[0].empty()) return std::nullopt;
  KServeUrl url;
  url.endpoint = KServeEndpoint::kModelMetadata;
  url.model.name = PercentDecode(segments[0]);
  size_t next = 1;
  if (segments.size() >= 3 && segments[1] == "versions") {
    url.model.version = ParseVersion(segments[2]);
    if (!url.model.version.has_value()) return std::nullopt;
    next = 3;
  }
  if (next == segments.size()) return url;
  if (next + 1 != segments.size()) return std::nullopt;
  if (segments[next] == "ready") {
    url.endpoint = KServeEndpoint::kModelReady;
  } else if (segments[next] == "infer") {
    url.endpoint = KServeEndpoint::kInfer;
  } else {
    return std::nullopt;
  }
  return url;
}

}  // namespace

std::optional<KServeUrl> ParseKServeUrl(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/v2") return KServeUrl{};
  constexpr std::string_view kPrefix = "/v2/";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  std::vector<std::string_view> segments;
  for (absl::string_view segment : absl::StrSplit(ToAbsl(path.substr(kPrefix.size())), '/')) {
    segments.push_back(FromAbsl(segment));
  }
  if (segments.size() == 2 && segments[0] == "health") {
    KServeUrl url;
    if (segments[1] == "live") {
      url.endpoint = KServeEndpoint::kServerLive;
    } else if (segments[1] == "ready") {
      url.endpoint = KServeEndpoint::kServerReady;
    } else {
      return std::nullopt;
    }
    return url;
  }
  if (segments[0] != "models") return std::nullopt;
  segments.erase(segments.begin());
  return ParseModelPath(segments);
}

std::string_view KServeEndpointMethod(KServeEndpoint endpoint) {
  return endpoint == KServeEndpoint::kInfer ? "POST" : "GET";
}

}  // namespace serval
