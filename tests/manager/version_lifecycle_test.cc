// The version lifecycle with a fake backend and a fake clock: policies, availability first,
// retries with back-off, labels and traffic, management calls.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "manager/servable_manager.h"
#include "manager/warmup.h"
#include "testing/fake_backend.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class VersionLifecycleTest : public ::testing::Test {
 protected:
  VersionLifecycleTest() {
    auto backend = std::make_unique<testing::FakeBackend>();
    backend_ = backend.get();
    backends_.Register(std::move(backend));
    ServableManagerOptions options;
    options.clock = &clock_;
    manager_ = std::make_unique<ServableManager>(backends_, options);
  }

  ModelSettings Model(VersionPolicy policy = VersionPolicy::Latest(1)) {
    return {.name = "m", .base_path = dir_.Join("m"), .version_policy = std::move(policy)};
  }

  void Serve(ModelSettings settings) {
    ASSERT_TRUE(manager_->SetModels({std::move(settings)}).ok());
    Settle();
  }

  // Waits until no load or unload of "m" is in flight.
  void Settle() { ASSERT_TRUE(manager_->WaitUntilModelSettled("m", absl::Seconds(10)).ok()); }

  void Poll() {
    manager_->PollOnce();
    Settle();
  }

  // Versions of "m" in `state`, highest first.
  std::vector<int64_t> Versions(ServableState state) {
    std::vector<int64_t> versions;
    auto status = manager_->GetModelStatus("m", std::nullopt);
    if (!status.ok()) return versions;
    for (const ServableVersionStatus& version : *status) {
      if (version.state == state) versions.push_back(version.version);
    }
    return versions;
  }

  int64_t Answering(ModelSpec spec = {.name = "m"}) {
    auto servable = manager_->routing_table()->Resolve(spec);
    return servable.ok() ? (*servable)->id().version : -1;
  }

  // Waits (at most a minute) until an execution, such as a warmup, waits at `gate`.
  static void WaitForGate(testing::Gate& gate) {
    for (int i = 0; i < 60000 && gate.waiting() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_GT(gate.waiting(), 0);
  }

  void WriteVersion(int64_t version, bool corrupt = false) {
    testing::WriteFakeModel(dir_.Join("m"), version, corrupt);
  }

  TempDir dir_;
  FakeClock clock_;
  BackendRegistry backends_;
  testing::FakeBackend* backend_;
  std::unique_ptr<ServableManager> manager_;
};

TEST_F(VersionLifecycleTest, LatestPolicyKeepsTheHighestN) {
  for (int v : {1, 2, 3}) WriteVersion(v);
  Serve(Model(VersionPolicy::Latest(2)));
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(3, 2));
  EXPECT_EQ(Answering(), 3);
  EXPECT_EQ(Answering({.name = "m", .version = 2}), 2);
}

TEST_F(VersionLifecycleTest, AllAndSpecificPolicies) {
  for (int v : {1, 2, 3}) WriteVersion(v);
  Serve(Model(VersionPolicy::All()));
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(3, 2, 1));
  Serve(Model(VersionPolicy::Specific({1, 3})));
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(3, 1));
  EXPECT_THAT(Versions(ServableState::kEnd), ElementsAre(2));
}

TEST_F(VersionLifecycleTest, NewVersionServesBeforeTheOldOneUnloads) {
  WriteVersion(1);
  Serve(Model());
  EXPECT_EQ(Answering(), 1);

  // Hold version 2 in its warmup: version 1 must go on answering meanwhile.
  testing::Gate& gate = backend_->CloseGate();
  WriteVersion(2);
  manager_->PollOnce();
  WaitForGate(gate);
  EXPECT_THAT(Versions(ServableState::kLoading), ElementsAre(2));
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(1));
  EXPECT_EQ(Answering(), 1);

  gate.Open();
  Settle();
  EXPECT_EQ(Answering(), 2);
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(2));
  EXPECT_THAT(Versions(ServableState::kEnd), ElementsAre(1));
}

TEST_F(VersionLifecycleTest, HiddenAndHalfWrittenFoldersAreIgnored) {
  WriteVersion(1);
  Serve(Model());
  testing::WriteFakeModel(dir_.Join("m/.2"), 0);  // a publisher's hidden folder
  fs::create_directories(dir_.Join("m/tmp-3"));
  Poll();
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(1));
}

TEST_F(VersionLifecycleTest, CorruptVersionNeverTakesTrafficAndIsRetriedWithBackoff) {
  WriteVersion(2);
  Serve(Model());
  WriteVersion(3, /*corrupt=*/true);
  Poll();
  EXPECT_EQ(Answering(), 2);
  auto info = manager_->GetModelInfo("m");
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->versions[0].status.version, 3);
  EXPECT_EQ(info->versions[0].status.state, ServableState::kEnd);
  EXPECT_THAT(std::string(info->versions[0].status.status.message()), HasSubstr("corrupt"));
  EXPECT_EQ(info->versions[0].failed_attempts, 1);
  EXPECT_EQ(info->versions[0].next_retry, clock_.Now() + absl::Seconds(1));

  manager_->RetryDue();  // not yet due
  Settle();
  EXPECT_EQ(manager_->GetModelInfo("m")->versions[0].failed_attempts, 1);
  clock_.Advance(absl::Seconds(1));
  manager_->RetryDue();
  Settle();
  info = manager_->GetModelInfo("m");
  EXPECT_EQ(info->versions[0].failed_attempts, 2);
  EXPECT_EQ(info->versions[0].next_retry, clock_.Now() + absl::Seconds(2));  // doubled
  EXPECT_EQ(Answering(), 2);

  // The publisher repairs version 3: the next retry loads it and version 2 steps down.
  fs::remove(dir_.Join("m/3/corrupt"));
  WriteVersion(3);
  clock_.Advance(absl::Seconds(2));
  Poll();
  EXPECT_EQ(Answering(), 3);
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(3));
}

TEST_F(VersionLifecycleTest, RemovedFolderUnloadsItsVersion) {
  WriteVersion(1);
  WriteVersion(2);
  Serve(Model(VersionPolicy::All()));
  fs::remove_all(dir_.Join("m/2"));
  Poll();
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(1));
  EXPECT_EQ(Answering(), 1);
}

TEST_F(VersionLifecycleTest, ARequestKeepsItsVersionAliveThroughTheUnload) {
  WriteVersion(1);
  Serve(Model());
  std::shared_ptr<Servable> held = *manager_->routing_table()->Resolve({.name = "m"});
  WriteVersion(2);
  manager_->PollOnce();
  manager_->WaitUntilSettled();
  EXPECT_EQ(Answering(), 2);
  EXPECT_THAT(Versions(ServableState::kUnloading), ElementsAre(1));
  EXPECT_EQ(held->id().version, 1);
  held.reset();
  Settle();
  EXPECT_THAT(Versions(ServableState::kEnd), ElementsAre(1));
}

TEST_F(VersionLifecycleTest, LabelsMustPointAtAvailableVersionsUnlessAllowed) {
  WriteVersion(1);
  WriteVersion(2);
  Serve(Model());
  EXPECT_TRUE(manager_->SetLabel("m", "stable", 2).ok());
  EXPECT_EQ(Answering({.name = "m", .label = "stable"}), 2);
  absl::Status refused = manager_->SetLabel("m", "canary", 1);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("not available"));
  // Allowed for a new label: it waits for its version, which it keeps loaded.
  EXPECT_TRUE(manager_->SetLabel("m", "canary", 1, /*allow_unavailable=*/true).ok());
  Settle();
  EXPECT_EQ(Answering({.name = "m", .label = "canary"}), 1);
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(2, 1));
  EXPECT_EQ(manager_->SetLabel("x", "stable", 1).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(manager_->routing_table()->Resolve({.name = "m", .label = "nope"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(VersionLifecycleTest, ConfiguredLabelsWaitForTheirVersionAndPinIt) {
  WriteVersion(1);
  WriteVersion(2);
  ModelSettings settings = Model();
  settings.labels = {{"stable", 1}, {"canary", 2}};
  Serve(settings);
  EXPECT_EQ(Answering({.name = "m", .label = "stable"}), 1);
  EXPECT_EQ(Answering({.name = "m", .label = "canary"}), 2);
  EXPECT_THAT(Versions(ServableState::kAvailable), ElementsAre(2, 1));
  EXPECT_TRUE(manager_->GetModelInfo("m")->pending_labels.empty());
}

TEST_F(VersionLifecycleTest, TrafficSplitsBetweenLabelsAndRollsBackInOneCall) {
  WriteVersion(1);
  WriteVersion(2);
  ModelSettings settings = Model();
  settings.labels = {{"stable", 1}, {"canary", 2}};
  settings.traffic = {{"stable", 90}, {"canary", 10}};
  Serve(settings);
  int canary = 0;
  const int requests = 20000;
  for (int i = 0; i < requests; ++i) canary += Answering() == 2;
  // 10% expected; the tolerance is ten standard deviations of a binomial draw.
  EXPECT_NEAR(canary, requests / 10, 10 * std::sqrt(requests * 0.1 * 0.9));

  ASSERT_TRUE(manager_->SetTraffic("m", {{"stable", 100}, {"canary", 0}}).ok());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(Answering(), 1);
  // A version request still reaches the canary.
  EXPECT_EQ(Answering({.name = "m", .version = 2}), 2);

  EXPECT_EQ(manager_->SetTraffic("m", {{"nope", 1}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->RemoveLabel("m", "stable").code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(VersionLifecycleTest, UnloadLoadAndReload) {
  WriteVersion(1);
  Serve(Model());
  std::shared_ptr<Servable> first = *manager_->routing_table()->Resolve({.name = "m"});

  ASSERT_TRUE(manager_->ReloadModel("m").ok());
  Settle();
  std::shared_ptr<Servable> fresh = *manager_->routing_table()->Resolve({.name = "m"});
  EXPECT_NE(fresh, first);
  EXPECT_EQ(fresh->id().version, 1);
  first.reset();
  fresh.reset();

  ASSERT_TRUE(manager_->UnloadModel("m").ok());
  Settle();
  EXPECT_THAT(Versions(ServableState::kEnd), ElementsAre(1));
  EXPECT_THAT(std::string(manager_->routing_table()->Resolve({.name = "m"}).status().message()),
              HasSubstr("unloaded"));
  EXPECT_FALSE(manager_->GetModelInfo("m")->loaded);

  ASSERT_TRUE(manager_->LoadModel("m").ok());
  Settle();
  EXPECT_EQ(Answering(), 1);
  EXPECT_EQ(manager_->UnloadModel("x").code(), absl::StatusCode::kNotFound);
}

TEST_F(VersionLifecycleTest, UnloadWhileAFreshCopyLoadsSettles) {
  WriteVersion(1);
  Serve(Model());
  testing::Gate& gate = backend_->CloseGate();
  ASSERT_TRUE(manager_->ReloadModel("m").ok());  // the copy's warmup waits at the gate
  WaitForGate(gate);
  ASSERT_TRUE(manager_->UnloadModel("m").ok());
  gate.Open();
  Settle();
  EXPECT_THAT(Versions(ServableState::kEnd), ElementsAre(1));
  EXPECT_EQ(manager_->GetModelInfo("m")->versions[0].failed_attempts, 0);
  EXPECT_EQ(Answering(), -1);
  ASSERT_TRUE(manager_->LoadModel("m").ok());
  Settle();
  EXPECT_EQ(Answering(), 1);
}

TEST_F(VersionLifecycleTest, ReadyStaysTrueThroughLaterLoads) {
  WriteVersion(1);
  Serve(Model());
  EXPECT_TRUE(manager_->IsReady());
  testing::Gate& gate = backend_->CloseGate();
  WriteVersion(2);
  manager_->PollOnce();
  WaitForGate(gate);
  EXPECT_FALSE(manager_->IsSettled());
  EXPECT_TRUE(manager_->IsReady());  // a roll-out keeps the replica in rotation
  gate.Open();
  Settle();
}

TEST_F(VersionLifecycleTest, ExecutorsRunAtNormalPriorityThoughLoadsRunNiced) {
  ServableManagerOptions options;
  options.load_thread_niceness = 10;
  manager_ = std::make_unique<ServableManager>(backends_, options);
  WriteVersion(1);
  Serve(Model());
  int executors = 0;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    std::ifstream stat_file(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    // Field 19 is the nice value; fields are counted after the ")" that ends the name.
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19; ++i) fields >> field;
    if (name == "load") {
      EXPECT_EQ(field, "10");
    }
    if (name == "executor") {
      EXPECT_EQ(field, "0");
      ++executors;
    }
  }
  EXPECT_EQ(executors, 1);
}

TEST_F(VersionLifecycleTest, AFailedFreshCopyLeavesTheLoadedOneServing) {
  WriteVersion(1);
  Serve(Model());
  testing::WriteFakeModel(dir_.Join("m"), 1, /*corrupt=*/true);  // adds m/1/corrupt
  ASSERT_TRUE(manager_->ReloadModel("m").ok());
  Settle();
  EXPECT_EQ(Answering(), 1);
  auto info = manager_->GetModelInfo("m");
  EXPECT_EQ(info->versions[0].status.state, ServableState::kAvailable);
  EXPECT_FALSE(info->versions[0].status.status.ok());
  EXPECT_TRUE((*manager_->GetModelStatus("m", 1))[0].status.ok());
}

TEST_F(VersionLifecycleTest, ConfigReplacesModelsWholesaleAndRejectsBadOnes) {
  WriteVersion(1);
  testing::WriteFakeModel(dir_.Join("other"), 1);
  Serve(Model());
  ModelSettings other{.name = "other", .base_path = dir_.Join("other")};
  ASSERT_TRUE(manager_->SetModels({other}).ok());
  manager_->WaitUntilSettled();
  ASSERT_TRUE(manager_->WaitUntilModelSettled("other", absl::Seconds(10)).ok());
  EXPECT_EQ(manager_->GetModelInfo("m").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(manager_->routing_table()->Resolve({.name = "other"}).ok());

  ModelSettings bad = other;
  bad.version_policy = VersionPolicy::Latest(0);
  absl::Status status = manager_->SetModels({bad});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(manager_->routing_table()->Resolve({.name = "other"}).ok());
}

TEST_F(VersionLifecycleTest, WarmupIsTimedAndReadsTheVersionFolder) {
  WriteVersion(1);
  ModelSettings settings = Model();
  settings.instances = 2;
  settings.warmup_batch_sizes = {1, 4, 8};
  std::string read_from;
  ServableManagerOptions options;
  options.warmup_reader = [&read_from](const std::string& path, const Signature& signature)
      -> absl::StatusOr<std::vector<NamedTensors>> {
    read_from = path;
    return std::vector<NamedTensors>{};  // none in the folder: inputs made from the signature
  };
  manager_ = std::make_unique<ServableManager>(backends_, options);
  Serve(settings);
  EXPECT_THAT(read_from, HasSubstr("/m/1"));
  auto info = manager_->GetModelInfo("m");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->versions[0].status.state, ServableState::kAvailable);
  EXPECT_GT(info->versions[0].warmup_time, absl::ZeroDuration());
  EXPECT_GT(info->versions[0].load_time, absl::ZeroDuration());
}

TEST(WarmupInputsTest, FreeFirstDimensionTakesTheBatchSize) {
  Signature signature;
  signature.inputs = {{.name = "x", .dtype = DataType::kFp32, .shape = {-1, 3, -1}, .has_shape = true},
                      {.name = "ids", .dtype = DataType::kString},
                      {.name = "fixed", .dtype = DataType::kInt64, .shape = {2}, .has_shape = true}};
  NamedTensors inputs = MakeWarmupInputs(signature, 8);
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_EQ(inputs[0].second.shape(), (Shape{8, 3, 1}));
  EXPECT_EQ(inputs[1].second.shape(), (Shape{8}));
  EXPECT_EQ(inputs[1].second.dtype(), DataType::kString);
  EXPECT_EQ(inputs[2].second.shape(), (Shape{2}));
}

TEST_F(VersionLifecycleTest, AFailingWarmupRequestFailsTheLoad) {
  WriteVersion(1);
  ServableManagerOptions options;
  options.clock = &clock_;
  options.warmup_reader = [](const std::string&, const Signature&)
      -> absl::StatusOr<std::vector<NamedTensors>> {
    return absl::InvalidArgumentError("line 2: bad JSON");
  };
  manager_ = std::make_unique<ServableManager>(backends_, options);
  Serve(Model());
  auto status = manager_->GetModelStatus("m", 1);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)[0].state, ServableState::kEnd);
  EXPECT_THAT(std::string((*status)[0].status.message()), HasSubstr("bad JSON"));
}

}  // namespace
}  // namespace serval
