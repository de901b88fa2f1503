#include "tools/load_level.h"

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "common/str_cat.h"

namespace serval {
namespace {

constexpr auto kProgressPoll = std::chrono::milliseconds(20);

double SecondsBetween(LoadClock::time_point from, LoadClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

LoadClock::duration ToClock(absl::Duration duration) {
  return std::chrono::duration_cast<LoadClock::duration>(absl::ToChronoNanoseconds(duration));
}

LoadClock::time_point AtOffset(LoadClock::time_point start, double seconds) {
  return start +
         std::chrono::duration_cast<LoadClock::duration>(std::chrono::duration<double>(seconds));
}

// Worker `index` of `workers`: its requests in flight and, open loop, its rate and first due time.
LoadSchedule WorkerSchedule(const LoadSchedule& level, double level_value, int workers, int index,
                            int max_in_flight) {
  LoadSchedule schedule = level;
  schedule.seed = level.seed * 1000003 + static_cast<uint64_t>(index);
  if (level.kind == LoadKind::kConcurrency) {
    const int total = static_cast<int>(level_value);
    schedule.connections = total / workers + (index < total % workers ? 1 : 0);
  } else {
    schedule.rate = level_value / workers;
    schedule.first_due_s = level.poisson ? 0 : static_cast<double>(index) / level_value;
    schedule.connections = std::max(1, max_in_flight / workers);
  }
  return schedule;
}

LevelProgress Snapshot(const LoadSchedule& level, const LoadProgress& counts,
                       LoadClock::time_point now) {
  LevelProgress progress;
  progress.requests = counts.requests.load(std::memory_order_relaxed);
  progress.errors = counts.errors.load(std::memory_order_relaxed);
  progress.in_flight = counts.in_flight.load(std::memory_order_relaxed);
  if (now < level.measure_start) {
    progress.phase = LevelProgress::Phase::kWarmup;
    progress.elapsed_s = SecondsBetween(level.start, now);
    progress.phase_s = SecondsBetween(level.start, level.measure_start);
  } else if (now < level.measure_end) {
    progress.phase = LevelProgress::Phase::kMeasuring;
    progress.elapsed_s = SecondsBetween(level.measure_start, now);
    progress.phase_s = SecondsBetween(level.measure_start, level.measure_end);
  } else {
    progress.phase = LevelProgress::Phase::kDraining;
  }
  return progress;
}

// The measured time runs from the window's start to the end of the window or of the last
// measured request, the later.
LevelResult Merge(const std::vector<std::unique_ptr<LevelWorker>>& workers, LoadKind kind,
                  double level, const LoadSchedule& schedule) {
  LatencyHistogram latency;
  LevelResult result;
  result.kind = kind;
  result.level = level;
  LoadClock::time_point end = schedule.measure_end;
  LoadClock::time_point first_error_time = LoadClock::time_point::max();
  for (const auto& worker : workers) {
    const LoadTally& tally = worker->tally();
    end = std::max(end, tally.last_end);
    latency.Merge(tally.latency);
    result.requests += tally.requests;
    result.errors += tally.errors;
    if (!tally.first_error.empty() && tally.first_error_time < first_error_time) {
      result.first_error = tally.first_error;
      first_error_time = tally.first_error_time;
    }
  }
  result.seconds = SecondsBetween(schedule.measure_start, end);
  result.latency = latency.Summarize();
  return result;
}

}  // namespace

void RecordRequest(const LoadSchedule& schedule, LoadClock::time_point start,
                   LoadClock::time_point end, bool ok, const std::string& error, LoadTally& tally,
                   LoadProgress& progress) {
  if (start < schedule.measure_start || start >= schedule.measure_end) return;
  ++tally.requests;
  tally.last_end = std::max(tally.last_end, end);
  progress.requests.fetch_add(1, std::memory_order_relaxed);
  if (ok) {
    tally.latency.Record(absl::FromChrono(end - start));
    return;
  }
  ++tally.errors;
  progress.errors.fetch_add(1, std::memory_order_relaxed);
  if (tally.first_error.empty()) {
    tally.first_error = error;
    tally.first_error_time = end;
  }
}

ArrivalTimes::ArrivalTimes(const LoadSchedule& schedule)
    : schedule_(schedule),
      random_(schedule.seed),
      next_s_(schedule.first_due_s),
      next_(AtOffset(schedule.start, next_s_)) {}

void ArrivalTimes::Advance() {
  next_s_ += schedule_.poisson ? std::exponential_distribution<double>(schedule_.rate)(random_)
                               : 1.0 / schedule_.rate;
  next_ = AtOffset(schedule_.start, next_s_);
}

absl::StatusOr<LevelResult> RunLoadLevel(const LoadLevelOptions& options, LoadKind kind,
                                         double level, const LevelWorkerFactory& make_worker,
                                         const ProgressCallback& progress) {
  if (kind == LoadKind::kBatchSize || !(level > 0) ||
      (kind == LoadKind::kConcurrency && level != static_cast<int>(level))) {
    return absl::InvalidArgumentError(StrCat("bad load level ", level));
  }
  if (options.threads < 1 || options.max_in_flight < 1) {
    return absl::InvalidArgumentError("threads and max_in_flight must be >= 1");
  }
  const int workers = kind == LoadKind::kConcurrency
                          ? std::min(options.threads, static_cast<int>(level))
                          : options.threads;
  LoadSchedule schedule;
  schedule.kind = kind;
  schedule.poisson = options.poisson;
  schedule.timeout = options.timeout;
  schedule.seed = options.seed;
  schedule.start = LoadClock::now();
  schedule.measure_start = schedule.start + ToClock(options.warmup);
  schedule.measure_end = schedule.measure_start + ToClock(options.duration);

  LoadProgress counts;
  std::vector<std::unique_ptr<LevelWorker>> pool;
  for (int i = 0; i < workers; ++i) {
    pool.push_back(
        make_worker(WorkerSchedule(schedule, level, workers, i, options.max_in_flight), counts));
  }
  std::atomic<int> running{workers};
  std::vector<std::thread> threads;
  for (auto& worker : pool) {
    threads.emplace_back([&worker, &running] {
      worker->Run();
      running.fetch_sub(1);
    });
  }
  while (running.load() > 0) {
    std::this_thread::sleep_for(kProgressPoll);
    if (progress) progress(Snapshot(schedule, counts, LoadClock::now()));
  }
  for (std::thread& thread : threads) thread.join();
  return Merge(pool, kind, level, schedule);
}

}  // namespace serval
