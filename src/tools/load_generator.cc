#include "tools/load_generator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "common/str_cat.h"
#include "tools/load_worker.h"

namespace serval {
namespace {

constexpr auto kProgressPoll = std::chrono::milliseconds(20);

double SecondsBetween(LoadClock::time_point from, LoadClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

LoadClock::duration ToClock(absl::Duration duration) {
  return std::chrono::duration_cast<LoadClock::duration>(absl::ToChronoNanoseconds(duration));
}

// Worker `index` of `workers`: its connections and, open loop, its rate and first due time.
LoadSchedule WorkerSchedule(const LoadSchedule& level, double level_value, int workers, int index,
                            int max_connections) {
  LoadSchedule schedule = level;
  schedule.seed = level.seed * 1000003 + static_cast<uint64_t>(index);
  if (level.kind == LoadKind::kConcurrency) {
    const int total = static_cast<int>(level_value);
    schedule.connections = total / workers + (index < total % workers ? 1 : 0);
  } else {
    schedule.rate = level_value / workers;
    schedule.first_due_s = level.poisson ? 0 : static_cast<double>(index) / level_value;
    schedule.connections = std::max(1, max_connections / workers);
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

// Merges the workers' tallies; the first error is the earliest one. The measured time runs from
// the window's start to the end of the window or of the last measured request, the later.
LevelResult Merge(const std::vector<std::unique_ptr<LoadWorker>>& workers, LoadKind kind,
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

absl::StatusOr<std::unique_ptr<LoadGenerator>> LoadGenerator::Create(HttpLoadOptions options) {
  if (options.requests.empty()) return absl::InvalidArgumentError("no request to send");
  if (options.threads < 1) return absl::InvalidArgumentError("threads must be >= 1");
  if (options.max_connections < 1) return absl::InvalidArgumentError("max_connections < 1");
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  TcpEndpoints endpoints =
      resolver.resolve(options.target.host, std::to_string(options.target.port), ec);
  if (ec) {
    return absl::UnavailableError(
        StrCat("cannot resolve ", options.target.host, ": ", ec.message()));
  }
  return std::unique_ptr<LoadGenerator>(
      new LoadGenerator(std::move(options), std::move(endpoints)));
}

absl::StatusOr<LevelResult> LoadGenerator::RunLevel(LoadKind kind, double level,
                                                    const ProgressCallback& progress) {
  if (kind == LoadKind::kBatchSize || level <= 0 ||
      (kind == LoadKind::kConcurrency && level != static_cast<int>(level))) {
    return absl::InvalidArgumentError(StrCat("bad load level ", level));
  }
  const int workers = kind == LoadKind::kConcurrency
                          ? std::min(options_.threads, static_cast<int>(level))
                          : options_.threads;
  LoadSchedule schedule;
  schedule.kind = kind;
  schedule.poisson = options_.poisson;
  schedule.timeout = options_.timeout;
  schedule.seed = options_.seed + levels_run_++;
  schedule.start = LoadClock::now();
  schedule.measure_start = schedule.start + ToClock(options_.warmup);
  schedule.measure_end = schedule.measure_start + ToClock(options_.duration);

  LoadProgress counts;
  std::vector<std::unique_ptr<LoadWorker>> pool;
  for (int i = 0; i < workers; ++i) {
    pool.push_back(std::make_unique<LoadWorker>(
        endpoints_, options_.requests,
        WorkerSchedule(schedule, level, workers, i, options_.max_connections), counts));
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
