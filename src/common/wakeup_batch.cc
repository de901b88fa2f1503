#include "common/wakeup_batch.h"

#include <algorithm>

namespace serval {
namespace {

thread_local WakeupBatch* open_batch = nullptr;

}  // namespace

WakeupBatch::WakeupBatch() : outer_(open_batch) {
  if (outer_ == nullptr) open_batch = this;
}

WakeupBatch::~WakeupBatch() {
  if (outer_ != nullptr) return;
  open_batch = nullptr;
  for (Wakeable* target : held_) target->Wake();
}

void WakeupBatch::Wake(Wakeable& target) {
  WakeupBatch* batch = open_batch;
  if (batch == nullptr) return target.Wake();
  // A batch holds a few receivers (one per gRPC thread), so a linear search is cheapest.
  if (std::find(batch->held_.begin(), batch->held_.end(), &target) == batch->held_.end()) {
    batch->held_.push_back(&target);
  }
}

}  // namespace serval
