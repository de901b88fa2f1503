#include "batching/batch_queue.h"

#include <algorithm>

#include "common/str_cat.h"

namespace serval {
namespace {

// Whether `a` and `b` have the same inputs with the same dimensions after the first.
bool SameInnerShapes(const NamedTensors& a, const NamedTensors& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const Shape& x = a[i].second.shape();
    const Shape& y = b[i].second.shape();
    if (x.size() != y.size() || !std::equal(x.begin() + (x.empty() ? 0 : 1), x.end(),
                                            y.begin() + (y.empty() ? 0 : 1))) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status BatchQueue::Enqueue(BatchTask& task) {
  if (task.rows < 1) return absl::InvalidArgumentError("a request needs at least one row");
  if (task.rows > settings_.max_batch_size) {
    return absl::InvalidArgumentError(
        StrCat("the request has ", task.rows, " rows; this model's batches hold at most ",
               settings_.max_batch_size, " (max_batch_size)"));
  }
  const int64_t capacity = settings_.max_enqueued_batches * settings_.max_batch_size;
  if (queued_rows_ + task.rows > capacity) {
    return absl::ResourceExhaustedError(
        StrCat("the batching queue is full (", queued_rows_, " of ", capacity,
               " rows waiting); try again later"));
  }
  queued_rows_ += task.rows;
  tasks_.push_back(std::move(task));
  return absl::OkStatus();
}

void BatchQueue::DropExpired(absl::Time now, std::vector<BatchTask>& expired) {
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (it->deadline <= now) {
      queued_rows_ -= it->rows;
      expired.push_back(std::move(*it));
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<Batch> BatchQueue::TakeBatch(absl::Time now, std::vector<BatchTask>& expired,
                                           bool flush) {
  DropExpired(now, expired);
  if (tasks_.empty()) return std::nullopt;
  const bool full = queued_rows_ >= settings_.max_batch_size;
  if (!full && !flush && now < NextDue()) return std::nullopt;
  Batch batch;
  while (!tasks_.empty() && batch.rows + tasks_.front().rows <= settings_.max_batch_size &&
         (settings_.pad_variable_length_inputs || batch.tasks.empty() ||
          SameInnerShapes(batch.tasks[0].inputs, tasks_.front().inputs))) {
    batch.rows += tasks_.front().rows;
    queued_rows_ -= tasks_.front().rows;
    batch.tasks.push_back(std::move(tasks_.front()));
    tasks_.pop_front();
  }
  batch.padded_rows = PaddedRows(batch.rows);
  return batch;
}

absl::Time BatchQueue::NextWakeup() const {
  absl::Time wakeup = NextDue();
  for (const BatchTask& task : tasks_) wakeup = std::min(wakeup, task.deadline);
  return wakeup;
}

absl::Time BatchQueue::NextDue() const {
  if (tasks_.empty()) return absl::InfiniteFuture();
  return tasks_.front().enqueued + settings_.batch_timeout;
}

int64_t BatchQueue::PaddedRows(int64_t rows) const {
  for (int64_t allowed : settings_.allowed_batch_sizes) {
    if (allowed >= rows) return allowed;
  }
  return rows;
}

}  // namespace serval
