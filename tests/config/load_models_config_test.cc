// LoadModelsConfig: the models re-read from whichever source the server was started with, as on
// every reload (poll, SIGHUP, management API).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/str_cat.h"
#include "config/server_config.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

std::vector<std::string> Names(const std::vector<ModelSettings>& models) {
  std::vector<std::string> names;
  for (const ModelSettings& model : models) names.push_back(model.name);
  return names;
}

TEST(LoadModelsConfigTest, SingleModelFlags) {
  ServerConfig config;
  config.model_name = "hpt";
  config.model_base_path = "/models/hpt";
  auto models = LoadModelsConfig(config);
  ASSERT_TRUE(models.ok()) << models.status();
  ASSERT_EQ(models->size(), 1u);
  EXPECT_EQ((*models)[0].name, "hpt");
  EXPECT_EQ((*models)[0].base_path, "/models/hpt");
  EXPECT_EQ((*models)[0].version_policy.DebugString(), "latest: 1");

  config.model_name = "";
  EXPECT_THAT(std::string(LoadModelsConfig(config).status().message()), HasSubstr("models[].name"));
}

TEST(LoadModelsConfigTest, ARepositoryIsAnEmptyList) {
  ServerConfig config;
  config.model_repository = "/models";
  auto models = LoadModelsConfig(config);
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_THAT(*models, IsEmpty());
}

TEST(LoadModelsConfigTest, RereadsAChangedModelConfigFile) {
  TempDir dir;
  const std::string path = dir.Join("models.config");
  WriteFile(path, "model_config_list { config { name: 'a' base_path: '/m/a' } }");
  auto config = ParseServeFlags(std::vector<std::string>{StrCat("--model_config_file=", path)});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(Names(config->models), ElementsAre("a"));

  WriteFile(path, R"(model_config_list {
    config { name: 'a' base_path: '/m/a' model_version_policy { all {} } }
    config { name: 'b' base_path: '/m/b' version_labels { key: 'stable' value: 2 } }
  })");
  auto models = LoadModelsConfig(*config);
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_THAT(Names(*models), ElementsAre("a", "b"));
  EXPECT_EQ((*models)[0].version_policy.DebugString(), "all");
  EXPECT_THAT((*models)[1].labels, ElementsAre(Pair("stable", 2)));
}

TEST(LoadModelsConfigTest, AnInvalidModelConfigFileIsAnError) {
  TempDir dir;
  const std::string path = dir.Join("models.config");
  WriteFile(path, "model_config_list { config { name: 'a' base_path: '/m/a' } }");
  auto config = ParseServeFlags(std::vector<std::string>{StrCat("--model_config_file=", path)});
  ASSERT_TRUE(config.ok()) << config.status();

  WriteFile(path, "model_config_list {\n  config { name: 'a' base_pth: '/m/a' }\n}");
  auto models = LoadModelsConfig(*config);
  EXPECT_EQ(models.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(models.status().message()), StartsWith(StrCat(path, ":2:30: ")));

  WriteFile(path,
            "model_config_list { config { name: 'a' base_path: '/a' version_labels { key: "
            "'' value: 1 } } }");
  EXPECT_THAT(std::string(LoadModelsConfig(*config).status().message()),
              HasSubstr(StrCat(path, ": models[a].labels: a label name is empty")));

  std::remove(path.c_str());
  EXPECT_EQ(LoadModelsConfig(*config).status().code(), absl::StatusCode::kNotFound);
}

TEST(LoadModelsConfigTest, RereadsOnlyTheModelsOfAChangedYamlFile) {
  TempDir dir;
  const std::string path = dir.Join("serval.yaml");
  WriteFile(path, "model_configs:\n  - {name: a, path: /m/a}\nserver_config:\n  port: 8600\n");
  auto config = ParseServeFlags(std::vector<std::string>{StrCat("--config=", path)});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(Names(config->models), ElementsAre("a"));

  WriteFile(path, R"(
model_configs:
  - {name: a, path: /m/a, version: 2}
  - name: b
    path: /m/b
    labels: {stable: 1, canary: 2}
    traffic: {stable: 95, canary: 5}
server_config:
  port: 9999   # a server setting: needs a restart, not returned
)");
  auto models = LoadModelsConfig(*config);
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_THAT(Names(*models), ElementsAre("a", "b"));
  EXPECT_EQ((*models)[0].version_policy.DebugString(), "specific: [2]");
  EXPECT_THAT((*models)[1].traffic, ElementsAre(Pair("canary", 5), Pair("stable", 95)));
  EXPECT_EQ(config->grpc_port, 8600);
}

TEST(LoadModelsConfigTest, AnInvalidYamlFileIsAnError) {
  TempDir dir;
  const std::string path = dir.Join("serval.yaml");
  WriteFile(path, "model_configs:\n  - {name: a, path: /m/a}\n");
  auto config = ParseServeFlags(std::vector<std::string>{StrCat("--config=", path)});
  ASSERT_TRUE(config.ok()) << config.status();

  WriteFile(path, "model_configs:\n  - {name: a, path: /m/a, traffic: {stable: 1}}\n");
  auto models = LoadModelsConfig(*config);
  EXPECT_EQ(models.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(models.status().message()),
            StrCat(path, ":2:5: models[a].traffic: label 'stable' is not a label of the model"));

  WriteFile(path, "model_configs:\n  - {name: a, path: /m/a\n");
  EXPECT_THAT(std::string(LoadModelsConfig(*config).status().message()), StartsWith(path));
}

TEST(LoadModelsConfigTest, AYamlFileMayNotSwitchToARepositoryOnReload) {
  TempDir dir;
  const std::string path = dir.Join("serval.yaml");
  WriteFile(path, "model_configs:\n  - {name: a, path: /m/a}\n");
  auto config = ParseServeFlags(std::vector<std::string>{StrCat("--config=", path)});
  ASSERT_TRUE(config.ok()) << config.status();

  WriteFile(path, "server_config:\n  model_base_path: /m\n");
  EXPECT_THAT(std::string(LoadModelsConfig(*config).status().message()),
              HasSubstr("needs a restart"));
}

TEST(LoadModelsConfigTest, AYamlRepositoryStaysARepository) {
  TempDir dir;
  const std::string path = dir.Join("serval.yaml");
  WriteFile(path, "server_config:\n  model_base_path: /m\n");
  auto config = ParseServeFlags(std::vector<std::string>{StrCat("--config=", path)});
  ASSERT_TRUE(config.ok()) << config.status();
  auto models = LoadModelsConfig(*config);
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_THAT(*models, IsEmpty());

  WriteFile(path, "model_configs:\n  - {name: a, path: /m/a}\n");
  EXPECT_THAT(std::string(LoadModelsConfig(*config).status().message()),
              HasSubstr("needs a restart"));
}

}  // namespace
}  // namespace serval
