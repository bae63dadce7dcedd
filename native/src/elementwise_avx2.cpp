// The AVX2+FMA instance of the hand-vectorised float32 and float64 kernels (vec_kernels.h).
// Compiled with the AVX2 flags (CMakeLists.txt: *_avx2.cpp).
#include "vec_kernels_api.h"

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX2__) && defined(__FMA__)
#include "vec_avx2.h"
#include "vec_kernels.h"

namespace tg {
const PathKernels* pathKernelsAvx2() {
  static constexpr PathKernels kernels{vecmath::vecKernels<vecmath::Avx2>(), vecmath::vecKernels<vecmath::Avx2D>()};
  return &kernels;
}
}  // namespace tg

#else  // not an x86-64 build (or MSVC): no AVX2 path.

namespace tg {
const PathKernels* pathKernelsAvx2() { return nullptr; }
}  // namespace tg

#endif
