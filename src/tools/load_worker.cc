#include "tools/load_worker.h"

#include <algorithm>
#include <utility>

namespace serval {

namespace {

// The pause after a request that got no answer, before the connection tries again.
constexpr auto kPauseAfterFailure = std::chrono::milliseconds(10);

}  // namespace

LoadWorker::LoadWorker(TcpEndpoints endpoints, const std::vector<std::string>& requests,
                       LoadSchedule schedule, LoadProgress& progress)
    : endpoints_(std::move(endpoints)),
      requests_(requests),
      schedule_(schedule),
      progress_(progress),
      next_request_(schedule.seed % requests.size()),
      due_timer_(io_),
      arrivals_(schedule_) {}

LoadWorker::~LoadWorker() = default;

void LoadWorker::Run() {
  if (schedule_.kind == LoadKind::kConcurrency) {
    for (int i = 0; i < schedule_.connections; ++i) StartRequest(AddSlot(), LoadClock::now());
  } else {
    ScheduleNextDue();
  }
  io_.run();
}

LoadWorker::Slot& LoadWorker::AddSlot() {
  return slots_.emplace_back(io_, endpoints_, schedule_.timeout);
}

void LoadWorker::StartRequest(Slot& slot, LoadClock::time_point start) {
  const std::string& request = requests_[next_request_];
  next_request_ = (next_request_ + 1) % requests_.size();
  progress_.in_flight.fetch_add(1, std::memory_order_relaxed);
  slot.connection.Send(
      request, [this, &slot, start](ExchangeResult result) { OnAnswer(slot, start, result); });
}

void LoadWorker::OnAnswer(Slot& slot, LoadClock::time_point start, const ExchangeResult& result) {
  progress_.in_flight.fetch_sub(1, std::memory_order_relaxed);
  Record(start, LoadClock::now(), result);
  if (schedule_.kind == LoadKind::kConcurrency) {
    ContinueClosedLoop(slot, result.status == 0);
  } else {
    ContinueOpenLoop(slot);
  }
}

void LoadWorker::Record(LoadClock::time_point start, LoadClock::time_point end,
                        const ExchangeResult& result) {
  RecordRequest(schedule_, start, end, result.ok(), result.error, tally_, progress_);
}

void LoadWorker::ContinueClosedLoop(Slot& slot, bool failed) {
  if (LoadClock::now() >= schedule_.measure_end) return;
  if (!failed) return StartRequest(slot, LoadClock::now());
  slot.pause.expires_after(kPauseAfterFailure);
  slot.pause.async_wait([this, &slot](boost::system::error_code ec) {
    if (!ec && LoadClock::now() < schedule_.measure_end) StartRequest(slot, LoadClock::now());
  });
}

void LoadWorker::ContinueOpenLoop(Slot& slot) {
  if (backlog_.empty()) {
    idle_.push_back(&slot);
    return;
  }
  const LoadClock::time_point due = backlog_.front();
  backlog_.pop_front();
  StartRequest(slot, due);
}

void LoadWorker::ScheduleNextDue() {
  if (!arrivals_.more()) return;
  due_timer_.expires_at(arrivals_.next());
  due_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) DispatchDue();
  });
}

void LoadWorker::DispatchDue() {
  const LoadClock::time_point now = LoadClock::now();
  for (; arrivals_.more() && arrivals_.next() <= now; arrivals_.Advance()) {
    Issue(arrivals_.next());
  }
  ScheduleNextDue();
}

void LoadWorker::Issue(LoadClock::time_point due) {
  if (!idle_.empty()) {
    Slot* slot = idle_.back();
    idle_.pop_back();
    StartRequest(*slot, due);
  } else if (slots_.size() < static_cast<size_t>(schedule_.connections)) {
    StartRequest(AddSlot(), due);
  } else {
    backlog_.push_back(due);
  }
}

}  // namespace serval
