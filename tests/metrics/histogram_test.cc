#include "metrics/histogram.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace serval {
namespace {

using ::testing::ElementsAre;

constexpr std::array<double, 3> kBounds = {1, 2.5, 10};

TEST(HistogramTest, ABoundBelongsToTheBucketItCloses) {
  Histogram histogram(kBounds);
  EXPECT_EQ(histogram.BucketIndex(-5), 0u);
  EXPECT_EQ(histogram.BucketIndex(0), 0u);
  EXPECT_EQ(histogram.BucketIndex(1), 0u);  // le="1" includes 1
  EXPECT_EQ(histogram.BucketIndex(1.0001), 1u);
  EXPECT_EQ(histogram.BucketIndex(2.5), 1u);
  EXPECT_EQ(histogram.BucketIndex(10), 2u);
  EXPECT_EQ(histogram.BucketIndex(10.5), 3u);  // +Inf
  EXPECT_EQ(histogram.BucketIndex(std::numeric_limits<double>::infinity()), 3u);
  EXPECT_EQ(histogram.BucketIndex(std::nan("")), 3u);
}

TEST(HistogramTest, SnapshotCountsPerBucketAndSums) {
  Histogram histogram(kBounds);
  for (double v : {0.5, 1.0, 2.0, 3.0, 100.0, 100.0}) histogram.Observe(v);
  HistogramSnapshot snapshot = histogram.Snapshot();
  EXPECT_THAT(snapshot.bounds, ElementsAre(1, 2.5, 10));
  EXPECT_THAT(snapshot.counts, ElementsAre(2, 1, 1, 2));
  EXPECT_EQ(snapshot.count, 6u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 206.5);
}

TEST(HistogramTest, EmptyHistogram) {
  Histogram histogram(kBounds);
  HistogramSnapshot snapshot = histogram.Snapshot();
  EXPECT_THAT(snapshot.counts, ElementsAre(0, 0, 0, 0));
  EXPECT_EQ(snapshot.count, 0u);
  EXPECT_EQ(snapshot.sum, 0);
}

TEST(HistogramTest, ConcurrentObservationsAllCount) {
  Histogram histogram(kBounds);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&histogram, t] {
      // Each thread observes 1 and 4 alternately: exact in binary, so the sum is exact too.
      for (int i = 0; i < kPerThread; ++i) histogram.Observe((i + t) % 2 == 0 ? 1.0 : 4.0);
    });
  }
  for (std::thread& thread : threads) thread.join();
  HistogramSnapshot snapshot = histogram.Snapshot();
  constexpr uint64_t kHalf = kThreads * kPerThread / 2;
  EXPECT_THAT(snapshot.counts, ElementsAre(kHalf, 0, kHalf, 0));
  EXPECT_EQ(snapshot.count, 2 * kHalf);
  EXPECT_EQ(snapshot.sum, 5.0 * kHalf);
}

}  // namespace
}  // namespace serval
