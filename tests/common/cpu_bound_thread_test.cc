#include "common/cpu_bound_thread.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <thread>

namespace serval {
namespace {

TEST(CpuBoundThreadTest, MarksOnlyTheCallingThread) {
  int marked = -1;
  std::thread thread([&] {
    MarkThisThreadCpuBound();
    marked = sched_getscheduler(0);
  });
  thread.join();
  EXPECT_EQ(marked, SCHED_BATCH);
  EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
}

}  // namespace
}  // namespace serval
