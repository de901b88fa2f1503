#ifndef SERVAL_PROTOCOL_REPOSITORY_INDEX_H_
#define SERVAL_PROTOCOL_REPOSITORY_INDEX_H_

// Triton's model repository index (protocols.md 3.9): one entry per model version, with Triton's
// state names, shared by the REST (POST /v2/repository/index) and gRPC (RepositoryIndex) forms.
//
// Thread safety: a pure function.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/managed_model.h"

namespace serval {

struct RepositoryIndexEntry {
  std::string name;
  int64_t version = 0;     // 0: the model has no version (then `reason` says why)
  std::string_view state;  // "READY", "LOADING", "UNLOADING" or "UNAVAILABLE"
  std::string reason;      // a load error, or empty
};

// The index of `models`; with `ready_only`, only the READY versions.
std::vector<RepositoryIndexEntry> BuildRepositoryIndex(const std::vector<ModelInfo>& models,
                                                       bool ready_only);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_REPOSITORY_INDEX_H_
