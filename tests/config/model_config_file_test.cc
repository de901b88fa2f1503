#include "config/model_config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tensorflow_serving/config/model_server_config.pb.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

std::vector<ModelSettings> Parse(std::string_view text) {
  auto models = ParseModelConfigText(text, "models.config");
  EXPECT_TRUE(models.ok()) << models.status();
  return models.ok() ? *models : std::vector<ModelSettings>{};
}

std::string ErrorOf(std::string_view text) {
  auto models = ParseModelConfigText(text, "models.config");
  EXPECT_EQ(models.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(models.status().message());
}

// The example of shared/docs/protocols.md 2.9.
constexpr std::string_view kProtocolsExample = R"(
model_config_list {
  config {
    name: "half_plus_two"
    base_path: "/models/half_plus_two"
    model_platform: "tensorflow"
    model_version_policy { specific { versions: 123 versions: 124 } }
    version_labels { key: "stable" value: 123 }
    version_labels { key: "canary" value: 124 }
  }
  config {
    name: "half_plus_three"
    base_path: "/models/half_plus_three"
    model_platform: "tensorflow"
    model_version_policy { latest { num_versions: 1 } }
  }
}
)";

TEST(ModelConfigFileTest, TheProtocolsExample) {
  std::vector<ModelSettings> models = Parse(kProtocolsExample);
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].name, "half_plus_two");
  EXPECT_EQ(models[0].base_path, "/models/half_plus_two");
  EXPECT_EQ(models[0].version_policy.DebugString(), "specific: [123, 124]");
  EXPECT_THAT(models[0].labels, ElementsAre(Pair("canary", 124), Pair("stable", 123)));
  EXPECT_EQ(models[1].name, "half_plus_three");
  EXPECT_EQ(models[1].version_policy.DebugString(), "latest: 1");
  EXPECT_THAT(models[1].labels, IsEmpty());
}

TEST(ModelConfigFileTest, TextFormatVariants) {
  // ',' and ';' separators, `name: { }`, single quotes, comments, everything on few lines.
  std::vector<ModelSettings> models = Parse(R"(
    # the models
    model_config_list: {
      config: { name: 'a', base_path: '/m/a'; model_version_policy: { all: {} } }  # all
      config { name: "b" base_path: "/m/b" version_labels: { key: 'x', value: 7 } }
    }
  )");
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].name, "a");
  EXPECT_EQ(models[0].base_path, "/m/a");
  EXPECT_EQ(models[0].version_policy.DebugString(), "all");
  EXPECT_EQ(models[1].version_policy.DebugString(), "latest: 1");
  EXPECT_THAT(models[1].labels, ElementsAre(Pair("x", 7)));
}

TEST(ModelConfigFileTest, LatestZeroMeansOne) {
  std::vector<ModelSettings> models = Parse(R"(
    model_config_list { config { name: "a" base_path: "/a" model_version_policy { latest {} } } }
    )");
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].version_policy.DebugString(), "latest: 1");
  models = Parse(R"(model_config_list { config { name: "a" base_path: "/a"
                    model_version_policy { latest { num_versions: 3 } } } })");
  EXPECT_EQ(models[0].version_policy.DebugString(), "latest: 3");
}

TEST(ModelConfigFileTest, AcceptsAnyPlatformAndIgnoresLogging) {
  std::vector<ModelSettings> models = Parse(R"(
    model_config_list {
      config { name: "a" base_path: "/a" model_platform: "torchscript" }
      config { name: "b" base_path: "/b" model_platform: "pytorch" model_type: TENSORFLOW }
      config {
        name: "c" base_path: "/c" model_platform: "onnx"
        logging_config { log_collector_config { type: "file" filename_prefix: "/tmp/log" }
                         sampling_config { sampling_rate: 0.5 } }
      }
    })");
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(models[2].name, "c");
}

TEST(ModelConfigFileTest, AnEmptyConfigHasNoModels) {
  EXPECT_THAT(Parse(""), IsEmpty());
  EXPECT_THAT(Parse("model_config_list {}"), IsEmpty());
}

TEST(ModelConfigFileTest, RefusesCustomModelConfig) {
  EXPECT_THAT(ErrorOf(R"(custom_model_config { type_url: "type.googleapis.com/x" })"),
              HasSubstr("only model_config_list is supported"));
}

TEST(ModelConfigFileTest, SyntaxErrorsSayLineAndColumn) {
  EXPECT_THAT(ErrorOf("model_config_list {\n  config {\n    nmae: \"a\"\n  }\n}\n"),
              AllOf(StartsWith("models.config:3:9: "), HasSubstr("nmae")));
  EXPECT_THAT(ErrorOf("model_config_list {\n  config { name: \"a\" \n"),
              StartsWith("models.config:3:"));
  EXPECT_THAT(ErrorOf("model_config_list { config { name: \"a\" base_path: 7 } }"),
              StartsWith("models.config:1:"));
}

TEST(ModelConfigFileTest, InvalidModelsNameTheField) {
  EXPECT_EQ(ErrorOf(R"(model_config_list { config { name: "a" } })"),
            "models.config: models[a].base_path: is empty");
  EXPECT_THAT(ErrorOf(R"(model_config_list { config { name: "a" base_path: "/a" }
                                             config { name: "a" base_path: "/b" } })"),
              HasSubstr("models.config: models[a]"));
  EXPECT_THAT(ErrorOf(R"(model_config_list { config { name: "a" base_path: "/a"
                           model_version_policy { specific { } } } })"),
              HasSubstr("models[a].version_policy"));
}

TEST(ModelConfigFileTest, FromAParsedProto) {
  tensorflow::serving::ModelServerConfig proto;
  auto* model = proto.mutable_model_config_list()->add_config();
  model->set_name("m");
  model->set_base_path("/m");
  model->mutable_model_version_policy()->mutable_all();
  (*model->mutable_version_labels())["stable"] = 4;
  auto models = ModelSettingsFromProto(proto);
  ASSERT_TRUE(models.ok()) << models.status();
  ASSERT_EQ(models->size(), 1u);
  EXPECT_EQ((*models)[0].version_policy.DebugString(), "all");
  EXPECT_THAT((*models)[0].labels, ElementsAre(Pair("stable", 4)));
}

TEST(ModelConfigFileTest, ReadsAFile) {
  TempDir dir;
  WriteFile(dir.Join("models.config"), kProtocolsExample);
  auto models = ReadModelConfigFile(dir.Join("models.config"));
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_EQ(models->size(), 2u);
  EXPECT_EQ(ReadModelConfigFile(dir.Join("missing.config")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace serval
