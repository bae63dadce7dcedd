// The AVX2+FMA register loop of peak.h. Compiled with -mavx2 -mfma.
#include "peak.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "peak_loop.h"

namespace tg {

namespace {
struct Avx2 {
  using R = __m256;
  static constexpr int W = 8;
  static R set1(float x) { return _mm256_set1_ps(x); }
  static R fma(R a, R b, R c) { return _mm256_fmadd_ps(a, b, c); }
  static R add(R a, R b) { return _mm256_add_ps(a, b); }
  static float first(R a) { return _mm256_cvtss_f32(a); }
};
}  // namespace

int64_t fmaLoopAvx2Flops(int64_t iters) { return fmaLoopFlops<Avx2>(iters); }
float fmaLoopAvx2(int64_t iters) { return fmaLoop<Avx2>(iters); }
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
