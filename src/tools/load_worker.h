#ifndef SERVAL_TOOLS_LOAD_WORKER_H_
#define SERVAL_TOOLS_LOAD_WORKER_H_

// LoadWorker: one thread's share of a load level, on its own Asio event loop (as wrk's threads).
//
// Closed loop (LoadKind::kConcurrency): `connections` connections, each sending the next request
// as soon as the previous one is answered; latency runs from the send. A request that failed
// without an answer is followed by a 10 ms pause, so a server that refuses connections is not
// hammered in a tight loop.
//
// Open loop (LoadKind::kRate): requests fall due on a schedule (evenly spaced, or a Poisson
// process) whatever the answers do, and go out on an idle connection, or a new one up to
// `connections`, or wait in a backlog for the next connection to free up. Latency runs from the
// time a request fell due, not from when it could be sent, so a slow server is not hidden by the
// load generator slowing down with it (no coordinated omission).
//
// The measured window: a request counts when it started (closed loop: was sent; open loop: fell
// due) in [measure_start, measure_end). No request starts after measure_end, and the worker
// waits for the ones in flight (each bounded by the timeout) before Run() returns. Throughput is
// then measured requests over the time from measure_start to the last one's end: an overloaded
// server's backlog drains after the window, and counting it over the window alone would report
// the offered rate, not the served one.
//
// Thread safety: Run() on one thread; tally() after Run() returned. `progress` is shared with
// other workers and a reader thread (atomics).
//
//   LoadWorker worker(endpoints, requests, schedule, progress);
//   std::thread thread([&] { worker.Run(); });
//   thread.join();
//   histogram.Merge(worker.tally().latency);

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "tools/bench_result.h"
#include "tools/latency_histogram.h"
#include "tools/load_connection.h"

namespace serval {

using LoadClock = std::chrono::steady_clock;

// One worker's part of a level; the times are the same for every worker of the level.
struct LoadSchedule {
  LoadKind kind = LoadKind::kConcurrency;
  int connections = 1;     // closed loop: exactly this many; open loop: at most this many
  double rate = 0;         // open loop: this worker's requests per second
  bool poisson = false;    // open loop: exponential gaps instead of even ones
  double first_due_s = 0;  // open loop: the first request's offset from `start`, in seconds
  absl::Duration timeout = absl::Seconds(30);
  uint64_t seed = 1;  // the Poisson gaps, and which request body comes first
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

class LoadWorker {
 public:
  // `requests` (serialized, see SerializePost) are sent in turn and must outlive the worker.
  LoadWorker(TcpEndpoints endpoints, const std::vector<std::string>& requests,
             LoadSchedule schedule, LoadProgress& progress);
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;
  ~LoadWorker();

  // Runs the level to its end, including waiting for the requests in flight.
  void Run();

  const LoadTally& tally() const { return tally_; }

 private:
  // A connection and the timer of its pause after a failure.
  struct Slot {
    Slot(boost::asio::io_context& io, const TcpEndpoints& endpoints, absl::Duration timeout)
        : connection(io, endpoints, timeout), pause(io) {}

    LoadConnection connection;
    boost::asio::steady_timer pause;
  };

  Slot& AddSlot();
  void StartRequest(Slot& slot, LoadClock::time_point start);
  void OnAnswer(Slot& slot, LoadClock::time_point start, const ExchangeResult& result);
  void Record(LoadClock::time_point start, LoadClock::time_point end, const ExchangeResult& result);
  void ContinueClosedLoop(Slot& slot, bool failed);
  void ContinueOpenLoop(Slot& slot);
  void ScheduleNextDue();
  void DispatchDue();
  void Issue(LoadClock::time_point due);
  double NextGapSeconds();

  boost::asio::io_context io_{1};  // declared first: destroyed after the connections
  const TcpEndpoints endpoints_;
  const std::vector<std::string>& requests_;
  const LoadSchedule schedule_;
  LoadProgress& progress_;
  std::mt19937_64 random_;
  size_t next_request_ = 0;

  std::deque<Slot> slots_;
  // Open loop.
  boost::asio::steady_timer due_timer_;
  double next_due_s_ = 0;  // offset of the next due request from schedule_.start
  std::vector<Slot*> idle_;
  std::deque<LoadClock::time_point> backlog_;

  LoadTally tally_;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_LOAD_WORKER_H_
