// The vector operations of vec_math.h / vec_kernels.h on arm64 NEON: 4 float lanes (Neon)
// and 2 double lanes (NeonD).
// Advanced SIMD is part of the arm64 baseline: no extra flags.
#pragma once
#include <arm_neon.h>

#include <cstdint>

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

// The first n < W::kLanes elements at p as a vector, the others 0; and the first n lanes of v
// stored at p. NEON has no masked loads and stores: through a small buffer.
template <typename W>
typename W::F loadFirst(const typename W::T* p, int64_t n) {
  typename W::T buf[W::kLanes] = {};
  for (int64_t i = 0; i < n; ++i) buf[i] = p[i];
  return W::load(buf);
}
template <typename W>
void storeFirst(typename W::T* p, typename W::F v, int64_t n) {
  typename W::T buf[W::kLanes];
  W::store(buf, v);
  for (int64_t i = 0; i < n; ++i) p[i] = buf[i];
}

struct NeonD {
  using T = double;
  using Double = NeonD;
  using F = float64x2_t;
  using I = int64x2_t;
  using M = uint64x2_t;
  static constexpr int kLanes = 2;

  static F set(double v) { return vdupq_n_f64(v); }
  static F add(F a, F b) { return vaddq_f64(a, b); }
  static F sub(F a, F b) { return vsubq_f64(a, b); }
  static F mul(F a, F b) { return vmulq_f64(a, b); }
  static F div(F a, F b) { return vdivq_f64(a, b); }
  static F fma(F a, F b, F c) { return vfmaq_f64(c, a, b); }
  static F min(F a, F b) { return vminq_f64(a, b); }
  static F max(F a, F b) { return vmaxq_f64(a, b); }
  static F round(F x) { return vrndnq_f64(x); }
  static I bits(F x) { return vreinterpretq_s64_f64(x); }
  static F fromBits(I x) { return vreinterpretq_f64_s64(x); }
  static I iset(int64_t v) { return vdupq_n_s64(v); }
  static I iand(I a, I b) { return vandq_s64(a, b); }
  static I ior(I a, I b) { return vorrq_s64(a, b); }
  template <int K>
  static I shl(I a) { return vshlq_n_s64(a, K); }
  template <int K>
  static I srl(I a) { return vreinterpretq_s64_u64(vshrq_n_u64(vreinterpretq_u64_s64(a), K)); }
  static M lt(F a, F b) { return vcltq_f64(a, b); }
  static M gt(F a, F b) { return vcgtq_f64(a, b); }
  static M eq(F a, F b) { return vceqq_f64(a, b); }
  static M isnan(F x) { return vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(vceqq_f64(x, x)))); }
  static M mor(M a, M b) { return vorrq_u64(a, b); }
  static bool any(M m) { return vmaxvq_u32(vreinterpretq_u32_u64(m)) != 0; }
  static F select(M m, F t, F f) { return vbslq_f64(m, t, f); }
  static F abs(F x) { return vabsq_f64(x); }
  static F copysign(F mag, F sign) { return vbslq_f64(vdupq_n_u64(0x8000000000000000u), sign, mag); }
  static double hmax(F x) { return vmaxvq_f64(x); }
  static double hmin(F x) { return vminvq_f64(x); }
  static double hsum(F x) { return vaddvq_f64(x); }

  static F load(const double* p) { return vld1q_f64(p); }
  static F load(const float* p) { return vcvt_f64_f32(vld1_f32(p)); }  // kLanes floats, widened
  static void store(double* p, F v) { vst1q_f64(p, v); }
  static F loadPartial(const double* p, int64_t n) { return loadFirst<NeonD>(p, n); }
  static void storePartial(double* p, F v, int64_t n) { storeFirst<NeonD>(p, v, n); }
};

struct Neon {
  using T = float;
  using Double = NeonD;  // double lanes
  using F = float32x4_t;
  using I = int32x4_t;
  using M = uint32x4_t;
  static constexpr int kLanes = 4;

  static F set(float v) { return vdupq_n_f32(v); }
  static F add(F a, F b) { return vaddq_f32(a, b); }
  static F sub(F a, F b) { return vsubq_f32(a, b); }
  static F mul(F a, F b) { return vmulq_f32(a, b); }
  static F div(F a, F b) { return vdivq_f32(a, b); }
  static F fma(F a, F b, F c) { return vfmaq_f32(c, a, b); }
  static F min(F a, F b) { return vminq_f32(a, b); }
  static F max(F a, F b) { return vmaxq_f32(a, b); }
  static F round(F x) { return vrndnq_f32(x); }
  static I toInt(F x) { return vcvtnq_s32_f32(x); }
  static F fromInt(I x) { return vcvtq_f32_s32(x); }
  static I bits(F x) { return vreinterpretq_s32_f32(x); }
  static F fromBits(I x) { return vreinterpretq_f32_s32(x); }
  static I iset(int32_t v) { return vdupq_n_s32(v); }
  static I iadd(I a, I b) { return vaddq_s32(a, b); }
  static I isub(I a, I b) { return vsubq_s32(a, b); }
  static I iand(I a, I b) { return vandq_s32(a, b); }
  static I ior(I a, I b) { return vorrq_s32(a, b); }
  template <int K>
  static I shl(I a) { return vshlq_n_s32(a, K); }
  template <int K>
  static I sra(I a) { return vshrq_n_s32(a, K); }
  static M lt(F a, F b) { return vcltq_f32(a, b); }
  static M gt(F a, F b) { return vcgtq_f32(a, b); }
  static M eq(F a, F b) { return vceqq_f32(a, b); }
  static M isnan(F x) { return vmvnq_u32(vceqq_f32(x, x)); }
  static M mor(M a, M b) { return vorrq_u32(a, b); }
  static bool any(M m) { return vmaxvq_u32(m) != 0; }
  static F select(M m, F t, F f) { return vbslq_f32(m, t, f); }
  static I select(M m, I t, I f) { return vbslq_s32(m, t, f); }
  static F abs(F x) { return vabsq_f32(x); }
  static F copysign(F mag, F sign) { return vbslq_f32(vdupq_n_u32(0x80000000u), sign, mag); }
  static float hmax(F x) { return vmaxvq_f32(x); }
  static float hmin(F x) { return vminvq_f32(x); }

  static F load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, F v) { vst1q_f32(p, v); }
  static F loadPartial(const float* p, int64_t n) { return loadFirst<Neon>(p, n); }
  static void storePartial(float* p, F v, int64_t n) { storeFirst<Neon>(p, v, n); }

  // The low and high halves of v in double lanes.
  static Double::F widenLow(F v) { return vcvt_f64_f32(vget_low_f32(v)); }
  static Double::F widenHigh(F v) { return vcvt_high_f64_f32(v); }
};

}  // namespace
}  // namespace vecmath
}  // namespace tg
