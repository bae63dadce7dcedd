// Fork-join thread pool: see tg/threadpool.h for the contract.
//
// Protocol. A job is published under the mutex (function, task count, number of
// participating workers) and announced by bumping `generation`. Each participating
// worker claims tasks from the shared atomic counter `next` until it runs out, then
// checks in by decrementing `pending`. The caller claims tasks too, then waits until
// `pending` reaches 0, so a job's state is never reused while a worker still reads it.
// Workers that are not needed for a job (fewer tasks than threads) skip it.
#include "tg/threadpool.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace tg {

namespace {

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

using Clock = std::chrono::steady_clock;

// Spins until pred() holds or kSpinMicros elapse; returns pred().
template <typename Pred>
bool spinFor(Pred&& pred) {
  if (pred()) return true;
  const auto deadline = Clock::now() + std::chrono::microseconds(ThreadPool::kSpinMicros);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (pred()) return true;
      cpuRelax();
    }
    if (Clock::now() >= deadline) return pred();
  }
}

constexpr int kMaxThreads = 1024;

}  // namespace

struct ThreadPool::Impl {
  std::mutex mu;
  std::condition_variable wakeCv;  // workers wait here for a job or for stop
  std::condition_variable doneCv;  // the caller waits here for the workers to check in
  std::vector<std::thread> workers;

  std::atomic<uint64_t> generation{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> inUse{false};  // a parallelFor is running (guards nesting/concurrency)

  // The current job; written under `mu` before `generation` is bumped.
  const std::function<void(int64_t)>* fn = nullptr;
  int64_t tasks = 0;
  int participants = 0;  // workers with id < participants take part
  std::atomic<int64_t> next{0};
  std::atomic<int> pending{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;  // under mu

  // Claims and runs tasks of the current job until none are left.
  void runTasks(const std::function<void(int64_t)>& f, int64_t n) {
    while (!failed.load(std::memory_order_relaxed)) {
      const int64_t t = next.fetch_add(1, std::memory_order_relaxed);
      if (t >= n) break;
      try {
        f(t);
      } catch (...) {
        std::lock_guard<std::mutex> lk(mu);
        if (!error) error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
  }

  // `seen` is the generation current when the worker was created (read by the creating
  // thread: a job published before this worker starts running must not be missed).
  void workerLoop(int id, uint64_t seen) {
    for (;;) {
      auto ready = [&] {
        return generation.load(std::memory_order_acquire) != seen || stop.load(std::memory_order_acquire);
      };
      if (!spinFor(ready)) {
        std::unique_lock<std::mutex> lk(mu);
        wakeCv.wait(lk, ready);
      }
      const std::function<void(int64_t)>* f;
      int64_t n;
      bool mine;
      {
        std::lock_guard<std::mutex> lk(mu);
        if (stop.load(std::memory_order_relaxed)) return;
        seen = generation.load(std::memory_order_relaxed);
        f = fn;
        n = tasks;
        mine = id < participants;
      }
      if (!mine) continue;
      runTasks(*f, n);
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(mu);
        doneCv.notify_one();
      }
    }
  }

  // Starts workers until there are `n` (fewer if the system refuses to create threads).
  void growTo(int n) {
    while (static_cast<int>(workers.size()) < n) {
      try {
        const int id = static_cast<int>(workers.size());
        const uint64_t gen = generation.load(std::memory_order_relaxed);
        workers.emplace_back([this, id, gen] { workerLoop(id, gen); });
      } catch (const std::system_error&) {
        break;  // run with the workers we have
      }
    }
  }

  void stopAll() {
    {
      std::lock_guard<std::mutex> lk(mu);
      stop.store(true, std::memory_order_release);
    }
    wakeCv.notify_all();
    for (auto& w : workers) w.join();
    workers.clear();
    stop.store(false, std::memory_order_relaxed);
  }
};

ThreadPool::ThreadPool(int threads) : impl_(new Impl) { setThreads(threads); }

ThreadPool::~ThreadPool() { impl_->stopAll(); }

void ThreadPool::setThreads(int n) {
  n = std::min(std::max(n, 1), kMaxThreads);
  threads_.store(n, std::memory_order_relaxed);
  // Shrink now if the pool is idle (workers are idle then); growing is lazy.
  Impl& p = *impl_;
  bool expected = false;
  if (p.inUse.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
    if (static_cast<int>(p.workers.size()) > n - 1) p.stopAll();
    p.inUse.store(false, std::memory_order_release);
  }
}

int ThreadPool::availableThreads() const {
  return impl_->inUse.load(std::memory_order_relaxed) ? 1 : threads();
}

void ThreadPool::parallelFor(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  Impl& p = *impl_;
  const int want = threads();
  bool expected = false;
  if (tasks == 1 || want == 1 || !p.inUse.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);  // serial: nested, concurrent, or nothing to share
    return;
  }
  struct Release {
    Impl& p;
    ~Release() { p.inUse.store(false, std::memory_order_release); }
  } release{p};

  if (static_cast<int>(p.workers.size()) > want - 1) p.stopAll();
  p.growTo(want - 1);
  const int participants = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(p.workers.size()), tasks - 1));
  if (participants == 0) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);
    return;
  }

  {
    std::lock_guard<std::mutex> lk(p.mu);
    p.fn = &fn;
    p.tasks = tasks;
    p.participants = participants;
    p.next.store(0, std::memory_order_relaxed);
    p.pending.store(participants, std::memory_order_relaxed);
    p.failed.store(false, std::memory_order_relaxed);
    p.error = nullptr;
    p.generation.fetch_add(1, std::memory_order_release);
  }
  p.wakeCv.notify_all();

  p.runTasks(fn, tasks);

  auto done = [&] { return p.pending.load(std::memory_order_acquire) == 0; };
  if (!spinFor(done)) {
    std::unique_lock<std::mutex> lk(p.mu);
    p.doneCv.wait(lk, done);
  }
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lk(p.mu);
    error = p.error;
    p.error = nullptr;
    p.fn = nullptr;
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace tg
