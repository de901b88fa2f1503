// Runs the built `serval` binary as a user would: serve the example models, query them over
// HTTP, stop it with SIGTERM.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

// Starts `serval serve` with its stderr in `log`; returns the child's pid.
pid_t StartServal(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    FILE* out = freopen(log.c_str(), "w", stderr);
    (void)out;
    std::vector<char*> argv = {const_cast<char*>(SERVAL_BINARY)};
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(SERVAL_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

std::string ReadLog(const std::string& log) {
  std::ifstream file(log);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Waits for the "<what> listening on ...:PORT" log line; 0 if the server exits or never says.
int WaitForPort(pid_t pid, const std::string& log, const std::string& what = "REST API") {
  const std::regex listening(what + " listening on [^ ]*:([0-9]+)\n");
  for (int attempt = 0; attempt < 1200; ++attempt) {
    std::smatch match;
    const std::string contents = ReadLog(log);
    if (std::regex_search(contents, match, listening)) return std::stoi(match[1]);
    if (waitpid(pid, nullptr, WNOHANG) == pid) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

// Waits up to a minute for `pid` to exit; kills it and returns false if it does not.
bool WaitForExit(pid_t pid, int& exit_status) {
  for (int attempt = 0; attempt < 1200; ++attempt) {
    if (waitpid(pid, &exit_status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &exit_status, 0);
  return false;
}

// Kills the child on the way out of a failed test, so that it never outlives the test.
struct KillOnExit {
  pid_t pid;
  ~KillOnExit() {
    if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

TEST(SmokeTest, ServesTheExampleModelsAndStopsOnSigterm) {
  TempDir dir;
  const std::string log = dir.Join("serval.log");
  pid_t pid = StartServal({"serve", "--model_repository=" SERVAL_TEST_MODELS "/examples",
                           "--rest_api_port=0", "--rest_api_address=127.0.0.1", "--management_port=0",
                           "--port=0", "--grpc_address=127.0.0.1"},
                          log);
  ASSERT_GT(pid, 0);
  KillOnExit guard{pid};
  int port = WaitForPort(pid, log);
  ASSERT_GT(port, 0) << "serval did not start; see " << log;
  EXPECT_GT(WaitForPort(pid, log, "gRPC API"), 0) << "no gRPC listener; see " << log;

  HttpClient client(port);
  // Loading happens in the background; readiness says when it is done.
  for (int i = 0; i < 600; ++i) {
    auto ready = client.Get("/v2/health/ready");
    if (ready.ok() && ready->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto predict = client.Post("/v1/models/half_plus_two:predict", R"({"instances": [[1.0], [2.0], [5.0]]})");
  ASSERT_TRUE(predict.ok()) << predict.status();
  EXPECT_EQ(predict->status, 200) << predict->body;
  EXPECT_THAT(predict->body, HasSubstr("2.5"));
  EXPECT_THAT(predict->body, HasSubstr("4.5"));
  auto status = client.Get("/v1/models/mlp");
  ASSERT_TRUE(status.ok());
  EXPECT_THAT(status->body, HasSubstr("AVAILABLE"));

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int exit_status = 0;
  ASSERT_TRUE(WaitForExit(pid, exit_status)) << "serval did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(exit_status));
  EXPECT_EQ(WEXITSTATUS(exit_status), 0);
}

struct Finished {
  int exit_code = -1;
  std::string log;
};

// Runs serval to its exit (it is expected to refuse to start).
Finished RunToExit(const std::vector<std::string>& args) {
  TempDir dir;
  const std::string log = dir.Join("serval.log");
  pid_t pid = StartServal(args, log);
  Finished finished;
  int exit_status = 0;
  if (WaitForExit(pid, exit_status)) finished.exit_code = WEXITSTATUS(exit_status);
  finished.log = ReadLog(log);
  return finished;
}

// Waits (up to a minute) until `done` holds.
template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 1200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string ModelConfig(const std::vector<std::string>& models) {
  std::string text = "model_config_list {\n";
  for (const std::string& model : models) {
    text += "  config { name: '" + model + "' base_path: '" SERVAL_TEST_MODELS "/examples/" +
            model + "' model_platform: 'torchscript' }\n";
  }
  return text + "}\n";
}

bool Serves(HttpClient& client, const std::string& model) {
  auto status = client.Get("/v1/models/" + model);
  return status.ok() && status->status == 200 &&
         status->body.find("AVAILABLE") != std::string::npos;
}

TEST(SmokeTest, SighupReloadsTheConfigAndABadOneIsRejected) {
  TempDir dir;
  const std::string log = dir.Join("serval.log");
  const std::string config = dir.Join("models.config");
  WriteText(config, ModelConfig({"half_plus_two"}));
  pid_t pid = StartServal({"serve", "--model_config_file=" + config, "--rest_api_port=0",
                           "--rest_api_address=127.0.0.1", "--management_port=-1", "--port=-1"},
                          log);
  KillOnExit guard{pid};
  int port = WaitForPort(pid, log);
  ASSERT_GT(port, 0) << ReadLog(log);
  HttpClient client(port);
  ASSERT_TRUE(Eventually([&] { return Serves(client, "half_plus_two"); })) << ReadLog(log);

  WriteText(config, "model_config_list { config { name: 'x' base_pth: '/x' } }\n");
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  ASSERT_TRUE(Eventually([&] { return ReadLog(log).find("config reload rejected") != std::string::npos; }));
  EXPECT_THAT(ReadLog(log), HasSubstr("base_pth"));
  EXPECT_TRUE(Serves(client, "half_plus_two"));

  WriteText(config, ModelConfig({"mlp"}));
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  ASSERT_TRUE(Eventually([&] { return Serves(client, "mlp"); })) << ReadLog(log);
  // Models absent from the new config are unloaded.
  ASSERT_TRUE(Eventually([&] { return !Serves(client, "half_plus_two"); })) << ReadLog(log);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int exit_status = 0;
  ASSERT_TRUE(WaitForExit(pid, exit_status));
  EXPECT_EQ(WEXITSTATUS(exit_status), 0);
}

TEST(SmokeTest, SigtermFinishesTheRequestsInFlight) {
  TempDir dir;
  const std::string log = dir.Join("serval.log");
  std::filesystem::create_directories(dir.Join("models/slow/1"));
  std::filesystem::copy_file(SERVAL_TEST_MODELS "/tests/slow/model.pt",
                             dir.Join("models/slow/1/model.pt"));
  pid_t pid = StartServal({"serve", "--model_repository=" + dir.Join("models"),
                           "--rest_api_port=0", "--rest_api_address=127.0.0.1",
                           "--management_port=-1", "--port=-1", "--intra_op_threads=1"},
                          log);
  KillOnExit guard{pid};
  int port = WaitForPort(pid, log);
  ASSERT_GT(port, 0) << ReadLog(log);
  HttpClient client(port);
  ASSERT_TRUE(Eventually([&] { return Serves(client, "slow"); })) << ReadLog(log);

  // A request that computes for seconds (several on a 2-core CI machine, about one on a fast
  // one); SIGTERM arrives while it runs.
  absl::StatusOr<HttpResult> slow;
  std::thread request([&] { slow = client.Post("/v1/models/slow:predict", R"({"instances": [[300.0]]})"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  request.join();
  ASSERT_TRUE(slow.ok()) << slow.status();
  EXPECT_EQ(slow->status, 200) << slow->body;
  EXPECT_THAT(slow->body, HasSubstr("300.0"));
  int exit_status = 0;
  ASSERT_TRUE(WaitForExit(pid, exit_status));
  EXPECT_EQ(WEXITSTATUS(exit_status), 0);
  EXPECT_THAT(ReadLog(log), HasSubstr("draining 1 requests"));
}

TEST(SmokeTest, ABadConfigFileNamesTheField) {
  TempDir dir;
  WriteText(dir.Join("serval.yaml"), "model_configs:\n  - name: m\n    path: /m\n    versoin: 3\n");
  Finished finished = RunToExit({"serve", "--config=" + dir.Join("serval.yaml")});
  EXPECT_EQ(finished.exit_code, 2);
  EXPECT_THAT(finished.log, HasSubstr("versoin"));
}

TEST(SmokeTest, BadFlagsExplainThemselves) {
  Finished finished = RunToExit({"serve", "--model_repository=/a", "--bogus=1"});
  EXPECT_EQ(finished.exit_code, 2);
  EXPECT_THAT(finished.log, HasSubstr("unknown flag --bogus"));
}

TEST(SmokeTest, MissingRepositoryFailsClearly) {
  TempDir dir;
  Finished finished = RunToExit({"serve", "--model_repository=" + dir.Join("nothing")});
  EXPECT_EQ(finished.exit_code, 1);
  EXPECT_THAT(finished.log, HasSubstr("is not a directory"));
}

}  // namespace
}  // namespace serval
