#include "repository/model_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

TEST(ModelConfigTest, ParsesSignature) {
  auto config = ParseModelConfig(R"(
platform: torchscript
inputs:
  - name: x
    dtype: float32
    shape: [-1, 4]
  - name: ids
    dtype: int64
outputs:
  - name: y
    dtype: fp32
    shape: [-1]
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->platform, "torchscript");
  ASSERT_TRUE(config->signature.has_value());
  ASSERT_EQ(config->signature->inputs.size(), 2u);
  EXPECT_EQ(config->signature->inputs[0].shape, (Shape{-1, 4}));
  EXPECT_TRUE(config->signature->inputs[0].has_shape);
  EXPECT_EQ(config->signature->inputs[1].dtype, DataType::kInt64);
  EXPECT_FALSE(config->signature->inputs[1].has_shape);
  EXPECT_EQ(config->signature->outputs[0].name, "y");
  EXPECT_EQ(config->signature->name, "serving_default");
}

TEST(ModelConfigTest, EmptyFileMeansDefaults) {
  auto config = ParseModelConfig("");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->platform, "torchscript");
  EXPECT_FALSE(config->signature.has_value());
}

TEST(ModelConfigTest, RejectsMistakesWithTheirNames) {
  auto message = [](std::string_view yaml) {
    return std::string(ParseModelConfig(yaml).status().message());
  };
  EXPECT_THAT(message("inptus: []"), HasSubstr("unknown key 'inptus'"));
  EXPECT_THAT(message("inputs:\n  - name: x\n    dtype: complex\n"), HasSubstr("unknown dtype 'complex'"));
  EXPECT_THAT(message("inputs:\n  - name: x\n    shape: [-2]\n"), HasSubstr("dimension -2"));
  EXPECT_THAT(message("inputs:\n  - name: x\n  - name: x\n"), HasSubstr("duplicate name 'x'"));
  EXPECT_THAT(message("inputs:\n  - dtype: fp32\n"), HasSubstr("needs a name"));
  EXPECT_THAT(message("inputs: x"), HasSubstr("must be a list"));
  EXPECT_THAT(message("inputs: [\n"), HasSubstr("invalid YAML"));
  EXPECT_THAT(message("inputs:\n  - name: x\n    shape: [a]\n"), HasSubstr("invalid YAML"));
}

TEST(ModelConfigTest, ReadsFileOrDefaults) {
  TempDir dir;
  EXPECT_TRUE(ReadModelConfig(dir.path()).ok());
  WriteFile(dir.Join("config.yaml"), "platform: onnx\n");
  EXPECT_EQ(ReadModelConfig(dir.path())->platform, "onnx");
  WriteFile(dir.Join("config.yaml"), "bogus: 1\n");
  auto bad = ReadModelConfig(dir.path());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("config.yaml"));
}

}  // namespace
}  // namespace serval
