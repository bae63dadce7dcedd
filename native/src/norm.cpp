// Normalisation over a 3-D view x [P, R, Q] with statistics per r over (p, q): batch norm
// ([N, C, spatial]), layer norm ([1, rows, normalized]), group and instance norm
// ([1, N·groups, rest]). Forward and the input gradient in one kernel each (native/ops.table,
// group Norm); sums accumulate in double, two passes (mean, then the centred squares), as
// PyTorch's CPU kernels. The r's run in parallel, each whole (same result for any thread count).
#include <cmath>

#include "tg/kernels.h"

namespace tg {
namespace {

// Element (p, r, q) of a 3-D view (a broadcast dim has stride 0).
template <typename T>
struct Cube {
  T* p;
  int64_t s0, s1, s2;
  explicit Cube(const View& v) : p(v.ptr<T>()), s0(v.strides[0]), s1(v.strides[1]), s2(v.strides[2]) {}
  T& operator()(int64_t a, int64_t r, int64_t q) const { return p[a * s0 + r * s1 + q * s2]; }
};

template <typename T>
struct Vec {
  T* p;
  int64_t s;
  explicit Vec(const View& v) : p(v.ptr<T>()), s(v.strides[0]) {}
  T& operator[](int64_t i) const { return p[i * s]; }
};

template <typename Fn>
void eachR(Context& ctx, int64_t R, int64_t perR, Fn&& fn) {
  constexpr int64_t kTaskElements = int64_t(1) << 15;
  if (R <= 1 || R * perR < kTaskElements || ctx.pool.threads() == 1) {
    for (int64_t r = 0; r < R; ++r) fn(r);
    return;
  }
  ctx.pool.parallelFor(R, [&](int64_t r) { fn(r); });
}

template <typename T>
void forward(Context& ctx, const View& outv, const View& meanv, const View& rstdv, const View& xv, const View* wv, const View* bv,
             double eps) {
  const int64_t P = xv.shape[0], R = xv.shape[1], Q = xv.shape[2];
  const Cube<T> x(xv), out(outv);
  const Vec<T> mean(meanv), rstd(rstdv);
  eachR(ctx, R, P * Q, [&](int64_t r) {
    double sum = 0;
    for (int64_t a = 0; a < P; ++a)
      for (int64_t q = 0; q < Q; ++q) sum += x(a, r, q);
    const double n = double(P * Q), mu = sum / n;
    double sq = 0;
    for (int64_t a = 0; a < P; ++a)
      for (int64_t q = 0; q < Q; ++q) {
        const double d = x(a, r, q) - mu;
        sq += d * d;
      }
    const T m = T(mu), is = T(1.0 / std::sqrt(sq / n + eps));
    mean[r] = m;
    rstd[r] = is;
    for (int64_t a = 0; a < P; ++a)
      for (int64_t q = 0; q < Q; ++q) {
        T y = (x(a, r, q) - m) * is;
        if (wv) y *= Cube<T>(*wv)(a, r, q);
        if (bv) y += Cube<T>(*bv)(a, r, q);
        out(a, r, q) = y;
      }
  });
}

// d x = rstd (gw - mean(gw) - x̂ mean(gw x̂)), gw = g weight, x̂ = (x - mean) rstd, means over (p, q).
template <typename T>
void backward(Context& ctx, const View& dxv, const View& meanv, const View& rstdv, const View& xv, const View* wv, const View& gv) {
  const int64_t P = xv.shape[0], R = xv.shape[1], Q = xv.shape[2];
  const Cube<T> x(xv), dx(dxv), g(gv);
  const Vec<T> mean(meanv), rstd(rstdv);
  eachR(ctx, R, P * Q, [&](int64_t r) {
    const T m = mean[r], is = rstd[r];
    auto gw = [&](int64_t a, int64_t q) { return wv ? g(a, r, q) * Cube<T>(*wv)(a, r, q) : g(a, r, q); };
    double sumG = 0, sumGX = 0;
    for (int64_t a = 0; a < P; ++a)
      for (int64_t q = 0; q < Q; ++q) {
        const double v = gw(a, q);
        sumG += v;
        sumGX += v * double((x(a, r, q) - m) * is);
      }
    const double n = double(P * Q);
    const T meanG = T(sumG / n), meanGX = T(sumGX / n);
    for (int64_t a = 0; a < P; ++a)
      for (int64_t q = 0; q < Q; ++q) dx(a, r, q) = is * (gw(a, q) - meanG - (x(a, r, q) - m) * is * meanGX);
  });
}

void checkLike(const char* op, const View* v, const View& x, const char* name) {
  if (!v) return;
  TG_CHECK(v->ndim == 3 && v->shape[0] == x.shape[0] && v->shape[1] == x.shape[1] && v->shape[2] == x.shape[2],
           "%s: %s must have x's shape [P, R, Q]", op, name);
  TG_CHECK(v->dtype == x.dtype, "%s: %s has dtype %s, x %s", op, name, dtypeName(v->dtype), dtypeName(x.dtype));
}

}  // namespace

// run(Norm, op, out, mean, rstd, x, weight, bias | g, eps)
void runNorm(Context& ctx, NormOp op, const Operands& args) {
  TG_CHECK(op < NormOp::Count, "norm: unknown op %d", int(op));
  const char* name = opName(op);
  const View& out = args.view(0);
  const View& mean = args.view(1);
  const View& rstd = args.view(2);
  const View& x = args.view(3);
  const View* weight = args.optionalView(4);
  const View* last = args.optionalView(5);
  TG_CHECK(x.ndim == 3, "%s: x must be a 3-D view [P, R, Q]", name);
  TG_CHECK(x.dtype == DType::F32 || x.dtype == DType::F64, "%s: %s is not supported", name, dtypeName(x.dtype));
  checkLike(name, &out, x, "out");
  checkLike(name, weight, x, "weight");
  checkLike(name, last, x, op == NormOp::NormForward ? "bias" : "the output gradient");
  TG_CHECK(op == NormOp::NormForward || last, "%s: needs the output gradient", name);
  for (const View* v : {&mean, &rstd}) {
    TG_CHECK(v->ndim == 1 && v->shape[0] == x.shape[1] && v->dtype == x.dtype, "%s: mean and rstd must be [R] of x's dtype", name);
  }
  if (x.numel() == 0) return;
  dispatchDType(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      if (op == NormOp::NormForward) forward<T>(ctx, out, mean, rstd, x, weight, last, args.number(6));
      else backward<T>(ctx, out, mean, rstd, x, weight, *last);
    }
  });
}

}  // namespace tg
