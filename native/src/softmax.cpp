// Softmax and logSoftmax along one dim, forward and backward, one pass per row. Sums
// accumulate in double; rows run in parallel in fixed chunks (same result for any thread
// count).
#include <algorithm>
#include <cmath>

#include "strided.h"
#include "tg/kernels.h"
#include "vec_kernels_api.h"

namespace tg {
namespace {

// simd: the path's vector kernels for T (vec_kernels_api.h) or null; they take contiguous
// rows, with their own exp and summation order.
template <typename T>
void forwardRow(const VecKernels<T>* simd, bool log, T* o, int64_t so, const T* x, int64_t sx, int64_t n) {
  T max = x[0];
  const bool vector = simd && so == 1 && sx == 1;
  const bool found = vector && simd->extreme(x, n, true, &max);  // by the vector scan
  if (!found)
    for (int64_t i = 1; i < n; ++i) max = x[i * sx] > max || x[i * sx] != x[i * sx] ? x[i * sx] : max;
  if (vector) {
    const double sum = simd->expShiftSum(o, x, max, n);  // o[i] = exp(x[i] - max)
    if (log) {
      const T shift = max + static_cast<T>(std::log(sum));
      for (int64_t i = 0; i < n; ++i) o[i] = x[i] - shift;
    } else {
      const T scale = static_cast<T>(1.0 / sum);
      for (int64_t i = 0; i < n; ++i) o[i] *= scale;
    }
    return;
  }
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(x[i * sx] - max);
  if (log) {
    const T shift = max + static_cast<T>(std::log(sum));
    for (int64_t i = 0; i < n; ++i) o[i * so] = x[i * sx] - shift;
  } else {
    const T scale = static_cast<T>(1.0 / sum);
    for (int64_t i = 0; i < n; ++i) o[i * so] = std::exp(x[i * sx] - max) * scale;
  }
}

// simd as for forwardRow: logSoftmax's exp(y) of contiguous rows comes from the path's
// vector exp, a block at a time.
template <typename T>
void backwardRow(const VecKernels<T>* simd, bool log, T* gi, int64_t sgi, const T* y, int64_t sy, const T* g, int64_t sg,
                 int64_t n) {
  double acc = 0;  // log: sum(g); else sum(g * y)
  for (int64_t i = 0; i < n; ++i) acc += log ? double(g[i * sg]) : double(g[i * sg]) * y[i * sy];
  const T s = static_cast<T>(acc);
  if (!log) {
    for (int64_t i = 0; i < n; ++i) gi[i * sgi] = y[i * sy] * (g[i * sg] - s);
    return;
  }
  if (simd && sgi == 1 && sy == 1 && sg == 1) {
    constexpr int64_t kBlock = 256;
    T e[kBlock];
    for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
      const int64_t m = std::min(kBlock, n - i0);
      simd->unary(UnaryOp::Exp, e, y + i0, m);
      for (int64_t i = 0; i < m; ++i) gi[i0 + i] = g[i0 + i] - e[i] * s;
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) gi[i * sgi] = g[i * sg] - std::exp(y[i * sy]) * s;
}

// Rows are grouped so that each task covers about this many elements.
constexpr int64_t kTaskElements = int64_t(1) << 15;

template <typename T, int N>
void rows(Context& ctx, const View* const (&views)[N], int dim, const View* const (&full)[N], bool log) {
  StridedLoop<N> loop(views);
  const VecKernels<T>* simd = vecKernelsFor<T>(ctx.cpu);
  const int64_t n = full[0]->shape[dim];
  int64_t step[N];
  for (int k = 0; k < N; ++k) step[k] = full[k]->strides[dim];
  auto run = [&](int64_t begin, int64_t end) {
    loop.run(begin, end, [&](char** p, const int64_t* s, int64_t count) {
      for (int64_t r = 0; r < count; ++r) {
        T* o = reinterpret_cast<T*>(p[0] + r * s[0]);
        const T* a = reinterpret_cast<const T*>(p[1] + r * s[1]);
        if constexpr (N == 2) forwardRow<T>(simd, log, o, step[0], a, step[1], n);
        else backwardRow<T>(simd, log, o, step[0], a, step[1], reinterpret_cast<const T*>(p[2] + r * s[2]), step[2], n);
      }
    });
  };
  const int64_t nRows = loop.numel;
  const int64_t perTask = std::max<int64_t>(1, kTaskElements / std::max<int64_t>(n, 1));
  const int64_t tasks = (nRows + perTask - 1) / perTask;
  if (tasks <= 1 || ctx.pool.threads() == 1) return run(0, nRows);
  ctx.pool.parallelFor(tasks, [&](int64_t t) { run(t * perTask, std::min(nRows, (t + 1) * perTask)); });
}

void softmax(Context& ctx, SoftmaxOp op, const View& out, const View& a, const View* b, int dim) {
  const bool backward = op == SoftmaxOp::SoftmaxBackward || op == SoftmaxOp::LogSoftmaxBackward;
  const bool log = op == SoftmaxOp::LogSoftmax || op == SoftmaxOp::LogSoftmaxBackward;
  TG_CHECK(op < SoftmaxOp::Count, "softmax: unknown op %d", int(op));
  TG_CHECK(backward == (b != nullptr), "softmax: backward ops take the output gradient, forward ops do not");
  TG_CHECK(out.ndim > 0 && dim >= 0 && dim < out.ndim, "softmax: dim %d out of range for %d dims", dim, out.ndim);
  checkSameShape("softmax", out, a);
  if (b) checkSameShape("softmax", out, *b);
  TG_CHECK(a.dtype == out.dtype && (!b || b->dtype == out.dtype), "softmax: operand dtypes differ");
  TG_CHECK(out.dtype == DType::F32 || out.dtype == DType::F64, "softmax: %s is not supported", dtypeName(out.dtype));
  if (out.numel() == 0) return;
  // Iterate the rows: every view with `dim` collapsed to size 1.
  View o1 = out, a1 = a, b1 = b ? *b : View();
  o1.shape[dim] = a1.shape[dim] = 1;
  if (b) b1.shape[dim] = 1;
  dispatchDType(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      if (b) {
        const View* views[3] = {&o1, &a1, &b1};
        const View* full[3] = {&out, &a, b};
        rows<T, 3>(ctx, views, dim, full, log);
      } else {
        const View* views[2] = {&o1, &a1};
        const View* full[2] = {&out, &a};
        rows<T, 2>(ctx, views, dim, full, log);
      }
    }
  });
}

}  // namespace

// run(Softmax, op, out, a, b, dim): b (the output gradient) is null for the forward ops.
void runSoftmax(Context& ctx, SoftmaxOp op, const Operands& args) {
  softmax(ctx, op, args.view(0), args.view(1), args.optionalView(2), args.integer(3));
}

}  // namespace tg
