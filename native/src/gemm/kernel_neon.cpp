// arm64 NEON kernels (Advanced SIMD is part of the arm64 baseline: no extra flags).
// Micro-tiles: float 12x8, double 12x4 — 24 of the 32 vector registers accumulate, 2
// hold the B row, 1 the broadcast A value. Packing is the portable code (pack_impl.h),
// which the compiler vectorises for NEON. Verified under qemu-aarch64 by
// `npm run test:arm64` (not timed: no arm64 hardware here).
#include "pack_impl.h"
#include "tile_impl.h"

#if defined(__aarch64__)
#include <arm_neon.h>

namespace tg {
namespace gemm_detail {
namespace {

// NEON has no masked loads and stores: a "mask" is the lane count, and the partial
// vector goes through a small buffer (only the direct kernel's last column strip).
template <typename V, typename T, int W>
struct PartialVectors {
  using M = int;
  static M mask(int64_t n) { return static_cast<M>(n); }
  static auto maskload(const T* p, M n) {
    T buf[W] = {};
    for (int i = 0; i < n; ++i) buf[i] = p[i];
    return V::loadu(buf);
  }
  template <typename R>
  static void maskstore(T* p, M n, R v) {
    T buf[W];
    V::storeu(buf, v);
    for (int i = 0; i < n; ++i) p[i] = buf[i];
  }
};

template <typename T> struct Vec;

template <> struct Vec<float> : PartialVectors<Vec<float>, float, 4> {
  using T = float;
  using R = float32x4_t;
  static constexpr int W = 4;
  static R zero() { return vdupq_n_f32(0.0f); }
  static R load(const float* p) { return vld1q_f32(p); }
  static R loadu(const float* p) { return vld1q_f32(p); }
  static R bcast(const float* p) { return vld1q_dup_f32(p); }
  static R fma(R a, R b, R c) { return vfmaq_f32(c, a, b); }
  static R add(R a, R b) { return vaddq_f32(a, b); }
  static void storeu(float* p, R v) { vst1q_f32(p, v); }
};

template <> struct Vec<double> : PartialVectors<Vec<double>, double, 2> {
  using T = double;
  using R = float64x2_t;
  static constexpr int W = 2;
  static R zero() { return vdupq_n_f64(0.0); }
  static R load(const double* p) { return vld1q_f64(p); }
  static R loadu(const double* p) { return vld1q_f64(p); }
  static R bcast(const double* p) { return vld1q_dup_f64(p); }
  static R fma(R a, R b, R c) { return vfmaq_f64(c, a, b); }
  static R add(R a, R b) { return vaddq_f64(a, b); }
  static void storeu(double* p, R v) { vst1q_f64(p, v); }
};

constexpr int MR = 12;
constexpr int kDirectRows = 6;

// Blocking stand-ins for when the OS reports no cache sizes (gemm.cpp's cacheBlocking
// derives them otherwise): 64 KiB L1d, 1 MiB L2, as on Neoverse N1/V1 and Apple cores.
const KernelSet<float> kNeonF32 = {
    "neon", MR, 8, 120, 512, 4096, &micro<Vec<float>, MR>, &microEdge<Vec<float>, MR>, &packAGeneric<float, MR>,
    &packBGeneric<float, 8>, &direct<Vec<float>, kDirectRows>, 96.0 * 96 * 96,
    &dots<Vec<float>>,
};
const KernelSet<double> kNeonF64 = {
    "neon", MR, 4, 120, 512, 4096, &micro<Vec<double>, MR>, &microEdge<Vec<double>, MR>, &packAGeneric<double, MR>,
    &packBGeneric<double, 4>, &direct<Vec<double>, kDirectRows>, 96.0 * 96 * 96,
    &dots<Vec<double>>,
};

}  // namespace

bool neonKernelsBuilt() { return true; }
const KernelSet<float>& neonKernelsF32() { return kNeonF32; }
const KernelSet<double>& neonKernelsF64() { return kNeonF64; }

}  // namespace gemm_detail
}  // namespace tg

#else  // not an arm64 build: the driver never asks for these.

namespace tg {
namespace gemm_detail {
bool neonKernelsBuilt() { return false; }
const KernelSet<float>& neonKernelsF32() { return genericKernelsF32(); }
const KernelSet<double>& neonKernelsF64() { return genericKernelsF64(); }
}  // namespace gemm_detail
}  // namespace tg

#endif
