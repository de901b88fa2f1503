#include "config/batching_parameters_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/str_cat.h"
#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

BatchingSettings Parse(std::string_view text) {
  absl::StatusOr<BatchingSettings> settings = ParseBatchingParameters(text, "batching.config");
  EXPECT_TRUE(settings.ok()) << settings.status();
  return settings.ok() ? *settings : BatchingSettings();
}

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<BatchingSettings> settings = ParseBatchingParameters(text, "batching.config");
  EXPECT_EQ(settings.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(settings.status().message());
}

TEST(BatchingParametersFileTest, TheDocumentedExample) {  // protocols.md 2.10
  const BatchingSettings settings = Parse(R"(
max_batch_size { value: 128 }
batch_timeout_micros { value: 0 }
max_enqueued_batches { value: 1000000 }
num_batch_threads { value: 8 }
)");
  EXPECT_FALSE(settings.enabled);  // --enable_batching's
  EXPECT_EQ(settings.max_batch_size, 128);
  EXPECT_EQ(settings.batch_timeout, absl::ZeroDuration());
  EXPECT_EQ(settings.max_enqueued_batches, 1000000);
  EXPECT_EQ(settings.num_batch_threads, 8);
  EXPECT_THAT(settings.allowed_batch_sizes, IsEmpty());
  EXPECT_FALSE(settings.pad_variable_length_inputs);
  EXPECT_FALSE(settings.enable_large_batch_splitting);
}

TEST(BatchingParametersFileTest, AbsentFieldsTakeTfServingsDefaults) {
  for (std::string_view text : {"", "# nothing\n", "thread_pool_name { value: 'pool' }"}) {
    const BatchingSettings settings = Parse(text);
    EXPECT_EQ(settings.max_batch_size, 1000);
    EXPECT_EQ(settings.batch_timeout, absl::ZeroDuration());
    EXPECT_EQ(settings.max_enqueued_batches, 10);
    EXPECT_EQ(settings.num_batch_threads, 0);  // one per model instance
    EXPECT_THAT(settings.allowed_batch_sizes, IsEmpty());
    EXPECT_FALSE(settings.pad_variable_length_inputs);
    EXPECT_FALSE(settings.enable_large_batch_splitting);
  }
}

TEST(BatchingParametersFileTest, EveryField) {
  const BatchingSettings settings = Parse(R"(
max_batch_size { value: 32 }
batch_timeout_micros { value: 1500 }
max_enqueued_batches { value: 4 }
num_batch_threads { value: 0 }
thread_pool_name { value: "batch_threads" }
allowed_batch_sizes: 8
allowed_batch_sizes: 16
allowed_batch_sizes: 32
pad_variable_length_inputs: true
enable_large_batch_splitting { value: true }
)");
  EXPECT_EQ(settings.max_batch_size, 32);
  EXPECT_EQ(settings.batch_timeout, absl::Microseconds(1500));
  EXPECT_EQ(settings.max_enqueued_batches, 4);
  EXPECT_EQ(settings.num_batch_threads, 0);
  EXPECT_THAT(settings.allowed_batch_sizes, ElementsAre(8, 16, 32));
  EXPECT_TRUE(settings.pad_variable_length_inputs);
  EXPECT_TRUE(settings.enable_large_batch_splitting);
  // The list form and other separators of the text format.
  EXPECT_THAT(
      Parse("max_batch_size: { value: 4 }, allowed_batch_sizes: [1, 2, 4]").allowed_batch_sizes,
      ElementsAre(1, 2, 4));
}

TEST(BatchingParametersFileTest, MaxExecutionBatchSizeIsTheBatchWhenSplitting) {
  const BatchingSettings split = Parse(
      "max_batch_size { value: 4096 } enable_large_batch_splitting { value: true }\n"
      "max_execution_batch_size { value: 64 } allowed_batch_sizes: [32, 64]");
  EXPECT_EQ(split.max_batch_size, 64);
  EXPECT_TRUE(split.enable_large_batch_splitting);
  EXPECT_THAT(split.allowed_batch_sizes, ElementsAre(32, 64));
  // Without splitting it is unused, as in TF Serving.
  EXPECT_EQ(
      Parse("max_batch_size { value: 16 } max_execution_batch_size { value: 64 }").max_batch_size,
      16);
  EXPECT_EQ(ErrorOf("max_execution_batch_size { value: 0 }"),
            "batching.config:1:1: batching_parameters.max_execution_batch_size: must be >= 1");
  EXPECT_THAT(ErrorOf("enable_large_batch_splitting { value: true }\n"
                      "max_execution_batch_size { value: 64 }\nallowed_batch_sizes: [32, 128]"),
              HasSubstr("batching.config:3:1: batching_parameters.allowed_batch_sizes: the last "
                        "entry (128) must equal max_execution_batch_size (64)"));
  EXPECT_THAT(ErrorOf("enable_large_batch_splitting { value: true }\n"
                      "max_execution_batch_size { value: 64 }\nmax_batch_size { value: 0 }"),
              StartsWith("batching.config:3:1: batching_parameters.max_batch_size: must be >= 1"));
}

TEST(BatchingParametersFileTest, AllowedBatchSizesRules) {
  EXPECT_THAT(Parse("max_batch_size { value: 8 } allowed_batch_sizes: [8]").allowed_batch_sizes,
              ElementsAre(8));
  // The last entry is max_batch_size, here its default.
  EXPECT_THAT(Parse("allowed_batch_sizes: [10, 1000]").allowed_batch_sizes, ElementsAre(10, 1000));
  EXPECT_EQ(ErrorOf("max_batch_size { value: 32 }\nallowed_batch_sizes: [8, 16]"),
            "batching.config:2:1: batching_parameters.allowed_batch_sizes: the last entry (16) "
            "must equal max_batch_size (32)");
  EXPECT_THAT(ErrorOf("max_batch_size { value: 32 }\nallowed_batch_sizes: [16, 8, 32]"),
              HasSubstr("batching.config:2:1: batching_parameters.allowed_batch_sizes: must be "
                        "positive and strictly increasing"));
  EXPECT_THAT(ErrorOf("max_batch_size { value: 8 } allowed_batch_sizes: [8, 8]"),
              HasSubstr("strictly increasing"));
  EXPECT_THAT(ErrorOf("max_batch_size { value: 8 } allowed_batch_sizes: [0, 8]"),
              HasSubstr("batching_parameters.allowed_batch_sizes: must be positive"));
}

TEST(BatchingParametersFileTest, BadValuesNameTheFileLineAndField) {
  EXPECT_EQ(ErrorOf("\n  max_batch_size { value: 0 }"),
            "batching.config:2:3: batching_parameters.max_batch_size: must be >= 1");
  EXPECT_EQ(ErrorOf("batch_timeout_micros { value: -1 }"),
            "batching.config:1:1: batching_parameters.batch_timeout_micros: must be >= 0");
  EXPECT_EQ(ErrorOf("max_enqueued_batches { value: 0 }"),
            "batching.config:1:1: batching_parameters.max_enqueued_batches: must be >= 1");
  EXPECT_EQ(ErrorOf("num_batch_threads { value: -2 }"),
            "batching.config:1:1: batching_parameters.num_batch_threads: must be >= 0");
}

TEST(BatchingParametersFileTest, SyntaxErrorsNameTheFileLineAndColumn) {
  EXPECT_EQ(ErrorOf("max_batch_size { value: 8 }\nmax_batch { value: 8 }"),
            "batching.config:2:11: Message type \"tensorflow.serving.BatchingParameters\" has no "
            "field named \"max_batch\".");
  EXPECT_THAT(ErrorOf("max_batch_size: 8"), StartsWith("batching.config:1:"));  // not a wrapper
  EXPECT_THAT(ErrorOf("max_batch_size { value: 8 } max_batch_size { value: 9 }"),
              StartsWith("batching.config:1:"));
}

TEST(BatchingParametersFileTest, ReadsAFile) {
  TempDir dir;
  WriteFile(dir.Join("batching.config"), "max_batch_size { value: 64 }\n");
  absl::StatusOr<BatchingSettings> settings =
      ReadBatchingParametersFile(dir.Join("batching.config"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->max_batch_size, 64);
  EXPECT_EQ(ReadBatchingParametersFile(dir.Join("none")).status().code(),
            absl::StatusCode::kNotFound);
  WriteFile(dir.Join("bad.config"), "max_batch_size { value: -3 }\n");
  EXPECT_THAT(
      ReadBatchingParametersFile(dir.Join("bad.config")).status().message(),
      HasSubstr(StrCat(dir.Join("bad.config"), ":1:1: batching_parameters.max_batch_size")));
}

TEST(BatchingParametersFileTest, SplitsErrors) {
  const BatchingParametersError error =
      SplitBatchingParametersError("batching_parameters.max_batch_size: must be >= 1");
  EXPECT_EQ(error.field, "max_batch_size");
  EXPECT_EQ(error.message, "must be >= 1");
  EXPECT_EQ(SplitBatchingParametersError("something else").field, "");
}

}  // namespace
}  // namespace serval
