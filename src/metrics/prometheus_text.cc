#include "metrics/prometheus_text.h"

#include <charconv>
#include <cmath>

#include "common/str_cat.h"

namespace serval {
namespace {

void AppendName(std::string* out, std::string_view name, std::string_view suffix,
                std::string_view labels) {
  StrAppend(out, name, suffix);
  if (!labels.empty()) StrAppend(out, "{", labels, "}");
  out->push_back(' ');
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        escaped += "\\\\";
        break;
      case '"':
        escaped += "\\\"";
        break;
      case '\n':
        escaped += "\\n";
        break;
      default:
        escaped.push_back(c);
    }
  }
  return escaped;
}

std::string FormatLabels(
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!out.empty()) out.push_back(',');
    StrAppend(&out, name, "=\"", EscapeLabelValue(value), "\"");
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Go's strconv.FormatFloat(value, 'g', -1, 64), which Prometheus' own clients use: the shortest
  // digits that round-trip, in exponent form when the exponent is below -4 or at least 21.
  char buffer[64];
  const auto scientific =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  const std::string_view digits(buffer, scientific.ptr - buffer);
  std::string_view exponent_text = digits.substr(digits.find('e') + 1);
  if (!exponent_text.empty() && exponent_text.front() == '+') exponent_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
  if (exponent < -4 || exponent >= 21) return std::string(digits);
  const auto fixed =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  return std::string(buffer, fixed.ptr);
}

void AppendFamilyHeader(std::string* out, std::string_view name, std::string_view type,
                        std::string_view help) {
  StrAppend(out, "# HELP ", name, " ");
  for (char c : help) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      out->push_back(c);
    }
  }
  StrAppend(out, "\n# TYPE ", name, " ", type, "\n");
}

void AppendSample(std::string* out, std::string_view name, std::string_view labels,
                  uint64_t value) {
  AppendName(out, name, "", labels);
  StrAppend(out, value, "\n");
}

void AppendSample(std::string* out, std::string_view name, std::string_view labels, int64_t value) {
  AppendName(out, name, "", labels);
  StrAppend(out, value, "\n");
}

void AppendSample(std::string* out, std::string_view name, std::string_view labels, double value) {
  AppendName(out, name, "", labels);
  StrAppend(out, FormatValue(value), "\n");
}

void AppendHistogram(std::string* out, std::string_view name, std::string_view labels,
                     const HistogramSnapshot& histogram) {
  const std::string_view separator = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= histogram.bounds.size(); ++i) {
    cumulative += i < histogram.counts.size() ? histogram.counts[i] : 0;
    const std::string le =
        i < histogram.bounds.size() ? FormatValue(histogram.bounds[i]) : std::string("+Inf");
    StrAppend(out, name, "_bucket{", labels, separator, "le=\"", le, "\"} ", cumulative, "\n");
  }
  AppendName(out, name, "_sum", labels);
  StrAppend(out, FormatValue(histogram.sum), "\n");
  AppendName(out, name, "_count", labels);
  StrAppend(out, histogram.count, "\n");
}

}  // namespace serval
