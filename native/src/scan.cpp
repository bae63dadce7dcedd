// Row kernels along one dim: stable sort (values + int32 indices) and the cumulative
// sum/product scans. A row is every position of the other dims; rows are independent.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "strided.h"
#include "tg/kernels.h"

namespace tg {
namespace {

// Calls fn(pointers, row) for each row of `views` along `dim` (each view with dim collapsed).
template <int N, typename Fn>
void forEachRow(const View* const (&views)[N], int dim, Fn fn) {
  View rows[N];
  const View* rowViews[N];
  for (int k = 0; k < N; ++k) {
    rows[k] = *views[k];
    rows[k].shape[dim] = 1;
    rowViews[k] = &rows[k];
  }
  StridedLoop<N> loop(rowViews);
  loop.run(0, loop.numel, [&](char** p, const int64_t* st, int64_t count) {
    for (int64_t r = 0; r < count; ++r) {
      char* ptrs[N];
      for (int k = 0; k < N; ++k) ptrs[k] = p[k] + r * st[k];
      fn(ptrs);
    }
  });
}

// PyTorch's order: NaN is larger than every number (last ascending, first descending).
template <typename T>
inline bool less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return !std::isnan(a) && (std::isnan(b) || a < b);
  else return a < b;
}

template <typename T>
void sortRows(const View& values, const View& indices, const View& x, int dim, bool descending) {
  const int64_t n = x.shape[dim];
  const int64_t sv = values.strides[dim], si = indices.strides[dim], sx = x.strides[dim];
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::vector<T> row(static_cast<size_t>(n));
  const View* views[3] = {&values, &indices, &x};
  forEachRow<3>(views, dim, [&](char** p) {
    T* v = reinterpret_cast<T*>(p[0]);
    int32_t* ix = reinterpret_cast<int32_t*>(p[1]);
    const T* in = reinterpret_cast<const T*>(p[2]);
    std::iota(order.begin(), order.end(), 0);
    // Stable: equal elements keep their input order, in either direction.
    if (descending) std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return less(in[b * sx], in[a * sx]); });
    else std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return less(in[a * sx], in[b * sx]); });
    // The row is gathered before any write, so out may alias x.
    for (int64_t i = 0; i < n; ++i) row[i] = in[order[i] * sx];
    for (int64_t i = 0; i < n; ++i) {
      v[i * sv] = row[i];
      ix[i * si] = order[i];
    }
  });
}

// Accumulates in double for floats (as PyTorch's CPU cumsum/cumprod: acc_type is double),
// and wraps for int32.
template <typename T>
void scanRows(ScanOp op, const View& out, const View& x, int dim) {
  const int64_t n = x.shape[dim];
  const int64_t so = out.strides[dim], sx = x.strides[dim];
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint32_t>;
  const View* views[2] = {&out, &x};
  forEachRow<2>(views, dim, [&](char** p) {
    T* o = reinterpret_cast<T*>(p[0]);
    const T* in = reinterpret_cast<const T*>(p[1]);
    Acc acc = op == ScanOp::Cumsum ? Acc(0) : Acc(1);
    for (int64_t i = 0; i < n; ++i) {
      const Acc v = static_cast<Acc>(in[i * sx]);
      acc = op == ScanOp::Cumsum ? Acc(acc + v) : Acc(acc * v);
      o[i * so] = static_cast<T>(acc);
    }
  });
}

void checkDim(const char* what, const View& v, int dim) {
  TG_CHECK(v.ndim > 0 && dim >= 0 && dim < v.ndim, "%s: dim %d out of range for %d dims (view 0-d operands as 1-d)", what, dim, v.ndim);
}

}  // namespace

// run(Sort, Stable, values, indices, x, dim, descending)
void runSort(Context&, SortOp op, const Operands& args) {
  const View &values = args.view(0), &indices = args.view(1), &x = args.view(2);
  const int dim = args.integer(3);
  const bool descending = args.integer(4) != 0;
  TG_CHECK(op == SortOp::Stable, "sort: unknown op %d", int(op));
  checkDim("sort", x, dim);
  checkSameShape("sort", values, x);
  checkSameShape("sort", indices, x);
  TG_CHECK(values.dtype == x.dtype, "sort: values are %s but x is %s", dtypeName(values.dtype), dtypeName(x.dtype));
  TG_CHECK(indices.dtype == DType::I32, "sort: indices must be int32, got %s", dtypeName(indices.dtype));
  TG_CHECK(x.shape[dim] <= INT32_MAX, "sort: dim %d is too long for int32 indices", dim);
  if (x.numel() == 0) return;
  dispatchDType(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, uint8_t>) fail("sort: bool tensors are not supported");
    else sortRows<T>(values, indices, x, dim, descending);
  });
}

// run(Scan, op, out, x, dim)
void runScan(Context&, ScanOp op, const Operands& args) {
  const View &out = args.view(0), &x = args.view(1);
  const int dim = args.integer(2);
  TG_CHECK(op == ScanOp::Cumsum || op == ScanOp::Cumprod, "scan: unknown op %d", int(op));
  checkDim("scan", x, dim);
  checkSameShape("scan", out, x);
  TG_CHECK(out.dtype == x.dtype, "scan: out is %s but x is %s", dtypeName(out.dtype), dtypeName(x.dtype));
  if (x.numel() == 0) return;
  dispatchDType(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, uint8_t>) fail("scan: bool tensors are not supported");
    else scanRows<T>(op, out, x, dim);
  });
}

}  // namespace tg
