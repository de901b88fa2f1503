#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace serval {
namespace {

TEST(ThreadPoolTest, RunsEverythingScheduledBeforeDestruction) {
  std::atomic<int> count = 0;
  {
    ThreadPool pool("test", 2);
    for (int i = 0; i < 100; ++i) pool.Schedule([&count] { ++count; });
  }
  EXPECT_EQ(count, 100);
}

TEST(ThreadPoolTest, WorkMayScheduleMoreWork) {
  std::atomic<int> count = 0;
  {
    ThreadPool pool("test", 1);
    pool.Schedule([&] {
      ++count;
      pool.Schedule([&count] { ++count; });
    });
  }
  EXPECT_EQ(count, 2);
}

}  // namespace
}  // namespace serval
