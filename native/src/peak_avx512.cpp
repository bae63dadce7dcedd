// The AVX-512 register loop of peak.h. Compiled with -mavx512f (and friends).
#include "peak.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__)
#include <immintrin.h>

namespace tg {

// Twelve independent chains, as in peak_avx2.cpp.
int64_t fmaLoopAvx512Flops(int64_t iters) { return iters * 12 * 16 * 2; }

float fmaLoopAvx512(int64_t iters) {
  const __m512 mul = _mm512_set1_ps(0.999999f), add = _mm512_set1_ps(1e-7f);
  __m512 a0 = add, a1 = add, a2 = add, a3 = add, a4 = add, a5 = add;
  __m512 a6 = add, a7 = add, a8 = add, a9 = add, a10 = add, a11 = add;
  for (int64_t i = 0; i < iters; ++i) {
    a0 = _mm512_fmadd_ps(a0, mul, add), a1 = _mm512_fmadd_ps(a1, mul, add), a2 = _mm512_fmadd_ps(a2, mul, add);
    a3 = _mm512_fmadd_ps(a3, mul, add), a4 = _mm512_fmadd_ps(a4, mul, add), a5 = _mm512_fmadd_ps(a5, mul, add);
    a6 = _mm512_fmadd_ps(a6, mul, add), a7 = _mm512_fmadd_ps(a7, mul, add), a8 = _mm512_fmadd_ps(a8, mul, add);
    a9 = _mm512_fmadd_ps(a9, mul, add), a10 = _mm512_fmadd_ps(a10, mul, add), a11 = _mm512_fmadd_ps(a11, mul, add);
    // An empty asm that "may change" the accumulators keeps the loop from being folded.
    asm volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5), "+v"(a6), "+v"(a7), "+v"(a8),
                 "+v"(a9), "+v"(a10), "+v"(a11));
  }
  const __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                                   _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  return _mm512_reduce_add_ps(_mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11))));
}

bool fmaLoopAvx512Built() { return true; }

}  // namespace tg

#else  // not an x86-64 build: peak.cpp never calls fmaLoopAvx512.

#include "tg/error.h"

namespace tg {
int64_t fmaLoopAvx512Flops(int64_t) { return 0; }
float fmaLoopAvx512(int64_t) { throw Error("fmaLoopAvx512: not built for this CPU"); }
bool fmaLoopAvx512Built() { return false; }
}  // namespace tg

#endif
