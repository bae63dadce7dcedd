// The AVX2+FMA register loop of peak.h. Compiled with -mavx2 -mfma.
#include "peak.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace tg {

// Twelve independent chains: enough to cover an FMA latency of 4-5 cycles on two ports.
int64_t fmaLoopAvx2Flops(int64_t iters) { return iters * 12 * 8 * 2; }

float fmaLoopAvx2(int64_t iters) {
  // Named variables, not an array: an array indexed in a loop would live in memory.
  const __m256 mul = _mm256_set1_ps(0.999999f), add = _mm256_set1_ps(1e-7f);
  __m256 a0 = add, a1 = add, a2 = add, a3 = add, a4 = add, a5 = add;
  __m256 a6 = add, a7 = add, a8 = add, a9 = add, a10 = add, a11 = add;
  for (int64_t i = 0; i < iters; ++i) {
    a0 = _mm256_fmadd_ps(a0, mul, add), a1 = _mm256_fmadd_ps(a1, mul, add), a2 = _mm256_fmadd_ps(a2, mul, add);
    a3 = _mm256_fmadd_ps(a3, mul, add), a4 = _mm256_fmadd_ps(a4, mul, add), a5 = _mm256_fmadd_ps(a5, mul, add);
    a6 = _mm256_fmadd_ps(a6, mul, add), a7 = _mm256_fmadd_ps(a7, mul, add), a8 = _mm256_fmadd_ps(a8, mul, add);
    a9 = _mm256_fmadd_ps(a9, mul, add), a10 = _mm256_fmadd_ps(a10, mul, add), a11 = _mm256_fmadd_ps(a11, mul, add);
    // An empty asm that "may change" the accumulators keeps the loop from being folded.
    asm volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5), "+x"(a6), "+x"(a7), "+x"(a8),
                 "+x"(a9), "+x"(a10), "+x"(a11));
  }
  const __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                                   _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  return _mm256_cvtss_f32(_mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11))));
}

bool fmaLoopAvx2Built() { return true; }

}  // namespace tg

#else  // not an x86-64 build with AVX2: peak.cpp never calls fmaLoopAvx2.

#include "tg/error.h"

namespace tg {
int64_t fmaLoopAvx2Flops(int64_t) { return 0; }
float fmaLoopAvx2(int64_t) { throw Error("fmaLoopAvx2: not built for this CPU"); }
bool fmaLoopAvx2Built() { return false; }
}  // namespace tg

#endif
