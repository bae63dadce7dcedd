// GEMM driver: C = A·B on strided operands (tg/gemm.h).
//
// Paths, chosen from the shape and strides only (never from the thread count):
//  1. tiny:   M·N·K <= kTinyWork — plain scalar loops on the strided operands, no setup.
//  2. direct: M·N·K <= kDirectWork and B, C rows contiguous (or, by Cᵀ = Bᵀ·Aᵀ, A and C
//             columns contiguous) — an unpacked SIMD register-tiled kernel.
//  3. packed: BLIS/GotoBLAS loops  jc (NC) → pc (KC) → ic (MC) → jr (NR) → ir (MR)
//             with packed B (kc × nc, shared by all threads) and packed A (mc × kc)
//             panels feeding an MR × NR micro-kernel.
//
// Threads split only the M and N dimensions (ic blocks × groups of jr panels), never K:
// the K blocking depends on K alone, and every element of C is accumulated as
// "for each K block in order: acc = Σ_k a·b (one chain in k order); C = C + acc", so the
// result is bitwise the same for any thread count and any M/N partitioning.
#include "tg/gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

#include "gemm_kernels.h"
#include "tg/error.h"

namespace tg {

using namespace gemm_detail;

namespace {

// Thresholds (in multiply-adds, M·N·K). Measured on a 2-core AMD EPYC (Zen 3) VM with
// native/test/gemm_bench (see the "small" and "threshold" sections there).
constexpr double kTinyWork = 512;             // scalar loops below this
constexpr double kDirectWork = 80.0 * 80 * 80;  // unpacked SIMD kernel below this
constexpr double kThreadWork = 64.0 * 64 * 64;  // use the pool from this much work on
constexpr int64_t kDirectMaxRows = 6;  // direct kernel for any size when M <= this
// Packed A for one (jc, pc) step is bounded to this many elements (rows are done in
// super-chunks beyond it), which bounds the per-call scratch memory.
constexpr int64_t kMaxPackedA = int64_t(1) << 20;

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }
inline int64_t gcd64(int64_t a, int64_t b) {
  while (b != 0) {
    const int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

template <typename T>
struct Operands {
  int64_t M, N, K;
  const T* A;
  int64_t rsA, csA;
  const T* B;
  int64_t rsB, csB;
  T* C;
  int64_t rsC, csC;
};

// Cᵀ = Bᵀ·Aᵀ: the same product with the roles of rows and columns exchanged.
template <typename T>
Operands<T> transposed(const Operands<T>& p) {
  return Operands<T>{p.N, p.M, p.K, p.B, p.csB, p.rsB, p.A, p.csA, p.rsA, p.C, p.csC, p.rsC};
}

template <typename T>
const KernelSet<T>& kernelsFor(const CpuFeatures& cpu);
template <>
const KernelSet<float>& kernelsFor<float>(const CpuFeatures& cpu) {
  return cpu.avx2 && cpu.fma && avx2KernelsBuilt() ? avx2KernelsF32() : genericKernelsF32();
}
template <>
const KernelSet<double>& kernelsFor<double>(const CpuFeatures& cpu) {
  return cpu.avx2 && cpu.fma && avx2KernelsBuilt() ? avx2KernelsF64() : genericKernelsF64();
}

// True when (i, j) -> i*rs + j*cs is one-to-one on [0,M) x [0,N), i.e. no two elements
// of C share memory. Only then may threads write C concurrently.
bool injective(int64_t M, int64_t rs, int64_t N, int64_t cs) {
  if (M <= 1 || N <= 1) return (M <= 1 || rs != 0) && (N <= 1 || cs != 0);
  if (rs == 0 || cs == 0) return false;
  // Smaller stride must span its whole extent before the larger stride steps.
  if (rs <= cs) return rs * M <= cs;
  return cs * N <= rs;
}

template <typename T>
void zeroC(const Operands<T>& p) {
  for (int64_t i = 0; i < p.M; ++i)
    for (int64_t j = 0; j < p.N; ++j) p.C[i * p.rsC + j * p.csC] = T(0);
}

// Path 1: scalar dot products, any strides.
template <typename T>
void gemmTiny(const Operands<T>& p) {
  for (int64_t i = 0; i < p.M; ++i) {
    const T* a = p.A + i * p.rsA;
    for (int64_t j = 0; j < p.N; ++j) {
      const T* b = p.B + j * p.csB;
      T acc = a[0] * b[0];
      for (int64_t k = 1; k < p.K; ++k) acc = acc + a[k * p.csA] * b[k * p.rsB];
      p.C[i * p.rsC + j * p.csC] = acc;
    }
  }
}

struct AlignedFree {
  void operator()(void* q) const { ::operator delete(q, std::align_val_t(64)); }
};
template <typename T>
std::unique_ptr<T, AlignedFree> allocAligned(int64_t elems) {
  return std::unique_ptr<T, AlignedFree>(
      static_cast<T*>(::operator new(static_cast<size_t>(elems) * sizeof(T), std::align_val_t(64))));
}

// Path 3: packed, blocked, optionally threaded.
template <typename T>
void gemmPacked(ThreadPool& pool, int nthreads, const KernelSet<T>& ks, const Operands<T>& p) {
  const int64_t M = p.M, N = p.N, K = p.K;
  const int MR = ks.mr, NR = ks.nr;
  const int64_t T_ = nthreads;

  // K blocks depend on K only: this fixes the summation order of every element.
  const int64_t kcb = ceilDiv(K, ceilDiv(K, ks.kc));
  // N blocks (shared packed B), balanced and a multiple of NR.
  const int64_t ncb = roundUp(ceilDiv(N, ceilDiv(N, ks.nc)), NR);
  // M blocks (one packed A block per task, sized for L2), balanced, a multiple of MR.
  const int64_t mcbNatural = roundUp(ceilDiv(M, ceilDiv(M, ks.mc)), MR);
  // Rows of A packed per step: a whole number of natural M blocks, bounded in memory.
  const int64_t msupMax =
      std::min(roundUp(M, MR), std::max<int64_t>(1, kMaxPackedA / (kcb * mcbNatural)) * mcbNatural);

  auto bufB = allocAligned<T>(roundUp(std::min(N, ncb), NR) * kcb);
  auto bufA = allocAligned<T>(msupMax * kcb);
  T* Bp = bufB.get();
  T* Ap = bufA.get();

  const bool directC = p.csC == 1;

  for (int64_t jc = 0; jc < N; jc += ncb) {
    const int64_t nc = std::min(ncb, N - jc);
    const int64_t pn = ceilDiv(nc, NR);  // B panels
    for (int64_t pc = 0; pc < K; pc += kcb) {
      const int64_t kc = std::min(kcb, K - pc);
      const bool accumulate = pc > 0;
      const T* Ablk = p.A + pc * p.csA;
      const T* Bblk = p.B + pc * p.rsB + jc * p.csB;

      for (int64_t ic0 = 0; ic0 < M; ic0 += msupMax) {
        const int64_t ms = std::min(msupMax, M - ic0);
        const int64_t pm = ceilDiv(ms, MR);  // A panels in this super-chunk

        // Task grid gm x gn over (M blocks, groups of B panels). Counts are chosen so
        // the tasks divide evenly between the threads; the values do not depend on it.
        int64_t gm = ceilDiv(ms, mcbNatural), gn = 1;
        if (T_ > 1) {
          if (gm >= T_) {
            gm = std::min(pm, roundUp(gm, T_));
          } else {
            gn = std::min(pn, T_ / gcd64(gm, T_));
          }
        }
        const int64_t mcb = roundUp(ceilDiv(ms, gm), MR);
        gm = ceilDiv(ms, mcb);
        const int64_t pnTask = ceilDiv(pn, gn);
        gn = ceilDiv(pn, pnTask);
        // When each M block belongs to one task, that task packs it (hot in its L2);
        // otherwise the A panels are packed up front and shared.
        const bool packAInTask = gn == 1;

        // Phase 1: pack B (once per (jc, pc)) and, if shared, A. Work split in chunks.
        const bool packB = ic0 == 0;
        const int64_t bChunks = packB ? std::min<int64_t>(pn, T_) : 0;
        const int64_t aChunks = packAInTask ? 0 : std::min<int64_t>(pm, T_);
        auto packTask = [&](int64_t t) {
          if (t < bChunks) {
            const int64_t per = ceilDiv(pn, bChunks);
            const int64_t q0 = t * per, q1 = std::min(pn, q0 + per);
            if (q0 >= q1) return;
            const int64_t j0 = q0 * NR, cols = std::min(nc, q1 * NR) - j0;
            ks.packB(kc, cols, Bblk + j0 * p.csB, p.rsB, p.csB, Bp + q0 * NR * kc);
          } else {
            t -= bChunks;
            const int64_t per = ceilDiv(pm, aChunks);
            const int64_t q0 = t * per, q1 = std::min(pm, q0 + per);
            if (q0 >= q1) return;
            const int64_t i0 = q0 * MR, rows = std::min(ms, q1 * MR) - i0;
            ks.packA(rows, kc, Ablk + (ic0 + i0) * p.rsA, p.rsA, p.csA, Ap + q0 * MR * kc);
          }
        };
        const int64_t packTasks = bChunks + aChunks;
        if (T_ > 1 && packTasks > 1) {
          pool.parallelFor(packTasks, packTask);
        } else {
          for (int64_t t = 0; t < packTasks; ++t) packTask(t);
        }

        // Phase 2: macro-kernels.
        auto computeTask = [&](int64_t t) {
          const int64_t bm = t / gn, bn = t % gn;
          const int64_t i0 = bm * mcb, rows = std::min(mcb, ms - i0);
          const int64_t q0 = bn * pnTask, q1 = std::min(pn, q0 + pnTask);
          T* Apanel = Ap + (i0 / MR) * MR * kc;
          if (packAInTask) ks.packA(rows, kc, Ablk + (ic0 + i0) * p.rsA, p.rsA, p.csA, Apanel);
          alignas(64) T tile[8 * 32];  // MR x NR <= 8 x 32
          for (int64_t q = q0; q < q1; ++q) {
            const int64_t j = q * NR, cols = std::min<int64_t>(NR, nc - j);
            const T* b = Bp + q * NR * kc;
            for (int64_t r0 = 0; r0 < rows; r0 += MR) {
              const int64_t rr = std::min<int64_t>(MR, rows - r0);
              const T* a = Apanel + r0 * kc;
              T* c = p.C + (ic0 + i0 + r0) * p.rsC + (jc + j) * p.csC;
              if (directC && rr == MR && cols == NR) {
                ks.micro(kc, a, b, c, p.rsC, accumulate);
              } else {
                ks.micro(kc, a, b, tile, NR, false);
                for (int64_t r = 0; r < rr; ++r) {
                  T* cr = c + r * p.rsC;
                  const T* tr = tile + r * NR;
                  if (accumulate) {
                    for (int64_t x = 0; x < cols; ++x) cr[x * p.csC] = cr[x * p.csC] + tr[x];
                  } else {
                    for (int64_t x = 0; x < cols; ++x) cr[x * p.csC] = tr[x];
                  }
                }
              }
            }
          }
        };
        const int64_t tasks = gm * gn;
        if (T_ > 1 && tasks > 1) {
          pool.parallelFor(tasks, computeTask);
        } else {
          for (int64_t t = 0; t < tasks; ++t) computeTask(t);
        }
      }
    }
  }
}

// Path 2 driver: the direct kernel over column strips of C, threaded when worthwhile.
// Each element is computed by one thread whatever the split.
template <typename T>
void gemmDirect(ThreadPool& pool, int nthreads, const KernelSet<T>& ks, const Operands<T>& p) {
  const int64_t strip = 2 * ks.nr;  // a multiple of the kernel's column tile
  const int64_t strips = ceilDiv(p.N, strip);
  const int64_t tasks = nthreads > 1 ? std::min<int64_t>(strips, 4 * nthreads) : 1;
  if (tasks <= 1) {
    ks.direct(p.M, p.N, p.K, p.A, p.rsA, p.csA, p.B, p.rsB, p.C, p.rsC);
    return;
  }
  const int64_t per = ceilDiv(strips, tasks) * strip;
  pool.parallelFor(ceilDiv(p.N, per), [&](int64_t t) {
    const int64_t j0 = t * per, n = std::min(per, p.N - j0);
    ks.direct(p.M, n, p.K, p.A, p.rsA, p.csA, p.B + j0, p.rsB, p.C + j0, p.rsC);
  });
}

template <typename T>
void gemmImpl(Context& ctx, Operands<T> p) {
  if (p.M <= 0 || p.N <= 0) return;
  if (p.K <= 0) {
    zeroC(p);
    return;
  }
  // Strides along a dimension of size 1 are never used: make them unit so that the
  // layout tests below see vectors as contiguous.
  if (p.M == 1) p.rsA = p.rsC = 1;
  if (p.N == 1) p.csB = p.csC = 1;
  if (p.K == 1) p.csA = p.rsB = 1;

  const double work = double(p.M) * double(p.N) * double(p.K);
  if (work <= kTinyWork) {
    gemmTiny(p);
    return;
  }
  const KernelSet<T>& ks = kernelsFor<T>(ctx.cpu);
  // Prefer the orientation in which C has unit column stride (the kernels' store).
  if (p.csC != 1 && p.rsC == 1) p = transposed(p);

  const bool parallelOk = injective(p.M, p.rsC, p.N, p.csC);
  const int nthreads = work >= kThreadWork && parallelOk ? ctx.pool.availableThreads() : 1;

  if (ks.direct != nullptr) {
    // Unpacked kernel: for small problems, and for few rows (GEMV-like shapes), where
    // packing B would cost as much as the product.
    if (p.csB == 1 && p.csC == 1 && (work <= kDirectWork || p.M <= kDirectMaxRows)) {
      gemmDirect(ctx.pool, nthreads, ks, p);
      return;
    }
    const Operands<T> q = transposed(p);
    if (q.csB == 1 && q.csC == 1 && (work <= kDirectWork || q.M <= kDirectMaxRows)) {
      gemmDirect(ctx.pool, nthreads, ks, q);
      return;
    }
  }
  gemmPacked<T>(ctx.pool, nthreads, ks, p);
}

}  // namespace

template <typename T>
void gemm(Context& ctx, int64_t M, int64_t N, int64_t K,
          const T* A, int64_t rsA, int64_t csA,
          const T* B, int64_t rsB, int64_t csB,
          T* C, int64_t rsC, int64_t csC) {
  TG_CHECK(M >= 0 && N >= 0 && K >= 0, "gemm: negative size [%lld,%lld,%lld]", (long long)M, (long long)N,
           (long long)K);
  TG_CHECK(rsA >= 0 && csA >= 0 && rsB >= 0 && csB >= 0 && rsC >= 0 && csC >= 0, "gemm: negative stride");
  gemmImpl<T>(ctx, Operands<T>{M, N, K, A, rsA, csA, B, rsB, csB, C, rsC, csC});
}

template void gemm<float>(Context&, int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                          const float*, int64_t, int64_t, float*, int64_t, int64_t);
template void gemm<double>(Context&, int64_t, int64_t, int64_t, const double*, int64_t, int64_t,
                           const double*, int64_t, int64_t, double*, int64_t, int64_t);

}  // namespace tg
