#ifndef SERVAL_TESTS_METRICS_EXPOSITION_CHECKER_H_
#define SERVAL_TESTS_METRICS_EXPOSITION_CHECKER_H_

// CheckExposition: checks text against the rules of Prometheus' text format 0.0.4 that a scraper
// enforces (protocols.md section 4): line syntax, escapes, one HELP and TYPE per family before
// its samples, families contiguous, histograms cumulative and ending in +Inf == _count.

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace serval::testing {

inline absl::Status CheckExposition(const std::string& text) {
  if (!text.empty() && text.back() != '\n') return absl::InvalidArgumentError("no final newline");
  static const std::regex kHelp(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (?:[^\\\n]|\\[\\n])*)");
  static const std::regex kType(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex kSample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? ([^ ]+))");
  static const std::regex kLe(R"((.*?),?le="([^"]*)\"$)");
  std::map<std::string, std::string> types;  // family → type
  std::set<std::string> helps, finished;
  std::string current;                        // the family whose samples are being read
  std::map<std::string, double> last_bucket;  // family + labels without le → last cumulative count
  std::map<std::string, double> inf_bucket;
  std::istringstream lines(text);
  std::string line;
  auto error = [&line](std::string_view what) {
    return absl::InvalidArgumentError(std::string(what) + ": " + line);
  };
  while (std::getline(lines, line)) {
    std::smatch match;
    if (std::regex_match(line, match, kHelp)) {
      if (!helps.insert(match[1]).second) return error("second HELP");
      continue;
    }
    if (std::regex_match(line, match, kType)) {
      if (types.count(match[1]) != 0) return error("second TYPE");
      types[match[1]] = match[2];
      continue;
    }
    if (!std::regex_match(line, match, kSample)) return error("bad line");
    const std::string name = match[1], labels = match[2], value = match[3];
    char* end = nullptr;
    const double number = value == "+Inf" ? 1e308 : std::strtod(value.c_str(), &end);
    if (value != "+Inf" && value != "-Inf" && value != "NaN" && *end != '\0') {
      return error("bad value");
    }
    std::string family = name;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        std::string base = name.substr(0, name.size() - suffix.size());
        if (types.count(base) != 0 && types[base] == "histogram") family = base;
      }
    }
    if (types.count(family) == 0) return error("sample before its TYPE");
    if (family != current) {
      if (finished.count(family) != 0) return error("family not contiguous");
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    if (types[family] != "histogram") continue;
    if (name.ends_with("_bucket")) {
      std::smatch le;
      if (!std::regex_match(labels, le, kLe)) return error("bucket without le");
      const std::string key = family + "{" + std::string(le[1]) + "}";
      if (number < last_bucket[key]) return error("buckets not cumulative");
      last_bucket[key] = number;
      if (le[2] == "+Inf") inf_bucket[key] = number;
    } else if (name.ends_with("_count")) {
      const std::string key = family + "{" + labels + "}";
      if (inf_bucket.count(key) == 0) return error("_count without a +Inf bucket before it");
      if (inf_bucket[key] != number) return error("_count differs from the +Inf bucket");
    }
  }
  return absl::OkStatus();
}

}  // namespace serval::testing

#endif  // SERVAL_TESTS_METRICS_EXPOSITION_CHECKER_H_
