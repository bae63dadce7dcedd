// The vector operations of vec_math.h / vec_kernels.h on AVX-512: 16 float lanes (Avx512)
// and 8 double lanes (Avx512D).
// Include only from files compiled with the AVX-512 flags (*_avx512.cpp).
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

struct Avx512D {
  using Double = Avx512D;
  using T = double;
  using F = __m512d;
  using I = __m512i;  // int64 lanes
  using M = __mmask8;
  static constexpr int kLanes = 8;

  static F set(double v) { return _mm512_set1_pd(v); }
  static F add(F a, F b) { return _mm512_add_pd(a, b); }
  static F sub(F a, F b) { return _mm512_sub_pd(a, b); }
  static F mul(F a, F b) { return _mm512_mul_pd(a, b); }
  static F div(F a, F b) { return _mm512_div_pd(a, b); }
  static F fma(F a, F b, F c) { return _mm512_fmadd_pd(a, b, c); }
  static F min(F a, F b) { return _mm512_min_pd(a, b); }
  static F max(F a, F b) { return _mm512_max_pd(a, b); }
  static F round(F x) { return _mm512_roundscale_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I bits(F x) { return _mm512_castpd_si512(x); }
  static F fromBits(I x) { return _mm512_castsi512_pd(x); }
  static I iset(int64_t v) { return _mm512_set1_epi64(v); }
  static I iand(I a, I b) { return _mm512_and_si512(a, b); }
  static I ior(I a, I b) { return _mm512_or_si512(a, b); }
  template <int K>
  static I shl(I a) { return _mm512_slli_epi64(a, K); }
  template <int K>
  static I srl(I a) { return _mm512_srli_epi64(a, K); }
  static M lt(F a, F b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static M gt(F a, F b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
  static M eq(F a, F b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  static M isnan(F x) { return _mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q); }
  static M mor(M a, M b) { return static_cast<M>(a | b); }
  static bool any(M m) { return m != 0; }
  static F select(M m, F t, F f) { return _mm512_mask_blend_pd(m, f, t); }
  static F abs(F x) { return _mm512_abs_pd(x); }
  static F copysign(F mag, F sign) {
    const I s = iset(int64_t(0x8000000000000000u));
    return fromBits(ior(_mm512_andnot_si512(s, bits(mag)), iand(s, bits(sign))));
  }
  static double hmax(F x) { return _mm512_reduce_max_pd(x); }
  static double hmin(F x) { return _mm512_reduce_min_pd(x); }
  static double hsum(F x) { return _mm512_reduce_add_pd(x); }

  static F load(const double* p) { return _mm512_loadu_pd(p); }
  static F load(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }  // kLanes floats, widened
  static void store(double* p, F v) { _mm512_storeu_pd(p, v); }
  // The first n < kLanes lanes; the others read as 0 and are not written.
  static M firstLanes(int64_t n) { return static_cast<M>((1u << n) - 1); }
  static F loadPartial(const double* p, int64_t n) { return _mm512_maskz_loadu_pd(firstLanes(n), p); }
  static void storePartial(double* p, F v, int64_t n) { _mm512_mask_storeu_pd(p, firstLanes(n), v); }
};

struct Avx512 {
  using T = float;
  using Double = Avx512D;  // the same width's double lanes
  using F = __m512;
  using I = __m512i;
  using M = __mmask16;
  static constexpr int kLanes = 16;

  static F set(float v) { return _mm512_set1_ps(v); }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static F sub(F a, F b) { return _mm512_sub_ps(a, b); }
  static F mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static F div(F a, F b) { return _mm512_div_ps(a, b); }
  static F fma(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static F min(F a, F b) { return _mm512_min_ps(a, b); }
  static F max(F a, F b) { return _mm512_max_ps(a, b); }
  static F round(F x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static I toInt(F x) { return _mm512_cvtps_epi32(x); }
  static F fromInt(I x) { return _mm512_cvtepi32_ps(x); }
  static I bits(F x) { return _mm512_castps_si512(x); }
  static F fromBits(I x) { return _mm512_castsi512_ps(x); }
  static I iset(int32_t v) { return _mm512_set1_epi32(v); }
  static I iadd(I a, I b) { return _mm512_add_epi32(a, b); }
  static I isub(I a, I b) { return _mm512_sub_epi32(a, b); }
  static I iand(I a, I b) { return _mm512_and_si512(a, b); }
  static I ior(I a, I b) { return _mm512_or_si512(a, b); }
  template <int K>
  static I shl(I a) { return _mm512_slli_epi32(a, K); }
  template <int K>
  static I sra(I a) { return _mm512_srai_epi32(a, K); }
  static M lt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M gt(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static M eq(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static M isnan(F x) { return _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q); }
  static M mor(M a, M b) { return static_cast<M>(a | b); }
  static bool any(M m) { return m != 0; }
  static F select(M m, F t, F f) { return _mm512_mask_blend_ps(m, f, t); }
  static I select(M m, I t, I f) { return _mm512_mask_blend_epi32(m, f, t); }
  static F abs(F x) { return _mm512_abs_ps(x); }
  static F copysign(F mag, F sign) {
    const I s = iset(int32_t(0x80000000u));
    return fromBits(ior(_mm512_andnot_si512(s, bits(mag)), iand(s, bits(sign))));
  }
  static float hmax(F x) { return _mm512_reduce_max_ps(x); }
  static float hmin(F x) { return _mm512_reduce_min_ps(x); }

  static F load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, F v) { _mm512_storeu_ps(p, v); }
  // The first n < kLanes lanes; the others read as 0 and are not written.
  static M firstLanes(int64_t n) { return static_cast<M>((1u << n) - 1); }
  static F loadPartial(const float* p, int64_t n) { return _mm512_maskz_loadu_ps(firstLanes(n), p); }
  static void storePartial(float* p, F v, int64_t n) { _mm512_mask_storeu_ps(p, firstLanes(n), v); }

  // The low and high halves of v in double lanes.
  static Double::F widenLow(F v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
  static Double::F widenHigh(F v) {
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  }
};

}  // namespace
}  // namespace vecmath
}  // namespace tg
