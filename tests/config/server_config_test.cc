#include "config/server_config.h"

#include <sched.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/str_cat.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::StatusOr<ServerConfig> Parse(std::vector<std::string> args) { return ParseServeFlags(args); }

std::string ErrorOf(std::vector<std::string> args) {
  auto config = Parse(std::move(args));
  EXPECT_FALSE(config.ok());
  return std::string(config.status().message());
}

TEST(ServerConfigTest, TfServingFlagsForOneModel) {
  auto config = Parse({"--model_name=half_plus_two", "--model_base_path=/models/hpt",
                       "--rest_api_port=9000", "--tensorflow_intra_op_parallelism=3"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model_name, "half_plus_two");
  EXPECT_EQ(config->model_base_path, "/models/hpt");
  EXPECT_EQ(config->rest_api_port, 9000);
  EXPECT_EQ(config->intra_op_threads, 3);
  ASSERT_EQ(config->models.size(), 1u);
  EXPECT_EQ(config->models[0].name, "half_plus_two");
  EXPECT_EQ(config->models[0].base_path, "/models/hpt");
  EXPECT_EQ(config->models[0].version_policy.DebugString(), "latest: 1");
}

TEST(ServerConfigTest, OnePerCoreMeansTheCoresThisProcessMayUse) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &all)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  // As taskset or a container's cpuset would leave it: one core.
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  auto pinned = Parse({"--model_repository=/models"});
  auto chosen = Parse({"--model_repository=/models", "--grpc_max_threads=3"});
  ASSERT_EQ(sched_setaffinity(0, sizeof(all), &all), 0);
  ASSERT_TRUE(pinned.ok()) << pinned.status();
  EXPECT_EQ(pinned->rest_api_num_threads, 1);
  EXPECT_EQ(pinned->grpc_max_threads, 1);
  EXPECT_EQ(pinned->intra_op_threads, 1);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(chosen->grpc_max_threads, 3);
}

TEST(ServerConfigTest, SpaceSeparatedValuesAndDefaults) {
  auto config = Parse({"--model_repository", "/models"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model_repository, "/models");
  EXPECT_THAT(config->models, IsEmpty());  // the serve command discovers the folders
  EXPECT_EQ(config->rest_api_port, 8501);
  EXPECT_EQ(config->grpc_port, 8500);
  EXPECT_EQ(config->max_request_body_bytes, size_t{64} << 20);
  EXPECT_GE(config->intra_op_threads, 1);      // one per core
  EXPECT_GE(config->rest_api_num_threads, 1);  // one per core
  EXPECT_GE(config->grpc_max_threads, 1);      // one per core
  EXPECT_EQ(config->model_name, "default");
  EXPECT_EQ(config->model_config_file_poll_wait_seconds, 0);
  EXPECT_EQ(config->file_system_poll_wait_seconds, 1);
  EXPECT_FALSE(config->allow_version_labels_for_unavailable_models);
  EXPECT_TRUE(config->enable_model_warmup);
  EXPECT_TRUE(config->cpu_bound_inference_threads);
  EXPECT_EQ(config->num_load_threads, 1);
  EXPECT_EQ(config->load_retry_initial_backoff_ms, 1000);
  EXPECT_EQ(config->load_retry_max_backoff_ms, 60000);
  EXPECT_EQ(config->management_address, "127.0.0.1");
  EXPECT_EQ(config->management_port, 8502);
  EXPECT_EQ(config->management_token, "");
  EXPECT_EQ(config->drain_timeout_seconds, 30);
  EXPECT_FALSE(config->batching.enabled);
  EXPECT_EQ(config->batching.max_batch_size, 1000);
  EXPECT_EQ(config->batching.max_enqueued_batches, 10);
  EXPECT_EQ(config->batching.num_batch_threads, 0);
  EXPECT_EQ(config->prometheus_endpoint, "/metrics");
  EXPECT_EQ(config->log_level, "info");
}

TEST(ServerConfigTest, NeedsExactlyOneModelSource) {
  EXPECT_THAT(ErrorOf({}), HasSubstr("give a model source"));
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--model_base_path=/b"}),
              HasSubstr("give exactly one model source, not --model_repository and "
                        "--model_base_path"));
  EXPECT_THAT(ErrorOf({"--config=a.yaml", "--model_config_file=b.config"}),
              HasSubstr("--config and --model_config_file"));
  EXPECT_THAT(ErrorOf({"--model_base_path="}), HasSubstr("--model_base_path: needs a value"));
  EXPECT_EQ(Parse({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ServerConfigTest, SingleModelFlagsBesideAConfigFileAreIgnoredAsTfServingDoes) {
  // TF Serving's Docker image always passes --model_name and --model_base_path.
  TempDir dir;
  WriteFile(dir.Join("models.config"),
            "model_config_list { config { name: 'a' base_path: '/models/a' } }\n");
  auto config = Parse({"--port=8500", "--rest_api_port=8501", "--model_name=model",
                       "--model_base_path=/models/model",
                       "--model_config_file=" + dir.Join("models.config")});
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->models.size(), 1u);
  EXPECT_EQ(config->models[0].name, "a");
  EXPECT_EQ(config->model_base_path, "");
}

TEST(ServerConfigTest, RejectsUnknownFlagsAndBadValues) {
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--no_such_flag=1"}),
              HasSubstr("unknown flag --no_such_flag"));
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--rest_api_port=abc"}),
              HasSubstr("--rest_api_port: must be an integer"));
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--rest_api_port=65536"}),
              HasSubstr("from 0 to 65535"));
  EXPECT_FALSE(Parse({"--model_repository=/a", "--rest_api_port=-1"}).ok());
  EXPECT_FALSE(Parse({"--model_repository=/a", "--instances_per_model=0"}).ok());
  EXPECT_FALSE(Parse({"--model_repository"}).ok());
  EXPECT_FALSE(Parse({"positional"}).ok());
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--log_level=debug"}),
              HasSubstr("--log_level: must be info, warning or error"));
}

TEST(ServerConfigTest, BooleanFlags) {
  auto config =
      Parse({"--enable_batching", "--model_repository", "/a", "--enable_model_warmup=false",
             "--allow_version_labels_for_unavailable_models=true",
             "--cpu_bound_inference_threads=false"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->batching.enabled);
  EXPECT_FALSE(config->enable_model_warmup);
  EXPECT_FALSE(config->cpu_bound_inference_threads);
  EXPECT_TRUE(config->allow_version_labels_for_unavailable_models);
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--enable_batching=yes please"}),
              HasSubstr("--enable_batching: must be true or false"));
}

TEST(ServerConfigTest, LifecycleAndManagementFlags) {
  auto config = Parse(
      {"--model_repository=/a", "--num_load_threads=0", "--model_config_file_poll_wait_seconds=30",
       "--file_system_poll_wait_seconds=0", "--load_retry_initial_backoff_ms=10",
       "--load_retry_max_backoff_ms=100", "--management_port=-1", "--management_address=0.0.0.0",
       "--drain_timeout_seconds=5", "--grpc_port=9500"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->num_load_threads, 1);  // 0 means 1
  EXPECT_EQ(config->model_config_file_poll_wait_seconds, 30);
  EXPECT_EQ(config->file_system_poll_wait_seconds, 0);
  EXPECT_EQ(config->load_retry_initial_backoff_ms, 10);
  EXPECT_EQ(config->load_retry_max_backoff_ms, 100);
  EXPECT_EQ(config->management_port, -1);
  EXPECT_EQ(config->management_address, "0.0.0.0");
  EXPECT_EQ(config->drain_timeout_seconds, 5);
  EXPECT_EQ(config->grpc_port, 9500);
  EXPECT_FALSE(Parse({"--model_repository=/a", "--management_port=-2"}).ok());
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--load_retry_initial_backoff_ms=100",
                       "--load_retry_max_backoff_ms=10"}),
              HasSubstr("--load_retry_max_backoff_ms (10) is below"));
}

TEST(ServerConfigTest, ManagementTokenFromAFile) {
  TempDir dir;
  WriteFile(dir.Join("token"), "  s3cret\n");
  auto config = Parse({"--model_repository=/a", "--management_token_file", dir.Join("token")});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->management_token, "s3cret");
  EXPECT_EQ(Parse({"--model_repository=/a", "--management_token=x"})->management_token, "x");
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--management_token=x",
                       StrCat("--management_token_file=", dir.Join("token"))}),
              HasSubstr("give --management_token or --management_token_file, not both"));
  WriteFile(dir.Join("empty"), " \n");
  EXPECT_THAT(
      ErrorOf({"--model_repository=/a", StrCat("--management_token_file=", dir.Join("empty"))}),
      HasSubstr("the token file is empty"));
  EXPECT_THAT(
      ErrorOf({"--model_repository=/a", StrCat("--management_token_file=", dir.Join("none"))}),
      HasSubstr(StrCat("--management_token_file: ", dir.Join("none"), ": no such file")));
}

TEST(ServerConfigTest, TfServingMonitoringAndBatchingFiles) {
  TempDir dir;
  WriteFile(dir.Join("monitoring.config"), "prometheus_config { enable: true }\n");
  WriteFile(dir.Join("batching.config"), "max_batch_size { value: 128 }\n");
  auto config = Parse({"--model_repository=/a", "--enable_batching",
                       StrCat("--monitoring_config_file=", dir.Join("monitoring.config")),
                       StrCat("--batching_parameters_file=", dir.Join("batching.config"))});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->prometheus_endpoint, "/monitoring/prometheus/metrics");
  EXPECT_TRUE(config->batching.enabled);
  EXPECT_EQ(config->batching.max_batch_size, 128);
  EXPECT_EQ(config->batching.max_enqueued_batches, 10);  // TF Serving's default

  // Read and checked without --enable_batching too.
  WriteFile(dir.Join("bad_batching.config"),
            "max_batch_size { value: 8 }\nallowed_batch_sizes: 4\n");
  EXPECT_THAT(ErrorOf({"--model_repository=/a",
                       StrCat("--batching_parameters_file=", dir.Join("bad_batching.config"))}),
              HasSubstr(StrCat("--batching_parameters_file: ", dir.Join("bad_batching.config"),
                               ":2:1: batching_parameters.allowed_batch_sizes: the last entry")));
  EXPECT_EQ(Parse({"--model_repository=/a", StrCat("--batching_parameters_file=", dir.Join("no"))})
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  WriteFile(dir.Join("off.config"), "prometheus_config { enable: false, path: \"/m\" }");
  EXPECT_EQ(
      Parse({"--model_repository=/a", StrCat("--monitoring_config_file=", dir.Join("off.config"))})
          ->prometheus_endpoint,
      "");
  WriteFile(dir.Join("bad.config"), "prometheus_config {\n  enabled: true }");
  EXPECT_THAT(ErrorOf({"--model_repository=/a",
                       StrCat("--monitoring_config_file=", dir.Join("bad.config"))}),
              HasSubstr(StrCat(dir.Join("bad.config"), ":2:10: ")));
  EXPECT_THAT(ErrorOf({"--model_repository=/a", "--prometheus_endpoint=/x",
                       StrCat("--monitoring_config_file=", dir.Join("monitoring.config"))}),
              HasSubstr("not both"));
}

TEST(ServerConfigTest, ModelConfigFile) {
  TempDir dir;
  WriteFile(dir.Join("models.config"),
            "model_config_list { config { name: 'a' base_path: '/m/a' } }\n");
  auto config = Parse({StrCat("--model_config_file=", dir.Join("models.config"))});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model_config_file, dir.Join("models.config"));
  ASSERT_EQ(config->models.size(), 1u);
  EXPECT_EQ(config->models[0].name, "a");
  EXPECT_EQ(Parse({StrCat("--model_config_file=", dir.Join("missing"))}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ServerConfigTest, FlagsOverrideTheYamlFile) {
  TempDir dir;
  WriteFile(dir.Join("serval.yaml"), R"(
model_configs:
  - {name: a, path: /m/a}
server_config:
  rest_api_port: 8601
  port: 8600
  enable_batching: true
  batching_parameters: {max_batch_size: 64}
monitoring:
  log_level: warning
)");
  auto config = Parse(
      {"--config", dir.Join("serval.yaml"), "--rest_api_port=9001", "--enable_batching=false"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->config_file, dir.Join("serval.yaml"));
  EXPECT_EQ(config->rest_api_port, 9001);  // the flag wins
  EXPECT_EQ(config->grpc_port, 8600);      // the file's
  EXPECT_FALSE(config->batching.enabled);
  EXPECT_EQ(config->batching.max_batch_size, 64);  // the file's
  EXPECT_EQ(config->log_level, "warning");
  ASSERT_EQ(config->models.size(), 1u);
  EXPECT_EQ(config->models[0].base_path, "/m/a");
}

TEST(ServerConfigTest, YamlNamingARepository) {
  TempDir dir;
  WriteFile(dir.Join("serval.yaml"), "server_config:\n  model_base_path: /models\n");
  auto config = Parse({StrCat("--config=", dir.Join("serval.yaml"))});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model_repository, "/models");
  EXPECT_THAT(config->models, IsEmpty());
}

TEST(ServerConfigTest, BadYamlNamesFileLineAndField) {
  TempDir dir;
  WriteFile(dir.Join("serval.yaml"), "model_configs:\n  - {name: a, path: /a, size: 3}\n");
  EXPECT_THAT(
      ErrorOf({StrCat("--config=", dir.Join("serval.yaml"))}),
      HasSubstr(StrCat(dir.Join("serval.yaml"), ":2:25: model_configs[a].size: unknown key")));
}

TEST(ServerConfigTest, BatchingFileReplacesTheYamlParameters) {
  TempDir dir;
  WriteFile(dir.Join("serval.yaml"), R"(
model_configs:
  - {name: a, path: /m/a}
server_config:
  enable_batching: true
  batching_parameters: {max_batch_size: 64, num_batch_threads: 2, allowed_batch_sizes: [32, 64]}
)");
  WriteFile(dir.Join("batching.config"), "batch_timeout_micros { value: 100 }\n");
  auto config = Parse({"--config", dir.Join("serval.yaml"),
                       StrCat("--batching_parameters_file=", dir.Join("batching.config"))});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->batching.enabled);  // the YAML's enable_batching stays
  EXPECT_EQ(config->batching.max_batch_size, 1000);
  EXPECT_EQ(config->batching.num_batch_threads, 0);
  EXPECT_EQ(config->batching.batch_timeout, absl::Microseconds(100));
  EXPECT_THAT(config->batching.allowed_batch_sizes, IsEmpty());

  WriteFile(dir.Join("bad.yaml"),
            "server_config:\n  model_base_path: /m\n  batching_parameters: {max_batch_size: 0}\n");
  EXPECT_THAT(ErrorOf({"--config", dir.Join("bad.yaml")}),
              HasSubstr(StrCat(dir.Join("bad.yaml"),
                               ":3:41: server_config.batching_parameters.max_batch_size: must be "
                               ">= 1")));
}

TEST(ServerConfigTest, HelpListsFlags) {
  const std::string help = ServeFlagsHelp();
  for (const char* flag :
       {"--model_base_path", "--intra_op_threads", "--config", "--model_config_file",
        "--model_config_file_poll_wait_seconds", "--file_system_poll_wait_seconds",
        "--num_load_threads", "--management_port", "--management_token_file",
        "--drain_timeout_seconds", "--enable_batching", "--prometheus_endpoint"}) {
    EXPECT_THAT(help, HasSubstr(flag));
  }
}

}  // namespace
}  // namespace serval
