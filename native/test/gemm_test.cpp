// Correctness tests for tg::gemm (and the thread pool it runs on).
//
// Every case is checked against a naive double-precision reference with an error bound
// of the form |C - ref| <= c·K·eps·Σ|a||b|, run with 1, 2, 3 (and 8 for larger cases) threads
// (results must be bitwise identical), and, on AVX2 machines, also through the portable kernels.
// Operands live in exact-size buffers (so ASan sees any overrun) and the gaps of C are
// filled with a sentinel that must survive.
//
// Usage: gemm_test [--quick] [--seed N]     exit status 0 = all passed
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <thread>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../src/gemm/gemm_kernels.h"
#include "tg/context.h"
#include "tg/gemm.h"

namespace {

int failures = 0;
int64_t casesRun = 0;

#define CHECK(cond, ...)                       \
  do {                                         \
    if (!(cond)) {                             \
      ++failures;                              \
      std::printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      std::printf(__VA_ARGS__);                \
      std::printf("\n");                       \
      if (failures > 50) std::exit(1);         \
    }                                          \
  } while (0)

enum class Layout { RowMajor, ColMajor, RowPadded, ColPadded, Strided, BroadcastRows, BroadcastCols, Scalar };
const char* layoutName(Layout l) {
  switch (l) {
    case Layout::RowMajor: return "row";
    case Layout::ColMajor: return "col";
    case Layout::RowPadded: return "rowpad";
    case Layout::ColPadded: return "colpad";
    case Layout::Strided: return "strided";
    case Layout::BroadcastRows: return "bcastrows";
    case Layout::BroadcastCols: return "bcastcols";
    case Layout::Scalar: return "scalar";
  }
  return "?";
}

struct Mat {
  int64_t rows, cols, offset, rs, cs;
  int64_t extent() const {  // buffer length needed
    if (rows == 0 || cols == 0) return offset;
    return offset + (rows - 1) * rs + (cols - 1) * cs + 1;
  }
};

Mat makeLayout(int64_t rows, int64_t cols, Layout l, std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> pad(1, 5), off(0, 7);
  Mat m{rows, cols, off(rng), 0, 0};
  switch (l) {
    case Layout::RowMajor: m.offset = 0; m.rs = cols; m.cs = 1; break;
    case Layout::ColMajor: m.offset = 0; m.rs = 1; m.cs = rows; break;
    case Layout::RowPadded: m.rs = cols + pad(rng); m.cs = 1; break;
    case Layout::ColPadded: m.rs = 1; m.cs = rows + pad(rng); break;
    case Layout::Strided: {
      // Both strides non-unit, interleaved like a view into a bigger tensor.
      const int64_t s = pad(rng) + 1;
      if (rng() & 1) { m.cs = s; m.rs = s * cols + pad(rng); }
      else { m.rs = s; m.cs = s * rows + pad(rng); }
      break;
    }
    case Layout::BroadcastRows: m.rs = 0; m.cs = 1; break;   // every row the same
    case Layout::BroadcastCols: m.rs = 1; m.cs = 0; break;   // every column the same
    case Layout::Scalar: m.rs = 0; m.cs = 0; break;
  }
  return m;
}

template <typename T> const char* typeName();
template <> const char* typeName<float>() { return "float"; }
template <> const char* typeName<double>() { return "double"; }

template <typename T>
T sentinel() {
  return T(-12345.678);
}

struct Case {
  int64_t M, N, K;
  Layout la, lb, lc;
};

template <typename T>
struct Runner {
  tg::Context& ctx;
  std::mt19937_64 rng;
  bool runGeneric;  // also check the portable kernels
  bool forcePaths = false;  // also run every path (tiny, direct, packed) explicitly

  void run(const Case& c) {
    ++casesRun;
    Mat a = makeLayout(c.M, c.K, c.la, rng);
    Mat b = makeLayout(c.K, c.N, c.lb, rng);
    Mat cm = makeLayout(c.M, c.N, c.lc, rng);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<T> A(a.extent()), B(b.extent());
    for (auto& x : A) x = static_cast<T>(u(rng));
    for (auto& x : B) x = static_cast<T>(u(rng));

    // Reference in double, plus the magnitude bound Σ|a||b| per element.
    std::vector<double> ref(c.M * c.N), mag(c.M * c.N);
    for (int64_t i = 0; i < c.M; ++i)
      for (int64_t j = 0; j < c.N; ++j) {
        double s = 0, m = 0;
        for (int64_t k = 0; k < c.K; ++k) {
          const double x = double(A[a.offset + i * a.rs + k * a.cs]) * double(B[b.offset + k * b.rs + j * b.cs]);
          s += x;
          m += std::fabs(x);
        }
        ref[i * c.N + j] = s;
        mag[i * c.N + j] = m;
      }
    const double eps = std::numeric_limits<T>::epsilon();
    const double tolFactor = 2.0 * (double(c.K) + 2.0) * eps;

    auto compute = [&](int threads, bool generic, tg::gemm_detail::Path path = tg::gemm_detail::Path::Auto) {
      std::vector<T> C(cm.extent(), sentinel<T>());
      const tg::CpuFeatures saved = ctx.cpu;
      if (generic) ctx.cpu.avx512 = ctx.cpu.avx2 = ctx.cpu.fma = ctx.cpu.neon = false;
      ctx.pool.setThreads(threads);
      if (path == tg::gemm_detail::Path::Auto) {
        tg::gemm<T>(ctx, c.M, c.N, c.K, A.data() + a.offset, a.rs, a.cs, B.data() + b.offset, b.rs, b.cs,
                    C.data() + cm.offset, cm.rs, cm.cs);
      } else {
        tg::gemm_detail::Tuning tuning;
        tuning.path = path;
        tuning.threadWork = 0;  // thread whatever the size
        tg::gemm_detail::gemmTuned<T>(ctx, tuning, c.M, c.N, c.K, A.data() + a.offset, a.rs, a.cs,
                                      B.data() + b.offset, b.rs, b.cs, C.data() + cm.offset, cm.rs, cm.cs);
      }
      ctx.cpu = saved;
      return C;
    };

    auto describe = [&](char* buf, size_t n, int threads, bool generic) {
      std::snprintf(buf, n, "%s M=%lld N=%lld K=%lld A=%s(rs=%lld,cs=%lld,off=%lld) B=%s(rs=%lld,cs=%lld,off=%lld) "
                    "C=%s(rs=%lld,cs=%lld) threads=%d%s",
                    typeName<T>(), (long long)c.M, (long long)c.N, (long long)c.K, layoutName(c.la), (long long)a.rs,
                    (long long)a.cs, (long long)a.offset, layoutName(c.lb), (long long)b.rs, (long long)b.cs,
                    (long long)b.offset, layoutName(c.lc), (long long)cm.rs, (long long)cm.cs, threads,
                    generic ? " generic" : "");
    };

    auto verify = [&](const std::vector<T>& C, int threads, bool generic) {
      // Elements of C must match the reference; everything else keeps the sentinel.
      std::vector<char> isElem(C.size(), 0);
      int bad = 0;
      for (int64_t i = 0; i < c.M; ++i)
        for (int64_t j = 0; j < c.N; ++j) {
          const int64_t idx = cm.offset + i * cm.rs + j * cm.cs;
          isElem[idx] = 1;
          const double got = C[idx], want = ref[i * c.N + j];
          const double tol = tolFactor * mag[i * c.N + j] + 1e-300;
          if (!(std::fabs(got - want) <= tol)) {
            if (bad++ == 0) {
              char buf[512];
              describe(buf, sizeof buf, threads, generic);
              CHECK(false, "%s: C[%lld,%lld] = %.9g, expected %.9g (tol %.3g)", buf, (long long)i, (long long)j, got,
                    want, tol);
            }
          }
        }
      for (size_t x = 0; x < C.size(); ++x) {
        if (!isElem[x] && !(C[x] == sentinel<T>())) {
          char buf[512];
          describe(buf, sizeof buf, threads, generic);
          CHECK(false, "%s: wrote outside C at buffer index %zu", buf, x);
          break;
        }
      }
    };

    if (forcePaths) {
      using tg::gemm_detail::Path;
      for (Path path : {Path::Tiny, Path::Direct, Path::Packed}) {
        for (int generic = 0; generic < (runGeneric ? 2 : 1); ++generic) {
          const std::vector<T> C1 = compute(1, generic, path);
          verify(C1, 1, generic);
          const std::vector<T> C2 = compute(2, generic, path);
          if (!C1.empty() && std::memcmp(C1.data(), C2.data(), C1.size() * sizeof(T)) != 0) {
            char buf[512];
            describe(buf, sizeof buf, 2, generic);
            CHECK(false, "%s path %d: result differs bitwise from the 1-thread result", buf, int(path));
          }
        }
      }
    }
    for (int pass = 0; pass < (runGeneric ? 2 : 1); ++pass) {
      const bool generic = pass == 1;
      const std::vector<T> C1 = compute(1, generic);
      verify(C1, 1, generic);
      const bool big = double(c.M) * double(c.N) * double(c.K) >= 1e6;
      for (int threads : {2, 3, 8}) {
        if (threads == 8 && !big) continue;  // more threads than cores, other grids
        const std::vector<T> Ct = compute(threads, generic);
        if (!C1.empty() && std::memcmp(C1.data(), Ct.data(), C1.size() * sizeof(T)) != 0) {
          char buf[512];
          describe(buf, sizeof buf, threads, generic);
          CHECK(false, "%s: result differs bitwise from the 1-thread result", buf);
        }
      }
    }
  }
};

const Layout kDenseLayouts[] = {Layout::RowMajor, Layout::ColMajor, Layout::RowPadded, Layout::ColPadded,
                                Layout::Strided};
const Layout kOperandLayouts[] = {Layout::RowMajor,      Layout::ColMajor,      Layout::RowPadded,
                                  Layout::ColPadded,     Layout::Strided,       Layout::BroadcastRows,
                                  Layout::BroadcastCols, Layout::Scalar};

template <typename T>
void runAll(tg::Context& ctx, uint64_t seed, bool quick, bool generic) {
  Runner<T> r{ctx, std::mt19937_64(seed), generic};
  std::mt19937_64& rng = r.rng;
  auto pick = [&](auto& arr) { return arr[rng() % (sizeof(arr) / sizeof(arr[0]))]; };
  const int64_t before = casesRun;

  // 1. All four transpose combinations (and C both ways) over a grid of small and
  //    edge sizes: every M/N/K edge of the micro-tiles, 0 and 1.
  r.forcePaths = true;
  const int64_t small[] = {0, 1, 2, 3, 5, 6, 7, 8, 9, 13, 16, 17, 24, 31, 33};
  for (int64_t M : small)
    for (int64_t N : small)
      for (int64_t K : small) {
        const Layout la = (M + N + K) % 2 ? Layout::RowMajor : Layout::ColMajor;
        const Layout lb = (M + 2 * N + K) % 3 == 0 ? Layout::ColMajor : Layout::RowMajor;
        const Layout lc = (M * N + K) % 5 == 0 ? Layout::ColMajor : Layout::RowMajor;
        r.run({M, N, K, la, lb, lc});
      }
  // 2. Transpose combos x sizes through every path (tiny, direct, packed, threaded).
  const int64_t sizes[] = {1, 2, 7, 16, 29, 64, 97, 128, 131, 255, 256, 257, 300};
  const Layout tl[] = {Layout::RowMajor, Layout::ColMajor};
  for (int64_t n : sizes) {
    if (quick && n > 131 && n != 257) continue;
    for (Layout la : tl)
      for (Layout lb : tl) r.run({n, n, n, la, lb, Layout::RowMajor});
    r.run({n, n, n, Layout::RowMajor, Layout::RowMajor, Layout::ColMajor});
  }
  r.forcePaths = false;
  // 3. Random shapes in 1..300 (primes favoured) with arbitrary layouts and offsets,
  //    including stride-0 broadcast operands.
  const int64_t primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
                            89, 97, 101, 127, 131, 149, 151, 173, 191, 197, 211, 233, 251, 257, 263, 277, 293};
  std::uniform_int_distribution<int64_t> any(1, 300);
  auto dim = [&]() { return (rng() % 2) ? pick(primes) : any(rng); };
  const int randomCases = quick ? 60 : 300;
  for (int t = 0; t < randomCases; ++t) r.run({dim(), dim(), dim(), pick(kOperandLayouts), pick(kOperandLayouts), pick(kDenseLayouts)});
  // 4. Block boundaries: K around KC (K blocks change the summation), M around MC,
  //    N around NR multiples; thin and GEMV-like shapes; large enough to be threaded.
  const Case edges[] = {
      {143, 61, 255, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor},
      {144, 64, 256, Layout::RowMajor, Layout::ColMajor, Layout::RowMajor},
      {145, 65, 257, Layout::ColMajor, Layout::RowMajor, Layout::RowMajor},
      {73, 47, 513, Layout::ColMajor, Layout::ColMajor, Layout::RowPadded},
      {289, 33, 600, Layout::RowPadded, Layout::Strided, Layout::ColMajor},
      {1, 300, 300, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor},
      {300, 1, 300, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor},
      {300, 1, 300, Layout::ColMajor, Layout::Strided, Layout::Strided},
      {5, 1000, 300, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor},
      {1000, 5, 300, Layout::ColMajor, Layout::ColMajor, Layout::ColMajor},
      {300, 300, 1, Layout::Strided, Layout::Strided, Layout::RowMajor},
      {7, 13, 2000, Layout::RowMajor, Layout::ColMajor, Layout::RowMajor},
      {128, 256, 784, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor},  // MLP forward
      {784, 256, 128, Layout::ColMajor, Layout::RowMajor, Layout::RowMajor},  // Xᵀ·dY
      {128, 784, 256, Layout::RowMajor, Layout::ColMajor, Layout::RowMajor},  // dY·Wᵀ
      {3, 500, 1500, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor},  // direct, K-blocked
      {1, 700, 1100, Layout::Strided, Layout::RowPadded, Layout::RowMajor},
      {900, 1, 1000, Layout::RowMajor, Layout::ColPadded, Layout::ColMajor},  // A·x, row-major A
      {1, 256, 784, Layout::RowMajor, Layout::ColMajor, Layout::RowMajor},    // x·Wᵀ (nn.Linear, one row): dots
      {256, 1, 784, Layout::RowMajor, Layout::RowPadded, Layout::RowMajor},   // W·x, x strided: dots on a copy
      {2001, 1, 17, Layout::RowPadded, Layout::RowMajor, Layout::ColMajor},   // dots, K one past a vector
      {1, 3000, 1000, Layout::RowMajor, Layout::ColPadded, Layout::Strided},  // dots, threaded
      {37, 300, 250, Layout::BroadcastRows, Layout::RowMajor, Layout::RowMajor},
      {300, 37, 250, Layout::RowMajor, Layout::BroadcastCols, Layout::RowMajor},
  };
  for (const Case& c : edges) r.run(c);
  if (!quick) {
    // Past NC (N > 4080) and past the packed-A bound (M super-chunks).
    r.run({13, 4100, 64, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor});
    r.run({9, 4100, 40, Layout::RowMajor, Layout::ColMajor, Layout::ColMajor});
    r.run({4500, 20, 256, Layout::RowMajor, Layout::RowMajor, Layout::RowMajor});
    r.run({4500, 23, 300, Layout::ColMajor, Layout::ColMajor, Layout::RowMajor});
  }
  std::printf("  %s%s: %lld cases\n", typeName<T>(), generic ? " (+ generic kernels)" : "",
              (long long)(casesRun - before));
}

// --- thread pool -------------------------------------------------------------------

void testThreadPool() {
  const int failuresBefore = failures;
  // Every task runs exactly once, for many task counts and thread counts.
  for (int threads : {1, 2, 3, 8}) {
    tg::ThreadPool pool(threads);
    CHECK(pool.threads() == threads, "threads() = %d, expected %d", pool.threads(), threads);
    for (int64_t tasks : {0, 1, 2, 3, 7, 64, 1000}) {
      std::vector<std::atomic<int>> hits(tasks);
      for (auto& h : hits) h = 0;
      pool.parallelFor(tasks, [&](int64_t t) { hits[t].fetch_add(1); });
      for (int64_t t = 0; t < tasks; ++t) CHECK(hits[t] == 1, "task %lld ran %d times", (long long)t, hits[t].load());
    }
  }
  // Exceptions are rethrown on the caller, and the pool stays usable.
  {
    tg::ThreadPool pool(2);
    for (int rep = 0; rep < 20; ++rep) {
      bool caught = false;
      try {
        pool.parallelFor(100, [&](int64_t t) {
          if (t == 37) throw std::runtime_error("boom");
        });
      } catch (const std::runtime_error& e) {
        caught = std::string(e.what()) == "boom";
      }
      CHECK(caught, "exception from a task was not rethrown");
      std::atomic<int> n{0};
      pool.parallelFor(10, [&](int64_t) { n++; });
      CHECK(n == 10, "pool unusable after an exception (%d)", n.load());
    }
  }
  // Nested parallelFor runs serially instead of deadlocking.
  {
    tg::ThreadPool pool(2);
    std::atomic<int> n{0};
    pool.parallelFor(4, [&](int64_t) { pool.parallelFor(5, [&](int64_t) { n++; }); });
    CHECK(n == 20, "nested parallelFor ran %d tasks, expected 20", n.load());
  }
  // Resizing, many tiny jobs back to back, destruction right after use (and after idle).
  {
    tg::ThreadPool pool(2);
    std::atomic<int64_t> sum{0};
    for (int rep = 0; rep < 2000; ++rep) {
      if (rep % 500 == 0) pool.setThreads(1 + (rep / 500) % 3);
      pool.parallelFor(3, [&](int64_t t) { sum += t; });
    }
    CHECK(sum == 2000 * 3, "sum %lld", (long long)sum.load());
  }
  for (int rep = 0; rep < 50; ++rep) {
    tg::ThreadPool pool(3);
    pool.parallelFor(8, [](int64_t) {});
  }
  {
    tg::ThreadPool pool(2);
    pool.parallelFor(8, [](int64_t) {});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // workers asleep now
  }
  // A Context can be created and destroyed on another thread (like a worker_thread).
  {
    std::thread t([] {
      tg::Context ctx;
      std::vector<float> a(64 * 64, 1.0f), b(64 * 64, 1.0f), c(64 * 64);
      tg::gemm<float>(ctx, 64, 64, 64, a.data(), 64, 1, b.data(), 64, 1, c.data(), 64, 1);
    });
    t.join();
  }
  std::printf("  thread pool: %s\n", failures == failuresBefore ? "ok" : "FAILED");
}

// A [5,3]x[3,2] product with exact small-integer data, checked by hand.
void testTinyExact(tg::Context& ctx) {
  const float A[15] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};  // [5,3]
  const float B[6] = {1, -1, 2, 0, 0, 1};                                 // [3,2]
  float C[10];
  tg::gemm<float>(ctx, 5, 2, 3, A, 3, 1, B, 2, 1, C, 2, 1);
  // Row i of A is (3i+1, 3i+2, 3i+3), so C[i] = (a0 + 2a1, -a0 + a2) = (9i+5, 2).
  const float want[10] = {5, 2, 14, 2, 23, 2, 32, 2, 41, 2};
  for (int x = 0; x < 10; ++x) CHECK(C[x] == want[x], "tiny: C[%d] = %g, expected %g", x, C[x], want[x]);
  // K = 0 overwrites C with zeros (even NaN garbage).
  float Z[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
  tg::gemm<float>(ctx, 2, 3, 0, A, 0, 1, B, 3, 1, Z, 3, 1);
  for (int x = 0; x < 6; ++x) CHECK(Z[x] == 0.0f, "K=0: C[%d] = %g", x, Z[x]);
  // C with aliasing elements (stride 0): no crash, single-threaded (value not checked).
  std::vector<float> big(300 * 300, 1.0f);
  float alias[300];
  tg::gemm<float>(ctx, 300, 300, 300, big.data(), 300, 1, big.data(), 300, 1, alias, 0, 1);
}

// The direct kernel walks K in short blocks when B is large, resuming from C; a column
// chunk with a small B is not blocked. Both must give the same bits (thread splits of
// the direct path can make either choice for the same columns).
template <typename T>
void testDirectBlockingExact(tg::Context& ctx) {
  using tg::gemm_detail::Path;
  const int64_t M = 3, N = 64, K = 4096;  // B = K*N elements: blocked whole, not in halves
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> A(M * K), B(K * N), C1(M * N), C2(M * N);
  for (auto& x : A) x = T(u(rng));
  for (auto& x : B) x = T(u(rng));
  tg::gemm_detail::Tuning t;
  t.path = Path::Direct;
  ctx.pool.setThreads(1);
  tg::gemm_detail::gemmTuned<T>(ctx, t, M, N, K, A.data(), K, 1, B.data(), N, 1, C1.data(), N, 1);
  for (int64_t j0 = 0; j0 < N; j0 += 8)  // 8 columns at a time: B chunk far below the limit
    tg::gemm_detail::gemmTuned<T>(ctx, t, M, 8, K, A.data(), K, 1, B.data() + j0, N, 1, C2.data() + j0, N, 1);
  CHECK(std::memcmp(C1.data(), C2.data(), C1.size() * sizeof(T)) == 0,
        "%s: K-blocked direct kernel differs bitwise from the unblocked one", typeName<T>());
}

// The pipelined micro-kernel (KernelSet::microPipelined) writes each tile to C during
// the next tile's k loop, and the driver writes the last one: same bits as writing every
// tile at once, and no element left out or written twice. Shapes: several K blocks (C
// added to), edge rows/columns between full tiles, a strided C (scratch-tile path), and
// C with a row stride that is a power of two and one that is not.
template <typename T>
void testPipelinedExact(tg::Context& ctx) {
  struct S { int64_t M, N, K, ldcPad; bool colMajorC; };
  const S shapes[] = {{70, 96, 700, 0, false}, {57, 75, 300, 3, false}, {28, 64, 13, 0, false},
                      {29, 33, 1000, 5, false}, {64, 64, 600, 0, true}, {14, 32, 4, 0, false}};
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  for (const S& s : shapes) {
    std::vector<T> A(s.M * s.K), B(s.K * s.N);
    for (auto& x : A) x = T(u(rng));
    for (auto& x : B) x = T(u(rng));
    const int64_t ldc = (s.colMajorC ? s.M : s.N) + s.ldcPad;
    const int64_t rsC = s.colMajorC ? 1 : ldc, csC = s.colMajorC ? ldc : 1;
    const size_t cElems = size_t(ldc * (s.colMajorC ? s.N : s.M));
    std::vector<T> C1(cElems, T(-7)), C2(cElems, T(-7));  // gaps keep the sentinel
    for (int threads : {1, 2}) {
      ctx.pool.setThreads(threads);
      tg::gemm_detail::Tuning t;
      t.path = tg::gemm_detail::Path::Packed;
      t.kc = 64;  // several K blocks even for the shorter K
      t.threadWork = 0;
      tg::gemm_detail::gemmTuned<T>(ctx, t, s.M, s.N, s.K, A.data(), s.K, 1, B.data(), s.N, 1, C1.data(), rsC, csC);
      t.pipelined = false;
      tg::gemm_detail::gemmTuned<T>(ctx, t, s.M, s.N, s.K, A.data(), s.K, 1, B.data(), s.N, 1, C2.data(), rsC, csC);
      ++casesRun;
      CHECK(std::memcmp(C1.data(), C2.data(), cElems * sizeof(T)) == 0,
            "%s [%lld,%lld,%lld] ldc %lld%s, %d threads: pipelined kernel differs bitwise from tile-at-a-time",
            typeName<T>(), (long long)s.M, (long long)s.N, (long long)s.K, (long long)ldc,
            s.colMajorC ? " col-major C" : "", threads);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  uint64_t seed = 12345;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
  }
  tg::Context ctx;
  // With a SIMD path, every case also runs on the portable kernels.
  const bool simd = std::strcmp(tg::simdName(ctx.cpu), "scalar") != 0;
  std::printf("gemm_test: simd=%s, default threads=%d, seed=%llu%s\n", tg::simdName(ctx.cpu),
              ctx.pool.threads(), (unsigned long long)seed, quick ? " (quick)" : "");
  testThreadPool();
  testTinyExact(ctx);
  testDirectBlockingExact<float>(ctx);
  testDirectBlockingExact<double>(ctx);
  testPipelinedExact<float>(ctx);
  testPipelinedExact<double>(ctx);
  runAll<float>(ctx, seed, quick, simd);
  runAll<double>(ctx, seed + 1, quick, simd);
  std::printf("gemm_test: %lld cases, %d failures\n", (long long)casesRun, failures);
  return failures == 0 ? 0 : 1;
}
