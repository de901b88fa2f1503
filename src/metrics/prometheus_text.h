#ifndef SERVAL_METRICS_PROMETHEUS_TEXT_H_
#define SERVAL_METRICS_PROMETHEUS_TEXT_H_

// Writers for the Prometheus text exposition format, version 0.0.4 (protocols.md section 4).
//
// A metric family is written as its header (AppendFamilyHeader) followed by all of its samples,
// contiguous. Labels are passed pre-rendered as `name="value",name="value"` (values escaped with
// EscapeLabelValue, or built with FormatLabels), so a label set that is written on every scrape
// is escaped once.
//
//   std::string out;
//   AppendFamilyHeader(&out, "jobs_total", "counter", "Jobs done.");
//   AppendSample(&out, "jobs_total", FormatLabels({{"queue", "fast"}}), 3);
//   // # HELP jobs_total Jobs done.
//   // # TYPE jobs_total counter
//   // jobs_total{queue="fast"} 3
//
// Thread safety: free functions over their arguments only.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "metrics/histogram.h"

namespace serval {

// The Content-Type of a scrape response.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// A label value with `\` as `\\`, `"` as `\"` and a newline as `\n`.
std::string EscapeLabelValue(std::string_view value);

// `a="x",b="y"`, values escaped, in the order given. Names must be valid label names.
std::string FormatLabels(
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels);

// A sample or bound value as Prometheus' Go client writes it (strconv 'g', shortest): "3", "0.25",
// "0.0001", "5e-05", "1e+21", "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);

// "# HELP name help" (help escaped: `\` as `\\`, newline as `\n`) and "# TYPE name type".
void AppendFamilyHeader(std::string* out, std::string_view name, std::string_view type,
                        std::string_view help);

// "name{labels} value"; no braces when `labels` is empty.
void AppendSample(std::string* out, std::string_view name, std::string_view labels, uint64_t value);
void AppendSample(std::string* out, std::string_view name, std::string_view labels, int64_t value);
void AppendSample(std::string* out, std::string_view name, std::string_view labels, double value);

// name_bucket{labels,le="..."} with cumulative counts for each bound and "+Inf", then name_sum and
// name_count.
void AppendHistogram(std::string* out, std::string_view name, std::string_view labels,
                     const HistogramSnapshot& histogram);

}  // namespace serval

#endif  // SERVAL_METRICS_PROMETHEUS_TEXT_H_
