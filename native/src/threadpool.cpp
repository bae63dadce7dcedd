#include "tg/threadpool.h"

#include <algorithm>

namespace tg {

// Serial stand-in: the threaded pool arrives with the fast GEMM (issue: native performance).
ThreadPool::ThreadPool(int threads) : threads_(std::max(1, threads)) {}
ThreadPool::~ThreadPool() = default;
void ThreadPool::setThreads(int n) { threads_ = std::max(1, n); }
void ThreadPool::parallelFor(int64_t tasks, const std::function<void(int64_t)>& fn) {
  for (int64_t t = 0; t < tasks; ++t) fn(t);
}

}  // namespace tg
