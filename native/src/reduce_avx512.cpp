// The AVX-512 sums of reduce_simd.h. Compiled with -mavx512f (and friends). Four
// independent accumulator chains of 8 doubles: one add latency covers 32 elements
// (the portable loop's eight accumulators cover 8), which is what makes in-cache
// sums faster; long sums from memory gain from the prefetches (prefetchAhead).
#include "reduce_simd.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__)
#include <immintrin.h>

namespace tg {

namespace {
// A long sum from memory is bound by how many cache-line misses a core keeps in flight;
// asking for the lines 8 KB ahead (the two lines of the next 128 bytes there) raised one
// core's 16M float32 sum from about 36 to 45 GB/s here (the hardware prefetcher alone runs
// out of steam). 32 KB ahead did better still, most of all with both cores streaming: the
// 16M sum on 2 threads took 1-8% less time than with 8 KB (bench/PROFILES.md, "W6 sum on 2 threads";
// 64 KB, or T1/NTA hints, did no better). Prefetches past the end of the run are harmless hints.
constexpr int64_t kPrefetchBytes = 32768;
inline void prefetchAhead(const void* p) {
  const char* c = static_cast<const char*>(p) + kPrefetchBytes;
  _mm_prefetch(c, _MM_HINT_T0);
  _mm_prefetch(c + 64, _MM_HINT_T0);
}

inline double combine(__m512d a0, __m512d a1, __m512d a2, __m512d a3) {
  return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)));
}
}  // namespace

double sumChunkAvx512(const float* p, int64_t n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetchAhead(p + i);
    // Each 8-float load converts in place (vcvtps2pd from memory): fewer instructions per
    // cache line than a 16-float load split in halves, so more lines are in flight.
    a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm256_loadu_ps(p + i)));
    a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 8)));
    a2 = _mm512_add_pd(a2, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 16)));
    a3 = _mm512_add_pd(a3, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 24)));
  }
  double s = combine(a0, a1, a2, a3);
  for (; i < n; ++i) s += p[i];
  return s;
}

double sumChunkAvx512(const double* p, int64_t n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    prefetchAhead(p + i);
    prefetchAhead(p + i + 16);
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
