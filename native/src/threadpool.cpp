// Fork-join thread pool: see tg/threadpool.h for the contract.
//
// Protocol. A job (function, task count) is published under the mutex with a new
// generation number. Tasks are claimed by compare-and-swap on `claim`, which holds
// (generation << 32 | next task index): a thread can only claim tasks of the job it
// read, so a worker that wakes up late can never run a newer job's task with a stale
// function. The caller claims tasks too and returns once `done` reaches the task
// count; it never waits for a worker that has not claimed anything (on a loaded
// machine a sleeping worker can take milliseconds to get a CPU).
#include "tg/threadpool.h"

#include "tg/context.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#ifdef __linux__
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#endif

namespace tg {

bool setCurrentThreadPriority(ThreadPriority p) {
#ifdef __linux__
  sched_param param{};
  switch (p.kind) {
    case ThreadPriority::Kind::kInherit: return true;
    case ThreadPriority::Kind::kIdle: return sched_setscheduler(0, SCHED_IDLE, &param) == 0;  // 0: this thread
    case ThreadPriority::Kind::kNice: return setpriority(PRIO_PROCESS, 0, p.nice) == 0;  // this thread's nice
  }
  return false;
#else
  return p.kind == ThreadPriority::Kind::kInherit;
#endif
}

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

// The helper threads (workers) of default-sized pools come out of one process-wide budget
// of cores - 1 (each environment's own thread is the rest), so worker_threads that each
// load tensorgrad do not each start a full pool: the first pools to need helpers get them,
// later ones run on their own thread. The one piece of state shared across environments.
// A pool sized by setThreads takes what it was told, outside the budget.
std::atomic<int>& spareHelpers() {
  static std::atomic<int> spare{defaultThreadCount() - 1};
  return spare;
}

// Takes up to `want` helpers from the budget; returns how many it got.
int takeHelpers(int want) {
  std::atomic<int>& spare = spareHelpers();
  int cur = spare.load(std::memory_order_relaxed);
  for (;;) {
    const int take = std::min(want, cur);
    if (take <= 0) return 0;
    if (spare.compare_exchange_weak(cur, cur - take, std::memory_order_relaxed)) return take;
  }
}

}  // namespace

struct ThreadPool::Impl {
  std::mutex mu;
  std::condition_variable wakeCv;  // workers wait here for a job or for stop
  std::condition_variable doneCv;  // the caller waits here for the last task
  std::vector<std::thread> workers;

  std::atomic<uint32_t> generation{0};  // current job
  std::atomic<bool> stop{false};
  std::atomic<bool> inUse{false};  // a parallelFor is running (guards nesting/concurrency)
  std::atomic<bool> budgeted{true};  // default-sized: helpers come from spareHelpers()
  int leased = 0;                    // workers taken from the budget (changed under inUse)
  std::atomic<ThreadPriority> helperPriority{ThreadPriority{}};  // for workers started from now on
  ThreadPriority workersPriority;    // the running workers' (changed under inUse)

  // The current job; written under `mu` together with the generation bump.
  const std::function<void(int64_t)>* fn = nullptr;
  int64_t tasks = 0;
  std::atomic<uint64_t> claim{0};  // generation << 32 | next task
  std::atomic<int64_t> done{0};    // tasks finished (or skipped after a failure)
  std::atomic<bool> failed{false};
  std::exception_ptr error;  // under mu

  // Claims the next task of job `gen`; -1 when there is none (or the job is over).
  int64_t claimTask(uint32_t gen, int64_t n) {
    uint64_t cur = claim.load(std::memory_order_relaxed);
    for (;;) {
      if (static_cast<uint32_t>(cur >> 32) != gen) return -1;
      const int64_t idx = static_cast<int64_t>(cur & 0xffffffffu);
      if (idx >= n) return -1;
      if (claim.compare_exchange_weak(cur, cur + 1, std::memory_order_acquire, std::memory_order_relaxed)) return idx;
    }
  }

  // Runs tasks of job `gen` until none are left to claim.
  void runTasks(uint32_t gen, const std::function<void(int64_t)>& f, int64_t n) {
    for (int64_t t; (t = claimTask(gen, n)) >= 0;) {
      if (!failed.load(std::memory_order_relaxed)) {
        try {
          f(t);
        } catch (...) {
          std::lock_guard<std::mutex> lk(mu);
          if (!error) error = std::current_exception();
          failed.store(true, std::memory_order_relaxed);
        }
      }
      if (done.fetch_add(1, std::memory_order_acq_rel) + 1 == n) {
        std::lock_guard<std::mutex> lk(mu);  // pairs with the caller's predicate check
        doneCv.notify_one();
      }
    }
  }

  // `seen` is the generation current when the worker was created (read by the creating
  // thread, so a job published before the worker first runs is not skipped).
  void workerLoop(uint32_t seen) {
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
      {
        std::lock_guard<std::mutex> lk(mu);
        if (stop.load(std::memory_order_relaxed)) return;
        seen = generation.load(std::memory_order_relaxed);
        f = fn;
        n = tasks;
      }
      if (f != nullptr) runTasks(seen, *f, n);
    }
  }

  // Starts workers until there are `n` (fewer if the budget or the system refuses).
  void growTo(int n) {
    int missing = n - static_cast<int>(workers.size());
    if (missing <= 0) return;
    const bool fromBudget = budgeted.load(std::memory_order_relaxed);
    if (fromBudget) {
      missing = takeHelpers(missing);
      leased += missing;
    }
    for (; missing > 0; --missing) {
      try {
        const uint32_t gen = generation.load(std::memory_order_relaxed);
        // Waits until the worker has its name and priority, so that whoever lists the
        // process's threads after a parallel call sees them.
        std::promise<void> started;
        std::future<void> isStarted = started.get_future();
        workers.emplace_back([this, gen, priority = workersPriority, &started] {
#ifdef __linux__
          pthread_setname_np(pthread_self(), "tg-pool");
#endif
          setCurrentThreadPriority(priority);  // a refused priority leaves the inherited one
          started.set_value();
          workerLoop(gen);
        });
        isStarted.wait();
      } catch (const std::system_error&) {
        break;  // run with the workers we have
      }
    }
    if (fromBudget && missing > 0) {  // the system refused threads: give their share back
      leased -= missing;
      spareHelpers().fetch_add(missing, std::memory_order_relaxed);
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
    spareHelpers().fetch_add(leased, std::memory_order_relaxed);
    leased = 0;
    stop.store(false, std::memory_order_relaxed);
  }
};

ThreadPool::ThreadPool(int threads) : impl_(new Impl) {
  threads_.store(std::min(std::max(threads, 1), kMaxThreads), std::memory_order_relaxed);
}

ThreadPool::~ThreadPool() { impl_->stopAll(); }

void ThreadPool::setThreads(int n) {
  n = std::min(std::max(n, 1), kMaxThreads);
  impl_->budgeted.store(false, std::memory_order_relaxed);  // asked for: outside the budget
  threads_.store(n, std::memory_order_relaxed);
  // Shrink now if the pool is idle (workers are idle then); growing is lazy.
  Impl& p = *impl_;
  bool expected = false;
  if (p.inUse.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
    if (static_cast<int>(p.workers.size()) > n - 1) p.stopAll();
    p.inUse.store(false, std::memory_order_release);
  }
}

void ThreadPool::setHelperPriority(ThreadPriority p) { impl_->helperPriority.store(p, std::memory_order_relaxed); }

int ThreadPool::availableThreads() const {
  return impl_->inUse.load(std::memory_order_relaxed) ? 1 : threads();
}

void ThreadPool::parallelFor(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  Impl& p = *impl_;
  const int want = threads();
  bool expected = false;
  // Serial when there is nothing to share, when nested or concurrent, and for task
  // counts that do not fit the 32-bit claim index.
  if (tasks == 1 || want == 1 || tasks > int64_t(0x7fffffff) ||
      !p.inUse.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  struct Release {
    Impl& p;
    ~Release() { p.inUse.store(false, std::memory_order_release); }
  } release{p};

  const ThreadPriority priority = p.helperPriority.load(std::memory_order_relaxed);
  if (static_cast<int>(p.workers.size()) > want - 1 || priority != p.workersPriority) p.stopAll();
  p.workersPriority = priority;
  p.growTo(want - 1);
  const int64_t helpers = std::min<int64_t>(static_cast<int64_t>(p.workers.size()), tasks - 1);
  if (helpers == 0) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);
    return;
  }

  uint32_t gen;
  {
    std::lock_guard<std::mutex> lk(p.mu);
    gen = p.generation.load(std::memory_order_relaxed) + 1;
    p.fn = &fn;
    p.tasks = tasks;
    p.done.store(0, std::memory_order_relaxed);
    p.failed.store(false, std::memory_order_relaxed);
    p.error = nullptr;
    p.claim.store(uint64_t(gen) << 32, std::memory_order_relaxed);
    p.generation.store(gen, std::memory_order_release);
  }
  if (helpers >= static_cast<int64_t>(p.workers.size())) {
    p.wakeCv.notify_all();
  } else {
    for (int64_t i = 0; i < helpers; ++i) p.wakeCv.notify_one();
  }

  p.runTasks(gen, fn, tasks);

  auto finished = [&] { return p.done.load(std::memory_order_acquire) == tasks; };
  if (!spinFor(finished)) {
    std::unique_lock<std::mutex> lk(p.mu);
    p.doneCv.wait(lk, finished);
  }
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lk(p.mu);
    error = p.error;
    p.error = nullptr;
    p.fn = nullptr;  // late workers see no job
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace tg
