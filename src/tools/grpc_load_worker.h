#ifndef SERVAL_TOOLS_GRPC_LOAD_WORKER_H_
#define SERVAL_TOOLS_GRPC_LOAD_WORKER_H_

// GrpcLoadWorker: one thread's share of a gRPC load level, driven by its own
// grpc::CompletionQueue over its own channel (one HTTP/2 connection), so that a handful of
// threads keep many calls in flight.
//
// Calls are unary, made with grpc::GenericStub on requests serialized before the run: the worker
// sends bytes and receives bytes, and never runs protobuf, so the client's cost per call is
// gRPC's alone. An answer counts as a success when its status is OK; any other status
// (UNAVAILABLE when the server is not there, DEADLINE_EXCEEDED past `timeout`, the server's own
// errors) counts as an error, with "CODE: message".
//
// Closed loop (LoadKind::kConcurrency): `connections` calls in flight, each followed by the next
// as soon as it is answered; after a failed call a 10 ms pause, so a server that is not there is
// not hammered in a tight loop. Open loop (LoadKind::kRate): calls fall due on the schedule of
// load_level.h's ArrivalTimes and start at once, unless `connections` calls are in flight; then
// they wait, and the wait counts in their latency. What counts as measured: see load_level.h.
//
// Thread safety: Run() on one thread; tally() after Run() returned. `progress` is shared with
// other workers and a reader thread (atomics).
//
//   GrpcLoadWorker worker(channel, "/tensorflow.serving.PredictionService/Predict", requests,
//                         schedule, progress);
//   std::thread thread([&] { worker.Run(); });

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/alarm.h"
#include "grpcpp/channel.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "tools/load_level.h"

namespace serval {

class GrpcLoadWorker : public LevelWorker {
 public:
  // `requests` (serialized request messages) are sent in turn; the worker keeps references to
  // their slices, not copies.
  GrpcLoadWorker(std::shared_ptr<grpc::Channel> channel, std::string method,
                 const std::vector<grpc::ByteBuffer>& requests, LoadSchedule schedule,
                 LoadProgress& progress);
  GrpcLoadWorker(const GrpcLoadWorker&) = delete;
  GrpcLoadWorker& operator=(const GrpcLoadWorker&) = delete;
  ~GrpcLoadWorker() override;

  void Run() override;
  const LoadTally& tally() const override { return tally_; }

 private:
  // What a completion-queue tag points at.
  struct Event {
    enum class Kind { kCall, kPause, kDue };
    explicit Event(Kind kind) : kind(kind) {}
    const Kind kind;
  };
  struct Call;
  struct Pause;

  void StartCall(LoadClock::time_point start);
  void OnCallDone(std::unique_ptr<Call> call);
  void PauseThenCall();
  void ArmDueAlarm();
  void OnDue();

  const std::shared_ptr<grpc::Channel> channel_;
  const std::string method_;
  const std::vector<grpc::ByteBuffer> requests_;
  const LoadSchedule schedule_;
  LoadProgress& progress_;
  size_t next_request_ = 0;

  grpc::CompletionQueue queue_;
  grpc::GenericStub stub_;
  int outstanding_ = 0;  // calls in flight and alarms set: Run() returns when none are left
  int calls_in_flight_ = 0;

  // Open loop.
  ArrivalTimes arrivals_;
  Event due_event_{Event::Kind::kDue};
  grpc::Alarm due_alarm_;
  std::deque<LoadClock::time_point> backlog_;

  LoadTally tally_;
};

}  // namespace serval

#endif  // SERVAL_TOOLS_GRPC_LOAD_WORKER_H_
