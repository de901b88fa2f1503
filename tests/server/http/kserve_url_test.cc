#include "server/http/kserve_url.h"

#include <gtest/gtest.h>

namespace serval {
namespace {

TEST(KServeUrlTest, ServerEndpoints) {
  EXPECT_EQ(ParseKServeUrl("/v2")->endpoint, KServeEndpoint::kServerMetadata);
  EXPECT_EQ(ParseKServeUrl("/v2?x=1")->endpoint, KServeEndpoint::kServerMetadata);
  EXPECT_EQ(ParseKServeUrl("/v2/health/live")->endpoint, KServeEndpoint::kServerLive);
  EXPECT_EQ(ParseKServeUrl("/v2/health/ready")->endpoint, KServeEndpoint::kServerReady);
}

TEST(KServeUrlTest, ModelEndpointsWithAndWithoutVersion) {
  auto metadata = ParseKServeUrl("/v2/models/half_plus_two");
  ASSERT_TRUE(metadata.has_value());
  EXPECT_EQ(metadata->endpoint, KServeEndpoint::kModelMetadata);
  EXPECT_EQ(metadata->model.name, "half_plus_two");
  EXPECT_FALSE(metadata->model.version.has_value());

  auto versioned = ParseKServeUrl("/v2/models/m/versions/0012");
  ASSERT_TRUE(versioned.has_value());
  EXPECT_EQ(versioned->endpoint, KServeEndpoint::kModelMetadata);
  EXPECT_EQ(versioned->model.version, 12);

  auto ready = ParseKServeUrl("/v2/models/m/versions/3/ready");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->endpoint, KServeEndpoint::kModelReady);
  EXPECT_EQ(ready->model.version, 3);

  auto infer = ParseKServeUrl("/v2/models/my%20model/infer?debug=1");
  ASSERT_TRUE(infer.has_value());
  EXPECT_EQ(infer->endpoint, KServeEndpoint::kInfer);
  EXPECT_EQ(infer->model.name, "my model");
  EXPECT_FALSE(infer->model.version.has_value());

  // A model may be called "ready" or "versions".
  EXPECT_EQ(ParseKServeUrl("/v2/models/ready")->model.name, "ready");
  EXPECT_EQ(ParseKServeUrl("/v2/models/versions/infer")->model.name, "versions");
}

TEST(KServeUrlTest, EverythingElseIsNotAKServePath) {
  for (const char* path : {"/v2/",
                           "/v2/health",
                           "/v2/health/started",
                           "/v2/models",
                           "/v2/models/",
                           "/v2/models//infer",
                           "/v2/models/m/",
                           "/v2/models/m/versions",
                           "/v2/models/m/versions/",
                           "/v2/models/m/versions/x",
                           "/v2/models/m/versions/-1/infer",
                           "/v2/models/m/versions/1/2",
                           "/v2/models/m/infer/more",
                           "/v2/models/m/stats",
                           "/v2/models/m/config",
                           "/v2/repository/index",
                           "/V2/health/live",
                           "/v2/models/m/INFER",
                           "/v2x",
                           "/v1/models/m"}) {
    EXPECT_FALSE(ParseKServeUrl(path).has_value()) << path;
  }
}

TEST(KServeUrlTest, Methods) {
  EXPECT_EQ(KServeEndpointMethod(KServeEndpoint::kInfer), "POST");
  EXPECT_EQ(KServeEndpointMethod(KServeEndpoint::kModelReady), "GET");
  EXPECT_EQ(KServeEndpointMethod(KServeEndpoint::kServerMetadata), "GET");
}

}  // namespace
}  // namespace serval
