// A pool of worker threads owned by one Context (one per Node environment, so
// worker_threads each get their own; there is no global pool). A pool left at its
// default size takes its workers from one process-wide budget of cores - 1 helpers
// (first come, first served; returned when a pool shrinks or ends), so N environments
// do not start N full pools; setThreads(n) sizes a pool outside that budget.
//
// parallelFor(tasks, fn) runs fn(0..tasks-1) on the workers and on the calling thread,
// and returns when all tasks are done. Tasks are claimed dynamically, so a task may run
// on any thread: kernels must make each task's result independent of which thread runs
// it and of how many threads there are (GEMM partitions only over M/N, never over K).
//
// Behaviour worth knowing:
//  - Workers are started lazily, on the first parallelFor that needs them, and
//    setThreads(n) takes effect at the next parallelFor (shrinking joins the extra
//    workers right away when the pool is idle).
//  - A parallelFor issued from inside a task (nested), or while another thread is
//    using the pool, runs its tasks serially on the calling thread.
//  - The first exception thrown by a task is rethrown on the caller once every task
//    that had started has finished; tasks not yet started are skipped.
//  - Idle workers spin briefly (kSpinMicros) after a job, then sleep on a condition
//    variable, so a sequence of parallel calls is cheap and an idle pool burns no CPU.
//  - Workers are named "tg-pool" (top -H, perf) and start at the helper priority
//    (setHelperPriority): by default the priority of the thread that starts them.
//  - The destructor wakes and joins every worker; it never waits on a task.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

namespace tg {

// An OS scheduling priority for a thread (Linux sets them per thread; elsewhere they are
// per process and setCurrentThreadPriority does nothing): unchanged, a nice value
// (-20..19; the thread's policy stays), or the SCHED_IDLE policy.
struct ThreadPriority {
  enum class Kind : int32_t { kInherit, kNice, kIdle };
  Kind kind = Kind::kInherit;
  int32_t nice = 0;  // for kNice
  bool operator==(const ThreadPriority& o) const { return kind == o.kind && nice == o.nice; }
  bool operator!=(const ThreadPriority& o) const { return !(*this == o); }
};

// Gives the calling thread priority p; whether it applied (kInherit: nothing to do, true).
bool setCurrentThreadPriority(ThreadPriority p);

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The configured number of threads (workers + the calling thread), >= 1.
  int threads() const { return threads_.load(std::memory_order_relaxed); }
  void setThreads(int n);

  // Runs fn(task) for every task in [0, tasks); the calling thread takes part. Returns
  // when all are done. An exception thrown by fn is rethrown here (the first one).
  void parallelFor(int64_t tasks, const std::function<void(int64_t)>& fn);

  // How many threads a parallelFor issued now would use: 1 when called from inside a
  // task (nested calls run serially), threads() otherwise.
  int availableThreads() const;

  // The priority the workers start with (default kInherit: the starting thread's). A
  // training job lowers its workers below its own thread (kIdle): a thread that wakes on
  // a busy machine then takes a worker's core, not the caller's, and the caller only
  // waits for that worker's task in progress. Takes effect at the next parallelFor,
  // which restarts workers started with another priority.
  void setHelperPriority(ThreadPriority p);

  // How long an idle worker (and a caller waiting for the last task) spins before it
  // sleeps: long enough to span the serial work between a step's parallel ops (an LSTM's
  // cell kernels and autograd between its per-timestep GEMMs). At 50 µs the workers slept
  // there and every GEMM paid a futex wake-up (in a KVM guest, 2 threads ran W8 9-12%
  // slower than 1; bench/PROFILES.md "The pool's spin").
  static constexpr int kSpinMicros = 250;

 private:
  struct Impl;
  std::atomic<int> threads_{1};
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg
