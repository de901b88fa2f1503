#include "backend/backend_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/fake_backend.h"

namespace serval {
namespace {

TEST(BackendRegistryTest, FindsRegisteredPlatforms) {
  BackendRegistry registry;
  registry.Register(std::make_unique<testing::FakeBackend>());
  auto backend = registry.Find("fake");
  ASSERT_TRUE(backend.ok()) << backend.status();
  EXPECT_EQ((*backend)->platform(), "fake");
  EXPECT_EQ(registry.Platforms(), std::vector<std::string>{"fake"});
}

TEST(BackendRegistryTest, UnknownPlatformNamesWhatThereIs) {
  BackendRegistry registry;
  registry.Register(std::make_unique<testing::FakeBackend>());
  auto backend = registry.Find("onnx");
  EXPECT_EQ(backend.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(backend.status().message()),
              ::testing::HasSubstr("no backend for platform 'onnx'; this build has: fake"));
}

}  // namespace
}  // namespace serval
