#include "tools/grpc_target.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

TEST(GrpcTargetTest, HostAndPort) {
  absl::StatusOr<GrpcTarget> target = ParseGrpcTarget("127.0.0.1:8500");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, 8500);
  EXPECT_EQ(target->Address(), "127.0.0.1:8500");

  target = ParseGrpcTarget("localhost:1");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->Address(), "localhost:1");

  target = ParseGrpcTarget("[::1]:65535");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->host, "::1");
  EXPECT_EQ(target->Address(), "[::1]:65535");
}

TEST(GrpcTargetTest, ClearErrors) {
  auto error = [](std::string_view text) {
    absl::StatusOr<GrpcTarget> target = ParseGrpcTarget(text);
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument) << text;
    return std::string(target.status().message());
  };
  EXPECT_THAT(error("http://h:1"), HasSubstr("has a scheme"));
  EXPECT_THAT(error("h:1/x"), HasSubstr("has a path"));
  EXPECT_THAT(error("h"), HasSubstr("has no port"));
  EXPECT_THAT(error(":8500"), HasSubstr("has no host"));
  EXPECT_THAT(error("h:0"), HasSubstr("bad port '0'"));
  EXPECT_THAT(error("h:65536"), HasSubstr("bad port"));
  EXPECT_THAT(error("h:x"), HasSubstr("bad port"));
  EXPECT_THAT(error("::1:8500"), HasSubstr("brackets"));
  EXPECT_THAT(error("[::1"), HasSubstr("unclosed"));
  EXPECT_THAT(error("[::1]"), HasSubstr("has no port"));
  EXPECT_THAT(error(""), HasSubstr("want HOST:PORT"));
}

}  // namespace
}  // namespace serval
