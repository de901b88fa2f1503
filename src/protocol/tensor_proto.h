#ifndef SERVAL_PROTOCOL_TENSOR_PROTO_H_
#define SERVAL_PROTOCOL_TENSOR_PROTO_H_

// TensorFlow's TensorProto (protocols.md 2.4) to and from Serval's Tensor, for TF Serving's gRPC
// API, and the SignatureDef its GetModelMetadata answers with.
//
// Reading takes both encodings: `tensor_content` (raw little-endian bytes; wins when non-empty),
// and the dtype's typed field (`float_val`, `int_val`, ...), where fewer values than elements
// repeat the last one and none at all means zeros, as TensorFlow decodes them. Writing uses the
// typed fields unless asked for `tensor_content`, since clients written against TF Serving read
// `float_val` and the like directly.
//
// Thread safety: stateless functions.
//
//   ASSIGN_OR_RETURN(Tensor x, TensorFromProto("x", *request.mutable_inputs()->at("x")));
//   RETURN_IF_ERROR(TensorToProto(y, TensorProtoEncoding::kTyped, (*response.mutable_outputs())["y"]));

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/data_type.h"
#include "core/signature.h"
#include "core/tensor.h"
#include "tensorflow/core/framework/tensor.pb.h"
#include "tensorflow/core/protobuf/meta_graph.pb.h"

namespace serval {

enum class TensorProtoEncoding {
  kTyped,    // float_val, int64_val, ... (TF Serving's default)
  kContent,  // tensor_content bytes (TF Serving's --enable_serialization_as_tensor_content)
};

// TensorFlow's enum for `dtype`.
tensorflow::DataType DataTypeToProto(DataType dtype);
// Serval's dtype for TensorFlow's enum; nullopt for those Serval has no tensors for.
std::optional<DataType> DataTypeFromProto(tensorflow::DataType dtype);

// The tensor `proto` holds; `name` only labels errors. A large `tensor_content` is moved out of
// `proto` into the tensor's buffer rather than copied, so `proto` may be left changed.
//
// Errors (INVALID_ARGUMENT, naming `name`): a dtype Serval has no tensors for, an unknown rank, a
// negative dimension, a `tensor_content` whose size is not the element count times the element
// size, a value out of range for an 8- or 16-bit type.
absl::StatusOr<Tensor> TensorFromProto(std::string_view name, tensorflow::TensorProto& proto);

// Writes `tensor` into `proto` (replacing what it held).
void TensorToProto(const Tensor& tensor, TensorProtoEncoding encoding,
                   tensorflow::TensorProto& proto);

// `signature` as a predict SignatureDef: inputs and outputs by name, with TensorFlow dtypes and
// shapes (-1 for any size, unknown_rank when the rank is unknown).
tensorflow::SignatureDef SignatureDefFromSignature(const Signature& signature);

}  // namespace serval

#endif  // SERVAL_PROTOCOL_TENSOR_PROTO_H_
