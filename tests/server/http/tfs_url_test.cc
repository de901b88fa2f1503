#include "server/http/tfs_url.h"

#include <gtest/gtest.h>

namespace serval {
namespace {

TEST(TfsUrlTest, PredictWithAndWithoutVersionOrLabel) {
  auto plain = ParseTfsUrl("POST", "/v1/models/m:predict");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->endpoint, TfsEndpoint::kPredict);
  EXPECT_EQ(plain->model.name, "m");
  EXPECT_FALSE(plain->model.version.has_value());

  auto version = ParseTfsUrl("POST", "/v1/models/m/versions/00012:classify");
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(version->endpoint, TfsEndpoint::kClassify);
  EXPECT_EQ(version->model.version, 12);

  auto label = ParseTfsUrl("POST", "/v1/models/m/labels/canary%20x:regress?debug=1");
  ASSERT_TRUE(label.has_value());
  EXPECT_EQ(label->endpoint, TfsEndpoint::kRegress);
  EXPECT_EQ(label->model.label, "canary x");
}

TEST(TfsUrlTest, StatusAndMetadata) {
  auto status = ParseTfsUrl("GET", "/v1/models/my%2Dmodel");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->endpoint, TfsEndpoint::kStatus);
  EXPECT_EQ(status->model.name, "my-model");
  auto metadata = ParseTfsUrl("GET", "/V1/MODELS/m/Versions/3/METADATA");
  ASSERT_TRUE(metadata.has_value());
  EXPECT_EQ(metadata->endpoint, TfsEndpoint::kMetadata);
  EXPECT_EQ(metadata->model.version, 3);
}

TEST(TfsUrlTest, RejectsEverythingElse) {
  for (const char* target : {"/v1/models/m:explain", "/v1/models/m", "/v1/models/:predict",
                             "/v1/models/m/versions/:predict", "/v1/models/m/versions/1x:predict",
                             "/v1/models/m/versions/-1:predict", "/v1/models/m/extra:predict",
                             "/v2/models/m/infer"}) {
    EXPECT_FALSE(ParseTfsUrl("POST", target).has_value()) << target;
  }
  for (const char* target : {"/v1/models", "/v1/models/", "/v1/models/m:predict",
                             "/v1/models/m/metadata/x", "/v1/models/m/labels/"}) {
    EXPECT_FALSE(ParseTfsUrl("GET", target).has_value()) << target;
  }
  EXPECT_FALSE(ParseTfsUrl("PUT", "/v1/models/m").has_value());
}

TEST(TfsUrlTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%41%7a"), "aAz");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
}

}  // namespace
}  // namespace serval
