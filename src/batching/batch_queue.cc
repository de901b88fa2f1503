#include "batching/batch_queue.h"

#include "common/str_cat.h"

namespace serval {

absl::Status BatchQueue::Enqueue(BatchTask task) {
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
  while (!tasks_.empty() && batch.rows + tasks_.front().rows <= settings_.max_batch_size) {
    batch.rows += tasks_.front().rows;
    queued_rows_ -= tasks_.front().rows;
    batch.tasks.push_back(std::move(tasks_.front()));
    tasks_.pop_front();
  }
  batch.padded_rows = PaddedRows(batch.rows);
  return batch;
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
