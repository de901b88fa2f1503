#ifndef SERVAL_COMMON_THREAD_POOL_H_
#define SERVAL_COMMON_THREAD_POOL_H_

// ThreadPool: a fixed set of named threads running scheduled closures in FIFO order.
//
// Thread safety: Schedule() may be called from any thread, including a pool thread.
// The destructor runs everything already scheduled, then joins; nothing is dropped or detached.
//
//   ThreadPool loads("load", 2);
//   loads.Schedule([&] { Load(version); });

#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace serval {

class ThreadPool {
 public:
  // `niceness` > 0 runs the threads at a lower CPU priority than the rest of the process (Linux
  // nice values apply per thread), for background work such as model loads.
  ThreadPool(std::string name, int num_threads, int niceness = 0);
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Schedule(std::function<void()> work);

  // Starts a thread running `body` from one of this pool's threads and returns it, so that it
  // inherits their scheduling attributes (the nice value) rather than the caller's. Blocks until
  // it is started; must not be called from this pool's own threads.
  std::thread StartThread(std::function<void()> body);

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const std::string name_;
  absl::Mutex mutex_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace serval

#endif  // SERVAL_COMMON_THREAD_POOL_H_
