#ifndef SERVAL_SERVER_GRPC_KSERVE_SERVICE_H_
#define SERVAL_SERVER_GRPC_KSERVE_SERVICE_H_

// KServe v2's inference.GRPCInferenceService over the InferenceService (protocols.md 3.8):
// ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelInfer, and
// Triton's repository extension (RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload).
//
// ModelInfer decodes raw or typed inputs against the resolved servable, queues the request and
// returns; the inference callback writes raw_output_contents (what tritonclient reads) and
// finishes the call from the executor's thread. The call's deadline is the request's deadline; a
// cancelled call drops the request if it has not run yet. Health RPCs answer OK with false rather
// than an error when the server or model is not ready.
//
// The repository RPCs act on the ServableManager, as the management API does. The gRPC port is
// usually public, so load and unload need the management token (gRPC metadata
// "authorization: Bearer <token>"); without a token configured they are refused
// (PERMISSION_DENIED) and only the index is served. They wait for the model to settle on this
// service's own thread, never on a gRPC thread.
//
// Thread safety: the handlers may run on any of the server's call queue threads.

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/thread_pool.h"
#include "grpc_service.grpc.pb.h"
#include "manager/servable_manager.h"
#include "server/grpc/grpc_service.h"
#include "serving/inference_service.h"

namespace serval {

struct KServeServiceOptions {
  // For calls without a gRPC deadline.
  absl::Duration default_request_timeout = absl::InfiniteDuration();
  // The models the repository RPCs act on; null: they answer UNIMPLEMENTED. Must outlive the
  // service.
  ServableManager* repository = nullptr;
  // What RepositoryModelLoad/Unload ask for; empty: they are refused.
  std::string repository_token;
  // How long a load or unload waits for the model to settle.
  absl::Duration settle_timeout = absl::Seconds(60);
};

class KServeServiceImpl : public GrpcService {
 public:
  // `service` must outlive this object.
  KServeServiceImpl(const InferenceService& service, const KServeServiceOptions& options);

  grpc::Service& async_service() override { return async_; }
  void Listen(CallQueue& queue) override;

 private:
  using Async = inference::GRPCInferenceService::AsyncService;

  grpc::Status ModelReady(const inference::ModelReadyRequest& request,
                          inference::ModelReadyResponse& response) const;
  grpc::Status ModelMetadata(const inference::ModelMetadataRequest& request,
                             inference::ModelMetadataResponse& response) const;
  void ModelInfer(UnaryCall<inference::ModelInferRequest, inference::ModelInferResponse>& call);
  grpc::Status RepositoryIndex(const inference::RepositoryIndexRequest& request,
                               inference::RepositoryIndexResponse& response) const;
  // Checks the caller's token, then runs `change` on the repository thread and finishes the call
  // with its status.
  template <class Call>
  void ChangeRepository(Call& call, std::function<absl::Status()> change);

  const InferenceService& service_;
  const KServeServiceOptions options_;
  Async async_;
  std::unique_ptr<ThreadPool> repository_pool_;  // with a repository; last: joined first
};

}  // namespace serval

#endif  // SERVAL_SERVER_GRPC_KSERVE_SERVICE_H_
