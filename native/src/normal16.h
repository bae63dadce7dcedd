// PyTorch's vectorised float32 normal transform (normal_fill_16_AVX2 in
// aten/src/ATen/native/cpu/DistributionTemplates.h, with log256_ps and sincos256_ps of
// avx_mathfun.h), written once over a "lanes" type so that the portable build (one float
// per lane, random.cpp) and the AVX2 build (eight, random_avx2.cpp) run the same
// arithmetic. The reference is that code as GCC 12 compiles it for PyTorch's AVX2
// kernels (-mavx2 -mfma, -ffp-contract=fast): every multiply-add GCC fuses is an explicit
// L::fma here, every other operation rounds on its own (this project builds with
// -ffp-contract=off), so the results are bit-identical to PyTorch's on every CPU.
// See test/golden/RNG-NOTES.md §3.2.
//
// A lanes type L provides F (float lanes), I (int32 lanes), kLanes and the operations
// used below, under the names of vec_math.h's vector operations (the AVX2 build uses
// vec_avx2.h's Avx2; the portable one random.cpp's ScalarLanes). Everything is in an anonymous namespace: each including file
// gets its own copies, so no AVX2 code can be picked by the linker for portable code.
#pragma once
#include <cstdint>

namespace tg {
namespace {
namespace normal16 {

// The float32 values of avx_mathfun.h's decimal constants (decimal -> double -> float).
constexpr float kLogP[9] = {
    0x1.204376p-4f,   //  7.0376836292E-2
    -0x1.d7a37p-4f,   // -1.1514610310E-1
    0x1.de4a34p-4f,   //  1.1676998740E-1
    -0x1.fcba9ep-4f,  // -1.2420140846E-1
    0x1.23d37ep-3f,   //  1.4249322787E-1
    -0x1.555ca0p-3f,  // -1.6668057665E-1
    0x1.999d58p-3f,   //  2.0000714765E-1
    -0x1.fffff8p-3f,  // -2.4999993993E-1
    0x1.555554p-2f,   //  3.3333331174E-1
};
constexpr float kLogQ1 = -0x1.bd0106p-13f;  // -2.12194440e-4
constexpr float kLogQ2 = 0x1.63p-1f;        //  0.693359375
constexpr float kSqrtHf = 0x1.6a09e6p-1f;   //  0.707106781186547524
constexpr float kMinusDp1 = -0x1.92p-1f;         // -0.78515625
constexpr float kMinusDp2 = -0x1.fb4p-13f;       // -2.4187564849853515625e-4
constexpr float kMinusDp3 = -0x1.4442d2p-25f;    // -3.77489497744594108e-8
constexpr float kSinP[3] = {-0x1.9943f2p-13f, 0x1.11073cp-7f, -0x1.555546p-3f};  // sincof_p0..2
constexpr float kCosP[3] = {0x1.99eb9cp-16f, -0x1.6c0c34p-10f, 0x1.55554ap-5f};   // coscof_p0..2
constexpr float kFourOverPi = 0x1.45f306p+0f;    // 1.27323954473516
constexpr float kTwoPi = 0x1.921fb6p+2f;         // float(2 * pi)

// Cephes logf for x in (0, 1]. u1 = 1 - u is never <= 0 here, so avx_mathfun's NaN
// mask for x <= 0 is left out.
template <class L>
typename L::F log(typename L::F x) {
  using F = typename L::F;
  const F one = L::set(1.0f);
  x = L::max(x, L::fromBits(L::iset(0x00800000)));  // smallest normal float
  const typename L::I exponent = L::isub(L::template srl<23>(L::bits(x)), L::iset(0x7f));
  x = L::bor(L::band(x, L::fromBits(L::iset(~0x7f800000))), L::set(0.5f));  // mantissa in [0.5, 1)
  F e = L::add(L::fromInt(exponent), one);
  const F small = L::lt(x, L::set(kSqrtHf));
  const F tmp = L::band(x, small);
  x = L::sub(x, one);
  e = L::sub(e, L::band(one, small));
  x = L::add(x, tmp);
  const F z = L::mul(x, x);
  F y = L::set(kLogP[0]);
  for (int k = 1; k < 9; ++k) y = L::fma(y, x, L::set(kLogP[k]));
  y = L::mul(y, x);
  y = L::fma(y, z, L::mul(e, L::set(kLogQ1)));
  y = L::fnma(z, L::set(0.5f), y);  // y - z/2
  x = L::add(x, y);
  return L::fma(e, L::set(kLogQ2), x);
}

// Cephes sinf/cosf pair for x >= 0 (theta = 2*pi*u is never negative, so avx_mathfun's
// handling of the input's sign bit is left out).
template <class L>
void sincos(typename L::F x, typename L::F* s, typename L::F* c) {
  using F = typename L::F;
  using I = typename L::I;
  I j = L::truncate(L::mul(x, L::set(kFourOverPi)));
  j = L::iand(L::iadd(j, L::iset(1)), L::iset(~1));
  const F y = L::fromInt(j);
  const F swapSinSign = L::fromBits(L::template shl<29>(L::iand(j, L::iset(4))));
  const F cosSign = L::fromBits(L::template shl<29>(L::iandnot(L::isub(j, L::iset(2)), L::iset(4))));
  const F polyMask = L::fromBits(L::ieqZero(L::iand(j, L::iset(2))));
  // Extended precision modular arithmetic: x = ((x - y*DP1) - y*DP2) - y*DP3.
  x = L::fma(y, L::set(kMinusDp1), x);
  x = L::fma(y, L::set(kMinusDp2), x);
  x = L::fma(y, L::set(kMinusDp3), x);
  const F z = L::mul(x, x);
  F yc = L::fma(L::set(kCosP[0]), z, L::set(kCosP[1]));
  yc = L::fma(yc, z, L::set(kCosP[2]));
  yc = L::mul(yc, z);
  yc = L::fma(yc, z, L::neg(L::mul(z, L::set(0.5f))));
  yc = L::add(yc, L::set(1.0f));
  F ys = L::fma(L::set(kSinP[0]), z, L::set(kSinP[1]));
  ys = L::fma(ys, z, L::set(kSinP[2]));
  ys = L::mul(ys, z);
  ys = L::fma(ys, x, x);
  // The selection is done with masks, adds and subtracts as in avx_mathfun (which can
  // turn a -0 into +0), not with a plain select.
  const F ysin2 = L::band(polyMask, ys);
  const F ysin1 = L::bandnot(polyMask, yc);
  ys = L::sub(ys, ysin2);
  yc = L::sub(yc, ysin1);
  *s = L::bxor(L::add(ysin1, ysin2), swapSinSign);
  *c = L::bxor(L::add(yc, ys), cosSign);
}

// Transforms 16 uniforms at data[0..16) into normals in place: element j (j < 8) and
// element j + 8 make one Box-Muller pair.
template <class L>
void fill16(float* data, float mean, float std) {
  using F = typename L::F;
  const F meanV = L::set(mean), stdV = L::set(std);
  for (int j = 0; j < 8; j += L::kLanes) {
    const F u1 = L::sub(L::set(1.0f), L::load(data + j));
    const F u2 = L::load(data + j + 8);
    const F radius = L::sqrt(L::mul(L::set(-2.0f), log<L>(u1)));
    const F theta = L::mul(L::set(kTwoPi), u2);
    F sinTheta, cosTheta;
    sincos<L>(theta, &sinTheta, &cosTheta);
    L::store(data + j, L::fma(L::mul(radius, cosTheta), stdV, meanV));
    L::store(data + j + 8, L::fma(L::mul(radius, sinTheta), stdV, meanV));
  }
}

}  // namespace normal16
}  // namespace

// Defined in random_avx2.cpp (compiled with -mavx2 -mfma): fill16 with eight-float lanes
// over `blocks` consecutive blocks. Call only when the CPU has AVX2 and FMA and
// normalAvx2Built() (false on non-x86 builds).
bool normalAvx2Built();
void normalFillAvx2(float* data, int64_t blocks, float mean, float std);

}  // namespace tg
