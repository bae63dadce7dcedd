// A fixed pool of worker threads owned by one Context (one per Node environment, so
// worker_threads each get their own). Work is split by the caller into a number of
// tasks that depends on the problem size only, never on the thread count, so results
// are the same whatever setNumThreads says.
#pragma once
#include <cstdint>
#include <functional>

namespace tg {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return threads_; }
  void setThreads(int n);

  // Runs fn(task) for every task in [0, tasks); the calling thread takes part. Returns
  // when all are done. An exception thrown by fn is rethrown here (the first one).
  void parallelFor(int64_t tasks, const std::function<void(int64_t)>& fn);

 private:
  int threads_ = 1;
};

}  // namespace tg
