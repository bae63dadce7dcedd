// exp, log, tanh, sigmoid and SiLU on SIMD vectors of float32 and float64, written once over
// a small set of vector operations V (vec_avx512.h, vec_avx2.h, vec_neon.h) and instantiated
// in the files that carry each path's target flags (elementwise_{avx512,avx2,neon}.cpp).
//
// Every path runs the same operations in the same order, FMAs included, so the AVX-512,
// AVX2 and NEON results are the same bits; they differ from the C library's (the scalar
// path) by at most about 1 ulp (exp, log), 1.3 (tanh), 2.2 (sigmoid, SiLU: 1 + e^-x
// rounds once more) in float32, and in float64 by 1 ulp (exp, log), 1.6 (tanh), 2.3
// (sigmoid), 2 (SiLU) — native/test/kernels_test.cpp checks the bounds. None of these ops
// has the `js` trait (native/ops.table), so no tiny-tensor JS kernel has to agree with them
// bit for bit.
//
// Everything here and in vec_kernels.h / vec_*.h has internal linkage: the same template
// instantiated in two files with different target flags (vec_avx2.h's scan is also used by
// the AVX-512 file) must not become one shared symbol, or a CPU without AVX-512 could run
// the AVX-512 file's copy.
//
// V provides, for vectors F of its element type T (float or double), int vectors I of the
// same lane width (int32 or int64 lanes) and masks M:
//   set(T) add sub mul div fma(a,b,c)=a*b+c min max (IEEE min/max of non-NaN)
//   round(x) (to nearest even), bits(F) -> I, fromBits(I) -> F, iset iand ior shl<k>
//   lt le gt eq (masks M), isnan(x) (mask), select(mask, ifTrue, ifFalse)
//   abs(x), copysign(mag, sign)
// float lanes also: toInt(rounded F) -> I, fromInt(I) -> F, iadd isub sra<k>;
// double lanes also: srl<k> (logical shift right).
#pragma once
#include <cstdint>
#include <type_traits>

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

// log's special values on r = log(x) computed for finite positive x, in the C library's
// way: log(inf) = inf, log(±0) = -inf, log(x < 0) = NaN, NaN stays NaN.
template <typename V>
inline typename V::F withLogSpecials(typename V::F x, typename V::F r) {
  const typename V::F inf = V::set(__builtin_inf()), zero = V::set(0);
  r = V::select(V::eq(x, inf), inf, r);
  r = V::select(V::eq(x, zero), V::set(-__builtin_inf()), r);
  r = V::select(V::lt(x, zero), V::set(__builtin_nan("")), r);
  return V::select(V::isnan(x), x, r);
}

// float32.

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
inline typename V::F expF32(typename V::F x) {
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
inline typename V::F logF32(typename V::F x) {
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
  return withLogSpecials<V>(x, r);
}

// tanh(x): x + x z P(z), z = x^2, for |x| < 0.625 (Cephes' tanhf), else
// sign(x) (1 - 2 / (exp(2|x|) + 1)), which reaches 1 where exp overflows.
template <typename V>
inline typename V::F tanhF32(typename V::F x) {
  using F = typename V::F;
  const F ax = V::abs(x), z = V::mul(x, x);
  F p = V::set(-5.70498872745e-3f);
  p = V::fma(p, z, V::set(2.06390887954e-2f));
  p = V::fma(p, z, V::set(-5.37397155531e-2f));
  p = V::fma(p, z, V::set(1.33314422036e-1f));
  p = V::fma(p, z, V::set(-3.33332819422e-1f));
  const F small = V::fma(V::mul(p, z), x, x);
  const F e = expF32<V>(V::add(ax, ax));
  const F large = V::copysign(V::sub(V::set(1.0f), V::div(V::set(2.0f), V::add(e, V::set(1.0f)))), x);
  const F r = V::select(V::lt(ax, V::set(0.625f)), small, large);
  return V::select(V::isnan(x), x, r);
}

// float64. No 64-bit int <-> double conversions (AVX2 has none): an integer-valued double
// k with |k| < 2^51 is read from the low mantissa bits of 2^52 + k, and exponents are
// turned back into doubles the same way.
constexpr double kTwo52 = 4503599627370496.0;
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2's top 32 bits: n kLn2Hi is exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi

// 2^k for integer-valued k in [-1022, 1023]: k + 1023 (the biased exponent) shifted into
// the exponent field from the mantissa of 2^52 + 1023 + k.
template <typename V>
inline typename V::F pow2F64(typename V::F k) {
  return V::fromBits(V::template shl<52>(V::bits(V::add(k, V::set(kTwo52 + 1023)))));
}

// n = round(x / ln 2) into *n and r = x - n ln 2, |r| <= ln 2 / 2, with ln 2 in two parts
// (Cody and Waite) and FMAs: r is within an ulp of r for |n| <= 2^11.
template <typename V>
inline typename V::F reduceLn2F64(typename V::F x, typename V::F* n) {
  *n = V::round(V::mul(x, V::set(1.4426950408889634)));
  return V::fma(*n, V::set(-kLn2Lo), V::fma(*n, V::set(-kLn2Hi), x));
}

// expm1(r) for |r| <= ln 2 / 2: r + r^2 (1/2! + r/3! + ... + r^11/13!), the Taylor series;
// the first term left out, r^14/14!, is below 0.05 ulp of expm1(r) there.
template <typename V>
inline typename V::F expm1ReducedF64(typename V::F r) {
  using F = typename V::F;
  F p = V::set(1.0 / 6227020800.0);  // 1/13!
  p = V::fma(p, r, V::set(1.0 / 479001600.0));
  p = V::fma(p, r, V::set(1.0 / 39916800.0));
  p = V::fma(p, r, V::set(1.0 / 3628800.0));
  p = V::fma(p, r, V::set(1.0 / 362880.0));
  p = V::fma(p, r, V::set(1.0 / 40320.0));
  p = V::fma(p, r, V::set(1.0 / 5040.0));
  p = V::fma(p, r, V::set(1.0 / 720.0));
  p = V::fma(p, r, V::set(1.0 / 120.0));
  p = V::fma(p, r, V::set(1.0 / 24.0));
  p = V::fma(p, r, V::set(1.0 / 6.0));
  p = V::fma(p, r, V::set(0.5));
  return V::fma(p, V::mul(r, r), r);
}

// exp(x) = 2^n (1 + expm1(r)). x is clamped to [-746, 710] first: exp(710) overflows to
// inf and exp(-746) underflows to 0 after the scaling, as in the C library. 2^n is applied
// as two exact factors 2^h 2^(n-h) (n is in [-1076, 1024], beyond one factor's range), so
// a subnormal result is rounded once, by the second product. A NaN x is returned as it is.
template <typename V>
inline typename V::F expF64(typename V::F x) {
  using F = typename V::F;
  const F c = V::min(V::max(x, V::set(-746.0)), V::set(710.0));
  F n;
  const F r = reduceLn2F64<V>(c, &n);
  const F p = V::add(expm1ReducedF64<V>(r), V::set(1.0));
  const F h = V::round(V::mul(n, V::set(0.5)));
  const F e = V::mul(V::mul(p, pow2F64<V>(h)), pow2F64<V>(V::sub(n, h)));
  return V::select(V::isnan(x), x, e);
}

// log(x): x = m 2^e with m in [sqrt(1/2), sqrt(2)), f = m - 1, s = f / (2 + f); then
// log(1 + f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R(s^2)) with fdlibm's minimax R
// (e_log.c, error below 2^-58.45), plus e ln 2 in two parts. Subnormals are scaled by 2^54
// first. log(0) = -inf, log(x < 0) = NaN, log(inf) = inf, NaN stays NaN.
template <typename V>
inline typename V::F logF64(typename V::F x) {
  using F = typename V::F;
  const auto tiny = V::lt(x, V::set(2.2250738585072014e-308));
  const F xs = V::select(tiny, V::mul(x, V::set(18014398509481984.0)), x);  // 2^54
  const typename V::I ib = V::bits(xs);
  // The biased exponent (x > 0 here) as a double: 2^52 + it, less 2^52 + 1023.
  const F biased = V::fromBits(V::ior(V::template srl<52>(ib), V::bits(V::set(kTwo52))));
  F e = V::sub(biased, V::set(kTwo52 + 1023));
  e = V::select(tiny, V::sub(e, V::set(54.0)), e);
  F m = V::fromBits(V::ior(V::iand(ib, V::iset(0x000fffffffffffff)), V::iset(0x3ff0000000000000)));  // [1, 2)
  const auto big = V::gt(m, V::set(1.4142135623730951));
  m = V::select(big, V::mul(m, V::set(0.5)), m);
  e = V::select(big, V::add(e, V::set(1.0)), e);
  const F f = V::sub(m, V::set(1.0));  // exact
  const F s = V::div(f, V::add(f, V::set(2.0)));
  const F z = V::mul(s, s), w = V::mul(z, z);
  F odd = V::fma(w, V::set(1.479819860511658591e-01), V::set(1.818357216161805012e-01));  // Lg7, Lg5
  odd = V::fma(w, odd, V::set(2.857142874366239149e-01));                               // Lg3
  odd = V::fma(w, odd, V::set(6.666666666666735130e-01));                               // Lg1
  F even = V::fma(w, V::set(1.531383769920937332e-01), V::set(2.222219843214978396e-01));  // Lg6, Lg4
  even = V::fma(w, even, V::set(3.999999999940941908e-01));                                // Lg2
  const F R = V::fma(z, odd, V::mul(w, even));
  const F hfsq = V::mul(V::mul(f, f), V::set(0.5));
  // s (hfsq + R) + e ln2_lo - hfsq + f + e ln2_hi, in fdlibm's order.
  F r = V::fma(s, V::add(hfsq, R), V::mul(e, V::set(kLn2Lo)));
  r = V::add(V::sub(r, hfsq), f);
  r = V::fma(e, V::set(kLn2Hi), r);
  return withLogSpecials<V>(x, r);
}

// The rounding error of s = a + b (s + error = a + b exactly: Knuth's two-sum).
template <typename V>
inline typename V::F sumErrorF64(typename V::F a, typename V::F b, typename V::F s) {
  const typename V::F bv = V::sub(s, a), av = V::sub(s, bv);
  return V::add(V::sub(a, av), V::sub(b, bv));
}

// tanh(x) = sign(x) e / (e + 2) with e = expm1(2|x|), which keeps tanh's relative accuracy
// near 0 (subnormals included: e = 2x exactly, then e / 2 = x). expm1(y) = 2^n expm1(r) +
// (2^n - 1) for y = n ln 2 + r, both terms exact. The sums e and e + 2 are kept with their
// rounding errors (two-sum) and the quotient corrected for them and for the division's
// own (its exact residual, an FMA), so that only expm1(r)'s error remains. |x| is clamped
// to 20, where tanh rounds to 1.
template <typename V>
inline typename V::F tanhF64(typename V::F x) {
  using F = typename V::F;
  const F a = V::min(V::abs(x), V::set(20.0));
  F n;
  const F r = reduceLn2F64<V>(V::add(a, a), &n);
  const F t = pow2F64<V>(n);
  const F scaled = V::mul(t, expm1ReducedF64<V>(r)), tm1 = V::sub(t, V::set(1.0));
  const F e = V::add(scaled, tm1), eLow = sumErrorF64<V>(scaled, tm1, e);
  const F two = V::set(2.0), d = V::add(e, two);
  const F dLow = V::add(sumErrorF64<V>(e, two, d), eLow);  // e + 2 = d + dLow
  const F inv = V::div(V::set(1.0), d);
  const F q = V::mul(e, inv), minusQ = V::sub(V::set(0.0), q);
  // (e + eLow) / (d + dLow) = q + (e - q d + eLow - q dLow) / d, to first order.
  const F residual = V::add(V::fma(minusQ, d, e), V::fma(minusQ, dLow, eLow));
  const F th = V::copysign(V::fma(residual, inv, q), x);
  return V::select(V::isnan(x), x, th);
}

// The element type's function.
template <typename V>
constexpr bool isF64 = std::is_same_v<typename V::T, double>;
template <typename V>
inline typename V::F exp(typename V::F x) {
  if constexpr (isF64<V>) return expF64<V>(x);
  else return expF32<V>(x);
}
template <typename V>
inline typename V::F log(typename V::F x) {
  if constexpr (isF64<V>) return logF64<V>(x);
  else return logF32<V>(x);
}
template <typename V>
inline typename V::F tanh(typename V::F x) {
  if constexpr (isF64<V>) return tanhF64<V>(x);
  else return tanhF32<V>(x);
}

// 1 / (1 + exp(-x)) and x / (1 + exp(-x)): the scalar path's formulas on the vector exp
// (either element type).
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
