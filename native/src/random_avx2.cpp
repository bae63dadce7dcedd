// The AVX2 build of the float32 normal transform (normal16.h): the same arithmetic as
// the portable build, eight lanes at a time. Compiled with -mavx2 -mfma.
#include "normal16.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace tg {
namespace {

struct Avx2Lanes {
  using F = __m256;
  using I = __m256i;
  static constexpr int W = 8;
  static F splat(float x) { return _mm256_set1_ps(x); }
  static I isplat(int32_t x) { return _mm256_set1_epi32(x); }
  static F load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, F x) { _mm256_storeu_ps(p, x); }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  static F sub(F a, F b) { return _mm256_sub_ps(a, b); }
  static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static F fma(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F fnma(F a, F b, F c) { return _mm256_fnmadd_ps(a, b, c); }
  static F neg(F a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
  static F sqrt(F a) { return _mm256_sqrt_ps(a); }
  static F max(F a, F b) { return _mm256_max_ps(a, b); }
  static F less(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LT_OS); }
  static I bits(F a) { return _mm256_castps_si256(a); }
  static F fromBits(I i) { return _mm256_castsi256_ps(i); }
  static F band(F a, F b) { return _mm256_and_ps(a, b); }
  static F bandnot(F a, F b) { return _mm256_andnot_ps(a, b); }
  static F bor(F a, F b) { return _mm256_or_ps(a, b); }
  static F bxor(F a, F b) { return _mm256_xor_ps(a, b); }
  static F toFloat(I i) { return _mm256_cvtepi32_ps(i); }
  static I truncate(F a) { return _mm256_cvttps_epi32(a); }
  static I iadd(I a, I b) { return _mm256_add_epi32(a, b); }
  static I isub(I a, I b) { return _mm256_sub_epi32(a, b); }
  static I iand(I a, I b) { return _mm256_and_si256(a, b); }
  static I iandnot(I a, I b) { return _mm256_andnot_si256(a, b); }
  static I shiftRight23(I a) { return _mm256_srli_epi32(a, 23); }
  static I shiftLeft29(I a) { return _mm256_slli_epi32(a, 29); }
  static I isZero(I a) { return _mm256_cmpeq_epi32(a, _mm256_setzero_si256()); }
};

}  // namespace

bool normalAvx2Built() { return true; }

void normalFillAvx2(float* data, int64_t blocks, float mean, float std) {
  for (int64_t b = 0; b < blocks; ++b) normal16::fill16<Avx2Lanes>(data + 16 * b, mean, std);
}

}  // namespace tg

#else  // not an x86-64 build with AVX2: random.cpp never calls normalFillAvx2.

#include "tg/error.h"

namespace tg {
bool normalAvx2Built() { return false; }
void normalFillAvx2(float*, int64_t, float, float) { throw Error("normalFillAvx2: not built for this CPU"); }
}  // namespace tg

#endif
