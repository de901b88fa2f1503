#include "config/server_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace serval {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<ServerConfig> Parse(std::vector<std::string> args) { return ParseServeFlags(args); }

TEST(ServerConfigTest, TfServingFlagsForOneModel) {
  auto config = Parse({"--model_name=half_plus_two", "--model_base_path=/models/hpt",
                       "--rest_api_port=9000", "--tensorflow_intra_op_parallelism=3"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model_name, "half_plus_two");
  EXPECT_EQ(config->model_base_path, "/models/hpt");
  EXPECT_EQ(config->rest_api_port, 9000);
  EXPECT_EQ(config->intra_op_threads, 3);
}

TEST(ServerConfigTest, SpaceSeparatedValuesAndDefaults) {
  auto config = Parse({"--model_repository", "/models"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model_repository, "/models");
  EXPECT_EQ(config->rest_api_port, 8501);
  EXPECT_EQ(config->grpc_port, 8500);
  EXPECT_EQ(config->max_request_body_bytes, size_t{64} << 20);
  EXPECT_GE(config->intra_op_threads, 1);      // one per core
  EXPECT_GE(config->rest_api_num_threads, 1);  // one per core
  EXPECT_EQ(config->model_name, "default");
}

TEST(ServerConfigTest, NeedsExactlyOneModelSource) {
  EXPECT_EQ(Parse({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"--model_repository=/a", "--model_base_path=/b"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ServerConfigTest, RejectsUnknownFlagsAndBadValues) {
  EXPECT_THAT(std::string(Parse({"--model_repository=/a", "--no_such_flag=1"}).status().message()),
              HasSubstr("unknown flag --no_such_flag"));
  EXPECT_THAT(std::string(Parse({"--model_repository=/a", "--rest_api_port=abc"}).status().message()),
              HasSubstr("--rest_api_port must be an integer"));
  EXPECT_FALSE(Parse({"--model_repository=/a", "--rest_api_port=-1"}).ok());
  EXPECT_FALSE(Parse({"--model_repository=/a", "--instances_per_model=0"}).ok());
  EXPECT_FALSE(Parse({"--model_repository"}).ok());
  EXPECT_FALSE(Parse({"positional"}).ok());
}

TEST(ServerConfigTest, HelpListsFlags) {
  EXPECT_THAT(ServeFlagsHelp(), HasSubstr("--model_base_path"));
  EXPECT_THAT(ServeFlagsHelp(), HasSubstr("--intra_op_threads"));
}

}  // namespace
}  // namespace serval
