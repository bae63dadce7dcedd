// The AVX-512 sums of reduce_simd.h. Compiled with -mavx512f (and friends). Four
// independent accumulator chains of 8 doubles: one add latency covers 32 elements
// (the portable loop's eight accumulators cover 8), which is what makes in-cache
// sums faster; long sums from memory are bandwidth-bound either way.
#include "reduce_simd.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__)
#include <immintrin.h>

namespace tg {

namespace {
inline double combine(__m512d a0, __m512d a1, __m512d a2, __m512d a3) {
  return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
}
}  // namespace

double sumChunkAvx512(const float* p, int64_t n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 lo = _mm512_loadu_ps(p + i), hi = _mm512_loadu_ps(p + i + 16);
    a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm512_castps512_ps256(lo)));
    a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(lo), 1))));
    a2 = _mm512_add_pd(a2, _mm512_cvtps_pd(_mm512_castps512_ps256(hi)));
    a3 = _mm512_add_pd(a3, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(hi), 1))));
  }
  double s = combine(a0, a1, a2, a3);
  for (; i < n; ++i) s += p[i];
  return s;
}

double sumChunkAvx512(const double* p, int64_t n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm512_add_pd(a0, _mm512_loadu_pd(p + i));
    a1 = _mm512_add_pd(a1, _mm512_loadu_pd(p + i + 8));
    a2 = _mm512_add_pd(a2, _mm512_loadu_pd(p + i + 16));
    a3 = _mm512_add_pd(a3, _mm512_loadu_pd(p + i + 24));
  }
  double s = combine(a0, a1, a2, a3);
  for (; i < n; ++i) s += p[i];
  return s;
}

bool sumAvx512Built() { return true; }

}  // namespace tg

#else  // not an x86-64 build: reduce.cpp never calls these.

#include "tg/error.h"

namespace tg {
double sumChunkAvx512(const float*, int64_t) { throw Error("sumChunkAvx512: not built for this CPU"); }
double sumChunkAvx512(const double*, int64_t) { throw Error("sumChunkAvx512: not built for this CPU"); }
bool sumAvx512Built() { return false; }
}  // namespace tg

#endif
