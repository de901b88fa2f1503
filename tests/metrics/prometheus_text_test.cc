#include "metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>

namespace serval {
namespace {

TEST(PrometheusTextTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
  EXPECT_EQ(EscapeLabelValue(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(EscapeLabelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(EscapeLabelValue("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(EscapeLabelValue("ünïcode"), "ünïcode");  // UTF-8 passes through
  EXPECT_EQ(FormatLabels({{"model", "a\"b"}, {"version", "3"}}), R"(model="a\"b",version="3")");
  EXPECT_EQ(FormatLabels({}), "");
}

TEST(PrometheusTextTest, FormatsValuesAsGoDoes) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(1024), "1024");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(0.00005), "5e-05");
  EXPECT_EQ(FormatValue(0.0001), "0.0001");
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
  EXPECT_EQ(FormatValue(0.00025), "0.00025");
  EXPECT_EQ(FormatValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatValue(-1.5), "-1.5");
  EXPECT_EQ(FormatValue(-0.00001), "-1e-05");
  EXPECT_EQ(FormatValue(123456789), "123456789");
  EXPECT_EQ(FormatValue(1e20), "100000000000000000000");
  EXPECT_EQ(FormatValue(1e21), "1e+21");
  EXPECT_EQ(FormatValue(1.5e300), "1.5e+300");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(PrometheusTextTest, HeaderEscapesHelp) {
  std::string out;
  AppendFamilyHeader(&out, "x_total", "counter", "a \\ b\nc \"d\"");
  EXPECT_EQ(out, "# HELP x_total a \\\\ b\\nc \"d\"\n# TYPE x_total counter\n");
}

TEST(PrometheusTextTest, WritesSamples) {
  std::string out;
  AppendSample(&out, "up", "", uint64_t{1});
  AppendSample(&out, "depth", R"(model="m")", int64_t{-2});
  AppendSample(&out, "ratio", R"(model="m",version="1")", 0.5);
  EXPECT_EQ(out, "up 1\ndepth{model=\"m\"} -2\nratio{model=\"m\",version=\"1\"} 0.5\n");
}

TEST(PrometheusTextTest, WritesAHistogramCumulatively) {
  constexpr std::array<double, 2> kBounds = {0.001, 0.5};
  Histogram histogram(kBounds);
  for (double v : {0.00048828125, 0.25, 0.25, 2.0}) histogram.Observe(v);  // exact in binary
  std::string out;
  AppendFamilyHeader(&out, "lat_seconds", "histogram", "Latency.");
  AppendHistogram(&out, "lat_seconds", FormatLabels({{"model", "m"}, {"version", "1"}}),
                  histogram.Snapshot());
  AppendHistogram(&out, "lat_seconds", "", Histogram(kBounds).Snapshot());
  EXPECT_EQ(out,
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{model=\"m\",version=\"1\",le=\"0.001\"} 1\n"
            "lat_seconds_bucket{model=\"m\",version=\"1\",le=\"0.5\"} 3\n"
            "lat_seconds_bucket{model=\"m\",version=\"1\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{model=\"m\",version=\"1\"} 2.50048828125\n"
            "lat_seconds_count{model=\"m\",version=\"1\"} 4\n"
            "lat_seconds_bucket{le=\"0.001\"} 0\n"
            "lat_seconds_bucket{le=\"0.5\"} 0\n"
            "lat_seconds_bucket{le=\"+Inf\"} 0\n"
            "lat_seconds_sum 0\n"
            "lat_seconds_count 0\n");
}

}  // namespace
}  // namespace serval
