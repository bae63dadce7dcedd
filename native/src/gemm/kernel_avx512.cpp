// AVX-512 kernels (this file is compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl
// -mfma; the driver calls it only when ctx.cpu.avx512 is set, which includes the OS
// check that ZMM state is saved). Micro-tiles: float 14x32, double 14x16 — 28 of the
// 32 ZMM registers accumulate, 2 hold the B row, 1 the broadcast A value. Measured on
// Zen 5 against 12x32 and 8x32 (gemm_bench, see the commit that chose it).
//
// Nothing here may be inlined into portable code: all helpers have internal linkage
// (see pack_impl.h) and only the KernelSet tables are exported.
#include "pack_impl.h"
#include "tile_impl.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>

namespace tg {
namespace gemm_detail {
namespace {

template <typename T> struct Vec;

template <> struct Vec<float> {
  using T = float;
  using R = __m512;
  using M = __mmask16;
  static constexpr int W = 16;
  static R zero() { return _mm512_setzero_ps(); }
  static R load(const float* p) { return _mm512_load_ps(p); }
  static R loadu(const float* p) { return _mm512_loadu_ps(p); }
  static R bcast(const float* p) { return _mm512_set1_ps(*p); }
  static R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static R add(R a, R b) { return _mm512_add_ps(a, b); }
  static void storeu(float* p, R v) { _mm512_storeu_ps(p, v); }
  static M mask(int64_t n) { return static_cast<M>((1u << n) - 1); }
  static R maskload(const float* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  static void maskstore(float* p, M m, R v) { _mm512_mask_storeu_ps(p, m, v); }
};

template <> struct Vec<double> {
  using T = double;
  using R = __m512d;
  using M = __mmask8;
  static constexpr int W = 8;
  static R zero() { return _mm512_setzero_pd(); }
  static R load(const double* p) { return _mm512_load_pd(p); }
  static R loadu(const double* p) { return _mm512_loadu_pd(p); }
  static R bcast(const double* p) { return _mm512_set1_pd(*p); }
  static R fma(R a, R b, R c) { return _mm512_fmadd_pd(a, b, c); }
  static R add(R a, R b) { return _mm512_add_pd(a, b); }
  static void storeu(double* p, R v) { _mm512_storeu_pd(p, v); }
  static M mask(int64_t n) { return static_cast<M>((1u << n) - 1); }
  static R maskload(const double* p, M m) { return _mm512_maskz_loadu_pd(m, p); }
  static void maskstore(double* p, M m, R v) { _mm512_mask_storeu_pd(p, m, v); }
};

constexpr int MR = 14;
// The direct kernel's tile height: 12 rows x 2 vectors = 24 accumulators. It beats
// packing up to 256^3 while B fits a quarter of L2 (Zen 5, f32, 1 thread, CPU time:
// 214-223 GFLOP/s against 186-200 packed at 128^3-256^3; 152 against 189 at 384^3).
// While B fits in L1 (tile_impl.h: kDirectL1Bytes), 8 rows: the 12-row loop keeps some
// of its 12 A row addresses on the stack, and re-reading B for more row blocks costs
// little there (gemm_bench --shape, paired with OpenBLAS, f32 1 thread: 64^3 0.88-0.99
// -> 0.97-1.00 of OpenBLAS's speed, 32^3 0.98 -> 1.05; 96^3 and up, B past L1, even or
// better with 12).
constexpr int kDirectRows = 12;
constexpr int kDirectRowsL1 = 8;
constexpr double kDirectWork = 256.0 * 256 * 256;

// ---------------------------------------------------------------------------------
// Packing. Both packed layouts are transposes of row-major or column-major operands in
// W x W blocks: load up to W lines of up to W elements (masked: the lines past `lines`
// and the elements past `len` read as zero), transpose in registers, store the first
// `len` transposed vectors `dstStride` apart with `storeMask`. Partial panels and K
// tails go through the same code with smaller counts, so they come out zero-padded.

inline void transpose(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);      // per 128-bit lane: a0 b0 a1 b1
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);  //                   a2 b2 a3 b3
  }
  for (int i = 0; i < 16; i += 4) {  // lane L of r[i + j]: rows i..i+3, element 4L + j
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int j = 0; j < 4; ++j) {  // gather the lanes: 0x88 takes lanes 0 and 2, 0xDD 1 and 3
    t[j] = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x88);
    t[4 + j] = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xDD);
    t[8 + j] = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x88);
    t[12 + j] = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xDD);
  }
  for (int j = 0; j < 4; ++j) {
    r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
    r[8 + j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xDD);
    r[4 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0x88);
    r[12 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0xDD);
  }
}

inline void transpose(__m512d r[8]) {
  __m512d t[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);      // per 128-bit lane L: a(2L) b(2L)
    t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]);  //                     a(2L+1) b(2L+1)
  }
  __m512d s[8];
  for (int g = 0; g < 8; g += 4) {
    s[g] = _mm512_shuffle_f64x2(t[g], t[g + 2], 0x88);      // elements 0, 4 of rows g..g+3
    s[g + 1] = _mm512_shuffle_f64x2(t[g], t[g + 2], 0xDD);  // 2, 6
    s[g + 2] = _mm512_shuffle_f64x2(t[g + 1], t[g + 3], 0x88);  // 1, 5
    s[g + 3] = _mm512_shuffle_f64x2(t[g + 1], t[g + 3], 0xDD);  // 3, 7
  }
  r[0] = _mm512_shuffle_f64x2(s[0], s[4], 0x88);
  r[4] = _mm512_shuffle_f64x2(s[0], s[4], 0xDD);
  r[2] = _mm512_shuffle_f64x2(s[1], s[5], 0x88);
  r[6] = _mm512_shuffle_f64x2(s[1], s[5], 0xDD);
  r[1] = _mm512_shuffle_f64x2(s[2], s[6], 0x88);
  r[5] = _mm512_shuffle_f64x2(s[2], s[6], 0xDD);
  r[3] = _mm512_shuffle_f64x2(s[3], s[7], 0x88);
  r[7] = _mm512_shuffle_f64x2(s[3], s[7], 0xDD);
}

template <typename T>
inline void transposeBlock(const T* src, int64_t stride, int lines, int len, T* dst, int64_t dstStride,
                           typename Vec<T>::M storeMask) {
  using V = Vec<T>;
  typename V::R r[V::W];
  const typename V::M m = V::mask(len);
  for (int l = 0; l < V::W; ++l) r[l] = l < lines ? V::maskload(src + l * stride, m) : V::zero();
  transpose(r);
  for (int t = 0; t < len; ++t) V::maskstore(dst + t * dstStride, storeMask, r[t]);
}

// A block into MR-row panels. Row-major A: W x W transposes (a float panel's 14 rows
// are one block, a double panel's two, the second with 6 rows). Column-major A: each k
// is one masked copy per W rows.
template <typename T>
void packA(int64_t mc, int64_t kc, const T* A, int64_t rsA, int64_t csA, T* dst) {
  using V = Vec<T>;
  constexpr int W = V::W;
  if (csA != 1 && rsA != 1) {
    packAGeneric<T, MR>(mc, kc, A, rsA, csA, dst);
    return;
  }
  for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
    const int rows = static_cast<int>(imin(MR, mc - i0));
    const T* src = A + i0 * rsA;
    if (csA == 1) {
      // The rows are short streams (kc values each) that the hardware prefetcher barely
      // ramps up on: fetch the next panel's rows while this one is transposed.
      const bool prefetchNext = i0 + 2 * MR <= mc;
      for (int64_t k = 0; k < kc; k += W) {
        if (prefetchNext)
          for (int r = 0; r < MR; ++r) __builtin_prefetch(src + (MR + r) * rsA + k, 0, 3);
        const int len = static_cast<int>(imin(W, kc - k));
        for (int g = 0; g < MR; g += W) {
          const int width = MR - g < W ? MR - g : W;
          transposeBlock<T>(src + g * rsA + k, rsA, rows - g, len, dst + k * MR + g, MR, V::mask(width));
        }
      }
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        const T* s = src + k * csA;
        for (int g = 0; g < MR; g += W) {
          const int width = MR - g < W ? MR - g : W;
          const int have = rows - g < 0 ? 0 : rows - g < width ? rows - g : width;
          V::maskstore(dst + k * MR + g, V::mask(width), V::maskload(s + g, have > 0 ? V::mask(have) : 0));
        }
      }
    }
  }
}

// B block into 2W-column panels. Row-major B: each source row is walked sequentially
// (prefetcher- and TLB-friendly) and its pieces go to the panels (one sequential write
// stream each). Column-major B: W x W transposes.
template <typename T>
void packB(int64_t kc, int64_t nc, const T* B, int64_t rsB, int64_t csB, T* dst) {
  using V = Vec<T>;
  constexpr int W = V::W, NR = 2 * W;
  if (csB == 1) {
    const int64_t full = nc / NR, rest = nc - full * NR;
    const typename V::M m0 = V::mask(rest > W ? W : rest > 0 ? rest : 1);
    const typename V::M m1 = V::mask(rest > W ? rest - W : 1);
    for (int64_t k = 0; k < kc; ++k) {
      const T* s = B + k * rsB;
      T* d = dst + k * NR;
      for (int64_t q = 0; q < full; ++q, s += NR, d += NR * kc) {
        V::storeu(d, V::loadu(s));
        V::storeu(d + W, V::loadu(s + W));
      }
      if (rest > 0) {
        V::storeu(d, V::maskload(s, m0));
        V::storeu(d + W, rest > W ? V::maskload(s + W, m1) : V::zero());
      }
    }
    return;
  }
  if (rsB != 1) {
    packBGeneric<T, NR>(kc, nc, B, rsB, csB, dst);
    return;
  }
  for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += NR * kc) {
    const int cols = static_cast<int>(imin(NR, nc - j0));
    const T* src = B + j0 * csB;
    const bool prefetchNext = j0 + 2 * NR <= nc;
    for (int64_t k = 0; k < kc; k += W) {
      if (prefetchNext)
        for (int c = 0; c < NR; ++c) __builtin_prefetch(src + (NR + c) * csB + k, 0, 3);
      const int len = static_cast<int>(imin(W, kc - k));
      for (int g = 0; g < NR; g += W)
        transposeBlock<T>(src + g * csB + k, csB, cols - g, len, dst + k * NR + g, NR, V::mask(W));
    }
  }
}

// ---------------------------------------------------------------------------------
// The full MR x 2W micro-tile in inline assembly. The same loop in intrinsics (tileRows)
// needs 31 of the 32 ZMM registers, and GCC's schedule of it hoists the next k step's B
// loads above the current FMAs and spills an accumulator every 4 steps. Here: zmm0..27
// accumulate (row r in zmm2r, zmm2r+1), zmm28/29 hold the B row, zmm30 the broadcast A
// value. Same arithmetic as tileRows (each element one FMA chain in k order from zero,
// then stored or added to C once), so the two give identical bits. Measured alone on
// packed panels in L1/L2 (Zen 5, kc = 192): 214 GFLOP/s against 206 for tileRows, of a
// 227.6 FMA peak.
// P: s (float) or d (double); ES: element bytes; A advances MR * ES bytes per k step,
// B 128 bytes (2 vectors of 64 bytes) for both types.
#define TG_ASM_ROW(P, ES, kk, r, c0, c1)                                     \
  "vbroadcasts" #P " (" #kk "*14*" #ES "+" #r "*" #ES ")(%[a]), %%zmm30\n\t" \
  "vfmadd231p" #P " %%zmm28, %%zmm30, %%zmm" #c0 "\n\t"                        \
  "vfmadd231p" #P " %%zmm29, %%zmm30, %%zmm" #c1 "\n\t"
#define TG_ASM_STEP(P, ES, kk)                                 \
  "vmovap" #P " (" #kk "*128)(%[b]), %%zmm28\n\t"               \
  "vmovap" #P " (" #kk "*128+64)(%[b]), %%zmm29\n\t"            \
  TG_ASM_ROW(P, ES, kk, 0, 0, 1) TG_ASM_ROW(P, ES, kk, 1, 2, 3)       \
  TG_ASM_ROW(P, ES, kk, 2, 4, 5) TG_ASM_ROW(P, ES, kk, 3, 6, 7)       \
  TG_ASM_ROW(P, ES, kk, 4, 8, 9) TG_ASM_ROW(P, ES, kk, 5, 10, 11)     \
  TG_ASM_ROW(P, ES, kk, 6, 12, 13) TG_ASM_ROW(P, ES, kk, 7, 14, 15)   \
  TG_ASM_ROW(P, ES, kk, 8, 16, 17) TG_ASM_ROW(P, ES, kk, 9, 18, 19)   \
  TG_ASM_ROW(P, ES, kk, 10, 20, 21) TG_ASM_ROW(P, ES, kk, 11, 22, 23) \
  TG_ASM_ROW(P, ES, kk, 12, 24, 25) TG_ASM_ROW(P, ES, kk, 13, 26, 27)
#define TG_ASM_ZERO2(x, y) "vpxord %%zmm" #x ", %%zmm" #x ", %%zmm" #x "\n\tvpxord %%zmm" #y ", %%zmm" #y ", %%zmm" #y "\n\t"
#define TG_ASM_STORE2(x, y) "vmovups %%zmm" #x ", " #x "*64(%[acc])\n\tvmovups %%zmm" #y ", " #y "*64(%[acc])\n\t"
#define TG_ASM_PAIRS(X) X(0, 1) X(2, 3) X(4, 5) X(6, 7) X(8, 9) X(10, 11) X(12, 13) X(14, 15) X(16, 17) X(18, 19) \
  X(20, 21) X(22, 23) X(24, 25) X(26, 27)
// One row of the previous tile (its accumulators at [prev], 2 vectors) written to C at
// [crow] (ADD: added to what is there), through zmm31, the one register the tile leaves
// free; then on to the next row.
#define TG_ASM_MERGE_HALF(P, ADD, off)                                  \
  "vmovap" #P " " #off "(%[prev]), %%zmm31\n\t"                          \
  ADD("vaddp" #P " " #off "(%[crow]), %%zmm31, %%zmm31\n\t")             \
  "vmovup" #P " %%zmm31, " #off "(%[crow])\n\t"
#define TG_ASM_MERGE_ROW(P, ADD)                                                                  \
  "prefetchw (%[crow],%[ldcb],4)\n\tprefetchw 64(%[crow],%[ldcb],4)\n\tprefetchw 127(%[crow],%[ldcb],4)\n\t" \
  TG_ASM_MERGE_HALF(P, ADD, 0) TG_ASM_MERGE_HALF(P, ADD, 64) "add $128, %[prev]\n\tadd %[ldcb], %[crow]\n\t"
// Each merged row first prefetches the row kMergeAhead below into L1 (the 4 in the
// address (%[crow],%[ldcb],4)); the first rows are prefetched before the loop.
constexpr int kMergeAhead = 4;
#define TG_ASM_ADD(x) x
#define TG_ASM_NOADD(x)
// acc[MR][2W] = A panel · B panel over kc steps; during the first m4 iterations of 4
// steps, also one row each of the previous tile goes to C (MERGE: the row's code, or
// nothing). PREFETCH: the A prefetches of 4 steps.
#define TG_ASM_TILE(P, ES, PREFETCH, MERGE)                                                      \
  __asm__ volatile(TG_ASM_PAIRS(TG_ASM_ZERO2)                                                     \
                   "test %[m4], %[m4]\n\t"                                                      \
                   "jz 5f\n\t"                                                                  \
                   ".p2align 5\n"                                                               \
                   "6:\n\t" PREFETCH MERGE                                                      \
                   TG_ASM_STEP(P, ES, 0) TG_ASM_STEP(P, ES, 1) TG_ASM_STEP(P, ES, 2) TG_ASM_STEP(P, ES, 3) \
                   "add $(4*14*" #ES "), %[a]\n\t"                                               \
                   "add $512, %[b]\n\t"                                                         \
                   "dec %[m4]\n\t"                                                              \
                   "jnz 6b\n"                                                                   \
                   "5:\n\t"                                                                     \
                   "test %[k4], %[k4]\n\t"                                                      \
                   "jz 2f\n\t"                                                                  \
                   ".p2align 5\n"                                                               \
                   "1:\n\t" PREFETCH                                                            \
                   TG_ASM_STEP(P, ES, 0) TG_ASM_STEP(P, ES, 1) TG_ASM_STEP(P, ES, 2) TG_ASM_STEP(P, ES, 3) \
                   "add $(4*14*" #ES "), %[a]\n\t"                                               \
                   "add $512, %[b]\n\t"                                                         \
                   "dec %[k4]\n\t"                                                              \
                   "jnz 1b\n"                                                                   \
                   "2:\n\t"                                                                     \
                   "test %[k1], %[k1]\n\t"                                                      \
                   "jz 4f\n"                                                                    \
                   "3:\n\t" TG_ASM_STEP(P, ES, 0)                                               \
                   "add $(14*" #ES "), %[a]\n\t"                                                 \
                   "add $128, %[b]\n\t"                                                         \
                   "dec %[k1]\n\t"                                                              \
                   "jnz 3b\n"                                                                   \
                   "4:\n\t" TG_ASM_PAIRS(TG_ASM_STORE2)                                          \
                   : [a] "+r"(a), [b] "+r"(b), [k4] "+r"(k4), [k1] "+r"(k1), [m4] "+r"(m4),   \
                     [prev] "+r"(prevAcc), [crow] "+r"(crow)                                    \
                   : [acc] "r"(acc), [ldcb] "r"(ldcBytes)                                       \
                   : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", \
                     "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", \
                     "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", \
                     "xmm29", "xmm30", "xmm31")
// The A micro-panel is prefetched 8 x 4 steps ahead (as tileRows does): 4 steps of float
// A are 224 bytes (4 lines), of double 448 bytes (7 lines).
#define TG_ASM_PF_F32 \
  "prefetcht0 1792(%[a])\n\tprefetcht0 1856(%[a])\n\tprefetcht0 1920(%[a])\n\tprefetcht0 1984(%[a])\n\t"
#define TG_ASM_PF_F64                                                                                    \
  "prefetcht0 3584(%[a])\n\tprefetcht0 3648(%[a])\n\tprefetcht0 3712(%[a])\n\tprefetcht0 3776(%[a])\n\t" \
  "prefetcht0 3840(%[a])\n\tprefetcht0 3904(%[a])\n\tprefetcht0 3968(%[a])\n\t"
#define TG_ASM_TILE_T(P, ES, PF)                                      \
  if (prev.mode == TileStore::Add) {                                  \
    TG_ASM_TILE(P, ES, PF, TG_ASM_MERGE_ROW(P, TG_ASM_ADD));          \
  } else if (prev.mode == TileStore::Set) {                           \
    TG_ASM_TILE(P, ES, PF, TG_ASM_MERGE_ROW(P, TG_ASM_NOADD));        \
  } else {                                                            \
    TG_ASM_TILE(P, ES, PF, "");                                       \
  }

// The pipelined micro-kernel (KernelSet::microPipelined): the tile's accumulators go to
// acc, and the previous tile's are written to C during the first 14 iterations of the
// k loop (one row each). Written at the end of each tile (as the non-pipelined kernels
// do), the C rows cost 12-13% of the kernel's time at 2048^3 (perf: the stores miss L1
// one after the other: a power-of-two ldc puts all 14 rows in one L1 set); spread over
// the loop, they miss in the shadow of the FMAs.
template <typename T>
void microPipelined(int64_t kc, const T* a, const T* b, T* acc, const T* c, int64_t ldc, const PendingTile<T>& prev) {
  static_assert(MR == 14, "the assembly is written for 14 rows");
  using V = Vec<T>;
  // This tile's C rows are needed in the next call: into L2 now. (Into L1, the rows - a
  // power-of-two ldc puts them in a few sets - evicted B micro-panel lines.)
  prefetchTile<V, MR, 2>(c, ldc);
  int64_t k4 = kc / 4, k1 = kc % 4;
  // Iterations that also write a row of the previous tile; rows left over (short kc)
  // are written after the loop.
  int64_t m4 = prev.mode == TileStore::None ? 0 : imin(k4, MR);
  k4 -= m4;
  const int64_t merged = m4;
  const T* prevAcc = prev.acc;
  T* crow = prev.c;
  const int64_t ldcBytes = prev.ldc * int64_t(sizeof(T));
  if (prev.mode != TileStore::None)
    prefetchTile<V, kMergeAhead, 3>(prev.c, prev.ldc);
  if constexpr (sizeof(T) == 4) {
    TG_ASM_TILE_T(s, 4, TG_ASM_PF_F32)
  } else {
    TG_ASM_TILE_T(d, 8, TG_ASM_PF_F64)
  }
  if (prev.mode != TileStore::None)
    for (int64_t r = merged; r < MR; ++r)
      storeRow<V>(prev.c + r * prev.ldc, V::load(prev.acc + r * 2 * V::W), V::load(prev.acc + r * 2 * V::W + V::W),
                  prev.mode == TileStore::Add);
}

// The plain micro-kernel (KernelSet::micro): the pipelined one with nothing pending,
// then the tile to C.
template <typename T>
void microAsm(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, bool accumulate) {
  using V = Vec<T>;
  constexpr int W = V::W;
  alignas(64) T acc[MR * 2 * W];
  microPipelined<T>(kc, a, b, acc, c, ldc, PendingTile<T>{});
  for (int r = 0; r < MR; ++r) storeRow<V>(c + r * ldc, V::load(acc + r * 2 * W), V::load(acc + r * 2 * W + W), accumulate);
}

// kc from three quarters of L1 (kc = 288 on Zen 5's 48 KiB) rather than half (192):
// fewer passes over C and fewer K blocks, i.e. fewer fork-joins. gemm_bench --kc, Zen 5,
// 2 runs each, GFLOP/s 192 -> 288: 1024^3 164/153 -> 184/174 (1 thread), 299/304 ->
// 326/313 (2 threads); 2048^3 159/147 -> 166/150, 321/278 -> 325/297; [128,784]x[784,256]
// 2 threads 196/193 -> 238/228; its Bᵀ backward [128,256]x[256,784] 2 threads 186/184 ->
// 225/225; 512^3 1 thread 192/191 -> 186/176 (the one row that lost).
constexpr double kKcL1Share = 0.75;

const KernelSet<float> kAvx512F32 = {
    "avx512", MR, 32, 336, 192, 4096, &microAsm<float>, &microEdge<Vec<float>, MR>, &packA<float>,
    &packB<float>, &direct<Vec<float>, kDirectRows, kDirectRowsL1>, kDirectWork, &dots<Vec<float>>, kKcL1Share,
    &microPipelined<float>,
};
const KernelSet<double> kAvx512F64 = {
    "avx512", MR, 16, 168, 192, 2048, &microAsm<double>, &microEdge<Vec<double>, MR>, &packA<double>,
    &packB<double>, &direct<Vec<double>, kDirectRows, kDirectRowsL1>, kDirectWork, &dots<Vec<double>>, kKcL1Share,
    &microPipelined<double>,
};

}  // namespace

bool avx512KernelsBuilt() { return true; }
const KernelSet<float>& avx512KernelsF32() { return kAvx512F32; }
const KernelSet<double>& avx512KernelsF64() { return kAvx512F64; }

}  // namespace gemm_detail
}  // namespace tg

#else  // no AVX-512 in this build (non-x86 target): the driver never asks for these.

namespace tg {
namespace gemm_detail {
bool avx512KernelsBuilt() { return false; }
const KernelSet<float>& avx512KernelsF32() { return genericKernelsF32(); }
const KernelSet<double>& avx512KernelsF64() { return genericKernelsF64(); }
}  // namespace gemm_detail
}  // namespace tg

#endif
