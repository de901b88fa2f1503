#ifndef SERVAL_SERVER_HTTP_TFS_URL_H_
#define SERVAL_SERVER_HTTP_TFS_URL_H_

// The URL grammar of TF Serving's REST API (protocols.md 1.1), matched case-insensitively:
//
//   POST /v1/models/{NAME}[/versions/{N} | /labels/{LABEL}]:{predict|classify|regress}
//   GET  /v1/models/{NAME}[/versions/{N} | /labels/{LABEL}][/metadata]

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/inference.h"

namespace serval {

enum class TfsEndpoint { kStatus, kMetadata, kPredict, kClassify, kRegress };

struct TfsUrl {
  TfsEndpoint endpoint = TfsEndpoint::kStatus;
  ModelSpec model;  // name percent-decoded; version or label when the path has one
};

// Parses the path of `target` (any query string is ignored). nullopt when the path is not one of
// the URLs above for `method` ("GET" or "POST").
std::optional<TfsUrl> ParseTfsUrl(std::string_view method, std::string_view target);

// Decodes %XX escapes; malformed escapes are kept as they are.
std::string PercentDecode(std::string_view text);

}  // namespace serval

#endif  // SERVAL_SERVER_HTTP_TFS_URL_H_
