#include "common/periodic_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace serval {
namespace {

TEST(PeriodicTaskTest, RunsRepeatedly) {
  std::atomic<int> runs = 0;
  PeriodicTask task("test", absl::Milliseconds(1), [&runs] { ++runs; });
  while (runs < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(PeriodicTaskTest, DestructionDoesNotWaitOutTheInterval) {
  std::atomic<int> runs = 0;
  const absl::Time start = absl::Now();
  { PeriodicTask task("test", absl::Hours(1), [&runs] { ++runs; }); }
  EXPECT_EQ(runs, 0);
  // No timing assertion beyond "it returned": an hour-long wait would time the test out.
  EXPECT_LT(absl::Now() - start, absl::Minutes(30));
}

}  // namespace
}  // namespace serval
