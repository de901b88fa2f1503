#include "server/http/kserve_router.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "common/version.h"
#include "core/status_codes.h"
#include "protocol/kserve_json.h"
#include "server/http/json_response.h"
#include "server/http/kserve_url.h"
#include "server/http/request_deadline.h"
#include "server/http/rest_headers.h"

namespace serval {
namespace {

constexpr char kServerName[] = "serval";
// kInferenceHeaderContentLength as the server keeps header names.
constexpr char kInferenceHeaderContentLengthKey[] = "inference-header-content-length";
constexpr std::string_view kExtensions[] = {kKServeBinaryDataExtension};

HttpResponse KServeErrorResponse(int http_status, const absl::Status& status) {
  return JsonResponse(http_status, WriteKServeError(status));
}

HttpResponse KServeErrorResponse(const absl::Status& status) {
  return KServeErrorResponse(KServeHttpStatusFromCode(status.code()), status);
}

// The value of header `lowercase_name`, telling an absent header from an empty one.
std::optional<std::string_view> FindHeader(const HttpRequest& request,
                                           std::string_view lowercase_name) {
  for (const auto& [name, value] : request.headers) {
    if (name == lowercase_name) return std::string_view(value);
  }
  return std::nullopt;
}

HttpResponse Health(const InferenceService& service, KServeEndpoint endpoint) {
  if (endpoint == KServeEndpoint::kServerLive) return JsonResponse(200, R"({"live": true})");
  if (service.IsReady()) return JsonResponse(200, R"({"ready": true})");
  return JsonResponse(503, R"({"ready": false})");
}

HttpResponse ModelMetadata(const InferenceService& service, const ModelSpec& model) {
  auto servable = service.Resolve(model);
  if (!servable.ok()) return KServeErrorResponse(servable.status());
  auto available = service.AvailableVersions(model.name);
  if (!available.ok()) return KServeErrorResponse(available.status());
  return JsonResponse(200, WriteKServeModelMetadata(model.name, *available, kKServePlatform,
                                                    (*servable)->signature()));
}

HttpResponse ModelReady(const InferenceService& service, const ModelSpec& model) {
  auto servable = service.Resolve(model);
  // Triton answers 400 for a model (version) that is not ready, whatever the reason.
  if (!servable.ok()) return KServeErrorResponse(400, servable.status());
  return JsonResponse(200, WriteKServeModelReady(model.name, true));
}

// Gzip and deflate bodies would need a decompressor; the header is refused rather than ignored.
absl::Status CheckNotCompressed(const HttpRequest& http) {
  const std::string_view encoding = http.Header("content-encoding");
  if (encoding.empty() || absl::EqualsIgnoreCase(ToAbsl(encoding), "identity")) {
    return absl::OkStatus();
  }
  return absl::UnimplementedError(StrCat("Content-Encoding '", encoding,
                                         "' is not supported; send the request body uncompressed"));
}

// The body of an infer request decoded against `signature`: JSON, JSON and binary data, or (with
// the header at 0) the raw bytes of the only input. The tensors keep the body alive.
absl::StatusOr<KServeInferRequest> DecodeInferBody(HttpRequest& http, const Signature& signature) {
  const std::optional<std::string_view> header_length =
      FindHeader(http, kInferenceHeaderContentLengthKey);
  auto body = std::make_shared<std::string>(std::move(http.body));
  if (!header_length.has_value()) return ParseKServeInferRequest(body, body->size(), signature);
  ASSIGN_OR_RETURN(const size_t json_size, ParseKServeJsonSize(*header_length, body->size()));
  if (json_size == 0) return ParseKServeRawInferRequest(std::move(body), signature);
  return ParseKServeInferRequest(std::move(body), json_size, signature);
}

HttpResponse InferResponse(KServeInferResponseBody reply, int64_t version) {
  HttpResponse ok = JsonResponse(200, std::move(reply.body));
  if (reply.json_size.has_value()) {
    ok.content_type = "application/octet-stream";
    ok.extra_headers.emplace_back(kInferenceHeaderContentLength, StrCat(*reply.json_size));
  }
  ok.extra_headers.emplace_back(kModelVersionHeader, StrCat(version));
  return ok;
}

void Infer(const InferenceService& service, ModelSpec model, HttpRequest& http,
           absl::Duration default_timeout, HttpResponder& respond) {
  if (absl::Status plain = CheckNotCompressed(http); !plain.ok()) {
    return respond(KServeErrorResponse(415, plain));
  }
  absl::StatusOr<absl::Time> deadline = RequestDeadline(http, default_timeout);
  if (!deadline.ok()) return respond(KServeErrorResponse(deadline.status()));
  auto servable = service.Resolve(model);
  if (!servable.ok()) return respond(KServeErrorResponse(servable.status()));
  const absl::Time decode_start = absl::Now();
  absl::StatusOr<KServeInferRequest> parsed = DecodeInferBody(http, (*servable)->signature());
  if (!parsed.ok()) {
    service.RecordRefused(**servable, parsed.status().code(), absl::Now() - decode_start);
    return respond(KServeErrorResponse(parsed.status()));
  }
  InferenceRequest request{std::move(model), std::move(parsed->inputs),
                           parsed->response.OutputNames(), *deadline, std::move(http.cancellation)};
  service.Infer(*std::move(servable), std::move(request),
                [respond = std::move(respond), options = std::move(parsed->response)](
                    absl::StatusOr<InferenceResponse> response) {
                  if (!response.ok()) return respond(KServeErrorResponse(response.status()));
                  auto reply = WriteKServeInferResponse(
                      response->model_name, response->model_version, response->outputs, options);
                  if (!reply.ok()) return respond(KServeErrorResponse(reply.status()));
                  respond(InferResponse(*std::move(reply), response->model_version));
                });
}

}  // namespace

void KServeRouter::Handle(HttpRequest request, HttpResponder respond) const {
  std::optional<KServeUrl> url = ParseKServeUrl(request.target);
  if (!url.has_value()) {
    return respond(KServeErrorResponse(404, absl::NotFoundError("Not Found")));
  }
  const std::string_view method = KServeEndpointMethod(url->endpoint);
  if (request.method != method) {
    HttpResponse refused =
        KServeErrorResponse(405, absl::InvalidArgumentError("Method Not Allowed"));
    refused.extra_headers.emplace_back("Allow", std::string(method));
    return respond(std::move(refused));
  }
  switch (url->endpoint) {
    case KServeEndpoint::kServerMetadata:
      return respond(
          JsonResponse(200, WriteKServeServerMetadata(kServerName, kServalVersion, kExtensions)));
    case KServeEndpoint::kServerLive:
    case KServeEndpoint::kServerReady:
      return respond(Health(service_, url->endpoint));
    case KServeEndpoint::kModelMetadata:
      return respond(ModelMetadata(service_, url->model));
    case KServeEndpoint::kModelReady:
      return respond(ModelReady(service_, url->model));
    case KServeEndpoint::kInfer:
      return Infer(service_, std::move(url->model), request, default_request_timeout_, respond);
  }
}

}  // namespace serval
