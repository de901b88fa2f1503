#include "tools/latency_chart.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/str_cat.h"
#include "tools/bench_table.h"

namespace serval {
namespace {

constexpr double kWidth = 800;
constexpr double kHeight = 500;
constexpr double kLeft = 80;  // room for the y tick labels and title
constexpr double kRight = 30;
constexpr double kTop = 60;     // room for the title
constexpr double kBottom = 60;  // room for the x tick labels and title
constexpr char kP50Colour[] = "#1f77b4";
constexpr char kP99Colour[] = "#d62728";

struct Axis {
  double max = 1;   // the axis runs from 0 to max
  double step = 1;  // between ticks
};

// A round step (1, 2 or 5 times a power of ten) that cuts [0, max] into about five parts, and the
// axis end at the first tick at or above `max`.
Axis RoundAxis(double max) {
  if (!(max > 0)) max = 1;
  const double rough = max / 5;
  const double power = std::pow(10, std::floor(std::log10(rough)));
  double step = power;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * power;
    if (step >= rough) break;
  }
  return {std::ceil(max / step - 1e-9) * step, step};
}

// "0.05", "250", "20k", "1.5M": short enough for a tick.
std::string TickLabel(double value) {
  if (value >= 1e6) return absl::StrFormat("%gM", value / 1e6);
  if (value >= 1e4) return absl::StrFormat("%gk", value / 1e3);
  return absl::StrFormat("%g", value);
}

std::string XmlEscape(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

// "c=8", "r=500", "b=16".
std::string PointLabel(const LevelResult& level) {
  const char prefix = level.kind == LoadKind::kConcurrency ? 'c'
                      : level.kind == LoadKind::kRate      ? 'r'
                                                           : 'b';
  return StrCat(std::string(1, prefix), "=", FormatLevel(level.level));
}

std::string Subtitle(LoadKind kind) {
  switch (kind) {
    case LoadKind::kConcurrency:
      return "latency against throughput; c=N: N connections, closed loop";
    case LoadKind::kRate:
      return "latency against throughput; r=N: N requests/s offered, open loop";
    case LoadKind::kBatchSize:
      return "latency per call against items/s, in process; b=N: batch size N";
  }
  return "";
}

class Chart {
 public:
  Chart(Axis x, Axis y) : x_(x), y_(y) {}

  double X(double value) const { return kLeft + value / x_.max * (kWidth - kLeft - kRight); }
  double Y(double value) const {
    return kHeight - kBottom - value / y_.max * (kHeight - kTop - kBottom);
  }

  void Text(double x, double y, std::string_view anchor, std::string_view text,
            std::string_view extra = "") {
    StrAppend(&svg_,
              absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y,
                              std::string(anchor), std::string(extra)),
              XmlEscape(text), "</text>\n");
  }
  void Line(double x1, double y1, double x2, double y2, std::string_view stroke, int width = 1) {
    StrAppend(&svg_, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                     "stroke=\"%s\" stroke-width=\"%d\"/>\n",
                                     x1, y1, x2, y2, std::string(stroke), width));
  }
  void Grid(std::string_view x_title, std::string_view y_title);
  void Series(const std::vector<const LevelResult*>& levels, double LatencySummary::*member,
              std::string_view name, std::string_view colour, bool labelled);
  void Legend();

  std::string& svg() { return svg_; }

 private:
  const Axis x_;
  const Axis y_;
  std::string svg_;
};

void Chart::Grid(std::string_view x_title, std::string_view y_title) {
  for (int i = 0; i * x_.step <= x_.max * (1 + 1e-9); ++i) {
    const double value = i * x_.step;
    Line(X(value), Y(0), X(value), Y(y_.max), "#e0e0e0");
    Text(X(value), Y(0) + 18, "middle", TickLabel(value));
  }
  for (int i = 0; i * y_.step <= y_.max * (1 + 1e-9); ++i) {
    const double value = i * y_.step;
    Line(X(0), Y(value), X(x_.max), Y(value), "#e0e0e0");
    Text(X(0) - 8, Y(value) + 4, "end", TickLabel(value));
  }
  Line(X(0), Y(0), X(x_.max), Y(0), "#000000");
  Line(X(0), Y(0), X(0), Y(y_.max), "#000000");
  Text((X(0) + X(x_.max)) / 2, kHeight - 15, "middle", x_title);
  const double middle = (Y(0) + Y(y_.max)) / 2;
  Text(20, middle, "middle", y_title,
       absl::StrFormat(" transform=\"rotate(-90 20 %.1f)\"", middle));
}

void Chart::Series(const std::vector<const LevelResult*>& levels, double LatencySummary::*member,
                   std::string_view name, std::string_view colour, bool labelled) {
  std::string points;
  for (const LevelResult* level : levels) {
    StrAppend(&points,
              absl::StrFormat("%.1f,%.1f ", X(level->Throughput()), Y(level->latency.*member)));
  }
  StrAppend(&svg_, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"", colour, "\" points=\"",
            points, "\"/>\n");
  for (const LevelResult* level : levels) {
    const double x = X(level->Throughput());
    const double y = Y(level->latency.*member);
    StrAppend(
        &svg_,
        absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">", x, y,
                        std::string(colour)),
        "<title>",
        XmlEscape(absl::StrFormat("%s %s: %.1f %s, %s %.3f ms",
                                  std::string(LoadKindName(level->kind)), FormatLevel(level->level),
                                  level->Throughput(), std::string(ThroughputUnit(level->kind)),
                                  std::string(name), level->latency.*member)),
        "</title></circle>\n");
    if (labelled) Text(x, y - 9, "middle", PointLabel(*level), " font-size=\"11\"");
  }
}

void Chart::Legend() {
  const double x = X(0) + 15;
  const double y = kTop + 12;
  Line(x, y, x + 24, y, kP50Colour, 2);
  Text(x + 30, y + 4, "start", "p50");
  Line(x, y + 18, x + 24, y + 18, kP99Colour, 2);
  Text(x + 30, y + 22, "start", "p99");
}

}  // namespace

std::string RenderLatencyChart(const BenchReport& report) {
  std::vector<const LevelResult*> levels;
  double max_throughput = 0;
  double max_latency = 0;
  for (const LevelResult& level : report.levels) {
    if (level.latency.count == 0) continue;
    levels.push_back(&level);
    max_throughput = std::max(max_throughput, level.Throughput());
    max_latency = std::max({max_latency, level.latency.p99_ms, level.latency.p50_ms});
  }
  Chart chart(RoundAxis(max_throughput * 1.05), RoundAxis(max_latency * 1.1));
  std::string& svg = chart.svg();
  svg = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n",
      kWidth, kHeight, kWidth, kHeight);
  chart.Text(kWidth / 2, 24, "middle", StrCat("serval bench: ", report.target),
             " font-size=\"15\"");
  chart.Text(kWidth / 2, 42, "middle", Subtitle(report.kind));
  chart.Grid(StrCat("throughput (", ThroughputUnit(report.kind), ")"), "latency (ms)");
  chart.Series(levels, &LatencySummary::p50_ms, "p50", kP50Colour, false);
  chart.Series(levels, &LatencySummary::p99_ms, "p99", kP99Colour, true);
  chart.Legend();
  svg += "</svg>\n";
  return std::move(svg);
}

}  // namespace serval
