// GEMM driver: C = A·B on strided operands (tg/gemm.h).
//
// Paths, chosen from the shape and strides only (never from the thread count):
//  1. tiny:   M·N·K <= kTinyWork (or <= kTinyWorkNoDirect, or a matrix-vector product,
//             when path 2 does not apply): scalar loops on the strided operands.
//  2. direct: a matrix-vector product (N == 1, or M == 1 as Cᵀ = Bᵀ·Aᵀ) whose matrix has
//             contiguous rows along K, K >= kDotsMinK: SIMD dot products, each split over
//             the vector's lanes and summed pairwise at the end (KernelSet::dots). Else
//             B and C rows contiguous (or, via Cᵀ = Bᵀ·Aᵀ, A and C columns contiguous)
//             and M·N·K <= kDirectWork or M <= kDirectMaxRows (GEMV-like): an unpacked
//             register-tiled SIMD kernel reading A through its strides.
//  3. packed: BLIS/GotoBLAS loops  jc (NC) → pc (KC) → ic (MC) → jr (NR) → ir (MR)
//             with packed B (kc × nc) and packed A (mc × kc) panels feeding an MR × NR
//             micro-kernel. Packing absorbs all strides (transposes, broadcasts).
// Kernels (kernel_avx512.cpp: 14x32 f32 / 14x16 f64; kernel_avx2.cpp: 6x16 f32 / 6x8
// f64 with FMA; kernel_neon.cpp: 12x8 f32 / 12x4 f64 on arm64; kernel_generic.cpp:
// portable) are picked at run time from ctx.cpu, and
// the cache blocking from the cache sizes in ctx.cpu (cacheBlocking below).
//
// Threads split only the M and N dimensions, never K: the K blocking depends on K
// alone, and every element of C is computed as "for each K block in order:
// acc = Σ_k a·b (one FMA chain in k order); C = acc (first block) or C + acc" (the dots
// path: W such chains, then their pairwise sum), whatever tile, block or thread it lands
// in. So the result is bitwise the same for any thread count and any M/N partitioning
// (gemm_test checks 1, 2 and 3 threads).
//
// Memory: packing buffers are allocated per call (64-byte aligned, at most about
// KC·(NC + threads·MC) elements in either threading scheme; from 2 MiB on, rounded up to
// whole huge pages: allocAligned); nothing is kept between calls.
#include "tg/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <new>
#include <numeric>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "gemm_kernels.h"
#include "tg/error.h"
#include "tg/portable.h"

namespace tg {

using namespace gemm_detail;

namespace {

// Thresholds (in multiply-adds, M·N·K), measured with native/test/gemm_bench on a
// 2-core AMD EPYC (Zen 3) VM, sections "small" and "threshold" (1 thread, CPU time):
//  - scalar loops beat the SIMD kernels up to ~4x4x4, and up to ~8x8x8 for layouts the
//    direct kernel cannot take (e.g. A·Bᵀ), where the alternative is packing;
//  - the direct kernel matches or beats packing up to ~96x96x96 (f32 and f64);
//  - an empty fork-join costs ~0.3-0.4 us with spinning workers. With 2 threads (and
//    the second core free) square f32 GEMMs ran 1.5x faster at 128^3 and 1.6-1.9x at
//    256^3..2048^3, for +40-80% total CPU time at 64^3-128^3 and +8% at 2048^3:
//    threading pays from ~128^3. Re-measured after the packed path went down to one
//    fork-join per K block (2 threads vs 1 at 100^3, 112^3, 128x128x64, 64x256x128,
//    paired in one process): -22% to +12%, within this VM's noise, so unchanged.
constexpr double kTinyWork = 128;                  // scalar loops at or below this
constexpr double kTinyWorkNoDirect = 512;          // ... when the direct kernel does not apply
constexpr double kDirectWork = 96.0 * 96 * 96;     // unpacked SIMD kernel at or below this,
                                                   // and up to ks.directWork while B fits a
                                                   // quarter of L2 (AVX-512: 256^3)
constexpr int64_t kDirectMaxRows = 6;              // ... and for any size when M <= this
constexpr int64_t kDotsMinK = 16;                  // dot products for a matrix-vector product from this K
constexpr double kThreadWork = 128.0 * 128 * 128;  // use the pool from this much work on
constexpr Tuning kDefaultTuning{};

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

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
const KernelSet<T>& kernelsFor(const CpuFeatures& cpu) {
  constexpr bool f32 = sizeof(T) == 4;
  if (cpu.avx512 && avx512KernelsBuilt()) {
    if constexpr (f32) return avx512KernelsF32(); else return avx512KernelsF64();
  }
  if (cpu.avx2 && cpu.fma && avx2KernelsBuilt()) {
    if constexpr (f32) return avx2KernelsF32(); else return avx2KernelsF64();
  }
  if (cpu.neon && neonKernelsBuilt()) {
    if constexpr (f32) return neonKernelsF32(); else return neonKernelsF64();
  }
  if constexpr (f32) return genericKernelsF32(); else return genericKernelsF64();
}

// Cache blocking from the cache sizes the OS reports (the kernel set's values stand in
// for unknown ones), after the BLIS analytical model:
//  - kc: the B micro-panel (kc x NR) fills ks.kcL1Share of L1 (half for most kernel
//    sets), leaving room for the A micro-panel streaming through and the C tile;
//  - mc: the packed A block (mc x kc) fills a quarter of L2 (half measured slower on
//    Zen 3 and Zen 5: the B micro-panels and C pass through L2 too);
//  - nc: the packed B block (kc x nc) fills a quarter of L3, at most kMaxNc columns
//    (VMs report whole-socket or made-up L3 sizes; wider blocks gain nothing).
// On Zen 3 (32 KiB L1d, 512 KiB L2) this gives the AVX2 values tuned there by hand.
// kc is a function of the machine only, so the K blocking (and the bits) stay the same
// for any thread count.
constexpr int64_t kMaxNc = 4096;
template <typename T>
void cacheBlocking(KernelSet<T>& ks, const CpuFeatures& cpu) {
  const int64_t elem = sizeof(T);
  if (cpu.l1d > 0) ks.kc = std::max<int64_t>(64, int64_t(double(cpu.l1d) * ks.kcL1Share) / (ks.nr * elem) / 8 * 8);
  if (cpu.l2 > 0) ks.mc = std::max<int64_t>(ks.mr, cpu.l2 / 4 / (ks.kc * elem) / ks.mr * ks.mr);
  if (cpu.l3 > 0) ks.nc = std::max<int64_t>(ks.nr, std::min(kMaxNc, cpu.l3 / 4 / (ks.kc * elem)) / ks.nr * ks.nr);
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

// Path 1: scalar dot products, any strides, four columns at a time (independent
// chains); each element is a0·b0 + a1·b1 + ... in k order.
template <typename T>
void gemmTiny(Operands<T> p) {
  // Blocks run along N; with few columns, run them along M instead (Cᵀ = Bᵀ·Aᵀ).
  if (p.N < 4 && p.M > p.N) p = transposed(p);
  for (int64_t i = 0; i < p.M; ++i) {
    const T* a = p.A + i * p.rsA;
    T* c = p.C + i * p.rsC;
    int64_t j = 0;
    for (; j + 4 <= p.N; j += 4) {
      const T* b = p.B + j * p.csB;
      T s0 = a[0] * b[0], s1 = a[0] * b[p.csB], s2 = a[0] * b[2 * p.csB], s3 = a[0] * b[3 * p.csB];
      for (int64_t k = 1; k < p.K; ++k) {
        const T ak = a[k * p.csA];
        const T* bk = b + k * p.rsB;
        s0 = s0 + ak * bk[0];
        s1 = s1 + ak * bk[p.csB];
        s2 = s2 + ak * bk[2 * p.csB];
        s3 = s3 + ak * bk[3 * p.csB];
      }
      c[j * p.csC] = s0;
      c[(j + 1) * p.csC] = s1;
      c[(j + 2) * p.csC] = s2;
      c[(j + 3) * p.csC] = s3;
    }
    for (; j < p.N; ++j) {
      const T* b = p.B + j * p.csB;
      T s = a[0] * b[0];
      for (int64_t k = 1; k < p.K; ++k) s = s + a[k * p.csA] * b[k * p.rsB];
      c[j * p.csC] = s;
    }
  }
}

struct AlignedFree {
  size_t align = 64;
  void operator()(void* q) const { ::operator delete(q, std::align_val_t(align)); }
};
// Sub-buffers of one allocation start on 64-byte boundaries (the kernels use aligned
// loads on packed panels).
template <typename T>
int64_t alignElems(int64_t elems) {
  return roundUp(elems, int64_t(64 / sizeof(T)));
}
// Buffers of 2 MiB or more: whole 2 MiB pages, marked for transparent huge pages (THP
// in "madvise" mode), so that walking the packed B block needs a few TLB entries instead
// of 512 (+2% at 2048^3 on Zen 5, bench/PROFILES.md section 3). madvise is only a hint:
// its failure changes nothing.
constexpr size_t kHugePage = size_t(1) << 21;
template <typename T>
std::unique_ptr<T, AlignedFree> allocAligned(int64_t elems) {
  size_t bytes = static_cast<size_t>(elems) * sizeof(T), align = 64;
  if (bytes >= kHugePage) bytes = roundUp(int64_t(bytes), int64_t(kHugePage)), align = kHugePage;
  void* q = ::operator new(bytes, std::align_val_t(align));
#if defined(__linux__)
  if (align == kHugePage) madvise(q, bytes, MADV_HUGEPAGE);
#endif
  return std::unique_ptr<T, AlignedFree>(static_cast<T*>(q), AlignedFree{align});
}

// One macro-kernel: C[rows x cols] (=|+=) Ap[rows x kc] · Bp[kc x cols], both packed.
// Loop order jr (B micro-panel stays in L1) then ir (A micro-panels stream from L2).
// While one B micro-panel is in use, the next one is prefetched into L2 a few lines per
// micro-kernel call (measured: +2-7% at n = 1024-2048 on Zen 3; the packed B block
// usually lives in L3).
template <typename T>
void macroKernel(const KernelSet<T>& ks, int64_t rows, int64_t cols, int64_t kc, const T* Ap, const T* Bp, T* C,
                 int64_t rsC, int64_t csC, bool accumulate) {
  const int MR = ks.mr, NR = ks.nr;
  alignas(64) T tile[kMaxMicroTile];
  // Pipelined kernels: the last full tile, written to C by the next call (or below).
  alignas(64) T accBuf[2][kMaxMicroTile];
  PendingTile<T> pending;
  int64_t tiles = 0;
  const int64_t panelBytes = int64_t(NR) * kc * int64_t(sizeof(T));
  const int64_t calls = (rows + MR - 1) / MR;
  // Lines of the next B micro-panel to prefetch per micro-kernel call, so it is in L2
  // by the time the jr loop reaches it.
  // At most 16 per call: with few rows, leave the rest to the hardware prefetcher
  // rather than issue a burst of prefetches.
  const int64_t linesPerCall = std::min<int64_t>(16, (panelBytes / 64 + calls - 1) / calls);
  for (int64_t j = 0; j < cols; j += NR) {
    const int64_t nr = std::min<int64_t>(NR, cols - j);
    const T* b = Bp + j * kc;
    const char* nextB = j + NR < cols ? reinterpret_cast<const char*>(b + NR * kc) : nullptr;
    int64_t line = 0;
    for (int64_t i = 0; i < rows; i += MR) {
      if (nextB != nullptr) {
        for (int64_t x = 0; x < linesPerCall && line * 64 < panelBytes; ++x, ++line) prefetchForRead(nextB + line * 64);
      }
      const int64_t mr = std::min<int64_t>(MR, rows - i);
      const T* a = Ap + i * kc;
      T* c = C + i * rsC + j * csC;
      if (csC == 1 && mr == MR && nr == NR && ks.microPipelined != nullptr) {
        T* acc = accBuf[tiles++ % 2];
        ks.microPipelined(kc, a, b, acc, c, rsC, pending);
        pending = PendingTile<T>{accumulate ? TileStore::Add : TileStore::Set, acc, c, rsC};
      } else if (csC == 1 && mr == MR && nr == NR) {
        ks.micro(kc, a, b, c, rsC, accumulate);
      } else if (csC == 1 && nr == NR && ks.microEdge != nullptr) {
        ks.microEdge(static_cast<int>(mr), kc, a, b, c, rsC, accumulate);
      } else {
        // Edge or non-unit column stride: same kernel into a scratch tile, then merge
        // with the same single addition the kernel would do.
        ks.micro(kc, a, b, tile, NR, false);
        for (int64_t r = 0; r < mr; ++r) {
          T* cr = c + r * rsC;
          const T* tr = tile + r * NR;
          if (accumulate) {
            for (int64_t x = 0; x < nr; ++x) cr[x * csC] = cr[x * csC] + tr[x];
          } else {
            for (int64_t x = 0; x < nr; ++x) cr[x * csC] = tr[x];
          }
        }
      }
    }
  }
  if (pending.mode != TileStore::None) {
    for (int64_t r = 0; r < MR; ++r) {
      T* cr = pending.c + r * rsC;
      const T* tr = pending.acc + r * NR;
      if (pending.mode == TileStore::Add) {
        for (int64_t x = 0; x < NR; ++x) cr[x] = cr[x] + tr[x];
      } else {
        for (int64_t x = 0; x < NR; ++x) cr[x] = tr[x];
      }
    }
  }
}

// Path 3: packed, blocked, optionally threaded.
//
// Blocking: K in kcb-blocks (from K alone), N in ncb-blocks (packed B, L3), M in
// mcb-blocks (packed A, L2). Two threading schemes, both splitting only M and N:
//  - shared B (M has at least as many blocks as threads): per (jc, pc), one fork-join
//    whose threads claim M blocks; each packs its A block into its own buffer, and the
//    B block (kc x nc) is packed once, shared (SharedPanels below).
//  - shared A (fewer M blocks than threads, e.g. M = 128): per (jc, pc), one fork-join
//    whose threads claim items of (M block x a few NR panels), each packing its own
//    slice of B. The A rows are packed once, shared (SharedPanels below).
//    Items are small (about kItemsPerThread per thread) so that a thread that starts
//    late or is descheduled on a busy machine leaves its share to the others.
//    (It replaced a scheme with one C rectangle per thread, each packing its own copy
//    of A: at 2 threads on [128,784]x[784,256] that packed A twice and, with one item
//    per thread, ran at the speed of the slower thread.)
constexpr int64_t kItemsPerThread = 4;
constexpr int64_t kPanelsPerChunk = 4;  // shared panels packed per claim, at least

// Waits for another thread's short packing step. After a while, yields: with more
// runnable threads than cores, the thread being waited for may need this core.
// Not inlined, so that profiles (bench/gemm-profile.sh) show the time spent waiting.
[[gnu::noinline]] void spinWait(int64_t& spins) {
  if (++spins > 1024) {
    std::this_thread::yield();
    return;
  }
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// The micro-panels of an operand block shared by the threads (B in the shared-B
// scheme, A in the shared-A scheme), packed on first need instead of in a fork-join of
// their own: a thread that needs panels [q0, q1) packs the chunks among them that no
// thread has claimed yet (claimed by CAS), then waits for the others' chunks. If the
// other threads start late, the first one simply packs everything.
class SharedPanels {
 public:
  SharedPanels(int64_t maxPanels, int64_t chunkPanels)
      : chunk_(chunkPanels), state_(new std::atomic<uint8_t>[static_cast<size_t>(ceilDiv(maxPanels, chunkPanels))]) {}
  // Before each block (no thread may be using the previous one).
  void reset(int64_t panels) {
    panels_ = panels;
    for (int64_t c = 0; c < ceilDiv(panels, chunk_); ++c) state_[c].store(kUnclaimed, std::memory_order_relaxed);
  }
  // pack(a, b) packs panels [a, b).
  template <typename Pack>
  void need(int64_t q0, int64_t q1, const Pack& pack) {
    const int64_t c0 = q0 / chunk_, c1 = ceilDiv(q1, chunk_);
    for (int64_t c = c0; c < c1; ++c) {
      uint8_t expected = kUnclaimed;
      if (state_[c].load(std::memory_order_relaxed) != kUnclaimed ||
          !state_[c].compare_exchange_strong(expected, kPacking, std::memory_order_relaxed))
        continue;
      pack(c * chunk_, std::min(panels_, (c + 1) * chunk_));
      state_[c].store(kPacked, std::memory_order_release);
    }
    int64_t spins = 0;
    for (int64_t c = c0; c < c1; ++c)
      while (state_[c].load(std::memory_order_acquire) != kPacked) spinWait(spins);
  }

 private:
  static constexpr uint8_t kUnclaimed = 0, kPacking = 1, kPacked = 2;
  int64_t chunk_;
  std::unique_ptr<std::atomic<uint8_t>[]> state_;
  int64_t panels_ = 0;
};

template <typename T>
void gemmPacked(ThreadPool& pool, int nthreads, const KernelSet<T>& ks, const Operands<T>& p) {
  const int64_t M = p.M, N = p.N, K = p.K;
  const int MR = ks.mr, NR = ks.nr;
  const int64_t T_ = nthreads;

  // K blocks depend on K (and the machine's kc) only: this fixes the summation order of
  // every element. Up to 3·kc, blocks of up to 1.8·kc: each K block costs a fork-join,
  // a pass over C and a packing start, which at K = 512 or 784 outweighs the longer B
  // micro-panel (512² and [128,784]x[784,256] at 2 threads: +3-9% paired against
  // OpenBLAS, 1 thread unchanged; bench/PROFILES.md, session mid-17h). Larger K keeps
  // kc (kc 384 measured slower at 2048², section 2).
  int64_t kBlocks = ceilDiv(K, ks.kc);
  if (kBlocks <= 3) kBlocks = ceilDiv(K * 5, ks.kc * 9);
  const int64_t kcb = ceilDiv(K, kBlocks);
  // N and M blocks: balanced, multiples of NR / MR.
  const int64_t ncb = roundUp(ceilDiv(N, ceilDiv(N, ks.nc)), NR);
  const int64_t mcbNatural = roundUp(ceilDiv(M, ceilDiv(M, ks.mc)), MR);
  const int64_t gmNatural = ceilDiv(M, mcbNatural);

  if (T_ > 1 && gmNatural < T_) {
    // Shared-A scheme. Items: gm row blocks x gn column slices of each N block; the
    // slices split the block's NR panels as evenly as possible, and gm x gn is a
    // multiple of the thread count, so that the items divide evenly between threads.
    const int64_t mcb = mcbNatural, gm = gmNatural;
    const int64_t pnMax = ceilDiv(std::min(N, ncb), NR);  // panels in the widest N block
    const int64_t gnWanted = roundUp(ceilDiv(kItemsPerThread * T_, gm), T_ / std::gcd(gm, T_));
    const int64_t aElems = alignElems<T>(roundUp(M, MR) * kcb);
    const int64_t bElems = alignElems<T>(ceilDiv(pnMax, std::min(pnMax, gnWanted)) * NR * kcb);
    auto buf = allocAligned<T>(aElems + T_ * bElems);
    T* Ap = buf.get();
    const int64_t pm = ceilDiv(M, MR);
    SharedPanels sharedA(pm, kPanelsPerChunk);
    for (int64_t jc = 0; jc < N; jc += ncb) {
      const int64_t nc = std::min(ncb, N - jc);
      const int64_t pn = ceilDiv(nc, NR);
      const int64_t gn = std::min(pn, gnWanted), items = gm * gn;
      for (int64_t pc = 0; pc < K; pc += kcb) {
        const int64_t kc = std::min(kcb, K - pc);
        sharedA.reset(pm);
        auto packA = [&](int64_t q0, int64_t q1) {
          const int64_t r0 = q0 * MR, rows = std::min(M, q1 * MR) - r0;
          ks.packA(rows, kc, p.A + r0 * p.rsA + pc * p.csA, p.rsA, p.csA, Ap + r0 * kc);
        };
        std::atomic<int64_t> next{0};
        pool.parallelFor(T_, [&](int64_t slot) {
          T* Bp = buf.get() + aElems + slot * bElems;
          int64_t packed = -1;  // the slice in Bp
          for (int64_t item; (item = next.fetch_add(1, std::memory_order_relaxed)) < items;) {
            // Column-major item order: a slot that claims consecutive items of one slice
            // packs its B once.
            const int64_t bn = item / gm, bm = item % gm;
            const int64_t i0 = bm * mcb, rows = std::min(mcb, M - i0);
            const int64_t q0 = bn * pn / gn, q1 = (bn + 1) * pn / gn;  // panel range
            const int64_t j0 = jc + q0 * NR, cols = std::min(q1 * NR, nc) - q0 * NR;
            if (bn != packed) {
              ks.packB(kc, cols, p.B + pc * p.rsB + j0 * p.csB, p.rsB, p.csB, Bp);
              packed = bn;
            }
            sharedA.need(i0 / MR, ceilDiv(i0 + rows, MR), packA);
            macroKernel(ks, rows, cols, kc, Ap + i0 * kc, Bp, p.C + i0 * p.rsC + j0 * p.csC, p.rsC, p.csC, pc > 0);
          }
        });
      }
    }
    return;
  }

  // Shared-B scheme (also the single-threaded path). With threads, the M blocks are
  // made a multiple of the thread count. With at most two blocks per thread, claiming
  // cannot even out a short last block (512 rows: 140, 140, 140, 92 = 280 against 232
  // rows per thread), so the MR panels are spread evenly over the blocks, larger ones
  // first (140, 126, 126, 120). With more blocks the short last block is kept: spread
  // evenly, 1024² and 2048² measured 2-4% slower (bench/PROFILES.md, session mid-17h).
  const int64_t pmAll = ceilDiv(M, MR);
  int64_t gm = gmNatural;
  if (T_ > 1) gm = std::min(pmAll, roundUp(gm, T_));
  const bool spread = T_ > 1 && gm <= 2 * T_;
  const int64_t mcb = roundUp(ceilDiv(M, gm), MR);  // the largest block either way
  if (!spread) gm = ceilDiv(M, mcb);
  const int64_t slots = T_ > 1 ? std::min<int64_t>(T_, gm) : 1;
  const int64_t bElems = alignElems<T>(roundUp(std::min(N, ncb), NR) * kcb), aElems = alignElems<T>(mcb * kcb);
  auto rowStart = [&](int64_t bm) { return std::min(M, spread ? ceilDiv(bm * pmAll, gm) * MR : bm * mcb); };
  auto buf = allocAligned<T>(bElems + slots * aElems);
  T* Bp = buf.get();
  // B chunks: a few per thread (one when single-threaded): row-major B packs fastest
  // in long row segments.
  const int64_t pnMax = ceilDiv(std::min(N, ncb), NR);
  SharedPanels sharedB(pnMax, T_ > 1 ? std::max(kPanelsPerChunk, ceilDiv(pnMax, kItemsPerThread * T_)) : pnMax);

  for (int64_t jc = 0; jc < N; jc += ncb) {
    const int64_t nc = std::min(ncb, N - jc);
    const int64_t pn = ceilDiv(nc, NR);
    for (int64_t pc = 0; pc < K; pc += kcb) {
      const int64_t kc = std::min(kcb, K - pc);
      const T* Bblk = p.B + pc * p.rsB + jc * p.csB;
      sharedB.reset(pn);
      auto packB = [&](int64_t q0, int64_t q1) {
        const int64_t j0 = q0 * NR, cols = std::min(nc, q1 * NR) - j0;
        ks.packB(kc, cols, Bblk + j0 * p.csB, p.rsB, p.csB, Bp + q0 * NR * kc);
      };
      // M blocks, claimed dynamically; each slot packs A into its own buffer, then B
      // together with the others.
      std::atomic<int64_t> next{0};
      auto slotFn = [&](int64_t slot) {
        T* Ap = buf.get() + bElems + slot * aElems;
        for (int64_t bm; (bm = next.fetch_add(1, std::memory_order_relaxed)) < gm;) {
          const int64_t i0 = rowStart(bm), rows = rowStart(bm + 1) - i0;
          ks.packA(rows, kc, p.A + i0 * p.rsA + pc * p.csA, p.rsA, p.csA, Ap);
          sharedB.need(0, pn, packB);
          macroKernel(ks, rows, nc, kc, Ap, Bp, p.C + i0 * p.rsC + jc * p.csC, p.rsC, p.csC, pc > 0);
        }
      };
      if (slots > 1) {
        pool.parallelFor(slots, slotFn);
      } else {
        slotFn(0);
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

// A matrix times a vector through KernelSet::dots (q.N == 1, q.csA == 1): the rows split
// between threads when worthwhile; the vector copied first when it is strided.
template <typename T>
void gemmDots(ThreadPool& pool, int nthreads, const KernelSet<T>& ks, const Operands<T>& q) {
  std::vector<T> gathered;
  const T* x = q.B;
  if (q.rsB != 1) {
    gathered.resize(static_cast<size_t>(q.K));
    for (int64_t k = 0; k < q.K; ++k) gathered[k] = q.B[k * q.rsB];
    x = gathered.data();
  }
  const int64_t per = nthreads > 1 ? ceilDiv(q.M, 4 * int64_t(nthreads)) : q.M;
  if (per >= q.M) {
    ks.dots(q.M, q.K, q.A, q.rsA, x, q.C, q.rsC);
    return;
  }
  pool.parallelFor(ceilDiv(q.M, per), [&](int64_t t) {
    const int64_t i0 = t * per;
    ks.dots(std::min(per, q.M - i0), q.K, q.A + i0 * q.rsA, q.rsA, x, q.C + i0 * q.rsC, q.rsC);
  });
}

// Takes the operands as separate arguments: a by-value struct argument is written to
// the stack and read back with wider loads (a store-forwarding stall that cost ~15 ns
// per call on tiny products).
template <typename T>
void gemmImpl(Context& ctx, const Tuning& tuning, int64_t M, int64_t N, int64_t K, const T* A, int64_t rsA,
              int64_t csA, const T* B, int64_t rsB, int64_t csB, T* C, int64_t rsC, int64_t csC) {
  Operands<T> p{M, N, K, A, rsA, csA, B, rsB, csB, C, rsC, csC};
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
  const Path path = tuning.path;
  if (path == Path::Tiny || (path == Path::Auto && work <= kTinyWork)) {
    gemmTiny(p);
    return;
  }
  KernelSet<T> ks = tuning.generic ? kernelsFor<T>(CpuFeatures{}) : kernelsFor<T>(ctx.cpu);
  // Prefer the orientation in which C has unit column stride (the kernels' store).
  if (p.csC != 1 && p.rsC == 1) p = transposed(p);

  const double threadWork = tuning.threadWork >= 0 ? tuning.threadWork : kThreadWork;
  // Threads: only for enough work, at most one per kThreadWork / 2 multiply-adds (each
  // thread also gets its own packing buffers), and only when C has no aliased elements.
  int nthreads = 1;
  if (work >= threadWork && injective(p.M, p.rsC, p.N, p.csC)) {
    const double cap = std::max(2.0, work / (kThreadWork / 2));
    nthreads = static_cast<int>(std::min<double>(ctx.pool.availableThreads(), cap));
  }

  // A matrix times a vector along the matrix's contiguous rows (W·x, or x·Wᵀ as its
  // transpose): dot products. The direct kernel would run one lane wide here (x·Wᵀ,
  // 1x784 by 784x256, through tg's matmul on Zen 5: 40 µs against 8).
  if (ks.dots != nullptr && path == Path::Auto && p.K >= kDotsMinK) {
    for (const Operands<T>& q : {p, transposed(p)}) {
      if (q.N == 1 && q.csA == 1) {
        gemmDots(ctx.pool, nthreads, ks, q);
        return;
      }
    }
  }
  if (ks.direct != nullptr && path != Path::Packed) {
    // Unpacked kernel: for small problems, and for few rows (GEMV-like shapes), where
    // packing B would cost as much as the product.
    auto wanted = [&](const Operands<T>& q) {
      const bool bInL2 = double(q.K) * double(q.N) * sizeof(T) <= double(ctx.cpu.l2) / 4;
      return q.csB == 1 && q.csC == 1 &&
             (path == Path::Direct || work <= kDirectWork || (work <= ks.directWork && bInL2) || q.M <= kDirectMaxRows);
    };
    if (wanted(p)) {
      gemmDirect(ctx.pool, nthreads, ks, p);
      return;
    }
    const Operands<T> q = transposed(p);
    if (wanted(q)) {
      gemmDirect(ctx.pool, nthreads, ks, q);
      return;
    }
  }
  // Small, or a matrix-vector product the direct kernel cannot take (e.g. A·x with
  // row-major A): scalar dot products reading A's rows in order beat packing, which
  // would pad the vector to a whole micro-tile.
  if (path == Path::Auto && (work <= kTinyWorkNoDirect || p.M == 1 || p.N == 1)) {
    gemmTiny(p);
    return;
  }
  // The blocking only here: its divisions are a few percent of an 8x8 product's call.
  cacheBlocking(ks, ctx.cpu);
  if (tuning.mc > 0) ks.mc = tuning.mc;
  if (tuning.kc > 0) ks.kc = tuning.kc;
  if (tuning.nc > 0) ks.nc = tuning.nc;
  if (!tuning.pipelined) ks.microPipelined = nullptr;
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
  gemmImpl<T>(ctx, kDefaultTuning, M, N, K, A, rsA, csA, B, rsB, csB, C, rsC, csC);
}

namespace gemm_detail {
template <typename T>
void gemmTuned(Context& ctx, const Tuning& tuning, int64_t M, int64_t N, int64_t K, const T* A, int64_t rsA,
               int64_t csA, const T* B, int64_t rsB, int64_t csB, T* C, int64_t rsC, int64_t csC) {
  TG_CHECK(M >= 0 && N >= 0 && K >= 0 && rsA >= 0 && csA >= 0 && rsB >= 0 && csB >= 0 && rsC >= 0 && csC >= 0,
           "gemm: negative size or stride");
  gemmImpl<T>(ctx, tuning, M, N, K, A, rsA, csA, B, rsB, csB, C, rsC, csC);
}
template void gemmTuned<float>(Context&, const Tuning&, int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                               const float*, int64_t, int64_t, float*, int64_t, int64_t);
template void gemmTuned<double>(Context&, const Tuning&, int64_t, int64_t, int64_t, const double*, int64_t,
                                int64_t, const double*, int64_t, int64_t, double*, int64_t, int64_t);
}  // namespace gemm_detail

template void gemm<float>(Context&, int64_t, int64_t, int64_t, const float*, int64_t, int64_t,
                          const float*, int64_t, int64_t, float*, int64_t, int64_t);
template void gemm<double>(Context&, int64_t, int64_t, int64_t, const double*, int64_t, int64_t,
                           const double*, int64_t, int64_t, double*, int64_t, int64_t);

}  // namespace tg
