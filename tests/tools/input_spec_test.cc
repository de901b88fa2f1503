#include "tools/input_spec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace serval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(InputSpecTest, OneInput) {
  absl::StatusOr<std::vector<TensorSpec>> specs = ParseInputSpecs("x:fp32[1,64]");
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 1u);
  EXPECT_EQ((*specs)[0].name, "x");
  EXPECT_EQ((*specs)[0].dtype, DataType::kFp32);
  EXPECT_THAT((*specs)[0].shape, ElementsAre(1, 64));
  EXPECT_TRUE((*specs)[0].has_shape);
}

TEST(InputSpecTest, SeveralInputsSplitOutsideBrackets) {
  absl::StatusOr<std::vector<TensorSpec>> specs =
      ParseInputSpecs("a:fp32[1,4], b:int64[1] ,mask:bool[2, 3, 4]");
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[0].name, "a");
  EXPECT_THAT((*specs)[0].shape, ElementsAre(1, 4));
  EXPECT_EQ((*specs)[1].name, "b");
  EXPECT_EQ((*specs)[1].dtype, DataType::kInt64);
  EXPECT_THAT((*specs)[1].shape, ElementsAre(1));
  EXPECT_EQ((*specs)[2].dtype, DataType::kBool);
  EXPECT_THAT((*specs)[2].shape, ElementsAre(2, 3, 4));
}

TEST(InputSpecTest, ScalarsAndDtypeSpellings) {
  absl::StatusOr<std::vector<TensorSpec>> specs =
      ParseInputSpecs("s:float64[],t:FP32[0],u:bytes[2],v:DT_INT32[1]");
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_EQ((*specs)[0].dtype, DataType::kFp64);
  EXPECT_TRUE((*specs)[0].shape.empty());
  EXPECT_EQ((*specs)[1].dtype, DataType::kFp32);
  EXPECT_THAT((*specs)[1].shape, ElementsAre(0));
  EXPECT_EQ((*specs)[2].dtype, DataType::kString);
  EXPECT_EQ((*specs)[3].dtype, DataType::kInt32);
}

TEST(InputSpecTest, ErrorsNameThePartAtFault) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& bad : {
           Case{"", "no inputs"},
           Case{"x[1]", "name:dtype[dims]"},
           Case{":fp32[1]", "name:dtype[dims]"},
           Case{"x:fp32", "name:dtype[dims]"},
           Case{"x:float7[1]", "unknown dtype 'float7'"},
           Case{"x:fp32[1,-1]", "dimension '-1'"},
           Case{"x:fp32[1,a]", "dimension 'a'"},
           Case{"x:fp32[1,]", "dimension ''"},
           Case{"x:fp32[1", "unbalanced"},
           Case{"x:fp32[1]]", "unbalanced"},
           Case{"x:fp32[[1]]", "unbalanced"},
           Case{"x:fp32[1] y", "brackets"},
           Case{"x:fp32[1],,y:fp32[1]", "empty input"},
           Case{"x:fp32[1],x:int64[1]", "'x' is given twice"},
       }) {
    absl::StatusOr<std::vector<TensorSpec>> specs = ParseInputSpecs(bad.text);
    ASSERT_FALSE(specs.ok()) << bad.text;
    EXPECT_EQ(specs.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(specs.status().message()), HasSubstr(bad.message)) << bad.text;
  }
}

}  // namespace
}  // namespace serval
