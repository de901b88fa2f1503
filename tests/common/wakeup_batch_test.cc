#include "common/wakeup_batch.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace serval {
namespace {

// Records, in one shared log, each time it is woken.
class Receiver final : public Wakeable {
 public:
  Receiver(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  void Wake() override { log_.push_back(name_); }

 private:
  const std::string name_;
  std::vector<std::string>& log_;
};

TEST(WakeupBatchTest, WithoutABatchWakesAtOnce) {
  std::vector<std::string> log;
  Receiver a("a", log);
  WakeupBatch::Wake(a);
  WakeupBatch::Wake(a);
  EXPECT_EQ(log, (std::vector<std::string>{"a", "a"}));
}

TEST(WakeupBatchTest, ABatchWakesEachReceiverOnceWhenItEnds) {
  std::vector<std::string> log;
  Receiver a("a", log);
  Receiver b("b", log);
  {
    WakeupBatch batch;
    WakeupBatch::Wake(b);
    WakeupBatch::Wake(a);
    WakeupBatch::Wake(b);
    EXPECT_TRUE(log.empty());
  }
  EXPECT_EQ(log, (std::vector<std::string>{"b", "a"}));
}

TEST(WakeupBatchTest, AnInnerBatchJoinsTheOuterOne) {
  std::vector<std::string> log;
  Receiver a("a", log);
  {
    WakeupBatch outer;
    {
      WakeupBatch inner;
      WakeupBatch::Wake(a);
    }
    EXPECT_TRUE(log.empty());
    WakeupBatch::Wake(a);
  }
  EXPECT_EQ(log, (std::vector<std::string>{"a"}));
}

TEST(WakeupBatchTest, ABatchHoldsOnlyItsOwnThreadsWakeups) {
  std::vector<std::string> log;
  Receiver a("a", log);
  WakeupBatch batch;
  std::thread other([&] { WakeupBatch::Wake(a); });
  other.join();
  EXPECT_EQ(log, (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace serval
