// Hand-vectorised float32 and float64 kernels of contiguous runs, one set per SIMD path
// (AVX-512, AVX2 and NEON in elementwise_{avx512,avx2,neon}.cpp; the math in vec_math.h).
// The elementwise, reduction and softmax kernels take them from vecKernelsFor<T>(ctx.cpu)
// and fall back to their portable loops where it returns null or a function returns false.
#pragma once
#include <cstdint>
#include <type_traits>

#include "tg/context.h"
#include "tg/dtype.h"

namespace tg {

template <typename T>
struct VecKernels {
  // out[i] = op(x[i]) for Exp, Log, Tanh, Sigmoid, Silu; false (nothing written) for the
  // others, so that a call with n = 0 asks whether the op is vectorised.
  bool (*unary)(UnaryOp op, T* out, const T* x, int64_t n);
  // out[i] = exp(x[i] - shift); returns the sum of the out[i], accumulated in double.
  double (*expShiftSum)(T* out, const T* x, T shift, int64_t n);
  // The max (isMax) or min of x[0..n) into *result; false where the portable scan must
  // decide (a NaN, a zero result, n below one vector).
  bool (*extreme)(const T* x, int64_t n, bool isMax, T* result);
  // argmax (isMax) or argmin of x[0..n): the first index of the extreme value, or of the
  // first NaN; -1 where the portable scan must decide (n below one vector).
  int64_t (*argExtreme)(const T* x, int64_t n, bool isMax);
  // The product of x[0..n) in double, in vec_product.h's fixed order: the same bits as the
  // portable productRun<ScalarLanes>.
  double (*product)(const T* x, int64_t n);
};

// One path's kernels for both element types.
struct PathKernels {
  VecKernels<float> f32;
  VecKernels<double> f64;
};

// The selected path's kernels, or null (the portable loops) on the others.
const PathKernels* pathKernelsFor(const CpuFeatures& cpu);
template <typename T>
const VecKernels<T>* vecKernelsFor(const CpuFeatures& cpu) {
  const PathKernels* path = pathKernelsFor(cpu);
  if (!path) return nullptr;
  if constexpr (std::is_same_v<T, float>) return &path->f32;
  else return &path->f64;
}
// Each path's set, null when this build has no such path (other architecture).
const PathKernels* pathKernelsAvx512();
const PathKernels* pathKernelsAvx2();
const PathKernels* pathKernelsNeon();

}  // namespace tg
