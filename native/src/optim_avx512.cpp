// The optimizer updates of optim_updates.h compiled with the AVX-512 flags
// (CMakeLists.txt: *_avx512.cpp, plus optim.cpp's -fno-math-errno): the same arithmetic
// as the portable copy, so the same bits, in 16-lane vectors.
#include "optim_updates.h"

namespace tg {

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__AVX512F__)
OptimUpdate<float> optimUpdateAvx512(OptimOp op, float) { return optimUpdate<float>(op); }
OptimUpdate<double> optimUpdateAvx512(OptimOp op, double) { return optimUpdate<double>(op); }
#else  // not an x86-64 build: no AVX-512 path.
OptimUpdate<float> optimUpdateAvx512(OptimOp, float) { return nullptr; }
OptimUpdate<double> optimUpdateAvx512(OptimOp, double) { return nullptr; }
#endif

}  // namespace tg
