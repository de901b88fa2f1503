// Version roll-out with real TorchScript models over real HTTP: a version published while clients
// loop on predict, a corrupt version that never takes traffic, labels and traffic weights set
// through the management API.
//
// The models are constant_N: each answers its own version number, so a response tells which
// version computed it; the X-Serval-Model-Version header must agree.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "common/str_cat.h"
#include "integration/test_server.h"
#include "testing/http_client.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kPredict[] = R"({"instances": [[0.5]]})";

struct Answer {
  int status = 0;
  int version = 0;  // from the header
  std::string body;
};

Answer Predict(HttpClient& client, std::string_view target = "/v1/models/m:predict") {
  auto result = client.Post(target, kPredict);
  if (!result.ok()) return {0, 0, std::string(result.status().message())};
  const std::string version(result->Header("x-serval-model-version"));
  return {result->status, version.empty() ? 0 : std::stoi(version), result->body};
}

// Publishes constant_<version> the way a publisher does: into a hidden folder, then renamed.
void Publish(const TempDir& repository, int version, const std::string& model = "constant") {
  CopyTestModel(StrCat(model, "_", version), repository, StrCat("m/.incoming-", version));
  fs::rename(repository.Join(StrCat("m/.incoming-", version, "/1")),
             repository.Join(StrCat("m/", version)));
}

// Clients that loop on predict until stopped, recording every answer in order.
class LoopingClients {
 public:
  LoopingClients(int port, int count) {
    answers_.resize(count);
    for (int i = 0; i < count; ++i) {
      threads_.emplace_back([this, port, i] {
        HttpClient client(port);
        while (!stop_) answers_[i].push_back(Predict(client));
      });
    }
  }
  ~LoopingClients() { Join(); }

  // Stops the clients and returns each one's answers.
  std::vector<std::vector<Answer>> Stop() {
    Join();
    return std::move(answers_);
  }

 private:
  void Join() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  std::atomic<bool> stop_ = false;
  std::vector<std::vector<Answer>> answers_;
  std::vector<std::thread> threads_;
};

// Polls the repository until `done` holds (at most a minute).
template <typename Done>
void PollUntil(TestServer& server, Done done) {
  for (int i = 0; i < 6000 && !done(); ++i) {
    server.manager().PollOnce();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(done());
}

int Answering(TestServer& server) {
  auto servable = server.manager().routing_table()->Resolve({.name = "m"});
  return servable.ok() ? static_cast<int>((*servable)->id().version) : 0;
}

TEST(VersionRolloutTest, PublishingANewVersionUnderLoadLosesNoRequest) {
  TempDir repository;
  Publish(repository, 1);
  TestServer server(repository.path());
  LoopingClients clients(server.port(), 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  Publish(repository, 2);
  PollUntil(server, [&] {
    auto status = server.manager().GetModelStatus("m", 1);
    return Answering(server) == 2 && status.ok() && (*status)[0].state == ServableState::kEnd;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  int ones = 0, twos = 0;
  for (const std::vector<Answer>& answers : clients.Stop()) {
    int last = 1;
    for (const Answer& answer : answers) {
      ASSERT_EQ(answer.status, 200) << answer.body;
      EXPECT_EQ(answer.body, StrCat(R"({"predictions":[[)", answer.version, ".0]]}"));
      EXPECT_GE(answer.version, last) << "an older version answered after a newer one";
      last = answer.version;
      (answer.version == 1 ? ones : twos) += 1;
    }
  }
  EXPECT_GT(ones, 0);
  EXPECT_GT(twos, 0);
}

TEST(VersionRolloutTest, ACorruptVersionNeverTakesTraffic) {
  TempDir repository;
  Publish(repository, 2);
  TestServer server(repository.path());
  LoopingClients clients(server.port(), 2);

  WriteFile(repository.Join("m/.incoming-3/model.pt"), "not a TorchScript archive");
  fs::rename(repository.Join("m/.incoming-3"), repository.Join("m/3"));
  PollUntil(server, [&] {
    auto status = server.manager().GetModelStatus("m", 3);
    return status.ok() && (*status)[0].state == ServableState::kEnd;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  for (const std::vector<Answer>& answers : clients.Stop()) {
    ASSERT_FALSE(answers.empty());
    for (const Answer& answer : answers) {
      ASSERT_EQ(answer.status, 200) << answer.body;
      ASSERT_EQ(answer.version, 2);
    }
  }
  HttpClient client(server.port());
  auto status = client.Get("/v1/models/m");
  ASSERT_TRUE(status.ok());
  EXPECT_THAT(status->body, HasSubstr(R"("version":"3","state":"END")"));
  EXPECT_THAT(status->body, HasSubstr(R"("version":"2","state":"AVAILABLE")"));
}

TEST(VersionRolloutTest, LabelsAndTrafficWeightsRouteAsSet) {
  TempDir repository;
  Publish(repository, 1);
  Publish(repository, 2);
  TestServer server(repository.path(), {.management = true});
  HttpClient admin(server.management_port());
  HttpClient client(server.port());

  // Only version 2 is loaded (latest 1); pointing "stable" at 1 needs the explicit allowance.
  auto refused = admin.Send("PUT", "/v1/manage/models/m/labels/stable", R"({"version": 1})");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 400) << refused->body;  // FAILED_PRECONDITION, as TF Serving maps it
  auto canary = admin.Send("PUT", "/v1/manage/models/m/labels/canary", R"({"version": 2})");
  ASSERT_TRUE(canary.ok());
  EXPECT_EQ(canary->status, 200) << canary->body;
  auto stable = admin.Send("PUT", "/v1/manage/models/m/labels/stable",
                           R"({"version": 1, "allow_unavailable": true})");
  ASSERT_TRUE(stable.ok());
  EXPECT_EQ(stable->status, 200) << stable->body;
  PollUntil(server, [&] {
    return server.manager().routing_table()->Resolve({.name = "m", .label = "stable"}).ok();
  });
  EXPECT_EQ(Predict(client, "/v1/models/m/labels/stable:predict").version, 1);
  EXPECT_EQ(Predict(client, "/v1/models/m/labels/canary:predict").version, 2);

  auto split = admin.Send("PUT", "/v1/manage/models/m/traffic", R"({"stable": 80, "canary": 20})");
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split->status, 200) << split->body;
  const int requests = 2000;
  int to_canary = 0;
  for (int i = 0; i < requests; ++i) {
    Answer answer = Predict(client);
    ASSERT_EQ(answer.status, 200) << answer.body;
    to_canary += answer.version == 2;
  }
  // 20% expected; ten standard deviations of a binomial draw either side.
  EXPECT_NEAR(to_canary, requests / 5, 10 * std::sqrt(requests * 0.2 * 0.8));

  // Rollback in one call.
  auto rollback = admin.Send("PUT", "/v1/manage/models/m/traffic", R"({"stable": 100, "canary": 0})");
  ASSERT_TRUE(rollback.ok());
  ASSERT_EQ(rollback->status, 200) << rollback->body;
  for (int i = 0; i < 200; ++i) ASSERT_EQ(Predict(client).version, 1);
}

}  // namespace
}  // namespace serval
