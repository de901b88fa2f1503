#ifndef SERVAL_SERVER_GRPC_MODEL_SERVICE_H_
#define SERVAL_SERVER_GRPC_MODEL_SERVICE_H_

// TF Serving's tensorflow.serving.ModelService (protocols.md 2.6, 2.8): GetModelStatus, and
// HandleReloadConfigRequest, which replaces the served models with the request's
// ModelServerConfig (models absent from it are unloaded) and answers once they have settled.
// A reload that fails is a failed RPC, and its status is also in the response body, as TF
// Serving reports it.
//
// A reload waits for loads, so it runs on this service's own thread, never on a gRPC thread.
//
// Thread safety: the handlers may run on any of the server's call queue threads.

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "common/thread_pool.h"
#include "server/grpc/grpc_service.h"
#include "serving/inference_service.h"
#include "tensorflow_serving/apis/model_service.grpc.pb.h"

namespace serval {

class ModelServiceImpl : public GrpcService {
 public:
  // Applies a config and waits until its models settle; empty: reloading is refused
  // (UNIMPLEMENTED).
  using ReloadConfig = std::function<absl::Status(const tensorflow::serving::ModelServerConfig&)>;

  // `service` must outlive this object.
  ModelServiceImpl(const InferenceService& service, ReloadConfig reload_config);
  ~ModelServiceImpl() override;  // waits for a reload in progress

  grpc::Service& async_service() override { return async_; }
  void Listen(CallQueue& queue) override;

 private:
  using Async = tensorflow::serving::ModelService::AsyncService;

  void HandleReloadConfigRequest(UnaryCall<tensorflow::serving::ReloadConfigRequest,
                                           tensorflow::serving::ReloadConfigResponse>& call);

  const InferenceService& service_;
  const ReloadConfig reload_config_;
  Async async_;
  std::unique_ptr<ThreadPool> reload_pool_;  // last: joined before the rest goes
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_MODEL_SERVICE_H_
