#include "tools/bench_report.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/str_cat.h"
#include "protocol/json_writer.h"

namespace serval {
namespace {

void WriteLatency(const LatencySummary& latency, JsonWriter& json) {
  json.Key("latency_ms");
  json.BeginObject();
  for (const auto& [name, value] :
       {std::pair{"mean", latency.mean_ms}, std::pair{"min", latency.min_ms},
        std::pair{"p50", latency.p50_ms}, std::pair{"p90", latency.p90_ms},
        std::pair{"p99", latency.p99_ms}, std::pair{"max", latency.max_ms}}) {
    json.Key(name);
    json.Double(value);
  }
  json.EndObject();
}

void WriteLevel(const LevelResult& level, JsonWriter& json) {
  json.BeginObject();
  json.Key(LoadKindName(level.kind));
  if (level.level == std::floor(level.level)) {
    json.Int(static_cast<int64_t>(level.level));
  } else {
    json.Double(level.level);
  }
  json.Key("seconds");
  json.Double(level.seconds);
  json.Key("requests");
  json.Int(level.requests);
  json.Key("errors");
  json.Int(level.errors);
  json.Key("first_error");
  json.String(level.first_error);
  json.Key("items_per_request");
  json.Int(level.items_per_request);
  json.Key("throughput");
  json.Double(level.Throughput());
  WriteLatency(level.latency, json);
  json.EndObject();
}

// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string CsvThroughputColumn(LoadKind kind) {
  return kind == LoadKind::kBatchSize ? "throughput_items_per_s" : "throughput_req_per_s";
}

}  // namespace

std::string BenchReportJson(const BenchReport& report) {
  std::string text;
  JsonWriter json(&text);
  json.BeginObject();
  json.Key("mode");
  json.String(report.mode);
  json.Key("target");
  json.String(report.target);
  json.Key("load");
  json.String(LoadKindName(report.kind));
  json.Key("throughput_unit");
  json.String(ThroughputUnit(report.kind));
  json.Key("levels");
  json.BeginArray();
  for (const LevelResult& level : report.levels) WriteLevel(level, json);
  json.EndArray();
  json.EndObject();
  text += '\n';
  return text;
}

std::string BenchReportCsv(const BenchReport& report) {
  std::string text = StrCat(LoadKindName(report.kind), ",seconds,requests,errors,",
                            CsvThroughputColumn(report.kind),
                            ",mean_ms,min_ms,p50_ms,p90_ms,p99_ms,max_ms,first_error\n");
  for (const LevelResult& level : report.levels) {
    const LatencySummary& latency = level.latency;
    StrAppend(&text,
              absl::StrFormat("%g,%.3f,%d,%d,%.3f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,", level.level,
                              level.seconds, level.requests, level.errors, level.Throughput(),
                              latency.mean_ms, latency.min_ms, latency.p50_ms, latency.p90_ms,
                              latency.p99_ms, latency.max_ms),
              CsvField(level.first_error), "\n");
  }
  return text;
}

bool IsBenchReportFileName(std::string_view path) {
  return absl::EndsWithIgnoreCase(ToAbsl(path), ".json") ||
         absl::EndsWithIgnoreCase(ToAbsl(path), ".csv");
}

absl::Status WriteTextFile(const std::string& path, std::string_view contents) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (file) file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (file) file.close();
  if (!file) {
    return absl::InternalError(StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status WriteBenchReport(const BenchReport& report, const std::string& path) {
  if (absl::EndsWithIgnoreCase(path, ".json")) return WriteTextFile(path, BenchReportJson(report));
  if (absl::EndsWithIgnoreCase(path, ".csv")) return WriteTextFile(path, BenchReportCsv(report));
  return absl::InvalidArgumentError(
      StrCat("cannot tell the format of ", path, ": the name must end in .json or .csv"));
}

}  // namespace serval
