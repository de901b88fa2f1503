#ifndef SERVAL_PROTOCOL_KSERVE_JSON_H_
#define SERVAL_PROTOCOL_KSERVE_JSON_H_

// The KServe v2 (Open Inference Protocol) REST JSON codec, with Triton's binary tensor data
// extension (protocols.md 3.3-3.7): infer request bodies in; infer responses, server and model
// metadata, model readiness and errors out.
//
// An infer body is a JSON object, optionally followed by raw tensor bytes (raw_tensor.h): the
// JSON's length then comes from the Inference-Header-Content-Length header, each binary input
// says its byte count in parameters.binary_data_size, and the blobs follow in input order.
//
// Decoding goes straight into tensor buffers: JSON "data" is converted into a buffer of the
// input's dtype, and binary data is not copied at all: the tensor aliases the request body,
// which it keeps alive (see ParseKServeInferRequest). Everything the request alone decides is
// checked here, against the model's signature: input and output names, datatypes (exactly, in
// upper case), element counts against shapes, byte counts. Whether a shape fits the signature's
// dimensions is left to the inference service, as for TF Serving's JSON.
//
// Thread safety: all functions are thread-safe. Parsing reuses one simdjson parser per thread.
//
//   auto body = std::make_shared<std::string>(std::move(http_body));
//   ASSIGN_OR_RETURN(size_t json_size, ParseKServeJsonSize(header_value, body->size()));
//   ASSIGN_OR_RETURN(KServeInferRequest request,
//                    ParseKServeInferRequest(body, json_size, servable.signature()));
//   ... run inference on request.inputs, keeping request.response.OutputNames() ...
//   ASSIGN_OR_RETURN(KServeInferResponseBody reply,
//                    WriteKServeInferResponse(name, version, outputs, request.response));

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/inference.h"
#include "core/signature.h"

namespace serval {

// The extension name a server that decodes and writes binary tensor data advertises.
inline constexpr char kKServeBinaryDataExtension[] = "binary_tensor_data";

// One entry of the request's "outputs".
struct KServeRequestedOutput {
  std::string name;
  std::optional<bool> binary_data;  // its parameters.binary_data, when given
};

// What the client asked the response to hold, kept apart from the inputs so that the response can
// be written after the inputs (and the request body they alias) are gone.
struct KServeResponseOptions {
  std::optional<std::string> id;  // echoed back when the request had one
  // The outputs to return, in this order; empty: every output, in the model's order.
  std::vector<KServeRequestedOutput> outputs;
  // The request-level parameters.binary_data_output: outputs that do not say otherwise are sent
  // in binary.
  bool binary_data_output = false;

  // Whether output `name` is written in binary.
  bool IsBinary(std::string_view name) const;
  // The names in `outputs`, for InferenceRequest::output_filter.
  std::vector<std::string> OutputNames() const;
};

struct KServeInferRequest {
  NamedTensors inputs;  // one per signature input, in signature order
  KServeResponseOptions response;
};

// A response body: the JSON, followed by the binary outputs' bytes when there are any.
struct KServeInferResponseBody {
  std::string body;
  // The length of the JSON at the start of `body` (the Inference-Header-Content-Length) when
  // binary data follows it; nullopt when `body` is all JSON.
  std::optional<size_t> json_size;
};

// The JSON length an Inference-Header-Content-Length header value gives for a body of
// `body_size` bytes. INVALID_ARGUMENT unless it is a 32-bit decimal integer in [0, body_size].
absl::StatusOr<size_t> ParseKServeJsonSize(std::string_view header_value, size_t body_size);

// Parses an infer request whose first `json_size` bytes of `*body` are the JSON and whose rest is
// the binary input data. `body` may be grown (its capacity, never its content) for simdjson's
// padding, and its binary section may be moved a few bytes towards the front, into the already
// parsed JSON, so that it starts aligned; the binary inputs then alias `*body` and keep it alive.
//
// Errors: INVALID_ARGUMENT naming the input or output at fault for malformed JSON, a missing or
// mistyped field, an unknown, repeated or missing input, an unknown or repeated output, a
// datatype that is not the signature's (or not upper case), an element count or byte count that
// does not match the shape, binary_data_size values that do not add up to the bytes after the
// JSON, and FP16/BF16 in JSON (binary only); UNIMPLEMENTED for the classification extension.
absl::StatusOr<KServeInferRequest> ParseKServeInferRequest(std::shared_ptr<std::string> body,
                                                           size_t json_size,
                                                           const Signature& signature);

// Parses a raw binary request (Inference-Header-Content-Length: 0): the whole body is the bytes
// of the only input of `signature`, whose shape is deduced from the byte count: a signature shape
// with one free dimension gets it from the count (with two or more, a free dimension 0 is taken
// as batch 1 first); an undeclared shape becomes [count]. Every output is returned in binary.
// INVALID_ARGUMENT for a model with several inputs, a BYTES input, or bytes that fit no shape.
absl::StatusOr<KServeInferRequest> ParseKServeRawInferRequest(std::shared_ptr<std::string> body,
                                                              const Signature& signature);

// Writes an infer response: "model_name", "model_version" (as a string), "id" when the request
// had one, and "outputs" in the order `options` asks for (else as given), each with its name,
// datatype, shape and either flat "data" or parameters.binary_data_size and its bytes after the
// JSON. INVALID_ARGUMENT for an FP16/BF16 output asked for in JSON, or an output `options` names
// that `outputs` lacks.
absl::StatusOr<KServeInferResponseBody> WriteKServeInferResponse(
    std::string_view model_name, int64_t model_version, const NamedTensors& outputs,
    const KServeResponseOptions& options);

// GET /v2: {"name": ..., "version": ..., "extensions": [...]}.
std::string WriteKServeServerMetadata(std::string_view name, std::string_view version,
                                      absl::Span<const std::string_view> extensions);

// GET /v2/models/{m}: name, versions (as strings), platform, and the signature's inputs and
// outputs with KServe datatypes and shapes (-1 for a free dimension; [-1] when even the rank is
// unknown).
std::string WriteKServeModelMetadata(std::string_view name, absl::Span<const int64_t> versions,
                                     std::string_view platform, const Signature& signature);

// GET /v2/models/{m}/ready: {"name": ..., "ready": ...}.
std::string WriteKServeModelReady(std::string_view name, bool ready);

// {"error": "<status message>"}.
std::string WriteKServeError(const absl::Status& status);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_KSERVE_JSON_H_
