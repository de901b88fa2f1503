#ifndef SERVAL_COMMON_PERIODIC_TASK_H_
#define SERVAL_COMMON_PERIODIC_TASK_H_

// PeriodicTask: runs a closure on its own named thread every `interval` until destroyed.
//
// The first run is one interval after construction. Destruction wakes the thread at once (it does
// not wait out the interval) and joins it after the run in progress, if any, has finished.
//
//   PeriodicTask poller("poll", absl::Seconds(1), [&] { manager.PollOnce(); });

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace serval {

class PeriodicTask {
 public:
  PeriodicTask(const std::string& name, absl::Duration interval, std::function<void()> task);
  ~PeriodicTask();

  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void Run();

  const absl::Duration interval_;
  const std::function<void()> task_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace serval

#endif  // SERVAL_COMMON_PERIODIC_TASK_H_
