// Sum-kernel variants on one core, on an n-float buffer in huge pages (bench/PROFILES.md,
// "W6 sum on 2 threads"): v0 is reduce_avx512.cpp's float32 loop (each 8 floats widened to
// double as loaded) with and without its 32 KB prefetch, v1 adds elements i and i + 16 in
// float before widening (half the conversions; tried, not adopted), v3 is PyTorch's kind
// of loop (float accumulators; reference only). Not part of the build:
//   g++ -O2 -mavx512f -mavx512dq -mavx512vl -mavx2 -o /tmp/w6k bench/w6sum-kernels.cpp
//   flock /tmp/heavy.lock sh -c '/tmp/w6k 262144; /tmp/w6k 4194304; /tmp/w6k 16777216'
#include <immintrin.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sys/mman.h>
static inline double comb(__m512d a0, __m512d a1, __m512d a2, __m512d a3) { return _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3))); }
template <int PF> __attribute__((noinline)) double v0(const float* p, long n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  for (long i = 0; i + 32 <= n; i += 32) {
    if (PF) { const char* c = (const char*)(p + i) + PF; _mm_prefetch(c, _MM_HINT_T0); _mm_prefetch(c + 64, _MM_HINT_T0); }
    a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm256_loadu_ps(p + i)));
    a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 8)));
    a2 = _mm512_add_pd(a2, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 16)));
    a3 = _mm512_add_pd(a3, _mm512_cvtps_pd(_mm256_loadu_ps(p + i + 24)));
  }
  return comb(a0, a1, a2, a3);
}
// float pair add, then widen: 2 conversions per 32 floats
template <int PF> __attribute__((noinline)) double v1(const float* p, long n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
  for (long i = 0; i + 64 <= n; i += 64) {
    if (PF) { const char* c = (const char*)(p + i) + PF; _mm_prefetch(c, _MM_HINT_T0); _mm_prefetch(c + 64, _MM_HINT_T0); _mm_prefetch(c + 128, _MM_HINT_T0); _mm_prefetch(c + 192, _MM_HINT_T0); }
    __m512 s = _mm512_add_ps(_mm512_loadu_ps(p + i), _mm512_loadu_ps(p + i + 16));
    __m512 t = _mm512_add_ps(_mm512_loadu_ps(p + i + 32), _mm512_loadu_ps(p + i + 48));
    a0 = _mm512_add_pd(a0, _mm512_cvtps_pd(_mm512_castps512_ps256(s)));
    a1 = _mm512_add_pd(a1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(s), 1))));
    a2 = _mm512_add_pd(a2, _mm512_cvtps_pd(_mm512_castps512_ps256(t)));
    a3 = _mm512_add_pd(a3, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(t), 1))));
  }
  return comb(a0, a1, a2, a3);
}
// float blocks: 4 chains x 8 loads of 16 floats, folded pairwise, widened once per block
template <int PF> __attribute__((noinline)) double v4(const float* p, long n) {
  __m512d lo = _mm512_setzero_pd(), hi = lo;
  for (long i = 0; i + 512 <= n; i += 512) {
    __m512 f[4];
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c) f[c] = _mm512_loadu_ps(p + i + 16 * c);
#pragma GCC unroll 8
    for (int b = 1; b < 8; ++b) {
      const float* q = p + i + 64 * b;
      if (PF) { const char* c = (const char*)q + PF; _mm_prefetch(c, _MM_HINT_T0); _mm_prefetch(c + 64, _MM_HINT_T0); _mm_prefetch(c + 128, _MM_HINT_T0); _mm_prefetch(c + 192, _MM_HINT_T0); }
#pragma GCC unroll 4
      for (int c = 0; c < 4; ++c) f[c] = _mm512_add_ps(f[c], _mm512_loadu_ps(q + 16 * c));
    }
    if (PF) { const char* c = (const char*)(p + i) + PF; _mm_prefetch(c, _MM_HINT_T0); _mm_prefetch(c + 64, _MM_HINT_T0); _mm_prefetch(c + 128, _MM_HINT_T0); _mm_prefetch(c + 192, _MM_HINT_T0); }
    const __m512 s = _mm512_add_ps(_mm512_add_ps(f[0], f[1]), _mm512_add_ps(f[2], f[3]));
    lo = _mm512_add_pd(lo, _mm512_cvtps_pd(_mm512_castps512_ps256(s)));
    hi = _mm512_add_pd(hi, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(s), 1))));
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(lo, hi));
}
// torch-like float (reference only)
__attribute__((noinline)) double v3(const float* p, long n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0;
  for (long i = 0; i + 32 <= n; i += 32) { a0 = _mm512_add_ps(a0, _mm512_loadu_ps(p + i)); a1 = _mm512_add_ps(a1, _mm512_loadu_ps(p + i + 16)); }
  return _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
}
int main(int argc, char** argv) {
  long n = atol(argv[1]);
  const size_t bytes = ((4 * n + (1 << 21) - 1) >> 21) << 21;  // whole 2 MB pages, as tensorgrad's storage gets
  float* x = static_cast<float*>(aligned_alloc(1 << 21, bytes));
  madvise(x, bytes, MADV_HUGEPAGE);
  for (long i = 0; i < n; ++i) x[i] = rand() / float(RAND_MAX);
  using F = double (*)(const float*, long);
  const char* names[] = {"v0 cvt-load x4 pf32K", "v0 nopf", "v1 pair-float pf32K", "v1 nopf", "v4 float blocks pf32K", "v4 nopf", "v3 float (torch-like)"};
  F fs[] = {v0<32768>, v0<0>, v1<32768>, v1<0>, v4<32768>, v4<0>, v3};
  long reps = 4e9 / (4 * n) + 1;
  volatile double sink = 0;
  for (int round = 0; round < 3; ++round)
    for (int f = 0; f < 7; ++f) {
      for (long r = 0; r < reps / 4 + 1; ++r) sink = sink + fs[f](x, n);
      auto t0 = std::chrono::steady_clock::now();
      for (long r = 0; r < reps; ++r) sink = sink + fs[f](x, n);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      printf("n=%ld %-24s %.1f GB/s\n", n, names[f], 4.0 * n * reps / s / 1e9);
    }
}
