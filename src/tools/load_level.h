#ifndef SERVAL_TOOLS_LOAD_LEVEL_H_
#define SERVAL_TOOLS_LOAD_LEVEL_H_

// One load level of `serval bench`, whatever the wire (REST or gRPC): how a level is split over
// worker threads, what each worker counts, the open-loop arrival times, and RunLoadLevel, which
// starts the workers, shows their progress and merges what they measured into a LevelResult.
// The workers themselves (LoadWorker for REST, GrpcLoadWorker for gRPC) only send requests.
//
// The measured window: a request counts when it started (closed loop: was sent; open loop: fell
// due) in [measure_start, measure_end). No request starts after measure_end, and a worker waits
// for the ones in flight (each bounded by the timeout) before Run() returns. Throughput is then
// measured requests over the time from measure_start to the last one's end: an overloaded
// server's backlog drains after the window, and counting it over the window alone would report
// the offered rate, not the served one.
//
// Thread safety: RunLoadLevel blocks its caller, which also runs `progress`; each worker runs on
// its own thread; LoadProgress is shared by all of them and the caller (atomics).
//
//   LoadLevelOptions options;  // warm-up, duration, threads, ...
//   ASSIGN_OR_RETURN(LevelResult result,
//                    RunLoadLevel(options, LoadKind::kConcurrency, 8, make_worker, progress));

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/bench_result.h"
#include "tools/latency_histogram.h"
#include "tools/progress_line.h"

namespace serval {

using LoadClock = std::chrono::steady_clock;

// One worker's part of a level; the times are the same for every worker of the level.
struct LoadSchedule {
  LoadKind kind = LoadKind::kConcurrency;
  // Closed loop: exactly this many requests in flight (REST: connections). Open loop: at most
  // this many (REST: connections); requests due beyond it wait, and the wait counts.
  int connections = 1;
  double rate = 0;         // open loop: this worker's requests per second
  bool poisson = false;    // open loop: exponential gaps instead of even ones
  double first_due_s = 0;  // open loop: the first request's offset from `start`, in seconds
  absl::Duration timeout = absl::Seconds(30);
  uint64_t seed = 1;  // the Poisson gaps, and which request comes first
  LoadClock::time_point start;
  LoadClock::time_point measure_start;
  LoadClock::time_point measure_end;
};

// Counts the reader thread shows while the level runs; measured requests only.
struct LoadProgress {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> in_flight{0};
};

// What one worker measured.
struct LoadTally {
  LatencyHistogram latency;  // successful requests
  int64_t requests = 0;
  int64_t errors = 0;
  std::string first_error;
  LoadClock::time_point first_error_time;
  LoadClock::time_point last_end;  // when the last measured request finished
};

// Counts a finished request in `tally` and `progress` if it started in the measured window.
// `error`, what went wrong, is read only when !ok.
void RecordRequest(const LoadSchedule& schedule, LoadClock::time_point start,
                   LoadClock::time_point end, bool ok, const std::string& error, LoadTally& tally,
                   LoadProgress& progress);

// Open loop: the times at which one worker's requests fall due, evenly spaced or a Poisson
// process at schedule.rate, from schedule.start + first_due_s until measure_end.
class ArrivalTimes {
 public:
  explicit ArrivalTimes(const LoadSchedule& schedule);

  // False once the next due time is at or after measure_end.
  bool more() const { return next_ < schedule_.measure_end; }
  LoadClock::time_point next() const { return next_; }
  void Advance();

 private:
  const LoadSchedule schedule_;
  std::mt19937_64 random_;
  double next_s_;  // offset of next_ from schedule_.start
  LoadClock::time_point next_;
};

// A worker of a level: sends its share of the requests on its own thread.
class LevelWorker {
 public:
  virtual ~LevelWorker() = default;
  // Runs the level to its end, including waiting for the requests in flight.
  virtual void Run() = 0;
  // After Run() returned.
  virtual const LoadTally& tally() const = 0;
};

// Makes the worker for `schedule`; it must count into `progress`, which outlives it.
using LevelWorkerFactory = std::function<std::unique_ptr<LevelWorker>(const LoadSchedule& schedule,
                                                                      LoadProgress& progress)>;

struct LoadLevelOptions {
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);
  int threads = 2;
  int max_in_flight = 256;  // open loop, over all threads (REST: connections)
  bool poisson = false;
  uint64_t seed = 1;  // of this level
};

// The level options of a generator's options (REST's and gRPC's have these fields by the same
// names), for its `index`-th level: each level its own seed.
template <typename GeneratorOptions>
LoadLevelOptions LevelOptionsFor(const GeneratorOptions& options, int max_in_flight,
                                 uint64_t index) {
  LoadLevelOptions level;
  level.warmup = options.warmup;
  level.duration = options.duration;
  level.timeout = options.timeout;
  level.threads = options.threads;
  level.max_in_flight = max_in_flight;
  level.poisson = options.poisson;
  level.seed = options.seed + index;
  return level;
}

// Checks `kind` and `level` (INVALID_ARGUMENT: kConcurrency takes a whole number >= 1, kRate a
// rate > 0, kBatchSize is not a load level), splits the level over min(threads, level) workers
// (closed loop) or `threads` workers (open loop, each schedule offset so that together they are
// evenly spaced), runs each on its own thread, calls `progress` (may be null) about every 20 ms,
// and merges the tallies: the first error is the earliest one.
absl::StatusOr<LevelResult> RunLoadLevel(const LoadLevelOptions& options, LoadKind kind,
                                         double level, const LevelWorkerFactory& make_worker,
                                         const ProgressCallback& progress);

}  // namespace serval

#endif  // SERVAL_TOOLS_LOAD_LEVEL_H_
