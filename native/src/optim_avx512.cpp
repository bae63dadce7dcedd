// The optimizer updates of optim_updates.h compiled with the AVX-512 flags
// (CMakeLists.txt: *_avx512.cpp, plus optim.cpp's -fno-math-errno): the same arithmetic
// as the portable copy, so the same bits, in 16-lane vectors. Only where that paid
// (`node bench/simd-kernels.mjs`, 4M float32, AVX-512 vs the portable copy): Adam 1.33x,
// AdamW 1.43x, RMSprop 1.25x, Adagrad 1.32x, Adamax 2.0x, NAdam 1.65x; SGD (0.65x) and
// RAdam (0.66x) ran slower and keep the portable copy.
#include "optim_updates.h"

namespace tg {

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__)
namespace {
template <typename T>
OptimUpdate<T> updateWherePays(OptimOp op) {
  switch (op) {
    case OptimOp::Adam:
    case OptimOp::Rmsprop:
    case OptimOp::Adagrad:
    case OptimOp::Adamax:
    case OptimOp::Nadam: return optimUpdate<T>(op);
    default: return nullptr;
  }
}
}  // namespace
OptimUpdate<float> optimUpdateAvx512(OptimOp op, float) { return updateWherePays<float>(op); }
OptimUpdate<double> optimUpdateAvx512(OptimOp op, double) { return updateWherePays<double>(op); }
#else  // not an x86-64 build: no AVX-512 path.
OptimUpdate<float> optimUpdateAvx512(OptimOp, float) { return nullptr; }
OptimUpdate<double> optimUpdateAvx512(OptimOp, double) { return nullptr; }
#endif

}  // namespace tg
