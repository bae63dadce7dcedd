// Register-tiled GEMM kernels written once over a vector-ops struct V, included by each
// SIMD kernel file (kernel_avx2.cpp, kernel_avx512.cpp, kernel_neon.cpp) after it has
// defined its V. Internal linkage for the reason given in pack_impl.h.
//
// V provides: T (element), R (register), M (lane mask), W (lanes), zero(), load(p)
// (aligned), loadu(p), bcast(p), fma(a, b, c) = a·b + c fused, add(a, b), storeu(p, r),
// mask(n) (lanes [0, n) set, 0 < n <= W), maskload(p, m) (unset lanes read as 0 and
// are not touched in memory), maskstore(p, m, r).
//
// The micro-tile is ROWS x 2W: 2 vectors per row, up to kMaxTileRows rows in named
// accumulators (an array would be kept in memory by GCC; unused names vanish).
#pragma once
#include <cstdint>

#include "gemm_kernels.h"

namespace tg {
namespace gemm_detail {
namespace {

constexpr int kMaxTileRows = 14;

#define TG_FOR_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)
#define TG_DECLARE_ACC(r) R c##r##_0 = V::zero(), c##r##_1 = V::zero();

// Writes one row of a micro-tile (two vectors at cr), or adds it to what is there.
template <typename V>
inline void storeRow(typename V::T* cr, typename V::R lo, typename V::R hi, bool accumulate) {
  if (accumulate) {
    V::storeu(cr, V::add(V::loadu(cr), lo));
    V::storeu(cr + V::W, V::add(V::loadu(cr + V::W), hi));
  } else {
    V::storeu(cr, lo);
    V::storeu(cr + V::W, hi);
  }
}

// The C tile is needed at the end of a micro-kernel: fetch it at the start, every line
// of each of its ROWS rows (C need not be aligned: a row of 2W elements can straddle one
// line more than it fills; missing the middle line of a 128-byte row cost 15% at 2048^3
// with AVX-512). LOCALITY: __builtin_prefetch's (3: into L1, 2: into L2).
template <typename V, int ROWS, int LOCALITY = 3>
inline void prefetchTile(const typename V::T* c, int64_t ldc) {
  constexpr int kLineElems = 64 / int(sizeof(typename V::T));
  for (int r = 0; r < ROWS; ++r) {
    for (int x = 0; x < 2 * V::W; x += kLineElems) __builtin_prefetch(c + r * ldc + x, 1, LOCALITY);
    __builtin_prefetch(c + r * ldc + 2 * V::W - 1, 1, LOCALITY);
  }
}

// Micro-kernel on packed panels (layouts in gemm_kernels.h) with panel height MR,
// computing and storing the first ROWS <= MR rows: ROWS == MR is the full tile, fewer
// the last row panel of a block (e.g. 2 of M = 128), which saves the padding FMAs and a
// scratch-tile copy. Every element is one FMA chain in k order.
template <typename V, int MR, int ROWS>
void tileRows(int64_t kc, const typename V::T* __restrict a, const typename V::T* __restrict b,
              typename V::T* __restrict c, int64_t ldc, bool accumulate) {
  using T = typename V::T;
  using R = typename V::R;
  constexpr int W = V::W;
  static_assert(ROWS >= 1 && ROWS <= MR && MR <= kMaxTileRows, "tile rows out of range");
  TG_FOR_ROWS(TG_DECLARE_ACC)
  prefetchTile<V, ROWS>(c, ldc);
  // How far ahead (in elements) the A micro-panel is prefetched.
  constexpr int kPrefetchA = 8 * MR * 4;
#define TG_ROW(r)                                   \
  if constexpr (ROWS > r) {                         \
    const R av = V::bcast(ak + r);                  \
    c##r##_0 = V::fma(av, b0, c##r##_0);            \
    c##r##_1 = V::fma(av, b1, c##r##_1);            \
  }
#define TG_STEP(kk)                                 \
  {                                                 \
    const T* ak = a + (kk) * MR;                    \
    const R b0 = V::load(b + (kk) * 2 * W);         \
    const R b1 = V::load(b + (kk) * 2 * W + W);     \
    TG_FOR_ROWS(TG_ROW)                             \
  }
  // Cache lines of A consumed per 4 steps, prefetched half before and half after 2.
  constexpr int kLinesA = (MR * int(sizeof(T)) * 4 + 63) / 64;
  int64_t k = 0;
  for (; k + 4 <= kc; k += 4) {
    for (int l = 0; l < kLinesA / 2; ++l) __builtin_prefetch(a + kPrefetchA + l * 64 / sizeof(T), 0, 3);
    TG_STEP(0) TG_STEP(1)
    for (int l = kLinesA / 2; l < kLinesA; ++l) __builtin_prefetch(a + kPrefetchA + l * 64 / sizeof(T), 0, 3);
    TG_STEP(2) TG_STEP(3)
    a += 4 * MR;
    b += 4 * 2 * W;
  }
  for (; k < kc; ++k) {
    TG_STEP(0)
    a += MR;
    b += 2 * W;
  }
#undef TG_STEP
#undef TG_ROW
#define TG_STORE(r) \
  if constexpr (ROWS > r) storeRow<V>(c + (r) * ldc, c##r##_0, c##r##_1, accumulate);
  TG_FOR_ROWS(TG_STORE)
#undef TG_STORE
}

template <typename V, int MR>
void micro(int64_t kc, const typename V::T* a, const typename V::T* b, typename V::T* c, int64_t ldc,
           bool accumulate) {
  tileRows<V, MR, MR>(kc, a, b, c, ldc, accumulate);
}

// Calls fn(Rows<n>{}) for n in [1, N] (nothing for other n): turns a run-time row count
// into a template argument. (Not std::integral_constant: see pack_impl.h on std::.)
template <int N>
struct Rows {
  static constexpr int value = N;
};
template <int N, typename Fn>
inline void withRows(int n, const Fn& fn) {
  if constexpr (N >= 1) {
    if (n == N) {
      fn(Rows<N>{});
      return;
    }
    withRows<N - 1>(n, fn);
  }
}

template <typename V, int MR>
void microEdge(int rows, int64_t kc, const typename V::T* a, const typename V::T* b, typename V::T* c,
               int64_t ldc, bool accumulate) {
  withRows<MR - 1>(rows, [&](auto tag) { tileRows<V, MR, decltype(tag)::value>(kc, a, b, c, ldc, accumulate); });
}

// ---------------------------------------------------------------------------------
// Direct (unpacked) kernel for small problems: B rows and C rows are contiguous
// (csB == csC == 1); A is read with its strides, one broadcast per element.
// ROWS x (NV vectors) tile; the last vector is masked when MASKED.
// With resume, the accumulators start from the values in C (a previous K block of the
// same chain, stored exactly), so K-blocked and unblocked runs give identical bits.
template <typename V, int ROWS, int NV, bool MASKED>
void directTile(int64_t K, const typename V::T* A, int64_t rsA, int64_t csA, const typename V::T* B, int64_t rsB,
                typename V::T* C, int64_t rsC, typename V::M mask, bool resume) {
  using T = typename V::T;
  using R = typename V::R;
  constexpr int W = V::W;
  TG_FOR_ROWS(TG_DECLARE_ACC)
  if (resume) {
#define TG_IN(r)                                                          \
  if constexpr (ROWS > r) {                                               \
    const T* cr = C + r * rsC;                                            \
    if constexpr (NV == 1) {                                              \
      c##r##_0 = MASKED ? V::maskload(cr, mask) : V::loadu(cr);           \
    } else {                                                              \
      c##r##_0 = V::loadu(cr);                                            \
      c##r##_1 = MASKED ? V::maskload(cr + W, mask) : V::loadu(cr + W);   \
    }                                                                     \
  }
    TG_FOR_ROWS(TG_IN)
#undef TG_IN
  }
  for (int64_t k = 0; k < K; ++k) {
    const T* b = B + k * rsB;
    const T* ak = A + k * csA;
    R b0, b1 = V::zero();
    if constexpr (NV == 1) {
      b0 = MASKED ? V::maskload(b, mask) : V::loadu(b);
    } else {
      b0 = V::loadu(b);
      b1 = MASKED ? V::maskload(b + W, mask) : V::loadu(b + W);
    }
#define TG_ROW(r)                                                  \
  if constexpr (ROWS > r) {                                        \
    const R av = V::bcast(ak + r * rsA);                           \
    c##r##_0 = V::fma(av, b0, c##r##_0);                           \
    if constexpr (NV == 2) c##r##_1 = V::fma(av, b1, c##r##_1);    \
  }
    TG_FOR_ROWS(TG_ROW)
#undef TG_ROW
  }
#define TG_OUT(r)                                                                        \
  if constexpr (ROWS > r) {                                                              \
    T* cr = C + r * rsC;                                                                 \
    if constexpr (NV == 1) {                                                             \
      if (MASKED) V::maskstore(cr, mask, c##r##_0); else V::storeu(cr, c##r##_0);        \
    } else {                                                                             \
      V::storeu(cr, c##r##_0);                                                           \
      if (MASKED) V::maskstore(cr + W, mask, c##r##_1); else V::storeu(cr + W, c##r##_1); \
    }                                                                                    \
  }
  TG_FOR_ROWS(TG_OUT)
#undef TG_OUT
}

// When B is too big to stay in cache (GEMV-like shapes: few rows, large K and N), K is
// walked in short blocks (resuming from C), so the column strips read a few rows of B
// side by side (a handful of sequential streams) instead of walking all of B, one page
// per row, once per strip. Small products keep the unblocked loop. Measured with
// f32 [m,4096]x[4096,4096], 1 thread (AVX2): block 8 -> 4.8 / 5.7 / 10.4 ms for
// m = 1 / 2 / 6, block 32 -> 9.1 / 15.8 / 23.2 ms, unblocked 22.8 ms for m = 1.
constexpr int64_t kDirectKBlock = 8;
constexpr int64_t kDirectBlockBytes = int64_t(1) << 19;  // B larger than this: block K

template <typename V, int ROWS>
void directRows(int64_t N, int64_t K, const typename V::T* A, int64_t rsA, int64_t csA, const typename V::T* B,
                int64_t rsB, typename V::T* C, int64_t rsC) {
  using T = typename V::T;
  constexpr int W = V::W;
  const typename V::M none = V::mask(W);
  const bool bigB = double(K) * double(N) * sizeof(T) > double(kDirectBlockBytes);
  const int64_t kb = bigB && K > 2 * kDirectKBlock ? kDirectKBlock : K;
  for (int64_t k0 = 0; k0 < K; k0 += kb) {
    const int64_t kn = K - k0 < kb ? K - k0 : kb;
    const bool resume = k0 > 0;
    const T* a = A + k0 * csA;
    const T* b = B + k0 * rsB;
    int64_t j = 0;
    for (; j + 2 * W <= N; j += 2 * W)
      directTile<V, ROWS, 2, false>(kn, a, rsA, csA, b + j, rsB, C + j, rsC, none, resume);
    const int64_t rest = N - j;
    if (rest > W)
      directTile<V, ROWS, 2, true>(kn, a, rsA, csA, b + j, rsB, C + j, rsC, V::mask(rest - W), resume);
    else if (rest == W)
      directTile<V, ROWS, 1, false>(kn, a, rsA, csA, b + j, rsB, C + j, rsC, none, resume);
    else if (rest > 0)
      directTile<V, ROWS, 1, true>(kn, a, rsA, csA, b + j, rsB, C + j, rsC, V::mask(rest), resume);
  }
}

// B up to this size counts as in L1 for the choice of the direct kernel's tile height.
constexpr double kDirectL1Bytes = 32 * 1024;

// Rows in blocks of DR (the direct kernel's tile height), then the remainder; blocks of
// DR_L1 rows instead while B fits in L1 (the choice is the kernel set's, see
// kernel_avx512.cpp; each element's FMA chain is the same for any tile height).
template <typename V, int DR, int DR_L1 = DR>
void direct(int64_t M, int64_t N, int64_t K, const typename V::T* A, int64_t rsA, int64_t csA,
            const typename V::T* B, int64_t rsB, typename V::T* C, int64_t rsC) {
  static_assert(DR <= kMaxTileRows && DR_L1 <= kMaxTileRows, "direct tile rows out of range");
  if constexpr (DR_L1 != DR) {
    if (double(K) * double(N) * sizeof(typename V::T) <= kDirectL1Bytes) {
      direct<V, DR_L1>(M, N, K, A, rsA, csA, B, rsB, C, rsC);
      return;
    }
  }
  int64_t i = 0;
  for (; i + DR <= M; i += DR) directRows<V, DR>(N, K, A + i * rsA, rsA, csA, B, rsB, C + i * rsC, rsC);
  withRows<DR - 1>(static_cast<int>(M - i), [&](auto tag) {
    directRows<V, decltype(tag)::value>(N, K, A + i * rsA, rsA, csA, B, rsB, C + i * rsC, rsC);
  });
}

// ---------------------------------------------------------------------------------
// Dot products (KernelSet::dots): y[i·incy] = Σ_k A[i·rsA + k]·x[k] for i < M, with A's
// rows and x contiguous. Lane l of a row's accumulator sums the products k ≡ l (mod W)
// in k order (one FMA chain; the last vector masked, its unset lanes adding 0·0), then
// the W lanes are added pairwise (l += l + W/2, then l += l + W/4, ...). A row's value
// does not depend on which rows share its pass (DOT_ROWS at a time share each load of x).
template <typename V, int DOT_ROWS>
void dotRows(int64_t K, const typename V::T* A, int64_t rsA, const typename V::T* x, typename V::T* y, int64_t incy) {
  using T = typename V::T;
  using R = typename V::R;
  constexpr int W = V::W;
  R acc[DOT_ROWS];
  for (int r = 0; r < DOT_ROWS; ++r) acc[r] = V::zero();
  int64_t k = 0;
  for (; k + W <= K; k += W) {
    const R xv = V::loadu(x + k);
    for (int r = 0; r < DOT_ROWS; ++r) acc[r] = V::fma(V::loadu(A + r * rsA + k), xv, acc[r]);
  }
  if (k < K) {
    const typename V::M m = V::mask(K - k);
    const R xv = V::maskload(x + k, m);
    for (int r = 0; r < DOT_ROWS; ++r) acc[r] = V::fma(V::maskload(A + r * rsA + k, m), xv, acc[r]);
  }
  for (int r = 0; r < DOT_ROWS; ++r) {
    T lanes[W];
    V::storeu(lanes, acc[r]);
    for (int half = W / 2; half >= 1; half /= 2)
      for (int l = 0; l < half; ++l) lanes[l] += lanes[l + half];
    y[r * incy] = lanes[0];
  }
}

template <typename V>
void dots(int64_t M, int64_t K, const typename V::T* A, int64_t rsA, const typename V::T* x, typename V::T* y,
          int64_t incy) {
  constexpr int kRows = 4;  // four FMA chains in flight, five loads per four FMAs
  int64_t i = 0;
  for (; i + kRows <= M; i += kRows) dotRows<V, kRows>(K, A + i * rsA, rsA, x, y + i * incy, incy);
  for (; i < M; ++i) dotRows<V, 1>(K, A + i * rsA, rsA, x, y + i * incy, incy);
}

#undef TG_DECLARE_ACC
#undef TG_FOR_ROWS

}  // namespace
}  // namespace gemm_detail
}  // namespace tg
