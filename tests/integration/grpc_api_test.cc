// The gRPC API over a real gRPC server on 127.0.0.1 with real TorchScript models, called with
// clients generated from the project's own .proto files: TF Serving's PredictionService and
// ModelService, KServe v2's GRPCInferenceService and grpc.health.v1.Health, in both tensor
// encodings, with their errors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "integration/test_server.h"
#include "tensorflow_serving/apis/model_service.grpc.pb.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"
#include "testing/http_client.h"
#include "testing/prometheus_sample.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

namespace tfs = tensorflow::serving;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<grpc::Channel> Connect(int port) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(-1);
  arguments.SetMaxSendMessageSize(-1);
  return grpc::CreateCustomChannel(StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), arguments);
}

// A client context with a generous deadline, so that a broken server fails the test.
std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(30)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

std::string RawFloats(std::initializer_list<float> values) {
  std::string bytes;
  for (float value : values) bytes.append(reinterpret_cast<const char*>(&value), sizeof(value));
  return bytes;
}

tfs::PredictRequest HalfPlusTwo(std::initializer_list<float> values, bool content = false) {
  tfs::PredictRequest request;
  request.mutable_model_spec()->set_name("half_plus_two");
  tensorflow::TensorProto& x = (*request.mutable_inputs())["x"];
  x.set_dtype(tensorflow::DT_FLOAT);
  x.mutable_tensor_shape()->add_dim()->set_size(static_cast<int64_t>(values.size()));
  x.mutable_tensor_shape()->add_dim()->set_size(1);
  if (content) {
    x.set_tensor_content(RawFloats(values));
  } else {
    for (float value : values) x.add_float_val(value);
  }
  return request;
}

// The test model "slow" spins for `rounds` rounds (about 10 ms each).
tfs::PredictRequest SlowRequest(float rounds) {
  tfs::PredictRequest request;
  request.mutable_model_spec()->set_name("slow");
  tensorflow::TensorProto& x = (*request.mutable_inputs())["x"];
  x.set_dtype(tensorflow::DT_FLOAT);
  x.mutable_tensor_shape()->add_dim()->set_size(1);
  x.mutable_tensor_shape()->add_dim()->set_size(1);
  x.add_float_val(rounds);
  return request;
}

class GrpcApiTest : public ::testing::Test {
 protected:
  void Start(TestServerOptions options = {}) {
    CopyExampleModel("half_plus_two", repository_);
    CopyTestModel("add_sub", repository_, "add_sub");
    options.grpc = true;
    server_ = std::make_unique<TestServer>(repository_.path(), options);
    channel_ = Connect(server_->grpc_port());
    predict_ = tfs::PredictionService::NewStub(channel_);
    models_ = tfs::ModelService::NewStub(channel_);
    kserve_ = inference::GRPCInferenceService::NewStub(channel_);
  }

  grpc::Status Predict(const tfs::PredictRequest& request, tfs::PredictResponse& response) {
    return predict_->Predict(Context().get(), request, &response);
  }

  TempDir repository_;
  std::unique_ptr<TestServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<tfs::PredictionService::Stub> predict_;
  std::unique_ptr<tfs::ModelService::Stub> models_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> kserve_;
};

// A slow Predict on its own thread that holds the model's one instance: Started() waits until it
// runs (its queue time is recorded), Join() for its status.
class BusyCall {
 public:
  BusyCall(tfs::PredictionService::Stub& stub, int rest_port, float rounds)
      : http_(rest_port), thread_([this, &stub, rounds] {
          tfs::PredictResponse response;
          status_ = stub.Predict(Context().get(), SlowRequest(rounds), &response);
        }) {}
  ~BusyCall() {
    if (thread_.joinable()) thread_.join();
  }

  bool Started() {
    return WaitForPrometheusSample(
        http_, R"(serval_queue_duration_seconds_count{model="slow",version="1"})", 1);
  }
  grpc::Status Join() {
    thread_.join();
    return status_;
  }

 private:
  HttpClient http_;
  grpc::Status status_;
  std::thread thread_;  // last: starts once the rest is built
};

TEST_F(GrpcApiTest, PredictWithTypedValuesAnswersTypedValues) {
  Start();
  tfs::PredictResponse response;
  grpc::Status status = Predict(HalfPlusTwo({1, 2, 5}), response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.model_spec().name(), "half_plus_two");
  EXPECT_EQ(response.model_spec().version().value(), 1);
  EXPECT_EQ(response.model_spec().signature_name(), "serving_default");
  const tensorflow::TensorProto& y = response.outputs().at("y");
  EXPECT_EQ(y.dtype(), tensorflow::DT_FLOAT);
  EXPECT_THAT(y.float_val(), ElementsAre(2.5f, 3.0f, 4.5f));
  ASSERT_EQ(y.tensor_shape().dim_size(), 2);
  EXPECT_EQ(y.tensor_shape().dim(0).size(), 3);
}

TEST_F(GrpcApiTest, PredictWithTensorContentWorksAndCanAnswerInIt) {
  TestServerOptions options;
  options.grpc_tensor_content = true;
  Start(options);
  tfs::PredictResponse response;
  grpc::Status status = Predict(HalfPlusTwo({1, 2, 5}, /*content=*/true), response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.outputs().at("y").tensor_content(), RawFloats({2.5f, 3.0f, 4.5f}));
}

TEST_F(GrpcApiTest, PredictHonoursVersionSignatureAndOutputFilter) {
  Start();
  tfs::PredictRequest request;
  request.mutable_model_spec()->set_name("add_sub");
  request.mutable_model_spec()->mutable_version()->set_value(1);
  request.mutable_model_spec()->set_signature_name("serving_default");
  for (const char* name : {"a", "b"}) {
    tensorflow::TensorProto& input = (*request.mutable_inputs())[name];
    input.set_dtype(tensorflow::DT_FLOAT);
    input.mutable_tensor_shape()->add_dim()->set_size(2);
    input.add_float_val(name[0] == 'a' ? 10.0f : 1.0f);  // repeated to fill the shape
  }
  request.add_output_filter("output_1");
  tfs::PredictResponse response;
  grpc::Status status = Predict(request, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_THAT(response.outputs().at("output_1").float_val(), ElementsAre(9.0f, 9.0f));
}

TEST_F(GrpcApiTest, BadPredictsGetTheRightCodeAndAClearMessage) {
  Start();
  tfs::PredictResponse response;
  tfs::PredictRequest unknown = HalfPlusTwo({1});
  unknown.mutable_model_spec()->set_name("nope");
  grpc::Status status = Predict(unknown, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("nope"));

  tfs::PredictRequest missing_version = HalfPlusTwo({1});
  missing_version.mutable_model_spec()->mutable_version()->set_value(7);
  EXPECT_EQ(Predict(missing_version, response).error_code(), grpc::StatusCode::NOT_FOUND);

  tfs::PredictRequest wrong_dtype = HalfPlusTwo({1});
  (*wrong_dtype.mutable_inputs())["x"].set_dtype(tensorflow::DT_INT64);
  status = Predict(wrong_dtype, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("'x'"));

  tfs::PredictRequest missing_input = HalfPlusTwo({1});
  missing_input.mutable_inputs()->clear();
  status = Predict(missing_input, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("missing input 'x'"));

  tfs::PredictRequest short_content = HalfPlusTwo({1, 2}, /*content=*/true);
  (*short_content.mutable_inputs())["x"].mutable_tensor_content()->resize(5);
  status = Predict(short_content, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("tensor_content has 5 bytes"));

  tfs::PredictRequest bad_signature = HalfPlusTwo({1});
  bad_signature.mutable_model_spec()->set_signature_name("classify");
  EXPECT_EQ(Predict(bad_signature, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // The server goes on serving.
  ASSERT_TRUE(Predict(HalfPlusTwo({4}), response).ok());
  EXPECT_THAT(response.outputs().at("y").float_val(), ElementsAre(4.0f));
}

TEST_F(GrpcApiTest, AMalformedMessageIsRefusedAndTheServerGoesOn) {
  Start();
  grpc::GenericStub generic(channel_);
  const std::string garbage = "\x0a\xff\xff\xff\xff\x0f not a protobuf";
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer reply;
  std::unique_ptr<grpc::ClientContext> context = Context();
  grpc::Status status;
  absl::Notification done;
  generic.UnaryCall(context.get(), "/tensorflow.serving.PredictionService/Predict",
                    grpc::StubOptions(), &request, &reply, [&](grpc::Status s) {
                      status = std::move(s);
                      done.Notify();
                    });
  done.WaitForNotification();
  EXPECT_FALSE(status.ok());
  tfs::PredictResponse response;
  EXPECT_TRUE(Predict(HalfPlusTwo({1}), response).ok());
}

TEST_F(GrpcApiTest, AMessageOverTheLimitGetsResourceExhausted) {
  TestServerOptions options;
  options.grpc_max_message_bytes = 1024;
  Start(options);
  tfs::PredictResponse response;
  std::vector<float> values(1000, 1.0f);
  tfs::PredictRequest big = HalfPlusTwo({});
  tensorflow::TensorProto& x = (*big.mutable_inputs())["x"];
  x.mutable_tensor_shape()->mutable_dim(0)->set_size(1000);
  for (float value : values) x.add_float_val(value);
  grpc::Status status = Predict(big, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("1024"));
  EXPECT_TRUE(Predict(HalfPlusTwo({1}), response).ok());
}

TEST_F(GrpcApiTest, AGrpcDeadlineThatPassesInTheQueueMeansTheRequestNeverRuns) {
  CopyTestModel("slow", repository_, "slow");
  Start();
  BusyCall busy(*predict_, server_->port(), 400);
  ASSERT_TRUE(busy.Started());
  tfs::PredictResponse response;
  grpc::Status late = predict_->Predict(Context(absl::Milliseconds(50)).get(),
                                        SlowRequest(1), &response);
  grpc::Status busy_status = busy.Join();
  EXPECT_EQ(late.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(busy_status.ok()) << busy_status.error_message();
}

TEST_F(GrpcApiTest, AClientThatCancelsLeavesNoWorkBehind) {
  CopyTestModel("slow", repository_, "slow");
  Start();
  BusyCall busy(*predict_, server_->port(), 600);
  ASSERT_TRUE(busy.Started());
  HttpClient http(server_->port());
  // Tens of seconds of work, were it ever run.
  grpc::ClientContext leaving;
  tfs::PredictRequest request = SlowRequest(5000);
  tfs::PredictResponse response;
  absl::Notification answered;
  grpc::Status leaving_status;
  predict_->async()->Predict(&leaving, &request, &response, [&](grpc::Status status) {
    leaving_status = std::move(status);
    answered.Notify();
  });
  const std::string depth = R"(serval_queue_depth{model="slow",version="1"})";
  ASSERT_TRUE(WaitForPrometheusSample(http, depth, 1));
  leaving.TryCancel();
  answered.WaitForNotification();
  EXPECT_EQ(leaving_status.error_code(), grpc::StatusCode::CANCELLED);
  grpc::Status busy_status = busy.Join();
  EXPECT_TRUE(busy_status.ok()) << busy_status.error_message();
  EXPECT_TRUE(WaitForPrometheusSample(
      http, R"(serval_requests_total{model="slow",version="1",code="cancelled"})", 1));
  EXPECT_EQ(PrometheusSample(http, depth), 0);
  // Only the busy request ran.
  EXPECT_EQ(PrometheusSample(http, R"(serval_batch_size_count{model="slow",version="1"})"), 1);
}

TEST_F(GrpcApiTest, ManyClientsAtOnceEachGetTheirOwnAnswer) {
  TestServerOptions options;
  options.grpc_threads = 3;
  Start(options);
  std::vector<std::thread> clients;
  std::atomic<int> wrong{0};
  for (int client = 0; client < 8; ++client) {
    clients.emplace_back([&, client] {
      // Each client its own connection, so that calls spread over the server's queues.
      auto stub = tfs::PredictionService::NewStub(Connect(server_->grpc_port()));
      for (int i = 0; i < 50; ++i) {
        const float x = static_cast<float>(client * 100 + i);
        tfs::PredictResponse response;
        grpc::Status status = stub->Predict(Context().get(), HalfPlusTwo({x}), &response);
        if (!status.ok() || response.outputs().at("y").float_val(0) != 0.5f * x + 2) ++wrong;
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(GrpcApiTest, StoppingLetsTheCallsInFlightFinishWithinTheGracePeriod) {
  CopyTestModel("slow", repository_, "slow");
  for (bool grace : {true, false}) {
    Start();
    BusyCall busy(*predict_, server_->port(), 200);
    ASSERT_TRUE(busy.Started());
    // Without a grace period the call is cancelled; either way the server stops cleanly.
    server_->StopGrpc(absl::Now() + (grace ? absl::Seconds(60) : absl::ZeroDuration()));
    grpc::Status busy_status = busy.Join();
    if (grace) {
      EXPECT_TRUE(busy_status.ok()) << busy_status.error_message();
    } else {
      EXPECT_EQ(busy_status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << busy_status.error_message();
    }
  }
}

TEST_F(GrpcApiTest, GetModelMetadataPacksTheSignatureDefMap) {
  Start();
  tfs::GetModelMetadataRequest request;
  request.mutable_model_spec()->set_name("half_plus_two");
  request.add_metadata_field("signature_def");
  tfs::GetModelMetadataResponse response;
  grpc::Status status = predict_->GetModelMetadata(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.model_spec().version().value(), 1);
  const google::protobuf::Any& any = response.metadata().at("signature_def");
  EXPECT_EQ(any.type_url(), "type.googleapis.com/tensorflow.serving.SignatureDefMap");
  tfs::SignatureDefMap signatures;
  ASSERT_TRUE(any.UnpackTo(&signatures));
  const tensorflow::SignatureDef& def = signatures.signature_def().at("serving_default");
  EXPECT_EQ(def.inputs().at("x").dtype(), tensorflow::DT_FLOAT);
  EXPECT_EQ(def.outputs().at("y").tensor_shape().dim(1).size(), -1);

  request.clear_metadata_field();
  EXPECT_EQ(predict_->GetModelMetadata(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.add_metadata_field("graph");
  EXPECT_EQ(predict_->GetModelMetadata(Context().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GrpcApiTest, ClassifyRegressAndMultiInferenceAreUnimplemented) {
  Start();
  tfs::ClassificationRequest classify;
  classify.mutable_model_spec()->set_name("half_plus_two");
  tfs::ClassificationResponse classified;
  grpc::Status status = predict_->Classify(Context().get(), classify, &classified);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(status.error_message(), HasSubstr("Predict"));
  tfs::RegressionRequest regress;
  regress.mutable_model_spec()->set_name("half_plus_two");
  tfs::RegressionResponse regressed;
  EXPECT_EQ(predict_->Regress(Context().get(), regress, &regressed).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  tfs::MultiInferenceRequest multi;
  tfs::InferenceTask* task = multi.add_tasks();
  task->mutable_model_spec()->set_name("half_plus_two");
  task->set_method_name("tensorflow/serving/regress");
  tfs::MultiInferenceResponse multi_response;
  EXPECT_EQ(predict_->MultiInference(Context().get(), multi, &multi_response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(GrpcApiTest, GetModelStatusListsTheVersions) {
  Start();
  tfs::GetModelStatusRequest request;
  request.mutable_model_spec()->set_name("half_plus_two");
  tfs::GetModelStatusResponse response;
  grpc::Status status = models_->GetModelStatus(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.model_version_status_size(), 1);
  EXPECT_EQ(response.model_version_status(0).version(), 1);
  EXPECT_EQ(response.model_version_status(0).state(), tfs::ModelVersionStatus::AVAILABLE);
  EXPECT_EQ(response.model_version_status(0).status().error_code(), tensorflow::error::OK);

  tfs::GetModelStatusRequest no_spec;
  EXPECT_EQ(models_->GetModelStatus(Context().get(), no_spec, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.mutable_model_spec()->set_name("nope");
  EXPECT_EQ(models_->GetModelStatus(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcApiTest, HandleReloadConfigRequestReplacesTheModels) {
  Start();
  tfs::ReloadConfigRequest request;
  tfs::ModelConfig* config = request.mutable_config()->mutable_model_config_list()->add_config();
  config->set_name("renamed");
  config->set_base_path(StrCat(repository_.path(), "/half_plus_two"));
  config->set_model_platform("torchscript");
  tfs::ReloadConfigResponse response;
  grpc::Status status = models_->HandleReloadConfigRequest(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status().error_code(), tensorflow::error::OK);
  tfs::PredictRequest predict = HalfPlusTwo({2});
  predict.mutable_model_spec()->set_name("renamed");
  tfs::PredictResponse predicted;
  EXPECT_TRUE(Predict(predict, predicted).ok());
  // half_plus_two is not in the new config any more.
  EXPECT_EQ(Predict(HalfPlusTwo({2}), predicted).error_code(), grpc::StatusCode::NOT_FOUND);

  tfs::ReloadConfigRequest custom;
  custom.mutable_config()->mutable_custom_model_config();
  status = models_->HandleReloadConfigRequest(Context().get(), custom, &response);
  // A failed reload is a failed RPC (gRPC then sends no response body).
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("model_config_list"));
}

TEST_F(GrpcApiTest, KServeHealthAndMetadata) {
  Start();
  inference::ServerLiveResponse live;
  ASSERT_TRUE(kserve_->ServerLive(Context().get(), {}, &live).ok());
  EXPECT_TRUE(live.live());
  inference::ServerReadyResponse ready;
  ASSERT_TRUE(kserve_->ServerReady(Context().get(), {}, &ready).ok());
  EXPECT_TRUE(ready.ready());

  inference::ModelReadyRequest model_ready;
  model_ready.set_name("half_plus_two");
  inference::ModelReadyResponse is_ready;
  ASSERT_TRUE(kserve_->ModelReady(Context().get(), model_ready, &is_ready).ok());
  EXPECT_TRUE(is_ready.ready());
  model_ready.set_version("9");
  ASSERT_TRUE(kserve_->ModelReady(Context().get(), model_ready, &is_ready).ok());
  EXPECT_FALSE(is_ready.ready());

  inference::ServerMetadataResponse server;
  ASSERT_TRUE(kserve_->ServerMetadata(Context().get(), {}, &server).ok());
  EXPECT_EQ(server.name(), "serval");
  EXPECT_FALSE(server.version().empty());

  inference::ModelMetadataRequest metadata_request;
  metadata_request.set_name("half_plus_two");
  inference::ModelMetadataResponse metadata;
  ASSERT_TRUE(kserve_->ModelMetadata(Context().get(), metadata_request, &metadata).ok());
  EXPECT_THAT(metadata.versions(), ElementsAre("1"));
  EXPECT_EQ(metadata.platform(), "pytorch_torchscript");
  ASSERT_EQ(metadata.inputs_size(), 1);
  EXPECT_EQ(metadata.inputs(0).name(), "x");
  EXPECT_EQ(metadata.inputs(0).datatype(), "FP32");
  EXPECT_THAT(metadata.inputs(0).shape(), ElementsAre(-1, -1));
  metadata_request.set_name("nope");
  EXPECT_EQ(kserve_->ModelMetadata(Context().get(), metadata_request, &metadata).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcApiTest, KServeModelInferWithRawAndTypedInputs) {
  Start();
  inference::ModelInferRequest request;
  request.set_model_name("half_plus_two");
  request.set_model_version("1");
  request.set_id("42");
  auto* x = request.add_inputs();
  x->set_name("x");
  x->set_datatype("FP32");
  x->add_shape(3);
  x->add_shape(1);
  request.add_outputs()->set_name("y");
  request.add_raw_input_contents(RawFloats({1, 2, 5}));
  inference::ModelInferResponse response;
  grpc::Status status = kserve_->ModelInfer(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.model_name(), "half_plus_two");
  EXPECT_EQ(response.model_version(), "1");
  EXPECT_EQ(response.id(), "42");
  ASSERT_EQ(response.outputs_size(), 1);
  EXPECT_EQ(response.outputs(0).name(), "y");
  EXPECT_EQ(response.outputs(0).datatype(), "FP32");
  EXPECT_THAT(response.outputs(0).shape(), ElementsAre(3, 1));
  EXPECT_EQ(response.raw_output_contents(0), RawFloats({2.5f, 3.0f, 4.5f}));

  request.clear_raw_input_contents();
  for (float value : {1.0f, 2.0f, 5.0f}) {
    request.mutable_inputs(0)->mutable_contents()->add_fp32_contents(value);
  }
  status = kserve_->ModelInfer(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.raw_output_contents(0), RawFloats({2.5f, 3.0f, 4.5f}));
}

TEST_F(GrpcApiTest, BadKServeInfersGetTheRightCodeAndAClearMessage) {
  Start();
  inference::ModelInferRequest request;
  request.set_model_name("half_plus_two");
  auto* x = request.add_inputs();
  x->set_name("x");
  x->set_datatype("INT64");
  x->add_shape(1);
  x->add_shape(1);
  x->mutable_contents()->add_int64_contents(1);
  inference::ModelInferResponse response;
  grpc::Status status = kserve_->ModelInfer(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("'x'"));

  request.set_model_version("latest");
  status = kserve_->ModelInfer(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  request.set_model_version("");
  request.set_model_name("nope");
  EXPECT_EQ(kserve_->ModelInfer(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcApiTest, HealthChecksTheServerAndItsServices) {
  Start();
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Context().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  request.set_service("inference.GRPCInferenceService");
  ASSERT_TRUE(health->Check(Context().get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  request.set_service("no.such.Service");
  EXPECT_EQ(health->Check(Context().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
  request.clear_service();
  std::unique_ptr<grpc::ClientContext> watch_context = Context();
  auto watch = health->Watch(watch_context.get(), request);
  EXPECT_FALSE(watch->Read(&response));
  grpc::Status watched = watch->Finish();
  EXPECT_EQ(watched.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(watched.error_message(), HasSubstr("use Check"));
}

TEST_F(GrpcApiTest, KServeRepositoryIndexLoadAndUnload) {
  TestServerOptions options;
  options.management_token = "secret";
  Start(options);
  inference::RepositoryIndexRequest index_request;
  inference::RepositoryIndexResponse index;
  ASSERT_TRUE(kserve_->RepositoryIndex(Context().get(), index_request, &index).ok());
  ASSERT_EQ(index.models_size(), 2);
  EXPECT_EQ(index.models(0).state(), "READY");
  EXPECT_EQ(index.models(0).version(), "1");

  inference::RepositoryModelUnloadRequest unload;
  unload.set_model_name("half_plus_two");
  inference::RepositoryModelUnloadResponse unloaded;
  // Without the token: refused.
  EXPECT_EQ(kserve_->RepositoryModelUnload(Context().get(), unload, &unloaded).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto authorized = [] {
    std::unique_ptr<grpc::ClientContext> context = Context();
    context->AddMetadata("authorization", "Bearer secret");
    return context;
  };
  grpc::Status status = kserve_->RepositoryModelUnload(authorized().get(), unload, &unloaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  tfs::PredictResponse response;
  EXPECT_EQ(Predict(HalfPlusTwo({1}), response).error_code(), grpc::StatusCode::NOT_FOUND);

  inference::RepositoryModelLoadRequest load;
  load.set_model_name("half_plus_two");
  inference::RepositoryModelLoadResponse loaded;
  status = kserve_->RepositoryModelLoad(authorized().get(), load, &loaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(Predict(HalfPlusTwo({1}), response).ok());
  load.set_model_name("nope");
  EXPECT_EQ(kserve_->RepositoryModelLoad(authorized().get(), load, &loaded).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcApiTest, KServeLoadAndUnloadAreRefusedWithoutAManagementToken) {
  Start();
  inference::RepositoryModelUnloadRequest unload;
  unload.set_model_name("half_plus_two");
  inference::RepositoryModelUnloadResponse unloaded;
  grpc::Status status = kserve_->RepositoryModelUnload(Context().get(), unload, &unloaded);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("management token"));
}

}  // namespace
}  // namespace serval
