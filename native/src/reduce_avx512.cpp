// The AVX-512 sums of reduce_simd.h. Compiled with -mavx512f (and friends). Four
// independent accumulator chains: one add latency covers 64 floats (32 doubles), which
// is what makes in-cache sums fast; long sums from memory gain from the prefetches
// (prefetchAhead).
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

// Adds the 16 floats of f, widened, to the 16 double lanes (lo, hi).
inline void widenAdd(__m512 f, __m512d& lo, __m512d& hi) {
  lo = _mm512_add_pd(lo, _mm512_cvtps_pd(_mm512_castps512_ps256(f)));
  hi = _mm512_add_pd(hi, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(f), 1))));
}
}  // namespace

// Blocks of 512 floats (kFloatBlockSteps loads into each of 4 ZMM chains) are summed in
// float, the chains folded pairwise, and the block's 16 lanes widened into double. Widening every
// float (vcvtps2pd) cost one conversion and one double add per 8 floats: compute-bound
// once the data sit in L2/L3, as the W6 bench's 64 MiB tensor partly does (one core,
// 16 MB: 70 GB/s, this loop 96, PyTorch's float loop 95; bench/PROFILES.md, "W6 sum").
double sumChunkAvx512(const float* p, int64_t n) {
  constexpr int64_t kBlock = 64 * kFloatBlockSteps;
  __m512d lo = _mm512_setzero_pd(), hi = lo;
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    __m512 f0 = _mm512_loadu_ps(p + i), f1 = _mm512_loadu_ps(p + i + 16);
    __m512 f2 = _mm512_loadu_ps(p + i + 32), f3 = _mm512_loadu_ps(p + i + 48);
    prefetchAhead(p + i);
    prefetchAhead(p + i + 32);
#pragma GCC unroll 16
    for (int step = 1; step < kFloatBlockSteps; ++step) {
      const float* q = p + i + 64 * step;
      prefetchAhead(q);
      prefetchAhead(q + 32);
      f0 = _mm512_add_ps(f0, _mm512_loadu_ps(q));
      f1 = _mm512_add_ps(f1, _mm512_loadu_ps(q + 16));
      f2 = _mm512_add_ps(f2, _mm512_loadu_ps(q + 32));
      f3 = _mm512_add_ps(f3, _mm512_loadu_ps(q + 48));
    }
    widenAdd(_mm512_add_ps(_mm512_add_ps(f0, f1), _mm512_add_ps(f2, f3)), lo, hi);
  }
  for (; i + 16 <= n; i += 16) widenAdd(_mm512_loadu_ps(p + i), lo, hi);
  double s = _mm512_reduce_add_pd(_mm512_add_pd(lo, hi));
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
