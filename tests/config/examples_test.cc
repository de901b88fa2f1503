// The example config files in examples/ and the examples in docs/configuration.md parse, and the
// two example files describe the same models.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/str_cat.h"
#include "config/batching_parameters_file.h"
#include "config/model_config_file.h"
#include "config/text_file.h"
#include "config/yaml_config.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::string Example(std::string_view name) { return StrCat(SERVAL_SOURCE_DIR, "/examples/", name); }

// The first fenced code block after `heading` in docs/configuration.md.
std::string DocBlock(std::string_view heading) {
  auto doc = ReadTextFile(StrCat(SERVAL_SOURCE_DIR, "/docs/configuration.md"));
  EXPECT_TRUE(doc.ok()) << doc.status();
  const size_t at = doc->find(heading);
  EXPECT_NE(at, std::string::npos) << heading;
  const size_t fence = doc->find("```", at);
  const size_t start = doc->find('\n', fence) + 1;
  return doc->substr(start, doc->find("```", start) - start);
}

TEST(ExamplesTest, ServalYaml) {
  ServerConfig config;
  absl::Status status = ApplyYamlConfigFile(Example("serval.yaml"), config);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(config.models.size(), 2u);
  EXPECT_EQ(config.models[0].name, "half_plus_two");
  EXPECT_EQ(config.models[0].base_path, "build/models/half_plus_two");
  EXPECT_THAT(config.models[0].labels, ElementsAre(Pair("stable", 1)));
  EXPECT_THAT(config.models[1].warmup_batch_sizes, ElementsAre(1, 32));
  EXPECT_EQ(config.rest_api_port, 8501);
  EXPECT_EQ(config.management_port, 8502);
}

TEST(ExamplesTest, ModelsConfigGivesTheSameModels) {
  ServerConfig yaml;
  ASSERT_TRUE(ApplyYamlConfigFile(Example("serval.yaml"), yaml).ok());
  auto models = ReadModelConfigFile(Example("models.config"));
  ASSERT_TRUE(models.ok()) << models.status();
  ASSERT_EQ(models->size(), yaml.models.size());
  for (size_t i = 0; i < models->size(); ++i) {
    const ModelSettings& from_proto = (*models)[i];
    const ModelSettings& from_yaml = yaml.models[i];
    EXPECT_EQ(from_proto.name, from_yaml.name);
    EXPECT_EQ(from_proto.base_path, from_yaml.base_path);
    EXPECT_EQ(from_proto.version_policy.DebugString(), from_yaml.version_policy.DebugString());
    EXPECT_EQ(from_proto.labels, from_yaml.labels);
  }
}

TEST(ExamplesTest, TheDocumentedFullYamlFile) {
  ServerConfig config;
  absl::Status status = ApplyYamlConfig(DocBlock("### A full file"), "doc", config);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(config.models.size(), 2u);
  EXPECT_EQ(config.models[1].base_path, "/models/mlp");
}

TEST(ExamplesTest, TheDocumentedModelConfigFile) {
  auto models = ParseModelConfigText(DocBlock("## TF Serving's model config file"), "doc");
  ASSERT_TRUE(models.ok()) << models.status();
  EXPECT_EQ(models->size(), 2u);
}

TEST(ExamplesTest, TheDocumentedBatchingParameters) {
  auto file = ParseBatchingParameters(DocBlock("### The batching parameters file"), "doc");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->max_batch_size, 128);
  EXPECT_EQ(file->max_enqueued_batches, 1000000);
  EXPECT_EQ(file->num_batch_threads, 8);
  // The YAML form says the same (with a model source added).
  ServerConfig config;
  absl::Status status = ApplyYamlConfig(
      StrCat(DocBlock("The same in the YAML file:"), "  model_base_path: /models\n"), "doc",
      config);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(config.batching.enabled);
  EXPECT_EQ(config.batching.max_batch_size, file->max_batch_size);
  EXPECT_EQ(config.batching.batch_timeout, file->batch_timeout);
  EXPECT_EQ(config.batching.max_enqueued_batches, file->max_enqueued_batches);
  EXPECT_EQ(config.batching.num_batch_threads, file->num_batch_threads);
}

TEST(ExamplesTest, ServalYamlBatching) {
  ServerConfig config;
  ASSERT_TRUE(ApplyYamlConfigFile(Example("serval.yaml"), config).ok());
  EXPECT_FALSE(config.batching.enabled);
  EXPECT_EQ(config.batching.max_batch_size, 32);
}

}  // namespace
}  // namespace serval
