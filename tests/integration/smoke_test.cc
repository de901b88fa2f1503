// Runs the built `serval` binary as a user would: serve the example models, query them over
// HTTP, stop it with SIGTERM.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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

// Waits for the "REST API listening on ...:PORT" log line; 0 if the server exits or never says.
int WaitForPort(pid_t pid, const std::string& log) {
  const std::regex listening("REST API listening on [^ ]*:([0-9]+)\n");
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
                           "--rest_api_port=0", "--rest_api_address=127.0.0.1"},
                          log);
  ASSERT_GT(pid, 0);
  KillOnExit guard{pid};
  int port = WaitForPort(pid, log);
  ASSERT_GT(port, 0) << "serval did not start; see " << log;

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
