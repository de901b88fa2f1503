#include "protocol/warmup_requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

Signature XSignature() {
  Signature signature;
  signature.inputs = {{.name = "x", .dtype = DataType::kFp32, .shape = {-1, 2}, .has_shape = true}};
  return signature;
}

TEST(WarmupRequestsTest, NoFileMeansNoRequests) {
  TempDir dir;
  auto requests = ReadWarmupRequests(dir.path(), XSignature());
  ASSERT_TRUE(requests.ok()) << requests.status();
  EXPECT_TRUE(requests->empty());
}

TEST(WarmupRequestsTest, ReadsOneRequestPerLine) {
  TempDir dir;
  WriteFile(dir.Join(kWarmupRequestsFile),
            "# batch of one\n{\"instances\": [[1, 2]]}\n\n{\"inputs\": {\"x\": [[1, 2], [3, 4]]}}\n");
  auto requests = ReadWarmupRequests(dir.path(), XSignature());
  ASSERT_TRUE(requests.ok()) << requests.status();
  ASSERT_EQ(requests->size(), 2u);
  EXPECT_EQ((*requests)[0][0].second.shape(), (Shape{1, 2}));
  EXPECT_EQ((*requests)[1][0].second.shape(), (Shape{2, 2}));
}

TEST(WarmupRequestsTest, ABadLineIsNamed) {
  TempDir dir;
  WriteFile(dir.Join(kWarmupRequestsFile), "{\"instances\": [[1, 2]]}\n{\"instances\": [\n");
  auto requests = ReadWarmupRequests(dir.path(), XSignature());
  EXPECT_EQ(requests.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(requests.status().message()), HasSubstr("line 2"));
}

}  // namespace
}  // namespace serval
