#include "server/http/management_router.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "common/logging.h"
#include "common/str_cat.h"
#include "core/status_codes.h"
#include "manager/model_serving_status.h"
#include "protocol/management_json.h"
#include "protocol/tfs_json.h"
#include "server/http/json_response.h"
#include "server/http/tfs_url.h"

namespace serval {
namespace management_internal {

enum class Action {
  kListModels,
  kGetModel,
  kLoadModel,
  kUnloadModel,
  kReloadModel,
  kSetLabel,
  kRemoveLabel,
  kSetTraffic,
  kReloadConfig,
  kRepositoryIndex,
  kRepositoryLoad,
  kRepositoryUnload,
};

struct Call {
  Action action = Action::kListModels;
  std::string model;  // percent-decoded
  std::string label;  // percent-decoded
  std::string body;
  absl::Duration settle_timeout;
  std::string method;  // for the log
  std::string path;
};

namespace {

// Segments "{model}" and "{label}" capture one non-empty path segment.
struct Route {
  std::string_view method;
  std::string_view path;
  Action action;
};

constexpr Route kRoutes[] = {
    {"GET", "/v1/manage/models", Action::kListModels},
    {"GET", "/v1/manage/models/{model}", Action::kGetModel},
    {"POST", "/v1/manage/models/{model}/load", Action::kLoadModel},
    {"POST", "/v1/manage/models/{model}/unload", Action::kUnloadModel},
    {"POST", "/v1/manage/models/{model}/reload", Action::kReloadModel},
    {"PUT", "/v1/manage/models/{model}/labels/{label}", Action::kSetLabel},
    {"DELETE", "/v1/manage/models/{model}/labels/{label}", Action::kRemoveLabel},
    {"PUT", "/v1/manage/models/{model}/traffic", Action::kSetTraffic},
    {"POST", "/v1/manage/config:reload", Action::kReloadConfig},
    {"POST", "/v2/repository/index", Action::kRepositoryIndex},
    {"POST", "/v2/repository/models/{model}/load", Action::kRepositoryLoad},
    {"POST", "/v2/repository/models/{model}/unload", Action::kRepositoryUnload},
};

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

// Whether `segments` fit `pattern`; fills the captures of `call` when they do.
bool MatchPath(std::string_view pattern, const std::vector<std::string_view>& segments,
               Call& call) {
  const std::vector<std::string_view> expected = SplitPath(pattern);
  if (expected.size() != segments.size()) return false;
  for (size_t i = 0; i < expected.size(); ++i) {
    const bool capture = expected[i] == "{model}" || expected[i] == "{label}";
    if (!capture) {
      if (expected[i] != segments[i]) return false;
      continue;
    }
    std::string decoded = PercentDecode(segments[i]);
    if (decoded.empty()) return false;
    (expected[i] == "{model}" ? call.model : call.label) = std::move(decoded);
  }
  return true;
}

HttpResponse MethodNotAllowed(std::string_view method, std::string_view path,
                              std::string allowed) {
  HttpResponse response = JsonResponse(
      405, WriteTfsError(absl::InvalidArgumentError(
               StrCat("method ", method, " is not allowed on ", path, "; use ", allowed))));
  response.extra_headers.emplace_back("Allow", std::move(allowed));
  return response;
}

// ?timeout_ms=N (milliseconds, N >= 0), or `fallback` when the query has none.
absl::StatusOr<absl::Duration> SettleTimeout(std::string_view query, absl::Duration fallback) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view parameter = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (parameter.substr(0, parameter.find('=')) != "timeout_ms") continue;
    const size_t equals = parameter.find('=');
    const std::string value =
        PercentDecode(equals == std::string_view::npos ? "" : parameter.substr(equals + 1));
    int64_t milliseconds = 0;
    if (!absl::SimpleAtoi(value, &milliseconds) || milliseconds < 0) {
      return absl::InvalidArgumentError(StrCat(
          "query parameter 'timeout_ms' must be a non-negative integer, got '", value, "'"));
    }
    return absl::Milliseconds(milliseconds);
  }
  return fallback;
}

// The call `request` asks for, or the response that turns it down (404, 405, 400).
std::variant<Call, HttpResponse> RouteRequest(HttpRequest& request,
                                              absl::Duration default_timeout) {
  const std::string_view target = request.target;
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::vector<std::string_view> segments = SplitPath(path);
  Call call;
  std::string allowed;  // methods of the routes whose path fits
  for (const Route& route : kRoutes) {
    if (!MatchPath(route.path, segments, call)) continue;
    if (route.method != request.method) {
      if (!allowed.empty()) allowed += ", ";
      allowed += route.method;
      continue;
    }
    absl::StatusOr<absl::Duration> timeout = SettleTimeout(
        question == std::string_view::npos ? "" : target.substr(question + 1), default_timeout);
    if (!timeout.ok()) return ErrorResponse(timeout.status());
    call.action = route.action;
    call.settle_timeout = *timeout;
    call.body = std::move(request.body);
    call.method = request.method;
    call.path = std::string(path);
    return call;
  }
  if (!allowed.empty()) return MethodNotAllowed(request.method, path, std::move(allowed));
  return JsonResponse(
      404, WriteTfsError(absl::NotFoundError(StrCat("no management endpoint at ", path))));
}

// Equal contents, in time that depends on the length of `presented` only.
bool ConstantTimeEquals(std::string_view presented, std::string_view expected) {
  if (expected.empty()) return presented.empty();
  unsigned char difference = presented.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < presented.size(); ++i) {
    difference |= static_cast<unsigned char>(presented[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

HttpResponse Unauthorized() {
  HttpResponse response = JsonResponse(
      401, WriteTfsError(absl::UnauthenticatedError(
               "the management API needs the header 'Authorization: Bearer <token>'")));
  response.extra_headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

bool Mutates(Action action) {
  return action != Action::kListModels && action != Action::kGetModel &&
         action != Action::kRepositoryIndex;
}

}  // namespace
}  // namespace management_internal

using management_internal::Action;

ManagementRouter::ManagementRouter(ServableManager& manager, ManagementRouterOptions options)
    : manager_(manager),
      options_(std::move(options)),
      pool_(std::make_unique<ThreadPool>("serval-manage", std::max(1, options_.threads))) {}

ManagementRouter::~ManagementRouter() = default;

void ManagementRouter::Handle(HttpRequest request, HttpResponder respond) const {
  if (!Authorized(request)) return respond(management_internal::Unauthorized());
  std::variant<Call, HttpResponse> routed =
      management_internal::RouteRequest(request, options_.default_settle_timeout);
  if (auto* refusal = std::get_if<HttpResponse>(&routed)) return respond(std::move(*refusal));
  // The I/O thread stops here: everything below may wait for models to load.
  pool_->Schedule([this, call = std::get<Call>(std::move(routed)), respond = std::move(respond)] {
    HttpResponse response = Execute(call);
    if (management_internal::Mutates(call.action)) {
      LogInfo("management API: ", call.method, " ", call.path, " -> ", response.status);
    }
    respond(std::move(response));
  });
}

bool ManagementRouter::Authorized(const HttpRequest& request) const {
  if (options_.bearer_token.empty()) return true;
  std::string_view credentials = request.Header("authorization");
  constexpr std::string_view kScheme = "bearer ";  // the scheme is case-insensitive
  if (!absl::StartsWithIgnoreCase(ToAbsl(credentials), ToAbsl(kScheme))) return false;
  credentials.remove_prefix(kScheme.size());
  return management_internal::ConstantTimeEquals(credentials, options_.bearer_token);
}

HttpResponse ManagementRouter::Execute(const Call& call) const {
  switch (call.action) {
    case Action::kListModels:
      return JsonResponse(
          200, WriteManagedModelList(manager_.ListModels(), options_.clock->Now()));
    case Action::kGetModel:
      return DescribeModel(call.model);
    case Action::kLoadModel:
    case Action::kUnloadModel:
    case Action::kReloadModel:
      return ChangeModel(call);
    case Action::kSetLabel:
      return SetLabel(call);
    case Action::kRemoveLabel: {
      const absl::Status removed = manager_.RemoveLabel(call.model, call.label);
      if (!removed.ok()) return ErrorResponse(removed);
      return DescribeModel(call.model);
    }
    case Action::kSetTraffic:
      return SetTraffic(call);
    case Action::kReloadConfig:
      return ReloadConfig();
    case Action::kRepositoryIndex:
      return RepositoryIndex(call);
    case Action::kRepositoryLoad:
    case Action::kRepositoryUnload:
      return ChangeRepositoryModel(call);
  }
  return ErrorResponse(absl::InternalError("unhandled management call"));
}

namespace {

// Starts the load, unload or reload `action` names, then waits for the model to settle.
absl::Status ChangeAndSettle(ServableManager& manager, Action action, const std::string& model,
                             absl::Duration timeout) {
  absl::Status changed;
  switch (action) {
    case Action::kLoadModel:
    case Action::kRepositoryLoad:
      changed = manager.LoadModel(model);
      break;
    case Action::kUnloadModel:
    case Action::kRepositoryUnload:
      changed = manager.UnloadModel(model);
      break;
    default:
      changed = manager.ReloadModel(model);
      break;
  }
  if (!changed.ok()) return changed;
  return manager.WaitUntilModelSettled(model, timeout);
}

}  // namespace

HttpResponse ManagementRouter::ChangeModel(const Call& call) const {
  const absl::Status settled =
      ChangeAndSettle(manager_, call.action, call.model, call.settle_timeout);
  if (!settled.ok()) return ErrorResponse(settled);
  return DescribeModel(call.model);
}

HttpResponse ManagementRouter::ChangeRepositoryModel(const Call& call) const {
  const absl::Status settled =
      ChangeAndSettle(manager_, call.action, call.model, call.settle_timeout);
  if (!settled.ok()) return ErrorResponse(settled);
  if (call.action == Action::kRepositoryLoad) {
    // As Triton: a load that leaves nothing serving is an error, with the reason.
    if (absl::Status serving = ModelServingStatus(manager_, call.model); !serving.ok()) {
      return ErrorResponse(serving);
    }
  }
  return JsonResponse(200, "{}");
}

HttpResponse ManagementRouter::SetLabel(const Call& call) const {
  absl::StatusOr<LabelAssignment> assignment = ParseLabelAssignment(call.body);
  if (!assignment.ok()) return ErrorResponse(assignment.status());
  const absl::Status set = manager_.SetLabel(call.model, call.label, assignment->version,
                                             assignment->allow_unavailable);
  if (!set.ok()) return ErrorResponse(set);
  return DescribeModel(call.model);
}

HttpResponse ManagementRouter::SetTraffic(const Call& call) const {
  absl::StatusOr<std::map<std::string, int64_t>> weights = ParseTrafficWeights(call.body);
  if (!weights.ok()) return ErrorResponse(weights.status());
  const absl::Status set = manager_.SetTraffic(call.model, *std::move(weights));
  if (!set.ok()) return ErrorResponse(set);
  return DescribeModel(call.model);
}

HttpResponse ManagementRouter::ReloadConfig() const {
  if (!options_.reload_config) {
    return ErrorResponse(
        absl::UnimplementedError("no config file to reload"));
  }
  const absl::Status reloaded = options_.reload_config();
  if (!reloaded.ok()) return ErrorResponse(reloaded);
  return JsonResponse(200, R"({"status":"ok"})");
}

HttpResponse ManagementRouter::RepositoryIndex(const Call& call) const {
  absl::StatusOr<bool> ready_only = ParseRepositoryIndexReadyOnly(call.body);
  if (!ready_only.ok()) return ErrorResponse(ready_only.status());
  return JsonResponse(
      200, WriteRepositoryIndex(manager_.ListModels(), *ready_only));
}

HttpResponse ManagementRouter::DescribeModel(const std::string& model) const {
  absl::StatusOr<ModelInfo> info = manager_.GetModelInfo(model);
  if (!info.ok()) return ErrorResponse(info.status());
  return JsonResponse(200,
                                           WriteManagedModel(*info, options_.clock->Now()));
}

}  // namespace serval
