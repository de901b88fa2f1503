#include "tools/progress_line.h"

#include <unistd.h>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/str_cat.h"

namespace serval {
namespace {

constexpr absl::Duration kTerminalPeriod = absl::Milliseconds(200);
constexpr absl::Duration kLogPeriod = absl::Seconds(2);

}  // namespace

std::string FormatLevelProgress(const LevelProgress& progress, const std::string& unit) {
  switch (progress.phase) {
    case LevelProgress::Phase::kWarmup:
      return absl::StrFormat("warm-up %.1f/%.1f s", progress.elapsed_s, progress.phase_s);
    case LevelProgress::Phase::kMeasuring: {
      const double ok = static_cast<double>(progress.requests - progress.errors);
      const double rate =
          progress.elapsed_s > 0
              ? ok * static_cast<double>(progress.items_per_request) / progress.elapsed_s
              : 0;
      return absl::StrFormat("measuring %.1f/%.1f s: %d requests, %.1f %s, %d errors",
                             progress.elapsed_s, progress.phase_s, progress.requests, rate, unit,
                             progress.errors);
    }
    case LevelProgress::Phase::kDraining:
      return absl::StrFormat("waiting for %d requests in flight", progress.in_flight);
  }
  return "";
}

ProgressLine::ProgressLine(std::ostream& out, bool terminal, std::string label, std::string unit)
    : out_(out), terminal_(terminal), label_(std::move(label)), unit_(std::move(unit)) {}

bool ProgressLine::IsTerminal(std::FILE* stream) { return isatty(fileno(stream)) == 1; }

void ProgressLine::Update(const LevelProgress& progress) {
  const absl::Time now = absl::Now();
  if (now - last_shown_ < (terminal_ ? kTerminalPeriod : kLogPeriod)) return;
  last_shown_ = now;
  const std::string line = StrCat("[", label_, "] ", FormatLevelProgress(progress, unit_));
  if (terminal_) {
    out_ << "\r" << line << "\x1b[K" << std::flush;
    showing_ = true;
  } else {
    out_ << line << "\n" << std::flush;
  }
}

void ProgressLine::Clear() {
  if (!terminal_ || !showing_) return;
  out_ << "\r\x1b[K" << std::flush;
  showing_ = false;
}

}  // namespace serval
