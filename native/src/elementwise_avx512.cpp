// The AVX-512 instance of the hand-vectorised float32 and float64 kernels (vec_kernels.h).
// Compiled with the AVX-512 flags (CMakeLists.txt: *_avx512.cpp).
#include "vec_kernels_api.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__)
#include "vec_avx2.h"
#include "vec_avx512.h"
#include "vec_kernels.h"

namespace tg {
// The max/min scan stays on AVX2 vectors: its 16-lane version ran slower (4M float32
// from cache, 1 thread: 0.52 ms against 0.36 ms, `node bench/simd-kernels.mjs`).
const PathKernels* pathKernelsAvx512() {
  using namespace vecmath;
  static constexpr PathKernels kernels{vecKernels<Avx512, Avx2>(), vecKernels<Avx512D, Avx2D>()};
  return &kernels;
}
}  // namespace tg

#else  // not an x86-64 build (or MSVC): no AVX-512 path.

namespace tg {
const PathKernels* pathKernelsAvx512() { return nullptr; }
}  // namespace tg

#endif
