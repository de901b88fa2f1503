#include "server/http/rest_router.h"

#include "absl/strings/match.h"
#include "common/str_cat.h"
#include "common/status_macros.h"
#include "core/status_codes.h"
#include "metrics/prometheus_text.h"
#include "protocol/tfs_json.h"
#include "server/http/json_response.h"
#include "server/http/request_deadline.h"
#include "server/http/tfs_url.h"

namespace serval {
namespace {

HttpResponse ModelStatus(const InferenceService& service, const ModelSpec& model) {
  // As TF Serving: a label in the URL is accepted, and all versions are listed.
  auto versions = service.GetModelStatus(model.name, model.version);
  if (!versions.ok()) return ErrorResponse(versions.status());
  return JsonResponse(200, WriteTfsModelStatus(*versions));
}

HttpResponse ModelMetadata(const InferenceService& service, const ModelSpec& model) {
  auto servable = service.Resolve(model);
  if (!servable.ok()) return ErrorResponse(servable.status());
  const ServableId& id = (*servable)->id();
  return JsonResponse(200, WriteTfsModelMetadata(id.name, id.version, (*servable)->signature()));
}

void Predict(const InferenceService& service, ModelSpec model, HttpRequest& http,
             absl::Duration default_timeout, HttpResponder& respond) {
  absl::StatusOr<absl::Time> deadline = RequestDeadline(http, default_timeout);
  if (!deadline.ok()) return respond(ErrorResponse(deadline.status()));
  std::string& body = http.body;
  auto servable = service.Resolve(model);
  if (!servable.ok()) return respond(ErrorResponse(servable.status()));
  const Signature& signature = (*servable)->signature();
  auto resolve_signature = [&signature](std::string_view name) -> absl::StatusOr<const Signature*> {
    RETURN_IF_ERROR(CheckSignatureName(signature, name));
    return &signature;
  };
  const absl::Time decode_start = absl::Now();
  auto parsed = ParseTfsPredictRequest(body, resolve_signature);
  if (!parsed.ok()) {
    service.RecordRefused(**servable, parsed.status().code(), absl::Now() - decode_start);
    return respond(ErrorResponse(parsed.status()));
  }
  const bool row_format = parsed->row_format;
  model.signature_name = std::move(parsed->signature_name);
  InferenceRequest request{std::move(model), std::move(parsed->inputs), {}, *deadline,
                           std::move(http.cancellation)};
  service.Infer(*std::move(servable), std::move(request),
                [respond = std::move(respond), row_format](
                    absl::StatusOr<InferenceResponse> response) {
                  if (!response.ok()) return respond(ErrorResponse(response.status()));
                  auto json = WriteTfsPredictResponse(response->outputs, row_format);
                  if (!json.ok()) return respond(ErrorResponse(json.status()));
                  HttpResponse ok = JsonResponse(200, *std::move(json));
                  // Which version answered: with labels and traffic splits the URL may not say.
                  ok.extra_headers.emplace_back(kModelVersionHeader,
                                                StrCat(response->model_version));
                  respond(std::move(ok));
                });
}

HttpResponse Unimplemented(const InferenceService& service, const ModelSpec& model,
                           std::string_view verb) {
  auto servable = service.Resolve(model);
  if (!servable.ok()) return ErrorResponse(servable.status());
  return ErrorResponse(absl::UnimplementedError(StrCat(
      "model ", model.name, " has no ", verb, " signature; its signature '",
      (*servable)->signature().name, "' serves :predict")));
}

}  // namespace

void RestRouter::Handle(HttpRequest request, HttpResponder respond) const {
  std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
  if (metrics_ != nullptr && path == metrics_path_ && request.method == "GET") {
    return respond(HttpResponse{.status = 200,
                                .content_type = kPrometheusContentType,
                                .body = metrics_->RenderPrometheus()});
  }
  if (path == "/v2" || absl::StartsWith(ToAbsl(path), "/v2/")) {
    return kserve_.Handle(std::move(request), std::move(respond));
  }
  if (!absl::StartsWithIgnoreCase(ToAbsl(path), "/v1/")) {
    return respond(JsonResponse(404, WriteTfsError(absl::NotFoundError("Not Found"))));
  }
  std::optional<TfsUrl> url = ParseTfsUrl(request.method, request.target);
  if (!url.has_value()) {
    if (request.method == "GET" && absl::EqualsIgnoreCase(ToAbsl(path), "/v1/models")) {
      return respond(ErrorResponse(absl::InvalidArgumentError("Missing model name in request.")));
    }
    return respond(ErrorResponse(absl::InvalidArgumentError(
        StrCat("Malformed request: ", request.method, " ", request.target))));
  }
  switch (url->endpoint) {
    case TfsEndpoint::kStatus:
      return respond(ModelStatus(service_, url->model));
    case TfsEndpoint::kMetadata:
      return respond(ModelMetadata(service_, url->model));
    case TfsEndpoint::kPredict:
      return Predict(service_, std::move(url->model), request, default_request_timeout_, respond);
    case TfsEndpoint::kClassify:
      return respond(Unimplemented(service_, url->model, "classify"));
    case TfsEndpoint::kRegress:
      return respond(Unimplemented(service_, url->model, "regress"));
  }
}

}  // namespace serval
