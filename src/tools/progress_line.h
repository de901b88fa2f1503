#ifndef SERVAL_TOOLS_PROGRESS_LINE_H_
#define SERVAL_TOOLS_PROGRESS_LINE_H_

// ProgressLine: `serval bench`'s "what is happening now" line on stderr while a level runs.
//
// On a terminal the line is redrawn in place (carriage return, erase to end of line) at most
// every 200 ms and erased with Clear() before the level's table row is printed. Elsewhere (a log
// file, CI) it prints a plain line at most every 2 s, so logs stay readable.
//
// Thread safety: not thread-safe; one thread updates it.
//
//   ProgressLine progress(std::cerr, ProgressLine::IsTerminal(stderr), "concurrency 8");
//   progress.Update(snapshot);  // as often as convenient
//   progress.Clear();

#include <cstdint>
#include <cstdio>
#include <functional>
#include <ostream>
#include <string>

#include "absl/time/time.h"

namespace serval {

// A snapshot of a running level.
struct LevelProgress {
  enum class Phase { kWarmup, kMeasuring, kDraining };

  Phase phase = Phase::kWarmup;
  double elapsed_s = 0;  // into the phase
  double phase_s = 0;    // the phase's planned length (0 while draining)
  int64_t requests = 0;  // measured so far
  int64_t errors = 0;
  int64_t in_flight = 0;
  int64_t items_per_request = 1;
};

// Called with a snapshot now and then while a level runs.
using ProgressCallback = std::function<void(const LevelProgress&)>;

// "measuring 3.0/10.0 s: 1234 requests, 411.3 req/s, 0 errors" and the like.
std::string FormatLevelProgress(const LevelProgress& progress, const std::string& unit);

class ProgressLine {
 public:
  // `label` starts every line ("concurrency 8"); `unit` names the throughput ("req/s").
  ProgressLine(std::ostream& out, bool terminal, std::string label, std::string unit);

  static bool IsTerminal(std::FILE* stream);

  // Shows `progress` if the last line shown is old enough.
  void Update(const LevelProgress& progress);

  // On a terminal, erases the line; elsewhere does nothing.
  void Clear();

 private:
  std::ostream& out_;
  const bool terminal_;
  const std::string label_;
  const std::string unit_;
  absl::Time last_shown_ = absl::InfinitePast();
  bool showing_ = false;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_PROGRESS_LINE_H_
