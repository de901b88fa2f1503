#ifndef SERVAL_PROTOCOL_MANAGEMENT_JSON_H_
#define SERVAL_PROTOCOL_MANAGEMENT_JSON_H_

// The JSON of the management API: what ServableManager knows about a model, written out, and the
// bodies that change labels and traffic, read in. Also the index of Triton's model repository
// extension (POST /v2/repository/index).
//
// A model is written as
//
//   {"name": "m", "base_path": "/models/m", "version_policy": "latest: 1", "loaded": true,
//    "source_error": "..." (only when the base path or config.yaml cannot be read),
//    "labels": {"stable": 1}, "pending_labels": {"canary": 3}, "traffic": {"stable": 90, ...},
//    "versions": [{"version": 2, "state": "AVAILABLE", "path": "/models/m/2",
//                  "error": "..." (only when the load failed), "load_ms": 12.5, "warmup_ms": 3.1,
//                  "failed_attempts": 0, "next_retry_in_ms": 800 (only when a retry is planned)}]}
//
// Parse errors are INVALID_ARGUMENT and name the field at fault. Error bodies are WriteTfsError's
// {"error": "..."}, which is also what Triton answers.
//
// Thread safety: all functions are thread-safe.
//
//   ASSIGN_OR_RETURN(LabelAssignment assignment, ParseLabelAssignment(request.body));
//   RETURN_IF_ERROR(manager.SetLabel(model, label, assignment.version,
//                                    assignment.allow_unavailable));
//   ASSIGN_OR_RETURN(ModelInfo info, manager.GetModelInfo(model));
//   response.body = WriteManagedModel(info, absl::Now());

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/managed_model.h"

namespace serval {

// One model, as above. `now` turns VersionInfo::next_retry into "next_retry_in_ms".
std::string WriteManagedModel(const ModelInfo& model, absl::Time now);

// {"models": [MODEL, ...]}
std::string WriteManagedModelList(const std::vector<ModelInfo>& models, absl::Time now);

// Triton's repository index: [{"name": "m", "version": "2", "state": "READY", "reason": ""}, ...],
// one entry per version (a model without versions gets one entry without "version"). States:
// AVAILABLE is READY, LOADING and UNLOADING keep their names, anything else is UNAVAILABLE; the
// reason is the version's load error (or the model's source error). With `ready_only`, only
// READY entries.
std::string WriteRepositoryIndex(const std::vector<ModelInfo>& models, bool ready_only);

// The body of PUT .../labels/{label}: {"version": 3, "allow_unavailable": false}; "version" is
// required and positive, "allow_unavailable" optional.
struct LabelAssignment {
  int64_t version = 0;
  bool allow_unavailable = false;
};
absl::StatusOr<LabelAssignment> ParseLabelAssignment(std::string_view body);

// The body of PUT .../traffic: an object of label -> non-negative integer weight; {} clears.
absl::StatusOr<std::map<std::string, int64_t>> ParseTrafficWeights(std::string_view body);

// The body of POST /v2/repository/index: empty, or {"ready": bool}. Returns whether only READY
// versions are wanted. Other members are ignored, as Triton does.
absl::StatusOr<bool> ParseRepositoryIndexReadyOnly(std::string_view body);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_MANAGEMENT_JSON_H_
