// AVX2 + FMA kernels (this file is compiled with -mavx2 -mfma; the driver calls it only
// when ctx.cpu reports both). Micro-tiles: float 6x16, double 6x8 — 12 accumulator
// registers, 2 for the B row, 1 for the broadcast A value.
//
// Nothing here may be inlined into portable code: all helpers have internal linkage
// (see pack_impl.h) and only the KernelSet tables are exported.
#include "pack_impl.h"
#include "tile_impl.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace tg {
namespace gemm_detail {
namespace {

template <typename T> struct Vec;

template <> struct Vec<float> {
  using T = float;
  using R = __m256;
  using M = __m256i;
  static constexpr int W = 8;
  static R zero() { return _mm256_setzero_ps(); }
  static R load(const float* p) { return _mm256_load_ps(p); }
  static R loadu(const float* p) { return _mm256_loadu_ps(p); }
  static R bcast(const float* p) { return _mm256_broadcast_ss(p); }
  static R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  static R mul(R a, R b) { return _mm256_mul_ps(a, b); }
  static R add(R a, R b) { return _mm256_add_ps(a, b); }
  static void store(float* p, R v) { _mm256_store_ps(p, v); }
  static void storeu(float* p, R v) { _mm256_storeu_ps(p, v); }
  static M mask(int64_t n) {  // lanes [0, n) set
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static R maskload(const float* p, M m) { return _mm256_maskload_ps(p, m); }
  static void maskstore(float* p, M m, R v) { _mm256_maskstore_ps(p, m, v); }
};

template <> struct Vec<double> {
  using T = double;
  using R = __m256d;
  using M = __m256i;
  static constexpr int W = 4;
  static R zero() { return _mm256_setzero_pd(); }
  static R load(const double* p) { return _mm256_load_pd(p); }
  static R loadu(const double* p) { return _mm256_loadu_pd(p); }
  static R bcast(const double* p) { return _mm256_broadcast_sd(p); }
  static R fma(R a, R b, R c) { return _mm256_fmadd_pd(a, b, c); }
  static R mul(R a, R b) { return _mm256_mul_pd(a, b); }
  static R add(R a, R b) { return _mm256_add_pd(a, b); }
  static void store(double* p, R v) { _mm256_store_pd(p, v); }
  static void storeu(double* p, R v) { _mm256_storeu_pd(p, v); }
  static M mask(int64_t n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static R maskload(const double* p, M m) { return _mm256_maskload_pd(p, m); }
  static void maskstore(double* p, M m, R v) { _mm256_maskstore_pd(p, m, v); }
};

constexpr int MR = 6;

// ---------------------------------------------------------------------------------
// Packing with AVX2 fast paths for the common layouts; everything else falls back to
// the generic strided code.

inline void transpose8x8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4, __m256& r5, __m256& r6,
                         __m256& r7) {
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r0 = _mm256_permute2f128_ps(u0, u4, 0x20);
  r1 = _mm256_permute2f128_ps(u1, u5, 0x20);
  r2 = _mm256_permute2f128_ps(u2, u6, 0x20);
  r3 = _mm256_permute2f128_ps(u3, u7, 0x20);
  r4 = _mm256_permute2f128_ps(u0, u4, 0x31);
  r5 = _mm256_permute2f128_ps(u1, u5, 0x31);
  r6 = _mm256_permute2f128_ps(u2, u6, 0x31);
  r7 = _mm256_permute2f128_ps(u3, u7, 0x31);
}

inline void transpose4x4(__m256d& r0, __m256d& r1, __m256d& r2, __m256d& r3) {
  const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
  const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
  r0 = _mm256_permute2f128_pd(t0, t2, 0x20);
  r1 = _mm256_permute2f128_pd(t1, t3, 0x20);
  r2 = _mm256_permute2f128_pd(t0, t2, 0x31);
  r3 = _mm256_permute2f128_pd(t1, t3, 0x31);
}

// Stores the low two floats of v (unaligned-safe: _mm_storel_epi64 uses an unaligned type).
inline void store2f(float* p, __m128 v) { _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_castps_si128(v)); }

// float, NR = 16.
void packBF32(int64_t kc, int64_t nc, const float* B, int64_t rsB, int64_t csB, float* dst) {
  constexpr int NR = 16;
  if (csB == 1 && nc >= NR) {
    // Row-major B: walk each source row sequentially (prefetcher- and TLB-friendly) and
    // scatter its 64-byte pieces into the panels (one sequential write stream each).
    const int64_t full = nc / NR;
    for (int64_t k = 0; k < kc; ++k) {
      const float* s = B + k * rsB;
      float* d = dst + k * NR;
      for (int64_t q = 0; q < full; ++q, s += NR, d += NR * kc) {
        _mm256_store_ps(d, _mm256_loadu_ps(s));
        _mm256_store_ps(d + 8, _mm256_loadu_ps(s + 8));
      }
    }
    if (full * NR < nc) packBGeneric<float, NR>(kc, nc - full * NR, B + full * NR, rsB, 1, dst + full * NR * kc);
    return;
  }
  int64_t j0 = 0;
  for (; j0 + NR <= nc; j0 += NR, dst += NR * kc) {
    const float* src = B + j0 * csB;
    // (Row-major B returned above: a full panel needs nc >= NR.)
    if (rsB == 1) {
      // Transposed B: column c is contiguous along k. 8x8 transposes. As for A, fetch
      // the next panel's columns (short streams) while this one is transposed.
      const bool prefetchNext = j0 + 2 * NR <= nc;
      int64_t k = 0;
      for (; k + 8 <= kc; k += 8) {
        if (prefetchNext && k % 16 == 0)
          for (int c = 0; c < NR; ++c) _mm_prefetch(reinterpret_cast<const char*>(src + (NR + c) * csB + k), _MM_HINT_T0);
        for (int g = 0; g < 2; ++g) {
          const float* s = src + g * 8 * csB + k;
          __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + csB), r2 = _mm256_loadu_ps(s + 2 * csB),
                 r3 = _mm256_loadu_ps(s + 3 * csB), r4 = _mm256_loadu_ps(s + 4 * csB),
                 r5 = _mm256_loadu_ps(s + 5 * csB), r6 = _mm256_loadu_ps(s + 6 * csB),
                 r7 = _mm256_loadu_ps(s + 7 * csB);
          transpose8x8(r0, r1, r2, r3, r4, r5, r6, r7);
          float* d = dst + k * NR + g * 8;
          _mm256_store_ps(d + 0 * NR, r0);
          _mm256_store_ps(d + 1 * NR, r1);
          _mm256_store_ps(d + 2 * NR, r2);
          _mm256_store_ps(d + 3 * NR, r3);
          _mm256_store_ps(d + 4 * NR, r4);
          _mm256_store_ps(d + 5 * NR, r5);
          _mm256_store_ps(d + 6 * NR, r6);
          _mm256_store_ps(d + 7 * NR, r7);
        }
      }
      for (; k < kc; ++k)
        for (int c = 0; c < NR; ++c) dst[k * NR + c] = src[c * csB + k];
    } else {
      packBGeneric<float, NR>(kc, NR, src, rsB, csB, dst);
    }
  }
  if (j0 < nc) packBGeneric<float, NR>(kc, nc - j0, B + j0 * csB, rsB, csB, dst);
}

// double, NR = 8.
void packBF64(int64_t kc, int64_t nc, const double* B, int64_t rsB, int64_t csB, double* dst) {
  constexpr int NR = 8;
  if (csB == 1 && nc >= NR) {
    // Row-major B: row-outer order, as for float.
    const int64_t full = nc / NR;
    for (int64_t k = 0; k < kc; ++k) {
      const double* s = B + k * rsB;
      double* d = dst + k * NR;
      for (int64_t q = 0; q < full; ++q, s += NR, d += NR * kc) {
        _mm256_store_pd(d, _mm256_loadu_pd(s));
        _mm256_store_pd(d + 4, _mm256_loadu_pd(s + 4));
      }
    }
    if (full * NR < nc) packBGeneric<double, NR>(kc, nc - full * NR, B + full * NR, rsB, 1, dst + full * NR * kc);
    return;
  }
  int64_t j0 = 0;
  for (; j0 + NR <= nc; j0 += NR, dst += NR * kc) {
    const double* src = B + j0 * csB;
    // (Row-major B returned above, as for float.)
    if (rsB == 1) {
      int64_t k = 0;
      for (; k + 4 <= kc; k += 4) {
        for (int g = 0; g < 2; ++g) {
          const double* s = src + g * 4 * csB + k;
          __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + csB), r2 = _mm256_loadu_pd(s + 2 * csB),
                  r3 = _mm256_loadu_pd(s + 3 * csB);
          transpose4x4(r0, r1, r2, r3);
          double* d = dst + k * NR + g * 4;
          _mm256_store_pd(d + 0 * NR, r0);
          _mm256_store_pd(d + 1 * NR, r1);
          _mm256_store_pd(d + 2 * NR, r2);
          _mm256_store_pd(d + 3 * NR, r3);
        }
      }
      for (; k < kc; ++k)
        for (int c = 0; c < NR; ++c) dst[k * NR + c] = src[c * csB + k];
    } else {
      packBGeneric<double, NR>(kc, NR, src, rsB, csB, dst);
    }
  }
  if (j0 < nc) packBGeneric<double, NR>(kc, nc - j0, B + j0 * csB, rsB, csB, dst);
}

// float, MR = 6.
void packAF32(int64_t mc, int64_t kc, const float* A, int64_t rsA, int64_t csA, float* dst) {
  int64_t i0 = 0;
  for (; i0 + MR <= mc; i0 += MR, dst += MR * kc) {
    const float* src = A + i0 * rsA;
    if (csA == 1) {
      // Row-major A: transpose 6 rows x 8 k at a time (two zero rows pad the 8x8).
      // The rows are short streams (kc values each) that the hardware prefetcher
      // barely ramps up on: fetch the next panel's rows while this one is transposed.
      const bool prefetchNext = i0 + 2 * MR <= mc;
      int64_t k = 0;
      for (; k + 8 <= kc; k += 8) {
        if (prefetchNext && k % 16 == 0)
          for (int r = 0; r < MR; ++r) _mm_prefetch(reinterpret_cast<const char*>(src + (MR + r) * rsA + k), _MM_HINT_T0);
        __m256 r0 = _mm256_loadu_ps(src + k), r1 = _mm256_loadu_ps(src + rsA + k),
               r2 = _mm256_loadu_ps(src + 2 * rsA + k), r3 = _mm256_loadu_ps(src + 3 * rsA + k),
               r4 = _mm256_loadu_ps(src + 4 * rsA + k), r5 = _mm256_loadu_ps(src + 5 * rsA + k),
               r6 = _mm256_setzero_ps(), r7 = _mm256_setzero_ps();
        transpose8x8(r0, r1, r2, r3, r4, r5, r6, r7);
        float* d = dst + k * MR;
        const __m256 rows[8] = {r0, r1, r2, r3, r4, r5, r6, r7};
        for (int t = 0; t < 8; ++t) {
          _mm_storeu_ps(d + t * MR, _mm256_castps256_ps128(rows[t]));
          store2f(d + t * MR + 4, _mm256_extractf128_ps(rows[t], 1));
        }
      }
      for (; k < kc; ++k)
        for (int r = 0; r < MR; ++r) dst[k * MR + r] = src[r * rsA + k];
    } else if (rsA == 1) {
      for (int64_t k = 0; k < kc; ++k) {
        const float* s = src + k * csA;
        _mm_storeu_ps(dst + k * MR, _mm_loadu_ps(s));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + k * MR + 4),
                         _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 4)));
      }
    } else {
      packAGeneric<float, MR>(MR, kc, src, rsA, csA, dst);
    }
  }
  if (i0 < mc) packAGeneric<float, MR>(mc - i0, kc, A + i0 * rsA, rsA, csA, dst);
}

// double, MR = 6.
void packAF64(int64_t mc, int64_t kc, const double* A, int64_t rsA, int64_t csA, double* dst) {
  int64_t i0 = 0;
  for (; i0 + MR <= mc; i0 += MR, dst += MR * kc) {
    const double* src = A + i0 * rsA;
    if (csA == 1) {
      int64_t k = 0;
      for (; k + 4 <= kc; k += 4) {
        __m256d r0 = _mm256_loadu_pd(src + k), r1 = _mm256_loadu_pd(src + rsA + k),
                r2 = _mm256_loadu_pd(src + 2 * rsA + k), r3 = _mm256_loadu_pd(src + 3 * rsA + k);
        transpose4x4(r0, r1, r2, r3);
        const __m256d r4 = _mm256_loadu_pd(src + 4 * rsA + k), r5 = _mm256_loadu_pd(src + 5 * rsA + k);
        const __m256d lo = _mm256_unpacklo_pd(r4, r5);  // (r4[0] r5[0] r4[2] r5[2])
        const __m256d hi = _mm256_unpackhi_pd(r4, r5);  // (r4[1] r5[1] r4[3] r5[3])
        double* d = dst + k * MR;
        _mm256_storeu_pd(d + 0 * MR, r0);
        _mm256_storeu_pd(d + 1 * MR, r1);
        _mm256_storeu_pd(d + 2 * MR, r2);
        _mm256_storeu_pd(d + 3 * MR, r3);
        _mm_storeu_pd(d + 0 * MR + 4, _mm256_castpd256_pd128(lo));
        _mm_storeu_pd(d + 1 * MR + 4, _mm256_castpd256_pd128(hi));
        _mm_storeu_pd(d + 2 * MR + 4, _mm256_extractf128_pd(lo, 1));
        _mm_storeu_pd(d + 3 * MR + 4, _mm256_extractf128_pd(hi, 1));
      }
      for (; k < kc; ++k)
        for (int r = 0; r < MR; ++r) dst[k * MR + r] = src[r * rsA + k];
    } else if (rsA == 1) {
      for (int64_t k = 0; k < kc; ++k) {
        const double* s = src + k * csA;
        _mm256_storeu_pd(dst + k * MR, _mm256_loadu_pd(s));
        _mm_storeu_pd(dst + k * MR + 4, _mm_loadu_pd(s + 4));
      }
    } else {
      packAGeneric<double, MR>(MR, kc, src, rsA, csA, dst);
    }
  }
  if (i0 < mc) packAGeneric<double, MR>(mc - i0, kc, A + i0 * rsA, rsA, csA, dst);
}

const KernelSet<float> kAvx2F32 = {
    "avx2", MR, 16, 144, 256, 4080, &micro<Vec<float>, MR>, &microEdge<Vec<float>, MR>, &packAF32, &packBF32,
    &direct<Vec<float>, MR>, 96.0 * 96 * 96, &dots<Vec<float>>,
};
const KernelSet<double> kAvx2F64 = {
    "avx2", MR, 8, 72, 256, 4080, &micro<Vec<double>, MR>, &microEdge<Vec<double>, MR>, &packAF64, &packBF64,
    &direct<Vec<double>, MR>, 96.0 * 96 * 96, &dots<Vec<double>>,
};

}  // namespace

bool avx2KernelsBuilt() { return true; }
const KernelSet<float>& avx2KernelsF32() { return kAvx2F32; }
const KernelSet<double>& avx2KernelsF64() { return kAvx2F64; }

}  // namespace gemm_detail
}  // namespace tg

#else  // no AVX2 in this build (non-x86 target): the driver never asks for these.

namespace tg {
namespace gemm_detail {
bool avx2KernelsBuilt() { return false; }
const KernelSet<float>& avx2KernelsF32() { return genericKernelsF32(); }
const KernelSet<double>& avx2KernelsF64() { return genericKernelsF64(); }
}  // namespace gemm_detail
}  // namespace tg

#endif
