#include "config/yaml_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

ServerConfig Apply(std::string_view yaml) {
  ServerConfig config;
  absl::Status status = ApplyYamlConfig(yaml, "serval.yaml", config);
  EXPECT_TRUE(status.ok()) << status;
  return config;
}

std::string ErrorOf(std::string_view yaml) {
  ServerConfig config;
  absl::Status status = ApplyYamlConfig(yaml, "serval.yaml", config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << yaml;
  return std::string(status.message());
}

// One model at /m/NAME with `keys` added to its entry (each line indented by 4).
std::string OneModel(std::string_view keys) {
  return std::string("model_configs:\n  - name: resnet\n    path: /m/resnet\n") + std::string(keys);
}

// The seed's deployment-config shape.
constexpr std::string_view kSeedConfig = R"(
model_configs:
  - name: resnet
    path: /models/resnet          # base path (version folders inside)
    version_policy: {latest: 2}
    labels: {stable: 2, canary: 3}
    traffic: {stable: 90, canary: 10}
    batch_size: 32
    warmup_batch_sizes: [1, 8, 32]
    instances: 1
    gpu_device: 0
    memory_limit: 2GB
  - name: mlp
    path: mlp
server_config:
  port: 8500
  rest_api_port: 8601
  grpc_port: 8600
  model_base_path: /models
  enable_batching: true
  batching_parameters: {max_batch_size: 32, batch_timeout_micros: 1000, max_enqueued_batches: 100, num_batch_threads: 4}
  management_port: 8502
  file_system_poll_wait_seconds: 5
monitoring:
  prometheus_endpoint: /prometheus
  log_level: warning
  alert_thresholds: {p99_latency_ms: 100, error_rate: 0.01}
)";

TEST(YamlConfigTest, TheSeedShape) {
  ServerConfig config = Apply(kSeedConfig);
  ASSERT_EQ(config.models.size(), 2u);
  const ModelSettings& resnet = config.models[0];
  EXPECT_EQ(resnet.name, "resnet");
  EXPECT_EQ(resnet.base_path, "/models/resnet");
  EXPECT_EQ(resnet.version_policy.DebugString(), "latest: 2");
  EXPECT_THAT(resnet.labels, ElementsAre(Pair("canary", 3), Pair("stable", 2)));
  EXPECT_THAT(resnet.traffic, ElementsAre(Pair("canary", 10), Pair("stable", 90)));
  EXPECT_EQ(resnet.batch_size, 32);
  EXPECT_THAT(resnet.warmup_batch_sizes, ElementsAre(1, 8, 32));
  EXPECT_EQ(resnet.instances, 1);
  EXPECT_EQ(resnet.device, "cuda:0");
  EXPECT_EQ(resnet.memory_limit_bytes, 2'000'000'000);
  // A relative path is under server_config.model_base_path.
  EXPECT_EQ(config.models[1].base_path, "/models/mlp");
  EXPECT_EQ(config.models[1].version_policy.DebugString(), "latest: 1");
  EXPECT_THAT(config.models[1].warmup_batch_sizes, ElementsAre(1));
  EXPECT_TRUE(config.model_repository.empty());

  EXPECT_EQ(config.grpc_port, 8600);  // port and grpc_port both set it; the last wins
  EXPECT_EQ(config.rest_api_port, 8601);
  EXPECT_TRUE(config.batching.enabled);
  EXPECT_EQ(config.batching.max_batch_size, 32);
  EXPECT_EQ(config.batching.batch_timeout, absl::Microseconds(1000));
  EXPECT_EQ(config.batching.max_enqueued_batches, 100);
  EXPECT_EQ(config.batching.num_batch_threads, 4);
  EXPECT_EQ(config.management_port, 8502);
  EXPECT_EQ(config.file_system_poll_wait_seconds, 5);
  EXPECT_EQ(config.prometheus_endpoint, "/prometheus");
  EXPECT_EQ(config.log_level, "warning");
  EXPECT_THAT(config.alert_thresholds,
              ElementsAre(Pair("error_rate", 0.01), Pair("p99_latency_ms", 100)));
}

TEST(YamlConfigTest, ServerConfigTakesFlagsByName) {
  ServerConfig config = Apply(R"(
server_config:
  model_base_path: /models
  port: 9000
  num_load_threads: 3
  enable_model_warmup: no
  allow_version_labels_for_unavailable_models: true
  management_address: 0.0.0.0
  management_token: secret
  drain_timeout_seconds: 5
  model_config_file_poll_wait_seconds: 10
)");
  EXPECT_EQ(config.grpc_port, 9000);
  EXPECT_EQ(config.num_load_threads, 3);
  EXPECT_FALSE(config.enable_model_warmup);
  EXPECT_TRUE(config.allow_version_labels_for_unavailable_models);
  EXPECT_EQ(config.management_address, "0.0.0.0");
  EXPECT_EQ(config.management_token, "secret");
  EXPECT_EQ(config.drain_timeout_seconds, 5);
  EXPECT_EQ(config.model_config_file_poll_wait_seconds, 10);
}

TEST(YamlConfigTest, ModelBasePathAloneIsARepository) {
  ServerConfig config = Apply("server_config:\n  model_base_path: /models\n");
  EXPECT_EQ(config.model_repository, "/models");
  EXPECT_THAT(config.models, IsEmpty());
  config = Apply("model_configs: []\nserver_config:\n  model_base_path: /models\n");
  EXPECT_EQ(config.model_repository, "/models");
}

TEST(YamlConfigTest, NeedsSomeModels) {
  EXPECT_THAT(ErrorOf("server_config:\n  port: 1\n"), HasSubstr("serval.yaml: names no models"));
  EXPECT_THAT(ErrorOf("model_configs: []\n"), HasSubstr("names no models"));
  EXPECT_THAT(ErrorOf(""), HasSubstr("serval.yaml: is empty"));
}

TEST(YamlConfigTest, PathDefaultsUnderModelBasePath) {
  ServerConfig config =
      Apply("model_configs:\n  - name: a\nserver_config:\n  model_base_path: /models\n");
  ASSERT_EQ(config.models.size(), 1u);
  EXPECT_EQ(config.models[0].base_path, "/models/a");
  EXPECT_THAT(ErrorOf("model_configs:\n  - name: a\n"),
              AllOf(StartsWith("serval.yaml:2:5: model_configs[a].path: is missing")));
  // Without model_base_path a relative path stays relative (to the working directory).
  EXPECT_EQ(Apply("model_configs:\n  - {name: a, path: build/models/a}\n").models[0].base_path,
            "build/models/a");
}

TEST(YamlConfigTest, VersionAndVersionPolicies) {
  EXPECT_EQ(Apply(OneModel("    version: 3\n")).models[0].version_policy.DebugString(),
            "specific: [3]");
  EXPECT_EQ(Apply(OneModel("    version_policy: all\n")).models[0].version_policy.DebugString(),
            "all");
  EXPECT_EQ(
      Apply(OneModel("    version_policy: {all: {}}\n")).models[0].version_policy.DebugString(),
      "all");
  EXPECT_EQ(Apply(OneModel("    version_policy: {specific: [1, 2]}\n"))
                .models[0]
                .version_policy.DebugString(),
            "specific: [1, 2]");
  EXPECT_THAT(ErrorOf(OneModel("    version: 3\n    version_policy: all\n")),
              HasSubstr("model_configs[resnet].version: give version or version_policy"));
  EXPECT_THAT(ErrorOf(OneModel("    version_policy: newest\n")),
              HasSubstr("model_configs[resnet].version_policy: must be"));
  EXPECT_THAT(ErrorOf(OneModel("    version_policy: {latest: 1, all: {}}\n")),
              HasSubstr("model_configs[resnet].version_policy"));
  EXPECT_THAT(ErrorOf(OneModel("    version_policy: {newest: 1}\n")),
              HasSubstr("model_configs[resnet].version_policy.newest: unknown key"));
  EXPECT_THAT(ErrorOf(OneModel("    version_policy: {latest: 0}\n")),
              HasSubstr("models[resnet].version_policy: latest must be at least 1"));
}

TEST(YamlConfigTest, WarmupBatchSizesDefault) {
  EXPECT_THAT(Apply(OneModel("    batch_size: 16\n")).models[0].warmup_batch_sizes,
              ElementsAre(1, 16));
  EXPECT_THAT(Apply(OneModel("    batch_size: 1\n")).models[0].warmup_batch_sizes, ElementsAre(1));
  EXPECT_THAT(Apply(OneModel("    warmup_batch_sizes: [4]\n")).models[0].warmup_batch_sizes,
              ElementsAre(4));
}

TEST(YamlConfigTest, DevicesAndMemoryLimits) {
  EXPECT_EQ(Apply(OneModel("    gpu_device: cpu\n")).models[0].device, "cpu");
  EXPECT_EQ(Apply(OneModel("    gpu_device: 1\n")).models[0].device, "cuda:1");
  EXPECT_EQ(Apply(OneModel("    gpu_device: cuda:2\n")).models[0].device, "cuda:2");
  EXPECT_THAT(ErrorOf(OneModel("    gpu_device: -1\n")),
              HasSubstr("model_configs[resnet].gpu_device: must be a GPU number"));
  EXPECT_THAT(ErrorOf(OneModel("    gpu_device: tpu\n")),
              HasSubstr("model_configs[resnet].gpu_device"));
  EXPECT_EQ(Apply(OneModel("    memory_limit: 512MiB\n")).models[0].memory_limit_bytes,
            int64_t{512} << 20);
  EXPECT_EQ(Apply(OneModel("    memory_limit: 1000\n")).models[0].memory_limit_bytes, 1000);
  EXPECT_THAT(ErrorOf(OneModel("    memory_limit: lots\n")),
              HasSubstr("serval.yaml:4:19: model_configs[resnet].memory_limit: 'lots' is not"));
}

TEST(YamlConfigTest, UnknownKeysNameTheirPath) {
  EXPECT_THAT(ErrorOf("modle_configs: []\n"),
              StartsWith("serval.yaml:1:1: modle_configs: unknown key"));
  EXPECT_THAT(ErrorOf(OneModel("    gpu_devcie: 0\n")),
              StartsWith("serval.yaml:4:5: model_configs[resnet].gpu_devcie: unknown key"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\n  rest_port: 1\n"),
              StartsWith("serval.yaml:3:3: server_config.rest_port: unknown key"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\n  config: x.yaml\n"),
              HasSubstr("server_config.config: unknown key"));
  EXPECT_THAT(
      ErrorOf("server_config:\n  model_base_path: /m\n  batching_parameters: {max_batch: 1}\n"),
      HasSubstr("server_config.batching_parameters.max_batch: unknown key"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\nmonitoring:\n  level: info\n"),
              HasSubstr("monitoring.level: unknown key"));
  EXPECT_THAT(ErrorOf(OneModel("    batch_size: 1\n    batch_size: 2\n")),
              HasSubstr("model_configs[resnet].batch_size: is given twice"));
}

TEST(YamlConfigTest, BadValuesNameTheirField) {
  EXPECT_THAT(ErrorOf(OneModel("    batch_size: many\n")),
              StartsWith("serval.yaml:4:17: model_configs[resnet].batch_size: must be an integer"));
  EXPECT_THAT(ErrorOf(OneModel("    labels: [stable]\n")),
              HasSubstr("model_configs[resnet].labels: must be a mapping"));
  EXPECT_THAT(ErrorOf(OneModel("    labels: {stable: two}\n")),
              HasSubstr("model_configs[resnet].labels.stable: must be an integer"));
  EXPECT_THAT(ErrorOf(OneModel("    warmup_batch_sizes: 8\n")),
              HasSubstr("model_configs[resnet].warmup_batch_sizes: must be a list"));
  EXPECT_THAT(ErrorOf("model_configs:\n  - path: /m\n"),
              HasSubstr("model_configs[0].name: is missing"));
  EXPECT_THAT(ErrorOf("model_configs: {resnet: 1}\n"), HasSubstr("model_configs: must be a list"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\n  port: http\n"),
              StartsWith("serval.yaml:3:9: server_config.port: must be an integer"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\n  port: 70000\n"),
              HasSubstr("server_config.port: must be an integer from -1 to 65535"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\n  enable_batching: maybe\n"),
              HasSubstr("server_config.enable_batching: must be true or false"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\nmonitoring:\n  log_level: loud\n"),
              HasSubstr("monitoring.log_level: must be info, warning or error"));
  EXPECT_THAT(
      ErrorOf("server_config:\n  model_base_path: /m\nmonitoring:\n  prometheus_endpoint: m\n"),
      HasSubstr("monitoring.prometheus_endpoint: must be a URL path"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\nmonitoring:\n"
                      "  alert_thresholds: {error_rate: high}\n"),
              HasSubstr("monitoring.alert_thresholds.error_rate: must be a number"));
}

TEST(YamlConfigTest, InvalidModelsNameTheField) {
  EXPECT_EQ(ErrorOf(OneModel("    labels: {stable: 2}\n    traffic: {stable: 90, canary: 10}\n")),
            "serval.yaml:2:5: models[resnet].traffic: label 'canary' is not a label of the model");
  EXPECT_THAT(ErrorOf("model_configs:\n  - {name: a, path: /a}\n  - {name: a, path: /b}\n"),
              HasSubstr("serval.yaml: models[a]"));
}

TEST(YamlConfigTest, SyntaxErrorsSayWhere) {
  EXPECT_THAT(ErrorOf("model_configs:\n  - name: [unclosed\n"), StartsWith("serval.yaml:"));
  EXPECT_THAT(ErrorOf("model_configs: x\n  bad: indent\n"), StartsWith("serval.yaml:2:"));
}

TEST(YamlConfigTest, BatchingParametersOfEveryKind) {
  ServerConfig config = Apply(R"(
server_config:
  model_base_path: /m
  batching_parameters:
    max_batch_size: 16
    batch_timeout_micros: 250
    max_enqueued_batches: 3
    num_batch_threads: 0
    thread_pool_name: "pool"
    enable_large_batch_splitting: true
    allowed_batch_sizes: [8, 16]
    preferred_batch_sizes: [4, 16]
    pad_variable_length_inputs: true
  enable_batching: true
)");
  EXPECT_TRUE(config.batching.enabled);  // after batching_parameters, or before: the same
  EXPECT_EQ(config.batching.max_batch_size, 16);
  EXPECT_EQ(config.batching.batch_timeout, absl::Microseconds(250));
  EXPECT_EQ(config.batching.max_enqueued_batches, 3);
  EXPECT_EQ(config.batching.num_batch_threads, 0);
  EXPECT_THAT(config.batching.allowed_batch_sizes, ElementsAre(8, 16));
  EXPECT_THAT(config.batching.preferred_batch_sizes, ElementsAre(4, 16));
  EXPECT_TRUE(config.batching.pad_variable_length_inputs);
  EXPECT_TRUE(config.batching.enable_large_batch_splitting);
}

TEST(YamlConfigTest, BatchingDefaults) {
  const ServerConfig none = Apply("server_config:\n  model_base_path: /m\n");
  EXPECT_FALSE(none.batching.enabled);
  EXPECT_EQ(none.batching.max_batch_size, 1000);
  EXPECT_EQ(none.batching.max_enqueued_batches, 10);
  const ServerConfig some = Apply(
      "server_config:\n  model_base_path: /m\n  enable_batching: true\n"
      "  batching_parameters: {batch_timeout_micros: 5}\n");
  EXPECT_TRUE(some.batching.enabled);
  EXPECT_EQ(some.batching.max_batch_size, 1000);
  EXPECT_EQ(some.batching.batch_timeout, absl::Microseconds(5));
  EXPECT_EQ(some.batching.max_enqueued_batches, 10);
  EXPECT_EQ(some.batching.num_batch_threads, 0);
  const ServerConfig empty =
      Apply("server_config:\n  model_base_path: /m\n  batching_parameters: {}\n");
  EXPECT_EQ(empty.batching.max_batch_size, 1000);
}

TEST(YamlConfigTest, MaxExecutionBatchSizeWhenSplitting) {
  const ServerConfig config = Apply(
      "server_config:\n  model_base_path: /m\n  batching_parameters:\n"
      "    {max_batch_size: 512, enable_large_batch_splitting: true, max_execution_batch_size: "
      "32}\n");
  EXPECT_EQ(config.batching.max_batch_size, 32);
  EXPECT_TRUE(config.batching.enable_large_batch_splitting);
}

TEST(YamlConfigTest, BadBatchingParametersNameTheKey) {
  const std::string head = "server_config:\n  model_base_path: /m\n  batching_parameters:\n";
  EXPECT_EQ(ErrorOf(head + "    max_batch_size: 0\n"),
            "serval.yaml:4:21: server_config.batching_parameters.max_batch_size: must be >= 1");
  EXPECT_EQ(ErrorOf(head + "    num_batch_threads: -1\n"),
            "serval.yaml:4:24: server_config.batching_parameters.num_batch_threads: must be >= 0");
  EXPECT_THAT(ErrorOf(head + "    batch_timeout_micros: -5\n"),
              HasSubstr("server_config.batching_parameters.batch_timeout_micros: must be >= 0"));
  EXPECT_THAT(ErrorOf(head + "    max_enqueued_batches: 0\n"),
              HasSubstr("server_config.batching_parameters.max_enqueued_batches: must be >= 1"));
  EXPECT_THAT(
      ErrorOf(head + "    max_execution_batch_size: 0\n"),
      HasSubstr("server_config.batching_parameters.max_execution_batch_size: must be >= 1"));
  EXPECT_EQ(ErrorOf(head + "    max_batch_size: 32\n    allowed_batch_sizes: [8, 16]\n"),
            "serval.yaml:5:26: server_config.batching_parameters.allowed_batch_sizes: the last "
            "entry (16) must equal max_batch_size (32)");
  EXPECT_THAT(ErrorOf(head + "    max_batch_size: 32\n    allowed_batch_sizes: [32, 8, 32]\n"),
              HasSubstr("server_config.batching_parameters.allowed_batch_sizes: must be positive "
                        "and strictly increasing"));
  EXPECT_EQ(ErrorOf(head + "    max_batch_size: 32\n    preferred_batch_sizes: [8, 64]\n"),
            "serval.yaml:5:28: server_config.batching_parameters.preferred_batch_sizes: the last "
            "entry (64) exceeds max_batch_size (32)");
  EXPECT_THAT(ErrorOf(head + "    preferred_batch_sizes: [8, 8]\n"),
              HasSubstr("server_config.batching_parameters.preferred_batch_sizes: must be "
                        "positive and strictly increasing"));
  EXPECT_THAT(ErrorOf(head + "    max_batch_size: many\n"),
              HasSubstr("server_config.batching_parameters.max_batch_size: must be an integer"));
  EXPECT_THAT(ErrorOf(head + "    allowed_batch_sizes: 8\n"),
              HasSubstr("server_config.batching_parameters.allowed_batch_sizes: must be a list"));
  EXPECT_THAT(ErrorOf(head + "    pad_variable_length_inputs: maybe\n"),
              HasSubstr("server_config.batching_parameters.pad_variable_length_inputs: must be"));
  EXPECT_THAT(ErrorOf("server_config:\n  model_base_path: /m\n  batching_parameters: [1]\n"),
              HasSubstr("server_config.batching_parameters"));
}

}  // namespace
}  // namespace serval
