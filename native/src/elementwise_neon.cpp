// The arm64 NEON instance of the hand-vectorised float32 and float64 kernels (vec_kernels.h).
// Verified under qemu-aarch64 by `npm run test:arm64` (no arm64 hardware here to time it).
#include "vec_kernels_api.h"

#if defined(__aarch64__)
#include "vec_kernels.h"
#include "vec_neon.h"

namespace tg {
const PathKernels* pathKernelsNeon() {
  static constexpr PathKernels kernels{vecmath::vecKernels<vecmath::Neon>(), vecmath::vecKernels<vecmath::NeonD>()};
  return &kernels;
}
}  // namespace tg

#else  // not an arm64 build: no NEON path.

namespace tg {
const PathKernels* pathKernelsNeon() { return nullptr; }
}  // namespace tg

#endif
