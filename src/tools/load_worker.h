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
// What counts as measured: see load_level.h.
//
// Thread safety: Run() on one thread; tally() after Run() returned. `progress` is shared with
// other workers and a reader thread (atomics).
//
//   LoadWorker worker(endpoints, requests, schedule, progress);
//   std::thread thread([&] { worker.Run(); });
//   thread.join();
//   histogram.Merge(worker.tally().latency);

#include <deque>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "tools/load_connection.h"
#include "tools/load_level.h"

namespace serval {

class LoadWorker : public LevelWorker {
 public:
  // `requests` (serialized, see SerializePost) are sent in turn and must outlive the worker.
  LoadWorker(TcpEndpoints endpoints, const std::vector<std::string>& requests,
             LoadSchedule schedule, LoadProgress& progress);
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;
  ~LoadWorker() override;

  void Run() override;
  const LoadTally& tally() const override { return tally_; }

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

  boost::asio::io_context io_{1};  // declared first: destroyed after the connections
  const TcpEndpoints endpoints_;
  const std::vector<std::string>& requests_;
  const LoadSchedule schedule_;
  LoadProgress& progress_;
  size_t next_request_ = 0;

  std::deque<Slot> slots_;
  // Open loop.
  boost::asio::steady_timer due_timer_;
  ArrivalTimes arrivals_;
  std::vector<Slot*> idle_;
  std::deque<LoadClock::time_point> backlog_;

  LoadTally tally_;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_LOAD_WORKER_H_
