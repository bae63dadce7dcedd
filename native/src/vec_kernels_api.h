// Hand-vectorised float32 kernels of contiguous runs, one set per SIMD path (AVX-512,
// AVX2 and NEON in elementwise_{avx512,avx2,neon}.cpp; the math in vec_math.h). The
// elementwise, reduction and softmax kernels take them from floatKernelsFor(ctx.cpu) and
// fall back to their portable loops where it returns null or a function returns false.
#pragma once
#include <cstdint>

#include "tg/context.h"
#include "tg/dtype.h"

namespace tg {

struct FloatKernels {
  // out[i] = op(x[i]) for Exp, Log, Tanh, Sigmoid, Silu; false (nothing written) for the
  // others, so that a call with n = 0 asks whether the op is vectorised.
  bool (*unary)(UnaryOp op, float* out, const float* x, int64_t n);
  // out[i] = exp(x[i] - shift); returns the sum of the out[i], accumulated in double.
  double (*expShiftSum)(float* out, const float* x, float shift, int64_t n);
  // The max (isMax) or min of x[0..n) into *result; false where the portable scan must
  // decide (a NaN, a zero result, n below one vector).
  bool (*extreme)(const float* x, int64_t n, bool isMax, float* result);
  // argmax (isMax) or argmin of x[0..n): the first index of the extreme value, or of the
  // first NaN; -1 where the portable scan must decide (n below one vector).
  int64_t (*argExtreme)(const float* x, int64_t n, bool isMax);
};

// The selected path's kernels, or null (the portable loops) on the others.
const FloatKernels* floatKernelsFor(const CpuFeatures& cpu);
// Each path's set, null when this build has no such path (other architecture).
const FloatKernels* floatKernelsAvx512();
const FloatKernels* floatKernelsAvx2();
const FloatKernels* floatKernelsNeon();

}  // namespace tg
