#ifndef SERVAL_SERVER_GRPC_PREDICTION_SERVICE_H_
#define SERVAL_SERVER_GRPC_PREDICTION_SERVICE_H_

// TF Serving's tensorflow.serving.PredictionService over the InferenceService (protocols.md
// 2.1-2.6): Predict and GetModelMetadata; Classify, Regress and MultiInference answer
// UNIMPLEMENTED, since a TorchScript model has only a predict signature.
//
// Predict decodes the TensorProto inputs (both encodings) against the resolved servable, queues
// the request and returns; the inference callback writes the response (typed fields unless
// configured for tensor_content) and finishes the call from the executor's thread. The call's
// deadline is the request's deadline; a cancelled call drops the request if it has not run yet.
//
// Thread safety: the handlers may run on any of the server's call queue threads.

#include "absl/time/time.h"
#include "protocol/tensor_proto.h"
#include "server/grpc/grpc_service.h"
#include "serving/inference_service.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace serval {

struct PredictionServiceOptions {
  // For calls without a gRPC deadline.
  absl::Duration default_request_timeout = absl::InfiniteDuration();
  TensorProtoEncoding output_encoding = TensorProtoEncoding::kTyped;
};

class PredictionServiceImpl : public GrpcService {
 public:
  // `service` must outlive this object.
  PredictionServiceImpl(const InferenceService& service, const PredictionServiceOptions& options)
      : service_(service), options_(options) {}

  grpc::Service& async_service() override { return async_; }
  void Listen(CallQueue& queue) override;

 private:
  using Async = tensorflow::serving::PredictionService::AsyncService;

  void Predict(
      UnaryCall<tensorflow::serving::PredictRequest, tensorflow::serving::PredictResponse>& call);
  void GetModelMetadata(UnaryCall<tensorflow::serving::GetModelMetadataRequest,
                                  tensorflow::serving::GetModelMetadataResponse>& call);

  const InferenceService& service_;
  const PredictionServiceOptions options_;
  Async async_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_PREDICTION_SERVICE_H_
