// grpc_echo_server: a bare grpc++ server that answers TF Serving's Predict (and KServe v2's
// ModelInfer) with its inputs, for bench/grpc/predict.sh: the floor a gRPC model server is
// compared against, with the same message sizes as Serval's answers and none of its work.
//
// Predict answers, for each input, an output of the same name, dtype, shape and encoding (typed
// values or tensor_content, as sent), with the request's model name, version 1 and
// "serving_default" in its model_spec. ModelInfer answers each input as an output of the same
// name, datatype and shape, and its raw_input_contents as raw_output_contents. Other methods
// answer UNIMPLEMENTED (with --api=cq they are not served). Messages up to 1 GiB either way.
//
// Usage: grpc_echo_server [--port=N] [--address=A] [--max_message_bytes=N] [--handoff]
//                         [--api=callback|cq] [--threads=N] [--mutex_deadlock_detection]
//   --port     0 picks a free port (default 8500); the port is printed on stdout once listening:
//              "grpc_echo_server: listening on 127.0.0.1:PORT"
//   --address  default 127.0.0.1
//   --handoff  Predict answers from one worker thread, as Serval answers from its executor, not
//              inside the handler: what handing a call to another thread costs gRPC
//              (bench/results/grpc_predict_profile.md)
//   --api      callback (default): grpc++'s callback API, gRPC's own threads. cq: the completion
//              queue API on Serval's own GrpcServer and CallQueues (src/server/grpc), as Serval
//              serves, with --threads of them (default 1): the same gRPC plumbing without the
//              model server behind it.
//   --mutex_deadlock_detection  leaves on absl::Mutex's deadlock detection, which Debian's Abseil
//              (built without NDEBUG) runs on every lock, gRPC's included. Off by default, as in
//              `serval` (src/main/main.cc), so that the peer's gRPC locks cost what Serval's do.
// Stops on SIGINT or SIGTERM, giving calls in flight a second to finish.

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpc_service.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "server/grpc/grpc_server.h"
#include "tensorflow_serving/apis/prediction_service.grpc.pb.h"

namespace {

// One thread running the work posted to it, in order (for --handoff). Lives until exit.
class Worker {
 public:
  Worker() : thread_([this] { Run(); }) { thread_.detach(); }

  void Post(std::function<void()> work) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(work));
    }
    ready_.notify_one();
  }

 private:
  void Run() {
    while (true) {
      std::function<void()> work;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !queue_.empty(); });
        work = std::move(queue_.front());
        queue_.pop_front();
      }
      work();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  std::thread thread_;
};

void Echo(const tensorflow::serving::PredictRequest& request,
          tensorflow::serving::PredictResponse& response) {
  tensorflow::serving::ModelSpec* spec = response.mutable_model_spec();
  spec->set_name(request.model_spec().name());
  spec->mutable_version()->set_value(1);
  spec->set_signature_name("serving_default");
  for (const auto& [name, tensor] : request.inputs()) (*response.mutable_outputs())[name] = tensor;
}

class EchoPredictionService final : public tensorflow::serving::PredictionService::CallbackService {
 public:
  // With a worker, answers from it rather than inside the handler.
  explicit EchoPredictionService(Worker* worker) : worker_(worker) {}

  grpc::ServerUnaryReactor* Predict(grpc::CallbackServerContext* context,
                                    const tensorflow::serving::PredictRequest* request,
                                    tensorflow::serving::PredictResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (worker_ != nullptr) {
      worker_->Post([request, response, reactor] {
        Echo(*request, *response);
        reactor->Finish(grpc::Status::OK);
      });
      return reactor;
    }
    Echo(*request, *response);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  Worker* const worker_;
};

void Echo(const inference::ModelInferRequest& request, inference::ModelInferResponse& response) {
  response.set_model_name(request.model_name());
  response.set_model_version("1");
  response.set_id(request.id());
  for (const inference::ModelInferRequest::InferInputTensor& input : request.inputs()) {
    inference::ModelInferResponse::InferOutputTensor* output = response.add_outputs();
    output->set_name(input.name());
    output->set_datatype(input.datatype());
    *output->mutable_shape() = input.shape();
  }
  *response.mutable_raw_output_contents() = request.raw_input_contents();
}

class EchoInferenceService final : public inference::GRPCInferenceService::CallbackService {
  grpc::ServerUnaryReactor* ModelInfer(grpc::CallbackServerContext* context,
                                       const inference::ModelInferRequest* request,
                                       inference::ModelInferResponse* response) override {
    Echo(*request, *response);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// The same two services on the completion-queue API (--api=cq).
class EchoQueuedPredictionService final : public serval::GrpcService {
 public:
  explicit EchoQueuedPredictionService(Worker* worker) : worker_(worker) {}

  grpc::Service& async_service() override { return async_; }
  void Listen(serval::CallQueue& queue) override {
    queue.Serve(async_, &Async::RequestPredict, [this](auto& call) {
      if (worker_ == nullptr) {
        Echo(call.request(), call.response());
        return call.Finish(grpc::Status::OK);
      }
      worker_->Post([&call] {
        Echo(call.request(), call.response());
        call.Finish(grpc::Status::OK);
      });
    });
  }

 private:
  using Async = tensorflow::serving::PredictionService::AsyncService;
  Worker* const worker_;
  Async async_;
};

class EchoQueuedInferenceService final : public serval::GrpcService {
 public:
  grpc::Service& async_service() override { return async_; }
  void Listen(serval::CallQueue& queue) override {
    queue.Serve(async_, &Async::RequestModelInfer, [](auto& call) {
      Echo(call.request(), call.response());
      call.Finish(grpc::Status::OK);
    });
  }

 private:
  using Async = inference::GRPCInferenceService::AsyncService;
  Async async_;
};

struct Flags {
  std::string address = "127.0.0.1";
  int port = 8500;
  int max_message_bytes = 1 << 30;
  bool handoff = false;
  bool completion_queues = false;  // --api=cq
  int threads = 1;
  bool mutex_deadlock_detection = false;
};

// Prints the pieces of an error message and the usage, and exits with status 2.
template <typename... Pieces>
[[noreturn]] void Usage(const Pieces&... error) {
  std::cerr << "grpc_echo_server: ";
  (std::cerr << ... << error);
  std::cerr << "\nusage: grpc_echo_server [--port=N] [--address=A] [--max_message_bytes=N] "
               "[--handoff] [--api=callback|cq] [--threads=N] [--mutex_deadlock_detection]\n";
  std::exit(2);
}

int ParseInt(std::string_view flag, const std::string& text, int min) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < min || value > (1L << 31) - 1) {
    Usage(flag, ": bad value '", text, "'");
  }
  return static_cast<int>(value);
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : arg.substr(equals + 1);
    if (name == "--port") {
      flags.port = ParseInt(name, value, 0);
    } else if (name == "--address" && !value.empty()) {
      flags.address = value;
    } else if (name == "--max_message_bytes") {
      flags.max_message_bytes = ParseInt(name, value, 1);
    } else if (arg == "--handoff") {
      flags.handoff = true;
    } else if (name == "--api" && (value == "cq" || value == "callback")) {
      flags.completion_queues = value == "cq";
    } else if (name == "--threads") {
      flags.threads = ParseInt(name, value, 1);
    } else if (arg == "--mutex_deadlock_detection") {
      flags.mutex_deadlock_detection = true;
    } else {
      Usage("unknown argument '", arg, "'");
    }
  }
  return flags;
}

// 127.0.0.1, or [::1] for IPv6.
std::string Host(const std::string& address) {
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

int ServeOnCallbacks(const Flags& flags, Worker* worker, sigset_t& stop_signals) {
  EchoPredictionService predict(worker);
  EchoInferenceService infer;
  int port = 0;
  grpc::ServerBuilder builder;
  const std::string listen = Host(flags.address) + ":" + std::to_string(flags.port);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(flags.max_message_bytes);
  builder.SetMaxSendMessageSize(flags.max_message_bytes);
  builder.RegisterService(&predict);
  builder.RegisterService(&infer);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "grpc_echo_server: cannot listen on " << listen << "\n";
    return 1;
  }
  std::cout << "grpc_echo_server: listening on " << Host(flags.address) << ":" << port
            << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return 0;
}

int ServeOnCompletionQueues(const Flags& flags, Worker* worker, sigset_t& stop_signals) {
  EchoQueuedPredictionService predict(worker);
  EchoQueuedInferenceService infer;
  serval::GrpcServerOptions options;
  options.address = flags.address;
  options.port = flags.port;
  options.max_message_bytes = flags.max_message_bytes;
  options.threads = flags.threads;
  auto server = serval::GrpcServer::Create(options, {&predict, &infer});
  if (!server.ok()) {
    std::cerr << "grpc_echo_server: " << server.status().ToString() << "\n";
    return 1;
  }
  std::cout << "grpc_echo_server: listening on " << Host(flags.address) << ":"
            << (*server)->port() << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  (*server)->Shutdown(absl::Now() + absl::Seconds(1));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  if (!flags.mutex_deadlock_detection) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  // Block the stop signals in every thread (gRPC's inherit the mask), and wait for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Worker* worker = flags.handoff ? new Worker() : nullptr;
  return flags.completion_queues ? ServeOnCompletionQueues(flags, worker, stop_signals)
                                 : ServeOnCallbacks(flags, worker, stop_signals);
}
