// GEMM benchmark: GFLOP/s of tg::gemm against the machine's measured FMA peak, and
// optionally against OpenBLAS.
//
//   gemm_bench [--reps N] [--min-time SEC] [--quick] [--sections peak,square,trans,mlp,small,scaling,threshold]
//              [--shape M,N,K[,AT][,BT][,f64] [--threads T] [--kc N] [--mc N] [--nc N] [--pad N]]
//
// --shape times that one product only (f32 unless f64; AT/BT: A stored [K,M] / B stored
// [N,K]), with T threads (default: 1, then all), e.g. under `perf record`; --kc/--mc/--nc
// override the cache blocking, --pad adds N elements to every leading dimension.
//
// Each number is the median of --reps runs (default 5); a run repeats the call until
// --min-time seconds (default 0.25) have passed and reports the mean time per call.
//
// OpenBLAS side-by-side (off by default; needs `apt-get install libopenblas-dev`):
//   cmake -S . -B build-bench-blas -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_NATIVE_TESTS=ON
//         -DCMAKE_CXX_FLAGS=-DTG_BENCH_OPENBLAS
//   cmake --build build-bench-blas && build-bench-blas/gemm_bench
// The library is loaded with dlopen (libopenblas.so.0, or $TG_OPENBLAS_LIB), so nothing
// else in the build changes; its thread count is set to match each row. Run it with
// OPENBLAS_CORETYPE unset (env -u OPENBLAS_CORETYPE) to get the kernel OpenBLAS picks for
// this CPU. Ours and OpenBLAS then alternate repetition by repetition (see benchShape):
// "ours/OB" is the median of the per-pair ratios (CPU time for 1 thread, wall time
// otherwise), "best" the fastest repetition of each, the figures least disturbed by other
// processes on a shared machine.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#ifdef TG_BENCH_OPENBLAS
#include <dlfcn.h>
#endif

#include "../src/gemm/gemm_kernels.h"
#include "tg/context.h"
#include "tg/gemm.h"
#include "tg/kernels.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

int gReps = 5;
double gMinTime = 0.25;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double threadCpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Seconds per call: median over reps of the mean wall time per call (after a warm-up
// call), and likewise the calling thread's CPU time per call. On a shared machine the
// CPU time excludes time spent descheduled; it is only meaningful for 1-thread runs.
struct Timing {
  double wall, cpu;
};
// One repetition: calls fn until minTime seconds have passed; the mean per call.
Timing timeRep(const std::function<void()>& fn, double minTime) {
  int64_t iters = 0, batch = 1;
  const auto t0 = Clock::now();
  const double c0 = threadCpuNow();
  double el = 0;
  do {
    for (int64_t i = 0; i < batch; ++i) fn();
    iters += batch;
    el = seconds(Clock::now() - t0);
    if (el < minTime / 100) batch *= 2;  // read the clock rarely for tiny calls
  } while (el < minTime);
  return {el / double(iters), (threadCpuNow() - c0) / double(iters)};
}
Timing timeBoth(const std::function<void()>& fn, double minTime = -1) {
  if (minTime < 0) minTime = gMinTime;
  fn();
  std::vector<double> wall, cpu;
  for (int r = 0; r < gReps; ++r) {
    const Timing t = timeRep(fn, minTime);
    wall.push_back(t.wall);
    cpu.push_back(t.cpu);
  }
  return {median(wall), median(cpu)};
}
double timeIt(const std::function<void()>& fn, double minTime = -1) { return timeBoth(fn, minTime).wall; }

// ---------------------------------------------------------------------------------
// Peak: tg::fmaPeakGflops (the register-only FMA loop of native/src/peak*.cpp), and the
// core clock from a chain of dependent integer adds (1 cycle each), which gives
// FLOP/cycle without reading model-specific counters.

#if defined(__x86_64__)
double clockGHz() {
  // 8 dependent adds per iteration: ~1 cycle each.
  const int64_t iters = 50'000'000;
  std::vector<double> ghz;
  for (int r = 0; r < 7; ++r) {
    uint64_t x = 0;
    const double c0 = threadCpuNow();
    for (int64_t i = 0; i < iters; ++i) {
      __asm__ volatile(
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
          "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
          : "+r"(x));
    }
    const double s = threadCpuNow() - c0;
    ghz.push_back(double(iters) * 8 / s / 1e9);
  }
  return median(ghz);
}
#endif

struct Peak {
  double ghz = 0;               // core clock estimate
  double perCoreGflops = 0;     // float32 FMA peak, one thread (thread CPU time)
  double flopPerCycle = 0;
  double allGflops = 0;         // float32, all threads at once (wall time)
  int threads = 1;
};

Peak measurePeak(tg::Context& ctx, int threads) {
  Peak p;
  p.threads = threads;
#if defined(__x86_64__)
  if (!ctx.cpu.avx512 && !(ctx.cpu.avx2 && ctx.cpu.fma)) return p;
  p.ghz = clockGHz();
  p.perCoreGflops = tg::fmaPeakGflops(ctx, 0.5);  // the widest vectors of the selected path
  p.flopPerCycle = p.perCoreGflops / p.ghz;
  // All threads at once, each timing its own loop.
  std::vector<double> each(threads);
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back([&, t] { each[t] = tg::fmaPeakGflops(ctx, 0.5); });
  for (auto& t : ts) t.join();
  for (double g : each) p.allGflops += g;
#endif
  return p;
}

// ---------------------------------------------------------------------------------
// OpenBLAS, loaded at run time (compile with -DTG_BENCH_OPENBLAS).

struct Blas {
  using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*,
                           int);
  using DgemmFn = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int, double,
                           double*, int);
  SgemmFn sgemm = nullptr;
  DgemmFn dgemm = nullptr;
  void (*setThreads)(int) = nullptr;
  bool ok() const { return sgemm && dgemm && setThreads; }
};

Blas loadBlas() {
  Blas b;
#ifdef TG_BENCH_OPENBLAS
  const char* name = std::getenv("TG_OPENBLAS_LIB");
  void* h = dlopen(name ? name : "libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    std::printf("OpenBLAS: not loaded (%s)\n", dlerror());
    return b;
  }
  b.sgemm = reinterpret_cast<Blas::SgemmFn>(dlsym(h, "cblas_sgemm"));
  b.dgemm = reinterpret_cast<Blas::DgemmFn>(dlsym(h, "cblas_dgemm"));
  b.setThreads = reinterpret_cast<void (*)(int)>(dlsym(h, "openblas_set_num_threads"));
  if (!b.ok()) std::printf("OpenBLAS: symbols missing\n");
#endif
  return b;
}
constexpr int kCblasRowMajor = 101, kCblasNoTrans = 111, kCblasTrans = 112;

// ---------------------------------------------------------------------------------

template <typename T> const char* tname();
template <> const char* tname<float>() { return "f32"; }
template <> const char* tname<double>() { return "f64"; }

template <typename T>
std::vector<T> randomVec(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = T(u(rng));
  return v;
}

// One product: C[M,N] = op(A)·op(B), row-major storage; transA means A is stored as
// [K,M] (so op(A) = Aᵀ, strides rs=1, cs=M), likewise transB ([N,K]).
struct Shape {
  const char* label;
  int64_t M, N, K;
  bool transA, transB;
};

struct Row {
  std::string dtype, label, layout;
  int threads;
  double gflops, pctPeak, blasGflops;
};
std::vector<Row> gRows;

template <typename T>
double peakFor(const Peak& pk, int threads) {
  // Double has half the lanes: peak FLOP/s is half the float one.
  // Multi-thread rows: threads x the single-core peak (the all-thread measurement
  // depends on what else runs on the machine).
  const double scale = sizeof(T) == 4 ? 1.0 : 0.5;
  return pk.perCoreGflops * scale * double(std::max(threads, 1));
}

// Options of the --shape mode: blocking overrides, and leading dimensions padded by `pad`
// elements (to tell cache-set aliasing of power-of-two strides from other effects).
tg::gemm_detail::Tuning gTuning;
int64_t gPad = 0;

template <typename T>
void benchShape(tg::Context& ctx, const Blas& blas, const Peak& pk, const Shape& s, int threads) {
  const int64_t M = s.M, N = s.N, K = s.K;
  const int64_t lda = (s.transA ? M : K) + gPad, ldb = (s.transB ? K : N) + gPad, ldc = N + gPad;
  auto A = randomVec<T>(size_t((s.transA ? K : M) * lda), 1), B = randomVec<T>(size_t((s.transB ? N : K) * ldb), 2);
  std::vector<T> C(size_t(M * ldc));
  const int64_t rsA = s.transA ? 1 : lda, csA = s.transA ? lda : 1;
  const int64_t rsB = s.transB ? 1 : ldb, csB = s.transB ? ldb : 1;
  ctx.pool.setThreads(threads);
  if (blas.ok()) blas.setThreads(threads);
  const double flops = 2.0 * double(M) * double(N) * double(K);
  auto ours = [&] {
    tg::gemm_detail::gemmTuned<T>(ctx, gTuning, M, N, K, A.data(), rsA, csA, B.data(), rsB, csB, C.data(), ldc, 1);
  };
  auto theirs = [&] {
    if constexpr (sizeof(T) == 4)
      blas.sgemm(kCblasRowMajor, s.transA ? kCblasTrans : kCblasNoTrans, s.transB ? kCblasTrans : kCblasNoTrans,
                 int(M), int(N), int(K), 1.0f, A.data(), int(lda), B.data(), int(ldb), 0.0f, C.data(), int(ldc));
    else
      blas.dgemm(kCblasRowMajor, s.transA ? kCblasTrans : kCblasNoTrans, s.transB ? kCblasTrans : kCblasNoTrans,
                 int(M), int(N), int(K), 1.0, A.data(), int(lda), B.data(), int(ldb), 0.0, C.data(), int(ldc));
  };
  // With OpenBLAS, the two alternate repetition by repetition, so that load from other
  // processes on a shared machine falls on both alike; the ratio is the median of the
  // per-pair ratios. OpenBLAS's idle threads spin (sched_yield) for up to 2^28 cycles
  // after a call: each of its repetitions is followed by a pause longer than that, so
  // they do not take a core from ours.
  // On 1 thread (float32), the FMA peak loop also runs after each of our repetitions, for
  // as long as a repetition lasts at least (--min-time): the peak under the same machine
  // state and the same statistic. The best 0.3 ms round of a separate run (the % column)
  // sits 3-8% above a typical round here (bench/PROFILES.md section 3); the pair ratio
  // compares a repetition (work over wall time) with the rounds after it taken alike.
  const bool alternatePeak = sizeof(T) == 4 && threads == 1 && pk.perCoreGflops > 0;
  constexpr auto kBlasSpin = std::chrono::milliseconds(150);
  std::vector<double> wall, cpu, bwall, bcpu, ratio, peakRounds, peakRatio;
  ours();
  if (blas.ok()) {
    theirs();
    std::this_thread::sleep_for(kBlasSpin);
  }
  for (int r = 0; r < gReps; ++r) {
    const Timing o = timeRep(ours, gMinTime);
    wall.push_back(o.wall);
    cpu.push_back(o.cpu);
    if (alternatePeak) {
      const std::vector<double> rounds = tg::fmaPeakRounds(ctx, gMinTime);
      double secondsPerGflop = 0;  // rounds do equal work: their rate is the harmonic mean
      for (double g : rounds) secondsPerGflop += 1 / g;
      peakRatio.push_back(flops / o.wall / 1e9 / (double(rounds.size()) / secondsPerGflop));
      peakRounds.insert(peakRounds.end(), rounds.begin(), rounds.end());
    }
    if (!blas.ok()) continue;
    const Timing b = timeRep(theirs, gMinTime);
    std::this_thread::sleep_for(kBlasSpin);
    bwall.push_back(b.wall);
    bcpu.push_back(b.cpu);
    ratio.push_back(threads == 1 ? b.cpu / o.cpu : b.wall / o.wall);
  }
  const Timing t{median(wall), median(cpu)};
  const double best = flops / *std::min_element(wall.begin(), wall.end()) / 1e9;
  Timing bt{0, 0};
  double pairRatio = 0, blasBest = 0;
  if (blas.ok()) {
    bt = {median(bwall), median(bcpu)};
    pairRatio = median(ratio);
    blasBest = flops / *std::min_element(bwall.begin(), bwall.end()) / 1e9;
  }
  const double g = flops / t.wall / 1e9;
  const double peak = peakFor<T>(pk, threads);
  Row r{tname<T>(), s.label, std::string(s.transA ? "T" : "N") + (s.transB ? "T" : "N"), threads, g,
        peak > 0 ? 100.0 * g / peak : 0, bt.wall > 0 ? flops / bt.wall / 1e9 : 0};
  gRows.push_back(r);
  std::printf("%-4s %-28s %-3s %2d thr %8.2f GFLOP/s %5.1f%%", r.dtype.c_str(), r.label.c_str(), r.layout.c_str(),
              threads, g, r.pctPeak);
  if (threads == 1) {
    const double gc = flops / t.cpu / 1e9;
    std::printf(" | cpu-time %7.2f %5.1f%%", gc, peak > 0 ? 100.0 * gc / peak : 0);
  } else {
    std::printf(" | %24s", "");
  }
  if (bt.wall > 0) {
    std::printf(" | OpenBLAS %7.2f", r.blasGflops);
    if (threads == 1) std::printf(" cpu-time %7.2f", flops / bt.cpu / 1e9);
    else std::printf(" %16s", "");
    std::printf("  ours/OB %.2f (pairs) | best %.1f vs %.1f", pairRatio, best, blasBest);
  }
  std::printf("\n");
  if (!peakRounds.empty()) {
    const double bestRound = *std::max_element(peakRounds.begin(), peakRounds.end());
    const double medianRound = median(peakRounds);
    std::printf("FMA peak alternated (%zu rounds after the %d repetitions): best round %.1f, median round %.1f GFLOP/s; "
                "ours %.1f%% of the best round before, %.1f%% of the best alternated, %.1f%% of the median round, "
                "%.1f%% per pair (median; %.1f-%.1f)\n",
                peakRounds.size(), gReps, bestRound, medianRound, 100 * g / peak, 100 * g / bestRound,
                100 * g / medianRound, 100 * median(peakRatio),
                100 * *std::min_element(peakRatio.begin(), peakRatio.end()),
                100 * *std::max_element(peakRatio.begin(), peakRatio.end()));
  }
  std::fflush(stdout);
}

// Latency of small products through each path (ns per call), to pick thresholds.
template <typename T>
void benchSmall(tg::Context& ctx, const Blas& blas) {
  using tg::gemm_detail::Path;
  using tg::gemm_detail::Tuning;
  ctx.pool.setThreads(1);
  struct S { int64_t M, N, K; bool tB; };
  const S shapes[] = {{5, 2, 3, false}, {2, 2, 2, false}, {4, 4, 4, false}, {8, 8, 8, false},  {16, 16, 16, false},
                      {24, 24, 24, false}, {32, 32, 32, false}, {48, 48, 48, false}, {64, 64, 64, false},
                      {80, 80, 80, false}, {96, 96, 96, false}, {128, 128, 128, false},
                      {8, 8, 8, true}, {16, 16, 16, true}, {32, 32, 32, true}, {64, 64, 64, true}};
  std::printf("\n%s small products, 1 thread, ns per call (thread CPU time; auto = what tg::gemm picks)%s\n", tname<T>(),
              blas.ok() ? "; OpenBLAS for reference" : "");
  std::printf("%-16s %10s %10s %10s %10s %10s\n", "shape", "auto", "tiny", "direct", "packed", "openblas");
  for (const S& s : shapes) {
    auto A = randomVec<T>(size_t(s.M * s.K), 1), B = randomVec<T>(size_t(s.K * s.N), 2);
    std::vector<T> C(size_t(s.M * s.N));
    const int64_t rsB = s.tB ? 1 : s.N, csB = s.tB ? s.K : 1;
    auto run = [&](Path p) {
      Tuning t;
      t.path = p;
      return 1e9 * timeBoth(
                       [&] {
                         tg::gemm_detail::gemmTuned<T>(ctx, t, s.M, s.N, s.K, A.data(), s.K, 1, B.data(), rsB, csB,
                                                       C.data(), s.N, 1);
                       },
                       0.05).cpu;
    };
    char label[64];
    std::snprintf(label, sizeof label, "%lldx%lldx%lld%s", (long long)s.M, (long long)s.N, (long long)s.K,
                  s.tB ? " NT" : "");
    double bl = 0;
    if (blas.ok()) {
      blas.setThreads(1);
      bl = 1e9 * timeBoth(
                     [&] {
                       if constexpr (sizeof(T) == 4)
                         blas.sgemm(kCblasRowMajor, kCblasNoTrans, s.tB ? kCblasTrans : kCblasNoTrans, int(s.M),
                                    int(s.N), int(s.K), 1.0f, A.data(), int(s.K), B.data(), s.tB ? int(s.K) : int(s.N),
                                    0.0f, C.data(), int(s.N));
                       else
                         blas.dgemm(kCblasRowMajor, kCblasNoTrans, s.tB ? kCblasTrans : kCblasNoTrans, int(s.M),
                                    int(s.N), int(s.K), 1.0, A.data(), int(s.K), B.data(), s.tB ? int(s.K) : int(s.N),
                                    0.0, C.data(), int(s.N));
                     },
                     0.05).cpu;
    }
    std::printf("%-16s %10.0f %10.0f %10.0f %10.0f %10.0f\n", label, run(Path::Auto), run(Path::Tiny),
                run(Path::Direct), run(Path::Packed), bl);
    std::fflush(stdout);
  }
}

// Time with the pool (all threads) vs 1 thread around the threading threshold.
template <typename T>
void benchThreshold(tg::Context& ctx) {
  using tg::gemm_detail::Path;
  using tg::gemm_detail::Tuning;
  const int all = std::max(1u, std::thread::hardware_concurrency());
  std::printf("\n%s threading threshold: us per call, square NN, packed path, 1 thread vs %d threads\n", tname<T>(), all);
  std::printf("%-8s %10s %10s %8s\n", "n", "1 thread", "threads", "speedup");
  for (int64_t n : {24, 32, 40, 48, 56, 64, 80, 96, 128, 192}) {
    auto A = randomVec<T>(size_t(n * n), 1), B = randomVec<T>(size_t(n * n), 2);
    std::vector<T> C(size_t(n * n));
    Tuning t;
    t.path = Path::Packed;
    t.threadWork = 0;
    auto run = [&](int threads) {
      ctx.pool.setThreads(threads);
      return 1e6 * timeIt(
                       [&] {
                         tg::gemm_detail::gemmTuned<T>(ctx, t, n, n, n, A.data(), n, 1, B.data(), n, 1, C.data(), n,
                                                       1);
                       },
                       0.05);
    };
    const double t1 = run(1), tn = run(all);
    std::printf("%-8lld %10.2f %10.2f %8.2f\n", (long long)n, t1, tn, t1 / tn);
  }
  // Fork-join overhead of the pool alone.
  ctx.pool.setThreads(all);
  std::atomic<int64_t> sink{0};
  const double fj = 1e6 * timeIt([&] { ctx.pool.parallelFor(all, [&](int64_t t) { sink += t; }); }, 0.05);
  std::printf("empty parallelFor(%d tasks): %.2f us\n", all, fj);
}

// Thread scaling of large products: wall time and total process CPU time per call for 1
// thread and for all threads. CPU time shows the threading overhead; wall time only
// shows the speedup when the other cores are actually free.
template <typename T>
void benchScaling(tg::Context& ctx) {
  const int all = std::max(1u, std::thread::hardware_concurrency());
  std::printf("\n%s thread scaling, square NN: ms per call (median of reps), 1 vs %d threads\n", tname<T>(), all);
  std::printf("%-6s %10s %10s %10s %10s %9s %9s\n", "n", "wall 1", "cpu 1", "wall N", "cpu N", "speedup", "cpu N/1");
  auto procCpu = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
  };
  for (int64_t n : {256, 512, 1024, 2048}) {
    auto A = randomVec<T>(size_t(n * n), 1), B = randomVec<T>(size_t(n * n), 2);
    std::vector<T> C(size_t(n * n));
    double wall[2], cpu[2];
    for (int x = 0; x < 2; ++x) {
      ctx.pool.setThreads(x == 0 ? 1 : all);
      auto call = [&] { tg::gemm<T>(ctx, n, n, n, A.data(), n, 1, B.data(), n, 1, C.data(), n, 1); };
      call();
      std::vector<double> w, c;
      for (int r = 0; r < gReps; ++r) {
        int64_t iters = 0;
        const auto t0 = Clock::now();
        const double c0 = procCpu();
        do {
          call();
          ++iters;
        } while (seconds(Clock::now() - t0) < gMinTime);
        w.push_back(seconds(Clock::now() - t0) / double(iters));
        c.push_back((procCpu() - c0) / double(iters));
      }
      wall[x] = median(w);
      cpu[x] = median(c);
    }
    std::printf("%-6lld %10.3f %10.3f %10.3f %10.3f %8.2fx %8.2fx\n", (long long)n, 1e3 * wall[0], 1e3 * cpu[0],
                1e3 * wall[1], 1e3 * cpu[1], wall[0] / wall[1], cpu[1] / cpu[0]);
    std::fflush(stdout);
  }
}

bool has(const std::string& sections, const char* s) {
  return sections.empty() || ("," + sections + ",").find("," + std::string(s) + ",") != std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sections, shape;
  int shapeThreads = 0;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) gReps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--min-time") && i + 1 < argc) gMinTime = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--sections") && i + 1 < argc) sections = argv[++i];
    else if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--shape") && i + 1 < argc) shape = argv[++i];
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) shapeThreads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--kc") && i + 1 < argc) gTuning.kc = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--mc") && i + 1 < argc) gTuning.mc = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--nc") && i + 1 < argc) gTuning.nc = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--pad") && i + 1 < argc) gPad = std::atoll(argv[++i]);
    else {
      std::printf("usage: gemm_bench [--reps N] [--min-time SEC] [--quick] [--sections peak,square,trans,mlp,small,scaling,threshold]"
                  " [--shape M,N,K[,AT][,BT][,f64] [--threads T] [--kc N] [--mc N] [--nc N] [--pad N]]\n");
      return 2;
    }
  }
  if (quick) {
    gReps = 3;
    gMinTime = 0.1;
  }
  tg::Context ctx;
  const int all = ctx.pool.threads();
  Blas blas = loadBlas();
  std::printf("gemm_bench: simd=%s, threads=%d, reps=%d (median), min-time=%.2fs, OpenBLAS=%s\n",
              tg::simdName(ctx.cpu), all, gReps, gMinTime,
              blas.ok() ? "yes" :
#ifdef TG_BENCH_OPENBLAS
                        "not found"
#else
                        "off (build with -DCMAKE_CXX_FLAGS=-DTG_BENCH_OPENBLAS to enable)"
#endif
  );

  std::vector<int> threadCounts = {1};
  if (all > 1) threadCounts.push_back(all);
  if (!shape.empty()) {
    long long M = 0, N = 0, K = 0;
    if (std::sscanf(shape.c_str(), "%lld,%lld,%lld", &M, &N, &K) != 3 || M <= 0 || N <= 0 || K <= 0) {
      std::printf("--shape: expected M,N,K[,AT][,BT][,f64], got %s\n", shape.c_str());
      return 2;
    }
    const bool tA = shape.find(",AT") != std::string::npos, tB = shape.find(",BT") != std::string::npos;
    const Shape s{shape.c_str(), M, N, K, tA, tB};
    std::vector<int> ts = shapeThreads > 0 ? std::vector<int>{shapeThreads} : threadCounts;
    // The FMA peak (for the % column) before and after: it drifts from run to run on a VM.
    Peak pk;
#if defined(__x86_64__)
    if (ctx.cpu.avx512 || (ctx.cpu.avx2 && ctx.cpu.fma)) pk.perCoreGflops = tg::fmaPeakGflops(ctx, 0.5);
#endif
    for (int t : ts) {
      if (shape.find(",f64") != std::string::npos) benchShape<double>(ctx, blas, pk, s, t);
      else benchShape<float>(ctx, blas, pk, s, t);
    }
    if (pk.perCoreGflops > 0)
      std::printf("FMA peak (f32, 1 core): %.1f GFLOP/s before, %.1f after\n", pk.perCoreGflops,
                  tg::fmaPeakGflops(ctx, 0.5));
    return 0;
  }

  Peak pk;
  if (has(sections, "peak") || has(sections, "square") || has(sections, "trans") || has(sections, "mlp")) {
    pk = measurePeak(ctx, all);
    std::printf("FMA peak: clock ~%.2f GHz; f32 %.1f GFLOP/s per core (%.1f FLOP/cycle, thread CPU time); "
                "%d threads %.1f GFLOP/s; f64 is half\n"
                "%% of peak: against threads x the 1-core peak\n",
                pk.ghz, pk.perCoreGflops, pk.flopPerCycle, all, pk.allGflops);
  }
  if (has(sections, "square")) {
    std::printf("\nsquare C = A·B, row-major\n");
    for (int64_t n : {64, 128, 256, 512, 1024, 2048}) {
      char* label = new char[64];  // lives for the program (rows keep the pointer)
      std::snprintf(label, 64, "%lldx%lldx%lld", (long long)n, (long long)n, (long long)n);
      for (int t : threadCounts) benchShape<float>(ctx, blas, pk, {label, n, n, n, false, false}, t);
      for (int t : threadCounts) benchShape<double>(ctx, blas, pk, {label, n, n, n, false, false}, t);
    }
  }
  if (has(sections, "trans")) {
    std::printf("\ntransposed operands (strides only, never materialised)\n");
    for (int64_t n : {256, 1024, 2048}) {
      if (quick && n == 1024) continue;
      char* label = new char[64];
      std::snprintf(label, 64, "%lldx%lldx%lld", (long long)n, (long long)n, (long long)n);
      for (int t : threadCounts)
        for (int l = 0; l < 4; ++l) benchShape<float>(ctx, blas, pk, {label, n, n, n, bool(l & 1), bool(l & 2)}, t);
      if (n == 2048)
        for (int t : threadCounts)
          for (int l = 0; l < 4; ++l) benchShape<double>(ctx, blas, pk, {label, n, n, n, bool(l & 1), bool(l & 2)}, t);
    }
  }
  if (has(sections, "mlp")) {
    std::printf("\nMLP layer [128,784]x[784,256] and its backward products\n");
    const Shape mlp[] = {
        {"fwd X·W [128,784]x[784,256]", 128, 256, 784, false, false},
        {"dW = Xᵀ·dY [784,128]ᵀ...", 784, 256, 128, true, false},
        {"dX = dY·Wᵀ [128,256]x..ᵀ", 128, 784, 256, false, true},
    };
    for (const Shape& s : mlp)
      for (int t : threadCounts) benchShape<float>(ctx, blas, pk, s, t);
    for (const Shape& s : mlp)
      for (int t : threadCounts) benchShape<double>(ctx, blas, pk, s, t);
  }
  if (has(sections, "small")) {
    benchSmall<float>(ctx, blas);
    benchSmall<double>(ctx, blas);
  }
  if (has(sections, "scaling") && all > 1) {
    benchScaling<float>(ctx);
    benchScaling<double>(ctx);
  }
  if (has(sections, "threshold")) {
    benchThreshold<float>(ctx);
    benchThreshold<double>(ctx);
  }
  return 0;
}
