#include "tools/http_target.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

TEST(HttpTargetTest, HostAndPort) {
  absl::StatusOr<HttpTarget> target = ParseHttpTarget("http://127.0.0.1:8501");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, 8501);
  EXPECT_EQ(target->path_prefix, "");
  EXPECT_EQ(target->HostHeader(), "127.0.0.1:8501");
}

TEST(HttpTargetTest, DefaultPortPrefixAndIpv6) {
  absl::StatusOr<HttpTarget> target = ParseHttpTarget("HTTP://models.example/serving/");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->host, "models.example");
  EXPECT_EQ(target->port, 80);
  EXPECT_EQ(target->path_prefix, "/serving");

  target = ParseHttpTarget("http://[::1]:9000");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->host, "::1");
  EXPECT_EQ(target->port, 9000);
  EXPECT_EQ(target->HostHeader(), "[::1]:9000");
}

TEST(HttpTargetTest, Errors) {
  for (const char* url : {"https://a:1", "127.0.0.1:8501", "http://", "http://:80", "http://a:0",
                          "http://a:65536", "http://a:b", "http://[::1"}) {
    absl::StatusOr<HttpTarget> target = ParseHttpTarget(url);
    EXPECT_FALSE(target.ok()) << url;
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
  EXPECT_THAT(std::string(ParseHttpTarget("https://a").status().message()),
              HasSubstr("https is not supported"));
}

TEST(HttpTargetTest, PredictPath) {
  HttpTarget target;
  EXPECT_EQ(PredictPath(target, "mlp", std::nullopt), "/v1/models/mlp:predict");
  target.path_prefix = "/p";
  EXPECT_EQ(PredictPath(target, "mlp", 3), "/p/v1/models/mlp/versions/3:predict");
}

TEST(HttpTargetTest, SerializePost) {
  HttpTarget target;
  target.host = "127.0.0.1";
  target.port = 8501;
  EXPECT_EQ(SerializePost(target, "/v1/models/m:predict", R"({"instances":[1]})"),
            "POST /v1/models/m:predict HTTP/1.1\r\n"
            "Host: 127.0.0.1:8501\r\n"
            "User-Agent: serval-bench\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 17\r\n"
            "\r\n"
            R"({"instances":[1]})");
}

}  // namespace
}  // namespace serval
