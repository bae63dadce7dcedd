// The float32 and float64 kernels behind VecKernels (vec_kernels_api.h), written once over
// the vector operations V of a SIMD path (vec_avx512.h, vec_avx2.h, vec_neon.h; V::T is the
// element type) and instantiated by that path's file (elementwise_{avx512,avx2,neon}.cpp)
// with its target flags.
// Every element of a run is computed by the same vector code, the last partial vector
// included, so a result does not depend on where a thread's chunk starts.
#pragma once
#include "vec_kernels_api.h"
#include "vec_math.h"
#include "vec_product.h"

namespace tg {
namespace vecmath {
namespace {  // internal linkage (see vec_math.h)

template <typename V, typename Fn>
void mapRun(typename V::T* out, const typename V::T* x, int64_t n, Fn&& f) {
  int64_t i = 0;
  for (; i + V::kLanes <= n; i += V::kLanes) V::store(out + i, f(V::load(x + i)));
  if (i < n) V::storePartial(out + i, f(V::loadPartial(x + i, n - i)), n - i);
}

template <typename V>
bool unaryRun(UnaryOp op, typename V::T* out, const typename V::T* x, int64_t n) {
  using F = typename V::F;
  switch (op) {
    case UnaryOp::Exp: return mapRun<V>(out, x, n, [](F v) { return exp<V>(v); }), true;
    case UnaryOp::Log: return mapRun<V>(out, x, n, [](F v) { return log<V>(v); }), true;
    case UnaryOp::Tanh: return mapRun<V>(out, x, n, [](F v) { return tanh<V>(v); }), true;
    case UnaryOp::Sigmoid: return mapRun<V>(out, x, n, [](F v) { return sigmoid<V>(v); }), true;
    case UnaryOp::Silu: return mapRun<V>(out, x, n, [](F v) { return silu<V>(v); }), true;
    default: return false;
  }
}

// A sum in double lanes, lane k of V taking elements k, k + V::kLanes, ...: float lanes
// widened (the low half into lo, the high half into hi), double lanes added as they are;
// total() adds lo and hi, then across.
template <typename V>
struct LaneSum {
  using D = typename V::Double;
  typename D::F lo = D::set(0.0), hi = D::set(0.0);
  void add(typename V::F v) {
    if constexpr (isF64<V>) {
      lo = D::add(lo, v);
    } else {
      lo = D::add(lo, V::widenLow(v));
      hi = D::add(hi, V::widenHigh(v));
    }
  }
  double total() const { return D::hsum(D::add(lo, hi)); }
};

// out[i] = exp(x[i] - shift); returns their sum, accumulated in double lanes (LaneSum),
// then the lanes added together.
template <typename V>
double expShiftSum(typename V::T* out, const typename V::T* x, typename V::T shift, int64_t n) {
  using F = typename V::F;
  const F s = V::set(shift);
  LaneSum<V> acc;
  int64_t i = 0;
  for (; i + V::kLanes <= n; i += V::kLanes) {
    const F e = exp<V>(V::sub(V::load(x + i), s));
    V::store(out + i, e);
    acc.add(e);
  }
  if (i < n) {
    V::storePartial(out + i, exp<V>(V::sub(V::loadPartial(x + i, n - i), s)), n - i);
    acc.add(V::loadPartial(out + i, n - i));  // the lanes past n read as 0
  }
  return acc.total();
}

// The max (or min) of x[0..n), n >= one vector, into *r; false (r unset) if x holds a
// NaN. Lanes past the last full vector are folded in one by one (max and min are
// exact: any order gives the same value, up to the sign of a zero).
template <typename V>
bool scanExtreme(const typename V::T* x, int64_t n, bool isMax, typename V::T* r) {
  using F = typename V::F;
  F best = V::load(x);
  typename V::M nan = V::isnan(best);
  int64_t i = V::kLanes;
  for (; i + V::kLanes <= n; i += V::kLanes) {
    const F v = V::load(x + i);
    nan = V::mor(nan, V::isnan(v));
    best = isMax ? V::max(best, v) : V::min(best, v);
  }
  if (V::any(nan)) return false;
  typename V::T m = isMax ? V::hmax(best) : V::hmin(best);
  for (; i < n; ++i) {
    if (x[i] != x[i]) return false;
    m = isMax ? (x[i] > m ? x[i] : m) : (x[i] < m ? x[i] : m);
  }
  *r = m;
  return true;
}

// The max (or min) of x[0..n) into *result, as the portable loop finds it, or false
// where that loop's order matters: a NaN (the first one wins) or a zero result (+0 and
// -0 compare equal: the first one wins).
template <typename V>
bool extremeRun(const typename V::T* x, int64_t n, bool isMax, typename V::T* result) {
  typename V::T r;
  if (n < V::kLanes || !scanExtreme<V>(x, n, isMax, &r) || r == 0) return false;
  *result = r;
  return true;
}

// The first i in [0, n) where match(x[i]) (vector test vmatch, lane test match), or n.
template <typename V, typename VMatch, typename Match>
int64_t firstMatch(const typename V::T* x, int64_t n, VMatch&& vmatch, Match&& match) {
  int64_t i = 0;
  for (; i + V::kLanes <= n; i += V::kLanes)
    if (V::any(vmatch(V::load(x + i)))) break;
  for (; i < n; ++i)
    if (match(x[i])) return i;
  return n;
}

// argmax (isMax) or argmin of x[0..n) as the portable loop finds it: the first index of
// the extreme value (either zero's, when it is 0), or of the first NaN (NaN is the
// extreme, as in PyTorch). -1 (the portable loop decides) below one vector.
template <typename V>
int64_t argExtremeRun(const typename V::T* x, int64_t n, bool isMax) {
  using F = typename V::F;
  using T = typename V::T;
  T r;
  if (n < V::kLanes) return -1;
  if (!scanExtreme<V>(x, n, isMax, &r))
    return firstMatch<V>(x, n, [](F v) { return V::isnan(v); }, [](T v) { return v != v; });
  const F rv = V::set(r);
  return firstMatch<V>(x, n, [&](F v) { return V::eq(v, rv); }, [&](T v) { return v == r; });
}

// VS: the vectors of the max/min scans (a path may keep a narrower one that ran faster).
template <typename V, typename VS = V>
constexpr VecKernels<typename V::T> vecKernels() {
  using T = typename V::T;
  return VecKernels<T>{&unaryRun<V>, &expShiftSum<V>, &extremeRun<VS>, &argExtremeRun<VS>,
                       &productRun<typename V::Double, T>};
}

}  // namespace
}  // namespace vecmath
}  // namespace tg
