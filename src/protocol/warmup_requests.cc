#include "protocol/warmup_requests.h"

#include <filesystem>
#include <fstream>

#include "common/str_cat.h"
#include "protocol/tfs_json.h"

namespace serval {

absl::StatusOr<std::vector<NamedTensors>> ReadWarmupRequests(const std::string& version_path,
                                                             const Signature& signature) {
  const std::filesystem::path path = std::filesystem::path(version_path) / kWarmupRequestsFile;
  std::vector<NamedTensors> requests;
  std::ifstream file(path);
  if (!file.is_open()) return requests;
  auto resolve = [&signature](std::string_view) -> absl::StatusOr<const Signature*> {
    return &signature;
  };
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    if (requests.size() == kMaxWarmupRequests) {
      return absl::InvalidArgumentError(
          StrCat(path.string(), ": more than ", kMaxWarmupRequests, " warmup requests"));
    }
    absl::StatusOr<TfsPredictRequest> request = ParseTfsPredictRequest(line, resolve);
    if (!request.ok()) {
      return absl::InvalidArgumentError(
          StrCat(path.string(), " line ", number, ": ", request.status().message()));
    }
    requests.push_back(std::move(request->inputs));
  }
  return requests;
}

}  // namespace serval
