// The vector operations of vec_math.h / vec_kernels.h on arm64 NEON (4 float lanes).
// Advanced SIMD is part of the arm64 baseline: no extra flags.
#pragma once
#include <arm_neon.h>

#include <cstdint>

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

struct Neon {
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
  // The first n < kLanes lanes (no masked loads: through a small buffer); the others
  // read as 0 and are not written.
  static F loadPartial(const float* p, int64_t n) {
    float buf[kLanes] = {};
    for (int64_t i = 0; i < n; ++i) buf[i] = p[i];
    return vld1q_f32(buf);
  }
  static void storePartial(float* p, F v, int64_t n) {
    float buf[kLanes];
    vst1q_f32(buf, v);
    for (int64_t i = 0; i < n; ++i) p[i] = buf[i];
  }

  // A float sum in double lanes: lane k of the vector adds into double lane k.
  struct DoubleSum {
    float64x2_t lo = vdupq_n_f64(0), hi = vdupq_n_f64(0);
    void add(F v) {
      lo = vaddq_f64(lo, vcvt_f64_f32(vget_low_f32(v)));
      hi = vaddq_f64(hi, vcvt_high_f64_f32(v));
    }
    double total() const { return vaddvq_f64(vaddq_f64(lo, hi)); }
  };
};

}  // namespace
}  // namespace vecmath
}  // namespace tg
