// The AVX-512 register loop of peak.h. Compiled with -mavx512f (and friends).
#include "peak.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__)
#include <immintrin.h>

#include "peak_loop.h"

namespace tg {

namespace {
struct Avx512 {
  using R = __m512;
  static constexpr int W = 16;
  static R set1(float x) { return _mm512_set1_ps(x); }
  static R fma(R a, R b, R c) { return _mm512_fmadd_ps(a, b, c); }
  static R add(R a, R b) { return _mm512_add_ps(a, b); }
  static float first(R a) { return _mm512_cvtss_f32(a); }
};
}  // namespace

int64_t fmaLoopAvx512Flops(int64_t iters) { return fmaLoopFlops<Avx512>(iters); }
float fmaLoopAvx512(int64_t iters) { return fmaLoop<Avx512>(iters); }
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
