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
// Thread safety: the handlers may run on any gRPC thread.

#include "absl/time/time.h"
#include "protocol/tensor_proto.h"
#include "serving/inference_service.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace serval {

struct PredictionServiceOptions {
  // For calls without a gRPC deadline.
  absl::Duration default_request_timeout = absl::InfiniteDuration();
  TensorProtoEncoding output_encoding = TensorProtoEncoding::kTyped;
};

class PredictionServiceImpl : public tensorflow::serving::PredictionService::CallbackService {
 public:
  // `service` must outlive this object.
  PredictionServiceImpl(const InferenceService& service, const PredictionServiceOptions& options)
      : service_(service), options_(options) {}

  grpc::ServerUnaryReactor* Predict(grpc::CallbackServerContext* context,
                                    const tensorflow::serving::PredictRequest* request,
                                    tensorflow::serving::PredictResponse* response) override;
  grpc::ServerUnaryReactor* GetModelMetadata(
      grpc::CallbackServerContext* context,
      const tensorflow::serving::GetModelMetadataRequest* request,
      tensorflow::serving::GetModelMetadataResponse* response) override;
  grpc::ServerUnaryReactor* Classify(grpc::CallbackServerContext* context,
                                     const tensorflow::serving::ClassificationRequest* request,
                                     tensorflow::serving::ClassificationResponse* response) override;
  grpc::ServerUnaryReactor* Regress(grpc::CallbackServerContext* context,
                                    const tensorflow::serving::RegressionRequest* request,
                                    tensorflow::serving::RegressionResponse* response) override;
  grpc::ServerUnaryReactor* MultiInference(
      grpc::CallbackServerContext* context,
      const tensorflow::serving::MultiInferenceRequest* request,
      tensorflow::serving::MultiInferenceResponse* response) override;

 private:
  const InferenceService& service_;
  const PredictionServiceOptions options_;
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_PREDICTION_SERVICE_H_
