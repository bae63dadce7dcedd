// float32 exp, log, tanh, sigmoid and SiLU on SIMD vectors, written once over a small
// set of vector operations V (vec_avx512.h, vec_avx2.h, vec_neon.h) and instantiated in the files
// that carry each path's target flags (elementwise_{avx512,avx2,neon}.cpp).
//
// Every path runs the same operations in the same order, FMAs included, so the AVX-512,
// AVX2 and NEON results are the same bits; they differ from the C library's (the scalar
// path) by at most about 1 ulp (exp, log), 1.3 (tanh), 2.2 (sigmoid, SiLU: 1 + e^-x
// rounds once more) — native/test/kernels_test.cpp checks the bounds. None of these ops has the `js` trait (native/ops.table), so no
// tiny-tensor JS kernel has to agree with them bit for bit.
//
// Everything here and in vec_kernels.h / vec_*.h has internal linkage: the same template
// instantiated in two files with different target flags (vec_avx2.h's scan is also used by
// the AVX-512 file) must not become one shared symbol, or a CPU without AVX-512 could run
// the AVX-512 file's copy.
//
// V provides, for float vectors F and int32 vectors I of one width:
//   set(float) add sub mul div fma(a,b,c)=a*b+c min max (IEEE min/max of non-NaN)
//   round(x) (to nearest even), toInt(rounded F) -> I, fromInt(I) -> F
//   bits(F) -> I, fromBits(I) -> F, iset(int) iadd isub shl<k> sra<k> iand ior
//   lt le gt eq (masks M), isnan(x) (mask), select(mask, ifTrue, ifFalse)
//   abs(x), copysign(mag, sign)
#pragma once
#include <cstdint>

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

// x * 2^n for integer n in [-151, 128] (n from rounding): two exact power-of-two
// factors, so a denormal result is rounded once, by the second product.
template <typename V>
inline typename V::F scale2n(typename V::F x, typename V::I n) {
  const typename V::I half = V::template sra<1>(n), rest = V::isub(n, half);
  const typename V::I bias = V::iset(127);
  const typename V::F a = V::fromBits(V::template shl<23>(V::iadd(half, bias)));
  const typename V::F b = V::fromBits(V::template shl<23>(V::iadd(rest, bias)));
  return V::mul(V::mul(x, a), b);
}

// exp(x): n = round(x / ln 2), r = x - n ln 2 (in two parts, with FMAs), exp(r) by its
// degree-6 minimax polynomial on [-ln 2 / 2, ln 2 / 2] (Cephes' expf), times 2^n.
// x is clamped to [-104, 89] first: exp(89) overflows to inf and exp(-104) underflows
// to 0 after the scaling, as in the C library; a NaN x is returned as it is.
template <typename V>
inline typename V::F exp(typename V::F x) {
  using F = typename V::F;
  const F c = V::min(V::max(x, V::set(-104.0f)), V::set(89.0f));
  const F n = V::round(V::mul(c, V::set(1.44269504088896341f)));
  F r = V::fma(n, V::set(-0.693359375f), c);
  r = V::fma(n, V::set(2.12194440e-4f), r);
  F p = V::set(1.9875691500e-4f);
  p = V::fma(p, r, V::set(1.3981999507e-3f));
  p = V::fma(p, r, V::set(8.3334519073e-3f));
  p = V::fma(p, r, V::set(4.1665795894e-2f));
  p = V::fma(p, r, V::set(1.6666665459e-1f));
  p = V::fma(p, r, V::set(5.0000001201e-1f));
  p = V::add(V::fma(p, V::mul(r, r), r), V::set(1.0f));
  const F e = scale2n<V>(p, V::toInt(n));
  return V::select(V::isnan(x), x, e);
}

// log(x): x = m 2^e with m in [sqrt(1/2), sqrt(2)); log(x) = e ln 2 + log1p(m - 1), the
// latter as f - f^2/2 + f^3 P(f) (Cephes' logf). Denormals are scaled by 2^23 first.
// log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays NaN.
template <typename V>
inline typename V::F log(typename V::F x) {
  using F = typename V::F;
  using I = typename V::I;
  const auto tiny = V::lt(x, V::set(1.17549435e-38f));
  const F xs = V::select(tiny, V::mul(x, V::set(8388608.0f)), x);
  const I ib = V::bits(xs);
  I e = V::isub(V::template sra<23>(ib), V::iset(127));
  e = V::select(tiny, V::isub(e, V::iset(23)), e);
  F m = V::fromBits(V::ior(V::iand(ib, V::iset(0x007fffff)), V::iset(0x3f800000)));  // [1, 2)
  const auto big = V::gt(m, V::set(1.41421356237f));
  m = V::select(big, V::mul(m, V::set(0.5f)), m);
  e = V::select(big, V::iadd(e, V::iset(1)), e);
  const F f = V::sub(m, V::set(1.0f)), ef = V::fromInt(e), z = V::mul(f, f);
  F p = V::set(7.0376836292e-2f);
  p = V::fma(p, f, V::set(-1.1514610310e-1f));
  p = V::fma(p, f, V::set(1.1676998740e-1f));
  p = V::fma(p, f, V::set(-1.2420140846e-1f));
  p = V::fma(p, f, V::set(1.4249322787e-1f));
  p = V::fma(p, f, V::set(-1.6668057665e-1f));
  p = V::fma(p, f, V::set(2.0000714765e-1f));
  p = V::fma(p, f, V::set(-2.4999993993e-1f));
  p = V::fma(p, f, V::set(3.3333331174e-1f));
  F y = V::mul(V::mul(p, f), z);                 // f^3 P(f)
  y = V::fma(ef, V::set(-2.12194440e-4f), y);    // + e ln2 (low part)
  y = V::fma(z, V::set(-0.5f), y);               // - f^2 / 2
  F r = V::add(f, y);
  r = V::fma(ef, V::set(0.693359375f), r);       // + e ln2 (high part)
  // Special values, in the C library's way.
  const F inf = V::set(__builtin_inff());
  r = V::select(V::eq(x, inf), inf, r);
  r = V::select(V::eq(x, V::set(0.0f)), V::set(-__builtin_inff()), r);
  r = V::select(V::lt(x, V::set(0.0f)), V::set(__builtin_nanf("")), r);
  return V::select(V::isnan(x), x, r);
}

// tanh(x): x + x z P(z), z = x^2, for |x| < 0.625 (Cephes' tanhf), else
// sign(x) (1 - 2 / (exp(2|x|) + 1)), which reaches 1 where exp overflows.
template <typename V>
inline typename V::F tanh(typename V::F x) {
  using F = typename V::F;
  const F ax = V::abs(x), z = V::mul(x, x);
  F p = V::set(-5.70498872745e-3f);
  p = V::fma(p, z, V::set(2.06390887954e-2f));
  p = V::fma(p, z, V::set(-5.37397155531e-2f));
  p = V::fma(p, z, V::set(1.33314422036e-1f));
  p = V::fma(p, z, V::set(-3.33332819422e-1f));
  const F small = V::fma(V::mul(p, z), x, x);
  const F e = exp<V>(V::add(ax, ax));
  const F large = V::copysign(V::sub(V::set(1.0f), V::div(V::set(2.0f), V::add(e, V::set(1.0f)))), x);
  const F r = V::select(V::lt(ax, V::set(0.625f)), small, large);
  return V::select(V::isnan(x), x, r);
}

// 1 / (1 + exp(-x)) and x / (1 + exp(-x)): the scalar path's formulas on the vector exp.
template <typename V>
inline typename V::F sigmoid(typename V::F x) {
  return V::div(V::set(1.0f), V::add(V::set(1.0f), exp<V>(V::sub(V::set(0.0f), x))));
}
template <typename V>
inline typename V::F silu(typename V::F x) {
  return V::div(x, V::add(V::set(1.0f), exp<V>(V::sub(V::set(0.0f), x))));
}

}  // namespace
}  // namespace vecmath
}  // namespace tg
