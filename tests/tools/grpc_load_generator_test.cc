// The gRPC mode end to end: the load generator against a grpc++ server in this process, on
// 127.0.0.1 port 0, for a few hundred milliseconds per level. No timing assertions: counts and
// error handling only.

#include "tools/grpc_load_generator.h"

#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "grpc_service.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"
#include "testing/temp_dir.h"
#include "tools/bench_run.h"
#include "tools/grpc_request.h"
#include "tools/input_spec.h"

namespace serval {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

enum class Answer { kEcho, kFailEveryThird, kNever };

// Predict and ModelInfer for model "m" with one input "x" of fp32 [1, 2]: answers with the
// inputs as outputs, or fails every third call with INVALID_ARGUMENT, or never answers (until
// Stop()). Counts the calls, and those whose request was not what the client should send.
class TestServer {
 public:
  explicit TestServer(Answer answer = Answer::kEcho)
      : answer_(answer), predict_(*this), infer_(*this) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&predict_);
    builder.RegisterService(&infer_);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_NE(port_, 0);
  }
  ~TestServer() { Stop(); }

  int port() const { return port_; }
  std::string address() const { return StrCat("127.0.0.1:", port_); }
  int64_t received() const { return received_.load(); }
  int64_t malformed() const { return malformed_.load(); }

  // Answers the calls held back (kNever) and stops the server.
  void Stop() {
    if (server_ == nullptr) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
      for (grpc::ServerUnaryReactor* reactor : held_) reactor->Finish(grpc::Status::CANCELLED);
      held_.clear();
    }
    server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
  }

 private:
  class PredictService final : public tensorflow::serving::PredictionService::CallbackService {
   public:
    explicit PredictService(TestServer& server) : server_(server) {}
    grpc::ServerUnaryReactor* Predict(grpc::CallbackServerContext* context,
                                      const tensorflow::serving::PredictRequest* request,
                                      tensorflow::serving::PredictResponse* response) override {
      const auto x = request->inputs().find("x");
      const bool good = request->model_spec().name() == "m" && request->inputs_size() == 1 &&
                        x != request->inputs().end() && x->second.dtype() == tensorflow::DT_FLOAT &&
                        x->second.tensor_shape().dim_size() == 2 &&
                        x->second.float_val_size() + x->second.tensor_content().size() / 4 == 2;
      *response->mutable_outputs() = request->inputs();
      return server_.Reply(context, good);
    }

   private:
    TestServer& server_;
  };

  class InferService final : public inference::GRPCInferenceService::CallbackService {
   public:
    explicit InferService(TestServer& server) : server_(server) {}
    grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context,
                                         const inference::ModelInferRequest* request,
                                         inference::ModelInferResponse* response) override {
      const bool good =
          request->model_name() == "m" && request->inputs_size() == 1 &&
          request->inputs(0).name() == "x" && request->inputs(0).datatype() == "FP32" &&
          request->raw_input_contents_size() == 1 && request->raw_input_contents(0).size() == 8;
      *response->mutable_raw_output_contents() = request->raw_input_contents();
      return server_.Reply(context, good);
    }

   private:
    TestServer& server_;
  };

  grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context, bool good) {
    if (!good) malformed_.fetch_add(1);
    const int64_t count = received_.fetch_add(1) + 1;
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (answer_ == Answer::kNever) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!stopped_) {
        held_.push_back(reactor);
        return reactor;
      }
    }
    if (answer_ == Answer::kFailEveryThird && count % 3 == 0) {
      reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "model exploded"));
    } else {
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }

  const Answer answer_;
  PredictService predict_;
  InferService infer_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::atomic<int64_t> received_{0};
  std::atomic<int64_t> malformed_{0};
  std::mutex mutex_;
  bool stopped_ = false;
  std::vector<grpc::ServerUnaryReactor*> held_;
};

GrpcLoadOptions ShortLoad(const std::string& address, GrpcProtocol protocol) {
  GrpcRequestOptions request;
  request.protocol = protocol;
  request.model = "m";
  std::mt19937_64 random(1);
  absl::StatusOr<std::vector<std::string>> requests =
      MakeRandomGrpcRequests(*ParseInputSpecs("x:fp32[1,2]"), request, 4, random);
  EXPECT_TRUE(requests.ok()) << requests.status();
  GrpcLoadOptions options;
  options.target = address;
  options.method = std::string(GrpcMethod(protocol));
  options.requests = *requests;
  options.warmup = absl::Milliseconds(100);
  options.duration = absl::Milliseconds(300);
  options.timeout = absl::Seconds(10);
  return options;
}

std::unique_ptr<GrpcLoadGenerator> Generator(const GrpcLoadOptions& options) {
  absl::StatusOr<std::unique_ptr<GrpcLoadGenerator>> generator = GrpcLoadGenerator::Create(options);
  EXPECT_TRUE(generator.ok()) << generator.status();
  return generator.ok() ? *std::move(generator) : nullptr;
}

void ExpectConsistent(const LevelResult& result) {
  EXPECT_GE(result.seconds, 0.3 - 1e-9);
  EXPECT_EQ(result.latency.count, result.requests - result.errors);
  EXPECT_LE(result.latency.min_ms, result.latency.p50_ms);
  EXPECT_LE(result.latency.p50_ms, result.latency.p99_ms);
  EXPECT_LE(result.latency.p99_ms, result.latency.max_ms);
}

TEST(GrpcLoadGeneratorTest, ClosedLoopCountsAnsweredCalls) {
  TestServer server;
  for (GrpcProtocol protocol : {GrpcProtocol::kTfServing, GrpcProtocol::kKServe}) {
    std::unique_ptr<GrpcLoadGenerator> generator = Generator(ShortLoad(server.address(), protocol));
    ASSERT_NE(generator, nullptr);
    for (int concurrency : {1, 5}) {
      const int64_t before = server.received();
      int progress_calls = 0;
      absl::StatusOr<LevelResult> result = generator->RunLevel(
          LoadKind::kConcurrency, concurrency, [&](const LevelProgress&) { ++progress_calls; });
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_EQ(result->kind, LoadKind::kConcurrency);
      EXPECT_EQ(result->level, concurrency);
      EXPECT_GT(result->requests, 0);
      EXPECT_EQ(result->errors, 0) << result->first_error;
      EXPECT_EQ(result->first_error, "");
      // Warm-up calls reached the server too, but were not counted.
      EXPECT_GT(server.received() - before, result->requests);
      EXPECT_GT(progress_calls, 0);
      ExpectConsistent(*result);
    }
  }
  EXPECT_EQ(server.malformed(), 0);
}

TEST(GrpcLoadGeneratorTest, OpenLoopSendsOnSchedule) {
  TestServer server;
  GrpcLoadOptions options = ShortLoad(server.address(), GrpcProtocol::kTfServing);
  options.threads = 3;
  std::unique_ptr<GrpcLoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  absl::StatusOr<LevelResult> result = generator->RunLevel(LoadKind::kRate, 200, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  // Due in the 300 ms window at 200/s, evenly spaced: 60, give or take one at each edge. Each
  // is waited for, however late the machine runs.
  EXPECT_GE(result->requests, 58);
  EXPECT_LE(result->requests, 62);
  EXPECT_EQ(result->errors, 0) << result->first_error;
  ExpectConsistent(*result);

  options.poisson = true;
  generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  result = generator->RunLevel(LoadKind::kRate, 500, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->requests, 0);
  EXPECT_EQ(result->errors, 0) << result->first_error;
  EXPECT_EQ(server.malformed(), 0);
}

TEST(GrpcLoadGeneratorTest, CountsNonOkStatusesAsErrorsWithTheFirstMessage) {
  TestServer server(Answer::kFailEveryThird);
  std::unique_ptr<GrpcLoadGenerator> generator =
      Generator(ShortLoad(server.address(), GrpcProtocol::kTfServing));
  ASSERT_NE(generator, nullptr);
  absl::StatusOr<LevelResult> result = generator->RunLevel(LoadKind::kConcurrency, 2, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->errors, 0);
  EXPECT_LT(result->errors, result->requests);
  EXPECT_EQ(result->first_error, "INVALID_ARGUMENT: model exploded");
  ExpectConsistent(*result);
}

TEST(GrpcLoadGeneratorTest, CountsAMissingServerAsErrors) {
  TestServer server;
  const std::string address = server.address();
  server.Stop();  // nothing listens on the port any more
  GrpcLoadOptions options = ShortLoad(address, GrpcProtocol::kTfServing);
  options.warmup = absl::ZeroDuration();
  std::unique_ptr<GrpcLoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  for (LoadKind kind : {LoadKind::kConcurrency, LoadKind::kRate}) {
    absl::StatusOr<LevelResult> result =
        generator->RunLevel(kind, kind == LoadKind::kRate ? 50 : 2, nullptr);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_GT(result->requests, 0);
    EXPECT_EQ(result->errors, result->requests);
    EXPECT_THAT(result->first_error, StartsWith("UNAVAILABLE: "));
    EXPECT_EQ(result->latency.count, 0);
  }
}

TEST(GrpcLoadGeneratorTest, ServerThatNeverAnswersMissesTheDeadline) {
  TestServer server(Answer::kNever);
  GrpcLoadOptions options = ShortLoad(server.address(), GrpcProtocol::kTfServing);
  options.warmup = absl::ZeroDuration();
  options.timeout = absl::Milliseconds(100);
  std::unique_ptr<GrpcLoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  absl::StatusOr<LevelResult> result = generator->RunLevel(LoadKind::kConcurrency, 1, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->errors, 0);
  EXPECT_EQ(result->errors, result->requests);
  EXPECT_THAT(result->first_error, StartsWith("DEADLINE_EXCEEDED: "));
}

TEST(GrpcLoadGeneratorTest, BadLevelsAndOptions) {
  TestServer server;
  GrpcLoadOptions options = ShortLoad(server.address(), GrpcProtocol::kTfServing);
  std::unique_ptr<GrpcLoadGenerator> generator = Generator(options);
  ASSERT_NE(generator, nullptr);
  EXPECT_FALSE(generator->RunLevel(LoadKind::kConcurrency, 0, nullptr).ok());
  EXPECT_FALSE(generator->RunLevel(LoadKind::kConcurrency, 1.5, nullptr).ok());
  EXPECT_FALSE(generator->RunLevel(LoadKind::kBatchSize, 1, nullptr).ok());
  options.requests.clear();
  EXPECT_FALSE(GrpcLoadGenerator::Create(options).ok());
  options = ShortLoad(server.address(), GrpcProtocol::kTfServing);
  options.method = "Predict";
  EXPECT_FALSE(GrpcLoadGenerator::Create(options).ok());
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The whole command, as `serval bench --grpc` runs it, from flags to the table and JSON.
TEST(GrpcBenchTest, CommandWritesTableAndJson) {
  TestServer server;
  TempDir dir;
  for (const char* protocol : {"--protocol=tfs", "--protocol=kserve"}) {
    absl::StatusOr<BenchOptions> options = ParseBenchOptions(
        {StrCat("--grpc=", server.address()), "--model=m", "--input_spec=x:fp32[1,2]", protocol,
         "--concurrency=1,3", "--duration=300ms", "--warmup=100ms",
         StrCat("--output=", dir.Join("r.json"))});
    ASSERT_TRUE(options.ok()) << options.status();
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(RunBench(*options, BackendRegistry(), out, err, false), kBenchExitOk) << err.str();
    EXPECT_THAT(out.str(), HasSubstr(StrCat("grpc://", server.address(), "/")));
    EXPECT_THAT(out.str(), HasSubstr("concurrency  requests      req/s"));
    EXPECT_THAT(err.str(), HasSubstr("[concurrency 3] "));

    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const std::string json = ReadFile(dir.Join("r.json"));
    ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
    EXPECT_EQ(std::string_view(root["mode"].get_string().value()), "grpc");
    simdjson::dom::array levels = root["levels"].get_array().value();
    ASSERT_EQ(levels.size(), 2u);
    EXPECT_EQ(levels.at(1).value()["concurrency"].get_int64().value(), 3);
    EXPECT_GT(levels.at(1).value()["requests"].get_int64().value(), 0);
  }
  EXPECT_EQ(server.malformed(), 0);
}

TEST(GrpcBenchTest, ErrorsMakeTheExitStatusOne) {
  TestServer server(Answer::kFailEveryThird);
  absl::StatusOr<BenchOptions> options = ParseBenchOptions(
      {StrCat("--grpc=", server.address()), "--model=m", "--input_spec=x:fp32[1,2]",
       "--tensor_encoding=content", "--rate=100", "--duration=300ms", "--warmup=0"});
  ASSERT_TRUE(options.ok()) << options.status();
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunBench(*options, BackendRegistry(), out, err, false), kBenchExitFailed);
  EXPECT_THAT(out.str(), HasSubstr("first error: INVALID_ARGUMENT: model exploded"));
  EXPECT_EQ(server.malformed(), 0);
}

}  // namespace
}  // namespace serval
