#include "tools/grpc_load_worker.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/async_unary_call.h"

namespace serval {
namespace {

// The pause after a failed call, before the next one (closed loop).
constexpr auto kPauseAfterFailure = std::chrono::milliseconds(10);

// gRPC's alarms and deadlines take the system clock.
std::chrono::system_clock::time_point ToSystemClock(LoadClock::time_point time) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(time - LoadClock::now());
}

std::string StatusText(const grpc::Status& status) {
  return StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())), ": ",
                status.error_message());
}

}  // namespace

struct GrpcLoadWorker::Call : Event {
  Call() : Event(Kind::kCall) {}

  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<grpc::ByteBuffer>> reader;
  grpc::ByteBuffer response;
  grpc::Status status;
  LoadClock::time_point start;
};

struct GrpcLoadWorker::Pause : Event {
  Pause() : Event(Kind::kPause) {}

  grpc::Alarm alarm;
};

GrpcLoadWorker::GrpcLoadWorker(std::shared_ptr<grpc::Channel> channel, std::string method,
                               const std::vector<grpc::ByteBuffer>& requests, LoadSchedule schedule,
                               LoadProgress& progress)
    : channel_(std::move(channel)),
      method_(std::move(method)),
      requests_(requests),
      schedule_(schedule),
      progress_(progress),
      next_request_(schedule.seed % requests.size()),
      stub_(channel_),
      arrivals_(schedule_) {}

GrpcLoadWorker::~GrpcLoadWorker() = default;

void GrpcLoadWorker::Run() {
  if (schedule_.kind == LoadKind::kConcurrency) {
    for (int i = 0; i < schedule_.connections; ++i) StartCall(LoadClock::now());
  } else {
    ArmDueAlarm();
  }
  void* tag = nullptr;
  bool ok = false;
  while (outstanding_ > 0 && queue_.Next(&tag, &ok)) {
    --outstanding_;
    Event* event = static_cast<Event*>(tag);
    switch (event->kind) {
      case Event::Kind::kCall:
        OnCallDone(std::unique_ptr<Call>(static_cast<Call*>(event)));
        break;
      case Event::Kind::kPause:
        delete static_cast<Pause*>(event);
        if (LoadClock::now() < schedule_.measure_end) StartCall(LoadClock::now());
        break;
      case Event::Kind::kDue:
        OnDue();
        break;
    }
  }
  // Nothing is pending any more; a completion queue must be shut down and drained before it is
  // destroyed.
  queue_.Shutdown();
  while (queue_.Next(&tag, &ok)) {
  }
}

void GrpcLoadWorker::StartCall(LoadClock::time_point start) {
  auto call = std::make_unique<Call>();
  call->start = start;
  call->context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoNanoseconds(schedule_.timeout));
  call->reader = stub_.PrepareUnaryCall(&call->context, method_, requests_[next_request_], &queue_);
  next_request_ = (next_request_ + 1) % requests_.size();
  call->reader->StartCall();
  Call* tag = call.release();  // back in Run() when the call completes
  tag->reader->Finish(&tag->response, &tag->status, tag);
  ++outstanding_;
  ++calls_in_flight_;
  progress_.in_flight.fetch_add(1, std::memory_order_relaxed);
}

void GrpcLoadWorker::OnCallDone(std::unique_ptr<Call> call) {
  --calls_in_flight_;
  progress_.in_flight.fetch_sub(1, std::memory_order_relaxed);
  const LoadClock::time_point end = LoadClock::now();
  const bool ok = call->status.ok();
  RecordRequest(schedule_, call->start, end, ok, ok ? std::string() : StatusText(call->status),
                tally_, progress_);
  call.reset();
  if (schedule_.kind == LoadKind::kConcurrency) {
    if (end >= schedule_.measure_end) return;
    if (ok) return StartCall(LoadClock::now());
    return PauseThenCall();
  }
  if (!backlog_.empty()) {
    const LoadClock::time_point due = backlog_.front();
    backlog_.pop_front();
    StartCall(due);
  }
}

void GrpcLoadWorker::PauseThenCall() {
  auto* pause = new Pause;  // deleted in Run() when the alarm fires
  pause->alarm.Set(&queue_, std::chrono::system_clock::now() + kPauseAfterFailure, pause);
  ++outstanding_;
}

void GrpcLoadWorker::ArmDueAlarm() {
  if (!arrivals_.more()) return;
  due_alarm_.Set(&queue_, ToSystemClock(arrivals_.next()), &due_event_);
  ++outstanding_;
}

void GrpcLoadWorker::OnDue() {
  const LoadClock::time_point now = LoadClock::now();
  for (; arrivals_.more() && arrivals_.next() <= now; arrivals_.Advance()) {
    if (calls_in_flight_ < schedule_.connections) {
      StartCall(arrivals_.next());
    } else {
      backlog_.push_back(arrivals_.next());
    }
  }
  ArmDueAlarm();
}

}  // namespace serval
