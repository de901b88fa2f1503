#include "common/thread_pool.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "absl/synchronization/notification.h"

namespace serval {

ThreadPool::ThreadPool(std::string name, int num_threads, int niceness) : name_(std::move(name)) {
  for (int i = 0; i < num_threads; ++i) {
    threads_.emplace_back([this, niceness] {
      // Linux keeps a nice value per thread; raising it needs no privilege.
      if (niceness != 0) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), niceness);
      Run();
    });
    // Linux limits thread names to 15 characters.
    pthread_setname_np(threads_.back().native_handle(), name_.substr(0, 15).c_str());
  }
}

ThreadPool::~ThreadPool() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

void ThreadPool::Schedule(std::function<void()> work) {
  absl::MutexLock lock(&mutex_);
  queue_.push_back(std::move(work));
}

std::thread ThreadPool::StartThread(std::function<void()> body) {
  std::thread thread;
  absl::Notification started;
  Schedule([&] {
    thread = std::thread(std::move(body));
    started.Notify();
  });
  started.WaitForNotification();
  return thread;
}

bool ThreadPool::HasWorkOrStopping() const { return stopping_ || !queue_.empty(); }

void ThreadPool::Run() {
  while (true) {
    std::function<void()> work;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(this, &ThreadPool::HasWorkOrStopping));
      if (queue_.empty()) return;  // stopping, and everything scheduled has run
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace serval
