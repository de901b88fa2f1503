#include "core/model_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ModelSettings Valid() {
  ModelSettings settings;
  settings.name = "resnet";
  settings.base_path = "/models/resnet";
  return settings;
}

std::string ErrorOf(const ModelSettings& settings) {
  absl::Status status = ValidateModelSettings(settings);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return std::string(status.message());
}

TEST(VersionPolicyTest, LatestKeepsTheHighestN) {
  EXPECT_THAT(VersionPolicy::Latest(1).Select({1, 2, 3}), ElementsAre(3));
  EXPECT_THAT(VersionPolicy::Latest(2).Select({1, 2, 3}), ElementsAre(2, 3));
  EXPECT_THAT(VersionPolicy::Latest(5).Select({1, 2, 3}), ElementsAre(1, 2, 3));
  EXPECT_THAT(VersionPolicy::Latest(1).Select({}), IsEmpty());
}

TEST(VersionPolicyTest, AllKeepsEveryVersion) {
  EXPECT_THAT(VersionPolicy::All().Select({1, 4, 7}), ElementsAre(1, 4, 7));
}

TEST(VersionPolicyTest, SpecificKeepsThoseOnDisk) {
  EXPECT_THAT(VersionPolicy::Specific({3, 1, 9}).Select({1, 2, 3}), ElementsAre(1, 3));
  EXPECT_THAT(VersionPolicy::Specific({9}).Select({1, 2, 3}), IsEmpty());
}

TEST(VersionPolicyTest, SelectAcceptsUnsortedInput) {
  EXPECT_THAT(VersionPolicy::Latest(2).Select({3, 1, 2, 3}), ElementsAre(2, 3));
}

TEST(VersionPolicyTest, DebugString) {
  EXPECT_EQ(VersionPolicy::Latest(1).DebugString(), "latest: 1");
  EXPECT_EQ(VersionPolicy::All().DebugString(), "all");
  EXPECT_EQ(VersionPolicy::Specific({1, 2}).DebugString(), "specific: [1, 2]");
}

TEST(ValidateModelSettingsTest, AcceptsAFullModel) {
  ModelSettings settings = Valid();
  settings.version_policy = VersionPolicy::Specific({2, 3});
  settings.labels = {{"stable", 2}, {"canary", 3}};
  settings.traffic = {{"stable", 90}, {"canary", 10}};
  settings.warmup_batch_sizes = {1, 8};
  settings.instances = 2;
  settings.device = "cuda:0";
  settings.batch_size = 8;
  settings.memory_limit_bytes = 1 << 30;
  EXPECT_TRUE(ValidateModelSettings(settings).ok());
}

TEST(ValidateModelSettingsTest, NamesAndPaths) {
  ModelSettings settings = Valid();
  settings.name = "";
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[].name"));
  settings = Valid();
  settings.base_path = "";
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].base_path"));
}

TEST(ValidateModelSettingsTest, VersionPolicies) {
  ModelSettings settings = Valid();
  settings.version_policy = VersionPolicy::Latest(0);
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].version_policy: latest must be"));
  settings.version_policy = VersionPolicy::Specific({});
  EXPECT_THAT(ErrorOf(settings), HasSubstr("at least one version"));
  settings.version_policy = VersionPolicy::Specific({2, 2});
  EXPECT_THAT(ErrorOf(settings), HasSubstr("version 2 is listed twice"));
  settings.version_policy = VersionPolicy::Specific({0});
  EXPECT_THAT(ErrorOf(settings), HasSubstr("positive"));
}

TEST(ValidateModelSettingsTest, Labels) {
  ModelSettings settings = Valid();
  settings.labels = {{"", 1}};
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].labels: a label name is empty"));
  settings.labels = {{"stable", -1}};
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].labels: label 'stable'"));
}

TEST(ValidateModelSettingsTest, Traffic) {
  ModelSettings settings = Valid();
  settings.labels = {{"stable", 2}};
  settings.traffic = {{"stable", 90}, {"canary", 10}};
  EXPECT_EQ(ErrorOf(settings),
            "models[resnet].traffic: label 'canary' is not a label of the model");
  settings.traffic = {{"stable", -1}};
  EXPECT_THAT(ErrorOf(settings), HasSubstr("weights are 0 to 1000000000"));
  settings.labels = {{"stable", 2}, {"canary", 3}};
  settings.traffic = {{"stable", INT64_MAX}, {"canary", 1}};  // would overflow the sum
  EXPECT_THAT(ErrorOf(settings), HasSubstr("weights are 0 to 1000000000"));
  settings.labels = {{"stable", 2}};
  settings.traffic = {{"stable", 0}};
  EXPECT_THAT(ErrorOf(settings), HasSubstr("all zero"));
}

TEST(ValidateModelSettingsTest, Resources) {
  ModelSettings settings = Valid();
  settings.warmup_batch_sizes = {1, 0};
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].warmup_batch_sizes"));
  settings = Valid();
  settings.instances = -1;
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].instances"));
  settings = Valid();
  settings.batch_size = -1;
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].batch_size"));
  settings = Valid();
  settings.memory_limit_bytes = -1;
  EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].memory_limit"));
  for (const char* device : {"gpu", "cuda:", "cuda:x", "cuda:-1"}) {
    settings = Valid();
    settings.device = device;
    EXPECT_THAT(ErrorOf(settings), HasSubstr("models[resnet].device")) << device;
  }
  settings = Valid();
  settings.device = "cpu";
  EXPECT_TRUE(ValidateModelSettings(settings).ok());
}

TEST(ValidateModelSettingsListTest, NamesAreUnique) {
  ModelSettings other = Valid();
  other.name = "mlp";
  EXPECT_TRUE(ValidateModelSettingsList({Valid(), other}).ok());
  absl::Status twice = ValidateModelSettingsList({Valid(), other, Valid()});
  EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(twice.message()), HasSubstr("models[resnet]"));
  EXPECT_TRUE(ValidateModelSettingsList({}).ok());
}

TEST(ValidateModelSettingsListTest, ValidatesEachModel) {
  ModelSettings bad = Valid();
  bad.name = "bad";
  bad.base_path = "";
  EXPECT_THAT(std::string(ValidateModelSettingsList({Valid(), bad}).message()),
              HasSubstr("models[bad].base_path"));
}

}  // namespace
}  // namespace serval
