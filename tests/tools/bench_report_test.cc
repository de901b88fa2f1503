// The report writers: the console table, JSON, CSV and the SVG chart.

#include "tools/bench_report.h"

#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"
#include "tools/bench_table.h"
#include "tools/latency_chart.h"

namespace serval {
namespace {

using ::testing::HasSubstr;

LevelResult Level(double concurrency, int64_t requests, int64_t errors, double p50, double p99) {
  LevelResult level;
  level.kind = LoadKind::kConcurrency;
  level.level = concurrency;
  level.seconds = 2;
  level.requests = requests;
  level.errors = errors;
  if (errors > 0) level.first_error = R"(HTTP 500: {"error": "boom, "bang""})";
  level.latency.count = requests - errors;
  level.latency.mean_ms = p50;
  level.latency.min_ms = p50 / 2;
  level.latency.p50_ms = p50;
  level.latency.p90_ms = (p50 + p99) / 2;
  level.latency.p99_ms = p99;
  level.latency.max_ms = p99 * 2;
  return level;
}

BenchReport Report() {
  BenchReport report;
  report.mode = "rest";
  report.kind = LoadKind::kConcurrency;
  report.target = "http://127.0.0.1:8501/v1/models/m<&>:predict";
  report.levels = {Level(1, 2000, 0, 0.5, 1.5), Level(8, 10000, 10, 1.2, 4.0),
                   Level(32, 5, 5, 0, 0)};
  return report;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A minimal XML well-formedness check: tags nest and close, attributes are quoted, and no bare
// '&' or '<' appears in text. Enough for what RenderLatencyChart writes.
::testing::AssertionResult WellFormedXml(std::string_view xml) {
  std::vector<std::string> open;
  size_t i = 0;
  if (xml.substr(0, 5) == "<?xml") i = xml.find("?>") + 2;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const size_t semicolon = xml.find(';', i);
      const std::string_view entity = xml.substr(i, semicolon - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;") {
        return ::testing::AssertionFailure() << "bad entity at " << i;
      }
      i = semicolon + 1;
      continue;
    }
    if (xml[i] != '<') {
      if (xml[i] == '>') return ::testing::AssertionFailure() << "bare '>' at " << i;
      ++i;
      continue;
    }
    size_t end = i + 1;
    bool quoted = false;
    while (end < xml.size() && (quoted || xml[end] != '>')) {
      if (xml[end] == '"') quoted = !quoted;
      if (!quoted && xml[end] == '<') return ::testing::AssertionFailure() << "'<' in a tag";
      ++end;
    }
    if (end == xml.size()) return ::testing::AssertionFailure() << "unclosed tag at " << i;
    const std::string_view tag = xml.substr(i + 1, end - i - 1);
    const std::string name(
        tag.substr(tag[0] == '/' ? 1 : 0, tag.find_first_of(" \n/", 1) - (tag[0] == '/' ? 1 : 0)));
    if (tag[0] == '/') {
      if (open.empty() || open.back() != name) {
        return ::testing::AssertionFailure() << "</" << name << "> closes nothing open";
      }
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
    i = end + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> not closed";
  return ::testing::AssertionSuccess();
}

int Count(std::string_view text, std::string_view needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(BenchReportTest, JsonHoldsEveryLevel) {
  const std::string json = BenchReportJson(Report());
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(root["mode"].get_string().value()), "rest");
  EXPECT_EQ(std::string_view(root["load"].get_string().value()), "concurrency");
  EXPECT_EQ(std::string_view(root["throughput_unit"].get_string().value()), "req/s");
  simdjson::dom::array levels = root["levels"].get_array().value();
  ASSERT_EQ(levels.size(), 3u);
  simdjson::dom::element second = levels.at(1).value();
  EXPECT_EQ(second["concurrency"].get_int64().value(), 8);
  EXPECT_EQ(second["requests"].get_int64().value(), 10000);
  EXPECT_EQ(second["errors"].get_int64().value(), 10);
  EXPECT_DOUBLE_EQ(second["throughput"].get_double().value(), (10000 - 10) / 2.0);
  EXPECT_DOUBLE_EQ(second["latency_ms"]["p99"].get_double().value(), 4.0);
  EXPECT_DOUBLE_EQ(second["latency_ms"]["p50"].get_double().value(), 1.2);
  EXPECT_EQ(std::string_view(second["first_error"].get_string().value()),
            R"(HTTP 500: {"error": "boom, "bang""})");
}

TEST(BenchReportTest, CsvHasAHeaderAndOneRowPerLevel) {
  const std::string csv = BenchReportCsv(Report());
  std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << csv;
  EXPECT_EQ(lines[0],
            "concurrency,seconds,requests,errors,throughput_req_per_s,mean_ms,min_ms,p50_ms,p90_ms,"
            "p99_ms,max_ms,first_error");
  EXPECT_EQ(lines[1], "1,2.000,2000,0,1000.000,0.5000,0.2500,0.5000,1.0000,1.5000,3.0000,");
  // The error holds commas and quotes: quoted, quotes doubled.
  EXPECT_THAT(lines[2], HasSubstr(R"(,"HTTP 500: {""error"": ""boom, ""bang""""}")"));
  EXPECT_THAT(lines[2], ::testing::StartsWith("8,2.000,10000,10,4995.000,"));
}

TEST(BenchReportTest, WritesByExtension) {
  TempDir dir;
  ASSERT_TRUE(WriteBenchReport(Report(), dir.Join("r.json")).ok());
  EXPECT_EQ(ReadFile(dir.Join("r.json")), BenchReportJson(Report()));
  ASSERT_TRUE(WriteBenchReport(Report(), dir.Join("r.CSV")).ok());
  EXPECT_EQ(ReadFile(dir.Join("r.CSV")), BenchReportCsv(Report()));
  absl::Status status = WriteBenchReport(Report(), dir.Join("r.txt"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = WriteBenchReport(Report(), dir.Join("missing/r.json"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("missing/r.json"));
  EXPECT_TRUE(IsBenchReportFileName("a.json"));
  EXPECT_FALSE(IsBenchReportFileName("a.svg"));
}

TEST(LatencyChartTest, WellFormedWithAPointPerLevelAndLabelledAxes) {
  const std::string svg = RenderLatencyChart(Report());
  EXPECT_TRUE(WellFormedXml(svg)) << svg;
  EXPECT_THAT(svg, HasSubstr("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  // Two levels had successes: a p50 and a p99 point each; the third level has none.
  EXPECT_EQ(Count(svg, "<circle"), 4);
  EXPECT_EQ(Count(svg, "<polyline"), 2);
  EXPECT_THAT(svg, HasSubstr(">throughput (req/s)</text>"));
  EXPECT_THAT(svg, HasSubstr(">latency (ms)</text>"));
  EXPECT_THAT(svg, HasSubstr(">c=8</text>"));
  EXPECT_THAT(svg, HasSubstr("m&lt;&amp;&gt;:predict"));  // the target, escaped
  EXPECT_THAT(svg, HasSubstr(">p99</text>"));
}

TEST(LatencyChartTest, EmptyReportStillDrawsAxes) {
  BenchReport report;
  report.kind = LoadKind::kBatchSize;
  const std::string svg = RenderLatencyChart(report);
  EXPECT_TRUE(WellFormedXml(svg)) << svg;
  EXPECT_EQ(Count(svg, "<circle"), 0);
  EXPECT_THAT(svg, HasSubstr(">throughput (items/s)</text>"));
}

TEST(BenchTableTest, HeaderAndRows) {
  EXPECT_EQ(FormatTableHeader(LoadKind::kConcurrency),
            "concurrency  requests      req/s   p50 ms   p90 ms   p99 ms   max ms  errors\n");
  EXPECT_THAT(FormatTableHeader(LoadKind::kBatchSize), HasSubstr("items/s"));
  const BenchReport report = Report();
  EXPECT_EQ(FormatTableRow(report.levels[0]),
            "          1      2000     1000.0   0.5000    1.000    1.500    3.000       0\n");
  const std::string row = FormatTableRow(report.levels[1]);
  EXPECT_THAT(row, HasSubstr("first error: HTTP 500"));
  EXPECT_EQ(FormatMillis(1234.56), "1234.6");
  EXPECT_EQ(FormatLevel(0.5), "0.5");
}

}  // namespace
}  // namespace serval
