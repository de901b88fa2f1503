#include "repository/model_repository.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "testing/temp_dir.h"

namespace serval {
namespace {


TEST(ModelRepositoryTest, VersionNames) {
  EXPECT_EQ(ParseVersionName("1"), 1);
  EXPECT_EQ(ParseVersionName("00000123"), 123);
  EXPECT_EQ(ParseVersionName("0"), std::nullopt);
  EXPECT_EQ(ParseVersionName(".2"), std::nullopt);
  EXPECT_EQ(ParseVersionName("2.tmp"), std::nullopt);
  EXPECT_EQ(ParseVersionName("-3"), std::nullopt);
  EXPECT_EQ(ParseVersionName(""), std::nullopt);
  EXPECT_EQ(ParseVersionName("99999999999999999999999"), std::nullopt);
}

TEST(ModelRepositoryTest, ListsOnlyCompleteVersionFolders) {
  TempDir dir;
  for (const char* name : {"3", "10", "00000002", ".4", "5.partial", "tmp"}) {
    std::filesystem::create_directories(dir.Join(name));
  }
  WriteFile(dir.Join("7"), "a file, not a folder");
  auto versions = ListVersions(dir.path());
  ASSERT_TRUE(versions.ok()) << versions.status();
  std::vector<int64_t> numbers;
  for (const VersionDir& v : *versions) numbers.push_back(v.version);
  EXPECT_EQ(numbers, (std::vector<int64_t>{2, 3, 10}));
  EXPECT_EQ(versions->front().path, dir.Join("00000002"));
}

TEST(ModelRepositoryTest, ScansEveryModelFolder) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("b/1"));
  std::filesystem::create_directories(dir.Join("a/2"));
  std::filesystem::create_directories(dir.Join(".hidden/1"));
  WriteFile(dir.Join("a/config.yaml"), "platform: fake\n");
  WriteFile(dir.Join("README"), "not a model");
  auto models = ModelRepository::ForDirectory(dir.path()).Scan();
  ASSERT_TRUE(models.ok()) << models.status();
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].name, "a");
  EXPECT_EQ((*models)[0].config->platform, "fake");
  EXPECT_EQ((*models)[0].versions[0].version, 2);
  EXPECT_EQ((*models)[1].name, "b");
  EXPECT_EQ((*models)[1].config->platform, "torchscript");
}

TEST(ModelRepositoryTest, OneModelByBasePath) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("1"));
  auto models = ModelRepository::ForModel("m", dir.path()).Scan();
  ASSERT_TRUE(models.ok());
  ASSERT_EQ(models->size(), 1u);
  EXPECT_EQ((*models)[0].name, "m");
  EXPECT_EQ((*models)[0].versions.size(), 1u);
}

TEST(ModelRepositoryTest, BadConfigIsReportedPerModel) {
  TempDir dir;
  std::filesystem::create_directories(dir.Join("m/1"));
  WriteFile(dir.Join("m/config.yaml"), "nonsense: [");
  auto models = ModelRepository::ForDirectory(dir.path()).Scan();
  ASSERT_TRUE(models.ok());
  EXPECT_FALSE((*models)[0].config.ok());
}

TEST(ModelRepositoryTest, MissingPathsAreNotFound) {
  EXPECT_EQ(ModelRepository::ForDirectory("/no/such/dir").Scan().status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ModelRepository::ForModel("m", "/no/such/dir").Scan().status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace serval
