// The vector operations of vec_math.h / vec_kernels.h on AVX2+FMA: 8 float lanes (Avx2) and
// 4 double lanes (Avx2D).
// Include only from files compiled with the AVX2 flags (*_avx2.cpp).
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

struct Avx2D {
  using T = double;
  using Double = Avx2D;
  using F = __m256d;
  using I = __m256i;  // int64 lanes (AVX2 has no int64 <-> double conversions: see vec_math.h)
  using M = __m256d;  // all-ones lanes where true
  static constexpr int kLanes = 4;

  static F set(double v) { return _mm256_set1_pd(v); }
  static F add(F a, F b) { return _mm256_add_pd(a, b); }
  static F sub(F a, F b) { return _mm256_sub_pd(a, b); }
  static F mul(F a, F b) { return _mm256_mul_pd(a, b); }
  static F div(F a, F b) { return _mm256_div_pd(a, b); }
  static F fma(F a, F b, F c) { return _mm256_fmadd_pd(a, b, c); }
  static F min(F a, F b) { return _mm256_min_pd(a, b); }
  static F max(F a, F b) { return _mm256_max_pd(a, b); }
  static F round(F x) { return _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I bits(F x) { return _mm256_castpd_si256(x); }
  static F fromBits(I x) { return _mm256_castsi256_pd(x); }
  static I iset(int64_t v) { return _mm256_set1_epi64x(v); }
  static I iand(I a, I b) { return _mm256_and_si256(a, b); }
  static I ior(I a, I b) { return _mm256_or_si256(a, b); }
  template <int K>
  static I shl(I a) { return _mm256_slli_epi64(a, K); }
  template <int K>
  static I srl(I a) { return _mm256_srli_epi64(a, K); }
  static M lt(F a, F b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static M gt(F a, F b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
  static M eq(F a, F b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  static M isnan(F x) { return _mm256_cmp_pd(x, x, _CMP_UNORD_Q); }
  static M mor(M a, M b) { return _mm256_or_pd(a, b); }
  static bool any(M m) { return _mm256_movemask_pd(m) != 0; }
  static F select(M m, F t, F f) { return _mm256_blendv_pd(f, t, m); }
  static F abs(F x) { return _mm256_andnot_pd(set(-0.0), x); }
  static F copysign(F mag, F sign) { return _mm256_or_pd(abs(mag), _mm256_and_pd(set(-0.0), sign)); }
  static double hmax(F x) {
    const __m128d m = _mm_max_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(_mm_max_sd(m, _mm_unpackhi_pd(m, m)));
  }
  static double hmin(F x) {
    const __m128d m = _mm_min_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(_mm_min_sd(m, _mm_unpackhi_pd(m, m)));
  }
  static double hsum(F x) {
    const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
  }

  static F load(const double* p) { return _mm256_loadu_pd(p); }
  static F load(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }  // kLanes floats, widened
  static void store(double* p, F v) { _mm256_storeu_pd(p, v); }
  // The first n < kLanes lanes; the others read as 0 and are not written.
  static I firstLanes(int64_t n) { return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3)); }
  static F loadPartial(const double* p, int64_t n) { return _mm256_maskload_pd(p, firstLanes(n)); }
  static void storePartial(double* p, F v, int64_t n) { _mm256_maskstore_pd(p, firstLanes(n), v); }
};

struct Avx2 {
  using T = float;
  using Double = Avx2D;  // the same width's double lanes
  using F = __m256;
  using I = __m256i;
  using M = __m256;  // all-ones lanes where true
  static constexpr int kLanes = 8;

  static F set(float v) { return _mm256_set1_ps(v); }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  static F sub(F a, F b) { return _mm256_sub_ps(a, b); }
  static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static F div(F a, F b) { return _mm256_div_ps(a, b); }
  static F fma(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F fnma(F a, F b, F c) { return _mm256_fnmadd_ps(a, b, c); }  // c - a*b, rounded once
  static F neg(F a) { return _mm256_xor_ps(a, set(-0.0f)); }
  static F sqrt(F a) { return _mm256_sqrt_ps(a); }
  static F min(F a, F b) { return _mm256_min_ps(a, b); }
  static F max(F a, F b) { return _mm256_max_ps(a, b); }
  static F round(F x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I toInt(F x) { return _mm256_cvtps_epi32(x); }
  static I truncate(F x) { return _mm256_cvttps_epi32(x); }
  static F fromInt(I x) { return _mm256_cvtepi32_ps(x); }
  static I bits(F x) { return _mm256_castps_si256(x); }
  static F fromBits(I x) { return _mm256_castsi256_ps(x); }
  static I iset(int32_t v) { return _mm256_set1_epi32(v); }
  static I iadd(I a, I b) { return _mm256_add_epi32(a, b); }
  static I isub(I a, I b) { return _mm256_sub_epi32(a, b); }
  static I iand(I a, I b) { return _mm256_and_si256(a, b); }
  static I ior(I a, I b) { return _mm256_or_si256(a, b); }
  static I iandnot(I a, I b) { return _mm256_andnot_si256(a, b); }  // ~a & b
  static I ieqZero(I a) { return _mm256_cmpeq_epi32(a, _mm256_setzero_si256()); }  // all ones where 0
  // Bitwise operations on float lanes (masks included).
  static F band(F a, F b) { return _mm256_and_ps(a, b); }
  static F bandnot(F a, F b) { return _mm256_andnot_ps(a, b); }  // ~a & b
  static F bor(F a, F b) { return _mm256_or_ps(a, b); }
  static F bxor(F a, F b) { return _mm256_xor_ps(a, b); }
  template <int K>
  static I shl(I a) { return _mm256_slli_epi32(a, K); }
  template <int K>
  static I sra(I a) { return _mm256_srai_epi32(a, K); }
  template <int K>
  static I srl(I a) { return _mm256_srli_epi32(a, K); }
  static M lt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M gt(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static M eq(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static M isnan(F x) { return _mm256_cmp_ps(x, x, _CMP_UNORD_Q); }
  static M mor(M a, M b) { return _mm256_or_ps(a, b); }
  static bool any(M m) { return _mm256_movemask_ps(m) != 0; }
  static F select(M m, F t, F f) { return _mm256_blendv_ps(f, t, m); }
  static I select(M m, I t, I f) { return bits(_mm256_blendv_ps(fromBits(f), fromBits(t), m)); }
  static F abs(F x) { return _mm256_andnot_ps(set(-0.0f), x); }
  static F copysign(F mag, F sign) { return _mm256_or_ps(abs(mag), _mm256_and_ps(set(-0.0f), sign)); }
  static float hmax(F x) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
  }
  static float hmin(F x) {
    __m128 m = _mm_min_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    m = _mm_min_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_min_ss(m, _mm_movehdup_ps(m)));
  }

  static F load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, F v) { _mm256_storeu_ps(p, v); }
  // The first n < kLanes lanes; the others read as 0 and are not written.
  static I firstLanes(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(int32_t(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static F loadPartial(const float* p, int64_t n) { return _mm256_maskload_ps(p, firstLanes(n)); }
  static void storePartial(float* p, F v, int64_t n) { _mm256_maskstore_ps(p, firstLanes(n), v); }

  // The low and high halves of v in double lanes.
  static Double::F widenLow(F v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
  static Double::F widenHigh(F v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
};

}  // namespace
}  // namespace vecmath
}  // namespace tg
