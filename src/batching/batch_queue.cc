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

void BatchQueue::DropUnwanted(absl::Time now, std::vector<BatchTask>& dropped) {
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (it->deadline <= now || IsCancelled(it->cancellation)) {
      queued_rows_ -= it->rows;
      dropped.push_back(std::move(*it));
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<Batch> BatchQueue::TakeBatch(absl::Time now, std::vector<BatchTask>& dropped,
                                           bool flush) {
  DropUnwanted(now, dropped);
  if (tasks_.empty()) return std::nullopt;
  size_t count = BatchableTasks();
  const bool full = queued_rows_ >= settings_.max_batch_size;
  if (!full && !flush && now < NextDue()) {
    count = PreferredTasks(count);
    if (count == 0) return std::nullopt;
  }
  Batch batch;
  for (size_t i = 0; i < count; ++i) {
    batch.rows += tasks_.front().rows;
    queued_rows_ -= tasks_.front().rows;
    batch.tasks.push_back(std::move(tasks_.front()));
    tasks_.pop_front();
  }
  batch.padded_rows = PaddedRows(batch.rows);
  return batch;
}

size_t BatchQueue::BatchableTasks() const {
  size_t count = 0;
  int64_t rows = 0;
  for (const BatchTask& task : tasks_) {
    if (rows + task.rows > settings_.max_batch_size) break;
    if (!settings_.pad_variable_length_inputs && count > 0 &&
        !SameInnerShapes(tasks_.front().inputs, task.inputs)) {
      break;
    }
    rows += task.rows;
    ++count;
  }
  return count;
}

size_t BatchQueue::PreferredTasks(size_t batchable) const {
  const std::vector<int64_t>& preferred = settings_.preferred_batch_sizes;
  size_t best = 0;
  int64_t rows = 0;
  for (size_t i = 0; i < batchable; ++i) {
    rows += tasks_[i].rows;
    if (std::binary_search(preferred.begin(), preferred.end(), rows)) best = i + 1;
  }
  return best;
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
