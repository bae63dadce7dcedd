// The product reduction's run kernel, written once over double-lane vector operations D
// (Avx512D, Avx2D, NeonD of vec_*.h, or ScalarLanes below for the portable path), so that
// every path, the portable one included, gives the same bits.
#pragma once
#include <cstddef>
#include <cstdint>

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

// The number of double lanes the product keeps: element i multiplies into lane i mod 32
// (32 independent multiply chains hide the multiply latency on every path).
constexpr int kProductLanes = 32;
// Lines asked for this far ahead: as for the AVX-512 sum (reduce_avx512.cpp), a long run
// from memory is bound by the cache-line misses in flight, which the hardware prefetcher
// alone keeps too few of. A hint: past the end of the run it does nothing.
constexpr int64_t kProductPrefetchBytes = 8192;

// The product of p[0..n) (float32 or float64) in double: 32 lanes as above over the first
// n - n mod 32 elements, the lanes combined pairwise (lane j with j + 16, then j + 8, 4, 2,
// 1: a fixed tree), then the remaining elements multiplied in, in order. Where partial
// products overflow or underflow the grouping decides between inf, 0 and NaN (as in any
// vectorised product, PyTorch's included); otherwise IEEE products: a 0 with an inf or
// any NaN gives NaN.
template <typename D, typename T>
double productRun(const T* p, int64_t n) {
  constexpr int kVectors = kProductLanes / D::kLanes;
  typename D::F acc[kVectors];
  for (auto& a : acc) a = D::set(1.0);
  int64_t i = 0;
  for (; i + kProductLanes <= n; i += kProductLanes) {
    const char* ahead = reinterpret_cast<const char*>(p + i) + kProductPrefetchBytes;
    for (size_t line = 0; line < kProductLanes * sizeof(T); line += 64) __builtin_prefetch(ahead + line);
    for (int k = 0; k < kVectors; ++k) acc[k] = D::mul(acc[k], D::load(p + i + k * D::kLanes));
  }
  double lanes[kProductLanes];
  for (int k = 0; k < kVectors; ++k) D::store(lanes + k * D::kLanes, acc[k]);
  for (int half = kProductLanes / 2; half >= 1; half /= 2)
    for (int j = 0; j < half; ++j) lanes[j] *= lanes[j + half];
  double r = lanes[0];
  for (; i < n; ++i) r *= p[i];
  return r;
}

// One double lane: productRun's portable instance.
struct ScalarLanes {
  using F = double;
  static constexpr int kLanes = 1;
  static F set(double v) { return v; }
  static F mul(F a, F b) { return a * b; }
  static F load(const double* p) { return *p; }
  static F load(const float* p) { return *p; }
  static void store(double* p, F v) { *p = v; }
};

}  // namespace
}  // namespace vecmath
}  // namespace tg
