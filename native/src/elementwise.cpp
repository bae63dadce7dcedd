// Elementwise kernels: unary maps, binary maps with broadcasting, where, copy/cast, fill.
// Each op's scalar definition is one `if constexpr` branch below; the loops are shared.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "strided.h"
#include "tg/kernels.h"
#include "vec_kernels_api.h"

namespace tg {

const PathKernels* pathKernelsFor(const CpuFeatures& cpu) {
  if (cpu.avx512) return pathKernelsAvx512();
  if (cpu.avx2 && cpu.fma) return pathKernelsAvx2();
  if (cpu.neon) return pathKernelsNeon();
  return nullptr;
}

namespace {

template <typename T>
constexpr bool isFloat = std::is_floating_point_v<T>;

template <typename To, typename From>
inline To convert(From x) {
  if constexpr (std::is_same_v<To, uint8_t>) return x != From(0);
  else if constexpr (std::is_same_v<To, int32_t> && isFloat<From>) return toInt32(static_cast<double>(x));
  else if constexpr (std::is_same_v<To, int64_t> && isFloat<From>) return toInt64(static_cast<double>(x));
  else return static_cast<To>(x);
}

template <UnaryOp OP, typename T>
inline T unaryFn(T x, T p0, T p1) {
  using std::exp;
  if constexpr (isSignedInt<T>) {
    // Integer ops wrap on overflow (computed unsigned: no undefined behaviour).
    using U = std::make_unsigned_t<T>;
    const U u = static_cast<U>(x);
    if constexpr (OP == UnaryOp::Neg) return static_cast<T>(U(0) - u);
    else if constexpr (OP == UnaryOp::Abs) return x < 0 ? static_cast<T>(U(0) - u) : x;
    else if constexpr (OP == UnaryOp::Square) return static_cast<T>(u * u);
    else if constexpr (OP == UnaryOp::Sign) return T((x > 0) - (x < 0));
    else if constexpr (OP == UnaryOp::Relu) return x > 0 ? x : T(0);
    else if constexpr (OP == UnaryOp::Clamp) return std::min(std::max(x, p0), p1);
    else return x;
  } else {
    if constexpr (UnaryExpr<OP>::defined) return UnaryExpr<OP>::f(x, p0, p1);  // the table's definition
    else if constexpr (OP == UnaryOp::Neg) return -x;
    else if constexpr (OP == UnaryOp::Sqrt) return std::sqrt(x);
    else if constexpr (OP == UnaryOp::Abs) return std::fabs(x);
    else if constexpr (OP == UnaryOp::Sigmoid) return T(1) / (T(1) + exp(-x));
    else if constexpr (OP == UnaryOp::Relu) return x > T(0) || x != x ? x : T(0);
    else if constexpr (OP == UnaryOp::Square) return x * x;
    else if constexpr (OP == UnaryOp::Sign) return T((x > 0) - (x < 0));  // sign(NaN) = 0, as PyTorch
    else if constexpr (OP == UnaryOp::Reciprocal) return T(1) / x;
    else if constexpr (OP == UnaryOp::Clamp) return x != x ? x : std::min(std::max(x, p0), p1);
    else if constexpr (OP == UnaryOp::Gelu) return T(0.5) * x * (T(1) + std::erf(x * T(M_SQRT1_2)));
    else if constexpr (OP == UnaryOp::Silu) return x / (T(1) + exp(-x));
    else if constexpr (OP == UnaryOp::Softplus) return x * p0 > p1 ? x : std::log1p(exp(x * p0)) / p0;
    else if constexpr (OP == UnaryOp::Elu) return x > T(0) ? x : p0 * std::expm1(x);
    else if constexpr (OP == UnaryOp::LeakyRelu) return x > T(0) ? x : x * p0;
    else if constexpr (OP == UnaryOp::Cube) return x * x * x;
    else return x;
  }
}

// Clamp bounds arrive as doubles (±inf when absent); integer tensors clamp to the
// representable range.
template <typename T>
T paramAs(double p) {
  if constexpr (std::is_same_v<T, int32_t>) {
    if (p != p) return 0;
    return static_cast<int32_t>(std::max(-2147483648.0, std::min(2147483647.0, p >= 0 ? std::floor(p) : std::ceil(p))));
  } else if constexpr (std::is_same_v<T, int64_t>) {
    if (p != p) return 0;
    if (p >= 9223372036854775808.0) return INT64_MAX;  // the largest double below 2^63 converts exactly
    if (p < -9223372036854775808.0) return INT64_MIN;
    return static_cast<int64_t>(p >= 0 ? std::floor(p) : std::ceil(p));
  } else {
    return static_cast<T>(p);
  }
}

template <UnaryOp OP, typename T>
void unaryTyped(Context& ctx, const View& out, const View& x, double p0d, double p1d) {
  const T p0 = paramAs<T>(p0d), p1 = paramAs<T>(p1d);
  const View* views[2] = {&out, &x};
  StridedLoop<2> loop(views);
  // The path's vector kernel, if it has one for OP (asked with an empty run). Strided
  // runs go through it too, in small contiguous blocks, so that a value gets the same
  // bits whatever the layout.
  const VecKernels<T>* simd = nullptr;
  if constexpr (isFloat<T>) simd = vecKernelsFor<T>(ctx.cpu);
  if (simd && !simd->unary(OP, nullptr, nullptr, 0)) simd = nullptr;
  parallelElementwise(ctx, loop, [&](char** p, const int64_t* s, int64_t n) {
    T* o = reinterpret_cast<T*>(p[0]);
    const T* a = reinterpret_cast<const T*>(p[1]);
    const int64_t so = s[0] / int64_t(sizeof(T)), sa = s[1] / int64_t(sizeof(T));
    if constexpr (isFloat<T>) {
      if (simd && so == 1 && sa == 1) return simd->unary(OP, o, a, n), void();
      if (simd) {
        constexpr int64_t kBlock = 256;
        T in[kBlock], res[kBlock];
        for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
          const int64_t m = std::min(kBlock, n - i0);
          for (int64_t i = 0; i < m; ++i) in[i] = a[(i0 + i) * sa];
          simd->unary(OP, res, in, m);
          for (int64_t i = 0; i < m; ++i) o[(i0 + i) * so] = res[i];
        }
        return;
      }
    }
    if (so == 1 && sa == 1) {
      for (int64_t i = 0; i < n; ++i) o[i] = unaryFn<OP, T>(a[i], p0, p1);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * so] = unaryFn<OP, T>(a[i * sa], p0, p1);
    }
  });
}

template <UnaryOp OP>
void unaryOp(Context& ctx, const View& out, const View& x, double p0, double p1) {
  switch (x.dtype) {
    case DType::F32: return unaryTyped<OP, float>(ctx, out, x, p0, p1);
    case DType::F64: return unaryTyped<OP, double>(ctx, out, x, p0, p1);
    case DType::I32:
      if constexpr ((traitsOf(OP) & trait::kInt) != 0) return unaryTyped<OP, int32_t>(ctx, out, x, p0, p1);
      break;
    case DType::I64:
      if constexpr ((traitsOf(OP) & trait::kInt) != 0) return unaryTyped<OP, int64_t>(ctx, out, x, p0, p1);
      break;
    case DType::Bool: break;
  }
  fail("unary: %s is not defined for %s", opName(OP), dtypeName(x.dtype));
}

template <BinaryOp OP>
constexpr bool has(uint32_t t) {
  return (traitsOf(OP) & t) != 0;
}

// Arithmetic ops return T; comparisons and logical ops (trait boolout) return bool.
template <BinaryOp OP, typename T>
inline auto binaryFn(T a, T b) {
  if constexpr (OP == BinaryOp::Eq) return a == b;
  else if constexpr (OP == BinaryOp::Ne) return a != b;
  else if constexpr (OP == BinaryOp::Gt) return a > b;
  else if constexpr (OP == BinaryOp::Ge) return a >= b;
  else if constexpr (OP == BinaryOp::Lt) return a < b;
  else if constexpr (OP == BinaryOp::Le) return a <= b;
  else if constexpr (OP == BinaryOp::LogicalAnd) return a != T(0) && b != T(0);
  else if constexpr (OP == BinaryOp::LogicalOr) return a != T(0) || b != T(0);
  else if constexpr (isSignedInt<T> || std::is_same_v<T, uint8_t>) {
    using U = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;  // wraps, without signed overflow
    const U ua = static_cast<U>(a), ub = static_cast<U>(b);
    if constexpr (OP == BinaryOp::Add) return static_cast<T>(ua + ub);
    else if constexpr (OP == BinaryOp::Sub) return static_cast<T>(ua - ub);
    else if constexpr (OP == BinaryOp::Mul) return static_cast<T>(ua * ub);
    else if constexpr (OP == BinaryOp::Maximum) return std::max(a, b);
    else if constexpr (OP == BinaryOp::Minimum) return std::min(a, b);
    else return a;
  } else {
    if constexpr (BinaryExpr<OP>::defined) return BinaryExpr<OP>::f(a, b);  // the table's definition
    else if constexpr (OP == BinaryOp::Add) return a + b;
    else if constexpr (OP == BinaryOp::Sub) return a - b;
    else if constexpr (OP == BinaryOp::Mul) return a * b;
    else if constexpr (OP == BinaryOp::Div) return a / b;
    else if constexpr (OP == BinaryOp::Pow) return std::pow(a, b);
    else if constexpr (OP == BinaryOp::Maximum) return a != a || b != b ? a + b : std::max(a, b);
    else if constexpr (OP == BinaryOp::Minimum) return a != a || b != b ? a + b : std::min(a, b);
    else return a;
  }
}

template <BinaryOp OP, typename T>
void binaryTyped(Context& ctx, const View& out, const View& a, const View& b) {
  using R = std::conditional_t<has<OP>(trait::kBoolOut), uint8_t, T>;
  TG_CHECK(out.dtype == DTypeOf<R>::value, "binary: out is %s, expected %s", dtypeName(out.dtype),
           dtypeName(DTypeOf<R>::value));
  const View* views[3] = {&out, &a, &b};
  StridedLoop<3> loop(views);
  parallelElementwise(ctx, loop, [&](char** p, const int64_t* s, int64_t n) {
    R* o = reinterpret_cast<R*>(p[0]);
    const T* x = reinterpret_cast<const T*>(p[1]);
    const T* y = reinterpret_cast<const T*>(p[2]);
    constexpr int64_t sz = sizeof(T);
    if (s[0] == sizeof(R) && s[1] == sz && s[2] == sz) {
      for (int64_t i = 0; i < n; ++i) o[i] = binaryFn<OP, T>(x[i], y[i]);
    } else if (s[0] == sizeof(R) && s[1] == sz && s[2] == 0) {
      const T yv = *y;
      for (int64_t i = 0; i < n; ++i) o[i] = binaryFn<OP, T>(x[i], yv);
    } else if (s[0] == sizeof(R) && s[1] == 0 && s[2] == sz) {
      const T xv = *x;
      for (int64_t i = 0; i < n; ++i) o[i] = binaryFn<OP, T>(xv, y[i]);
    } else {
      const int64_t so = s[0] / int64_t(sizeof(R)), sx = s[1] / sz, sy = s[2] / sz;
      for (int64_t i = 0; i < n; ++i) o[i * so] = binaryFn<OP, T>(x[i * sx], y[i * sy]);
    }
  });
}

template <BinaryOp OP>
void binaryOp(Context& ctx, const View& out, const View& a, const View& b) {
  switch (a.dtype) {
    case DType::F32: return binaryTyped<OP, float>(ctx, out, a, b);
    case DType::F64: return binaryTyped<OP, double>(ctx, out, a, b);
    case DType::I32:
      if constexpr (has<OP>(trait::kInt)) return binaryTyped<OP, int32_t>(ctx, out, a, b);
      break;
    case DType::I64:
      if constexpr (has<OP>(trait::kInt)) return binaryTyped<OP, int64_t>(ctx, out, a, b);
      break;
    case DType::Bool:
      if constexpr (has<OP>(trait::kBool)) return binaryTyped<OP, uint8_t>(ctx, out, a, b);
      break;
  }
  fail("binary: %s is not defined for %s", opName(OP), dtypeName(a.dtype));
}

// A 0-d operand (a JS number) read with out's shape: every stride 0.
View broadcastScalar(const View& v, const View& out) {
  View r = v;
  if (v.ndim == 0 && out.ndim > 0) {
    r.ndim = out.ndim;
    for (int d = 0; d < out.ndim; ++d) r.shape[d] = out.shape[d], r.strides[d] = 0;
  }
  return r;
}

}  // namespace

void unary(Context& ctx, UnaryOp op, const View& out, const View& x, double p0, double p1) {
  checkSameShape("unary", out, x);
  TG_CHECK(out.dtype == x.dtype, "unary: out is %s but x is %s", dtypeName(out.dtype), dtypeName(x.dtype));
  switch (op) {
#define TG_UNARY_CASE(name, traits) \
  case UnaryOp::name: return unaryOp<UnaryOp::name>(ctx, out, x, p0, p1);
    TG_UNARY_OPS(TG_UNARY_CASE)
#undef TG_UNARY_CASE
    case UnaryOp::Count: break;
  }
  fail("unary: unknown op %d", int(op));
}

void binary(Context& ctx, BinaryOp op, const View& out, const View& a, const View& b) {
  const View a2 = broadcastScalar(a, out), b2 = broadcastScalar(b, out);
  checkSameShape("binary", out, a2);
  checkSameShape("binary", out, b2);
  TG_CHECK(a.dtype == b.dtype, "binary: operands are %s and %s", dtypeName(a.dtype), dtypeName(b.dtype));
  switch (op) {
#define TG_BINARY_CASE(name, traits) \
  case BinaryOp::name: return binaryOp<BinaryOp::name>(ctx, out, a2, b2);
    TG_BINARY_OPS(TG_BINARY_CASE)
#undef TG_BINARY_CASE
    case BinaryOp::Count: break;
  }
  fail("binary: unknown op %d", int(op));
}

void where(Context& ctx, const View& out, const View& cond, const View& a, const View& b) {
  const View a2 = broadcastScalar(a, out), b2 = broadcastScalar(b, out);
  checkSameShape("where", out, cond);
  checkSameShape("where", out, a2);
  checkSameShape("where", out, b2);
  TG_CHECK(cond.dtype == DType::Bool, "where: condition must be bool, got %s", dtypeName(cond.dtype));
  TG_CHECK(a.dtype == out.dtype && b.dtype == out.dtype, "where: operands are %s and %s, out is %s",
           dtypeName(a.dtype), dtypeName(b.dtype), dtypeName(out.dtype));
  dispatchDType(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    const View* views[4] = {&out, &cond, &a2, &b2};
    StridedLoop<4> loop(views);
    parallelElementwise(ctx, loop, [&](char** p, const int64_t* s, int64_t n) {
      T* o = reinterpret_cast<T*>(p[0]);
      const uint8_t* c = reinterpret_cast<const uint8_t*>(p[1]);
      const T* x = reinterpret_cast<const T*>(p[2]);
      const T* y = reinterpret_cast<const T*>(p[3]);
      constexpr int64_t sz = sizeof(T);
      // A bit select, not `take ? x : y`: the compiler made that a branch, which
      // mispredicts on every other element of a random mask (ReLU's backward) and cost
      // 5 ns per element; masks of bits vectorise.
      using Bits = std::conditional_t<sizeof(T) == 8, uint64_t, std::conditional_t<sizeof(T) == 4, uint32_t, uint8_t>>;
      static_assert(sizeof(Bits) == sizeof(T), "where: unexpected element size");
      auto pick = [](uint8_t take, T xv, T yv) {
        Bits xb, yb;
        std::memcpy(&xb, &xv, sizeof(T));
        std::memcpy(&yb, &yv, sizeof(T));
        const Bits mask = Bits(0) - Bits(take != 0);
        const Bits r = (xb & mask) | (yb & ~mask);
        T out;
        std::memcpy(&out, &r, sizeof(T));
        return out;
      };
      if (s[0] == sz && s[1] == 1 && s[2] == sz && s[3] == sz) {
        for (int64_t i = 0; i < n; ++i) o[i] = pick(c[i], x[i], y[i]);
      } else if (s[0] == sz && s[1] == 1 && s[2] == 0 && s[3] == sz) {  // where(cond, number, t)
        const T xv = *x;
        for (int64_t i = 0; i < n; ++i) o[i] = pick(c[i], xv, y[i]);
      } else if (s[0] == sz && s[1] == 1 && s[2] == sz && s[3] == 0) {  // where(cond, t, number)
        const T yv = *y;
        for (int64_t i = 0; i < n; ++i) o[i] = pick(c[i], x[i], yv);
      } else {
        const int64_t so = s[0] / sz, sc = s[1], sx = s[2] / sz, sy = s[3] / sz;
        for (int64_t i = 0; i < n; ++i) o[i * so] = pick(c[i * sc], x[i * sx], y[i * sy]);
      }
    });
  });
}

void copy(Context& ctx, const View& out, const View& x) {
  checkSameShape("copy", out, x);
  dispatchDType(out.dtype, [&](auto outTag) {
    using To = decltype(outTag);
    dispatchDType(x.dtype, [&](auto inTag) {
      using From = decltype(inTag);
      const View* views[2] = {&out, &x};
      StridedLoop<2> loop(views);
      parallelElementwise(ctx, loop, [&](char** p, const int64_t* s, int64_t n) {
        To* o = reinterpret_cast<To*>(p[0]);
        const From* a = reinterpret_cast<const From*>(p[1]);
        if constexpr (std::is_same_v<To, From>) {
          if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
            std::memmove(o, a, size_t(n) * sizeof(To));  // out and x may overlap (x.copy_(x[1:]))
            return;
          }
        }
        const int64_t so = s[0] / int64_t(sizeof(To)), sa = s[1] / int64_t(sizeof(From));
        for (int64_t i = 0; i < n; ++i) o[i * so] = convert<To, From>(a[i * sa]);
      });
    });
  });
}

void fill(Context& ctx, const View& out, double value) {
  dispatchDType(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T v = convert<T, double>(value);
    const View* views[1] = {&out};
    StridedLoop<1> loop(views);
    parallelElementwise(ctx, loop, [&](char** p, const int64_t* s, int64_t n) {
      T* o = reinterpret_cast<T*>(p[0]);
      if (s[0] == int64_t(sizeof(T))) return std::fill_n(o, n, v), void();
      const int64_t so = s[0] / int64_t(sizeof(T));
      for (int64_t i = 0; i < n; ++i) o[i * so] = v;
    });
  });
}

}  // namespace tg
