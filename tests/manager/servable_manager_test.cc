#include "manager/servable_manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "testing/fake_backend.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

class ServableManagerTest : public ::testing::Test {
 protected:
  ServableManagerTest() {
    auto backend = std::make_unique<testing::FakeBackend>();
    backend_ = backend.get();
    backends_.Register(std::move(backend));
  }

  void LoadRepository() {
    auto models = ModelRepository::ForDirectory(dir_.path()).Scan();
    ASSERT_TRUE(models.ok()) << models.status();
    ASSERT_TRUE(manager_.SetModels(DefaultModelSettings(*models)).ok());
    manager_.WaitUntilSettled();
  }

  TempDir dir_;
  BackendRegistry backends_;
  testing::FakeBackend* backend_;
  ServableManagerOptions options_;
  ServableManager manager_{backends_, options_};
};

TEST_F(ServableManagerTest, LoadsTheHighestVersion) {
  testing::WriteFakeModel(dir_.Join("m"), 1);
  testing::WriteFakeModel(dir_.Join("m"), 3);
  testing::WriteFakeModel(dir_.Join("m"), 2);
  LoadRepository();
  EXPECT_TRUE(manager_.IsSettled());
  auto servable = manager_.routing_table()->Resolve({.name = "m"});
  ASSERT_TRUE(servable.ok()) << servable.status();
  EXPECT_EQ((*servable)->id().version, 3);
  auto status = manager_.GetModelStatus("m", std::nullopt);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->size(), 1u);
  EXPECT_EQ((*status)[0].version, 3);
  EXPECT_EQ((*status)[0].state, ServableState::kAvailable);
}

TEST_F(ServableManagerTest, AFailedModelIsReportedWhileOthersServe) {
  testing::WriteFakeModel(dir_.Join("good"), 1);
  testing::WriteFakeModel(dir_.Join("bad"), 1, /*corrupt=*/true);
  LoadRepository();
  EXPECT_TRUE(manager_.routing_table()->Resolve({.name = "good"}).ok());
  auto bad = manager_.routing_table()->Resolve({.name = "bad"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("failed to load: corrupt model"));
  auto status = manager_.GetModelStatus("bad", 1);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)[0].state, ServableState::kEnd);
  EXPECT_THAT(std::string((*status)[0].status.message()), HasSubstr("corrupt model"));
}

TEST_F(ServableManagerTest, UnknownPlatformFailsThatModelOnly) {
  WriteFile(dir_.Join("m/1/model"), "");
  WriteFile(dir_.Join("m/config.yaml"), "platform: onnx\n");
  LoadRepository();
  auto status = manager_.GetModelStatus("m", std::nullopt);
  ASSERT_TRUE(status.ok());
  EXPECT_THAT(std::string((*status)[0].status.message()), HasSubstr("no backend for platform 'onnx'"));
}

TEST_F(ServableManagerTest, BadConfigFailsThatModelOnly) {
  WriteFile(dir_.Join("m/1/model"), "");
  WriteFile(dir_.Join("m/config.yaml"), "platfrom: fake\n");
  LoadRepository();
  auto status = manager_.GetModelStatus("m", std::nullopt);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)[0].state, ServableState::kEnd);
  EXPECT_THAT(std::string((*status)[0].status.message()), HasSubstr("unknown key 'platfrom'"));
}

TEST_F(ServableManagerTest, StatusOfUnknownModelOrVersion) {
  testing::WriteFakeModel(dir_.Join("m"), 1);
  std::filesystem::create_directories(dir_.Join("empty"));
  LoadRepository();
  EXPECT_THAT(std::string(manager_.GetModelStatus("nope", std::nullopt).status().message()),
              HasSubstr("Could not find any versions of model nope"));
  EXPECT_THAT(std::string(manager_.GetModelStatus("m", 9).status().message()),
              HasSubstr("Could not find version 9 of model m"));
  EXPECT_EQ(manager_.GetModelStatus("empty", std::nullopt).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ServableManagerTest, ResolveByVersionAndLabel) {
  testing::WriteFakeModel(dir_.Join("m"), 2);
  LoadRepository();
  auto table = manager_.routing_table();
  EXPECT_TRUE(table->Resolve({.name = "m", .version = 2}).ok());
  auto missing = table->Resolve({.name = "m", .version = 1});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("Servable not found for request: Specific(m, 1)"));
  auto label = table->Resolve({.name = "m", .label = "stable"});
  EXPECT_EQ(label.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(label.status().message()),
              HasSubstr("Unrecognized servable version label"));
  EXPECT_THAT(std::string(table->Resolve({.name = "x"}).status().message()),
              HasSubstr("Servable not found for request: Latest(x)"));
}

TEST_F(ServableManagerTest, ServableOutlivesTheManagerWhileARequestHoldsIt) {
  auto manager = std::make_unique<ServableManager>(backends_, options_);
  testing::WriteFakeModel(dir_.Join("m"), 1);
  ASSERT_TRUE(
      manager->SetModels(DefaultModelSettings(*ModelRepository::ForDirectory(dir_.path()).Scan()))
          .ok());
  manager->WaitUntilSettled();
  std::shared_ptr<Servable> held = *manager->routing_table()->Resolve({.name = "m"});
  std::thread release([&held] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    held.reset();
  });
  manager.reset();  // waits until `held` is released, then destroys the servable
  EXPECT_EQ(held, nullptr);
  release.join();
}

}  // namespace
}  // namespace serval
