#include "tools/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace serval {
namespace {

// The nearest-rank percentile of `sorted`, the definition LatencyHistogram approximates.
uint64_t ExactPercentile(const std::vector<uint64_t>& sorted, double percentile) {
  const double rank = std::ceil(percentile / 100.0 * static_cast<double>(sorted.size()));
  return sorted[static_cast<size_t>(std::max(rank, 1.0)) - 1];
}

void ExpectWithinOnePercent(const std::vector<uint64_t>& values) {
  LatencyHistogram histogram;
  for (uint64_t value : values) histogram.RecordNanos(value);
  std::vector<uint64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (double percentile : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    const double exact = static_cast<double>(ExactPercentile(sorted, percentile));
    const double got = static_cast<double>(histogram.PercentileNanos(percentile));
    EXPECT_LE(std::abs(got - exact), 0.01 * exact)
        << "p" << percentile << ": " << got << " vs exact " << exact;
  }
  EXPECT_EQ(histogram.max_nanos(), sorted.back());
  EXPECT_EQ(histogram.min_nanos(), sorted.front());
  EXPECT_EQ(histogram.count(), static_cast<int64_t>(values.size()));
}

TEST(LatencyHistogramTest, EmptyIsAllZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.PercentileNanos(50), 0u);
  const LatencySummary summary = histogram.Summarize();
  EXPECT_EQ(summary.count, 0);
  EXPECT_EQ(summary.p99_ms, 0);
  EXPECT_EQ(summary.max_ms, 0);
  EXPECT_EQ(summary.mean_ms, 0);
}

TEST(LatencyHistogramTest, OneValueIsExact) {
  LatencyHistogram histogram;
  histogram.Record(absl::Microseconds(1234));
  for (double percentile : {1.0, 50.0, 99.0, 100.0}) {
    EXPECT_EQ(histogram.PercentileNanos(percentile), 1234000u);  // clamped to [min, max]
  }
  const LatencySummary summary = histogram.Summarize();
  EXPECT_DOUBLE_EQ(summary.p50_ms, 1.234);
  EXPECT_DOUBLE_EQ(summary.mean_ms, 1.234);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (uint64_t nanos = 0; nanos < 200; ++nanos) histogram.RecordNanos(nanos);
  EXPECT_EQ(histogram.PercentileNanos(50), 99u);  // rank 100 of 0..199
  EXPECT_EQ(histogram.PercentileNanos(100), 199u);
  EXPECT_EQ(histogram.PercentileNanos(0.5), 0u);
}

TEST(LatencyHistogramTest, UniformValuesWithinOnePercent) {
  std::vector<uint64_t> values;
  for (uint64_t micros = 1; micros <= 100000; ++micros) values.push_back(micros * 1000);
  ExpectWithinOnePercent(values);
}

TEST(LatencyHistogramTest, LongTailedValuesWithinOnePercent) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency_us(std::log(800.0), 1.2);  // median 0.8 ms
  std::vector<uint64_t> values;
  for (int i = 0; i < 200000; ++i) {
    values.push_back(static_cast<uint64_t>(latency_us(random) * 1000));
  }
  ExpectWithinOnePercent(values);
}

TEST(LatencyHistogramTest, ValuesAcrossEveryScaleWithinOnePercent) {
  std::vector<uint64_t> values;
  for (uint64_t value = 1; value < (uint64_t{1} << 62); value = value * 3 + 1) {
    values.push_back(value);
  }
  values.push_back(UINT64_MAX);
  ExpectWithinOnePercent(values);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
  std::mt19937_64 random(3);
  std::uniform_int_distribution<uint64_t> nanos(1000, 50000000);
  LatencyHistogram all;
  LatencyHistogram first;
  LatencyHistogram second;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t value = nanos(random);
    all.RecordNanos(value);
    (i % 3 == 0 ? first : second).RecordNanos(value);
  }
  first.Merge(second);
  EXPECT_EQ(first.count(), all.count());
  EXPECT_EQ(first.min_nanos(), all.min_nanos());
  EXPECT_EQ(first.max_nanos(), all.max_nanos());
  EXPECT_DOUBLE_EQ(first.mean_nanos(), all.mean_nanos());
  for (double percentile : {50.0, 90.0, 99.0}) {
    EXPECT_EQ(first.PercentileNanos(percentile), all.PercentileNanos(percentile));
  }
}

TEST(LatencyHistogramTest, MergeIntoEmpty) {
  LatencyHistogram empty;
  LatencyHistogram some;
  some.Record(absl::Milliseconds(5));
  empty.Merge(some);
  EXPECT_EQ(empty.min_nanos(), 5000000u);
  EXPECT_EQ(empty.PercentileNanos(50), 5000000u);
}

TEST(LatencyHistogramTest, NegativeDurationCountsAsZero) {
  LatencyHistogram histogram;
  histogram.Record(-absl::Milliseconds(1));
  EXPECT_EQ(histogram.count(), 1);
  EXPECT_EQ(histogram.max_nanos(), 0u);
}

TEST(LatencyHistogramTest, SummaryIsInMilliseconds) {
  LatencyHistogram histogram;
  for (int i = 1; i <= 100; ++i) histogram.Record(absl::Milliseconds(i));
  const LatencySummary summary = histogram.Summarize();
  EXPECT_EQ(summary.count, 100);
  EXPECT_NEAR(summary.p50_ms, 50, 0.5);
  EXPECT_NEAR(summary.p90_ms, 90, 0.9);
  EXPECT_NEAR(summary.p99_ms, 99, 0.99);
  EXPECT_DOUBLE_EQ(summary.max_ms, 100);
  EXPECT_DOUBLE_EQ(summary.min_ms, 1);
  EXPECT_DOUBLE_EQ(summary.mean_ms, 50.5);
}

}  // namespace
}  // namespace serval
