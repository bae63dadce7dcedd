// Iteration over N same-shaped strided views (out + inputs). Dims are coalesced first
// (size-1 dims dropped, dims merged where every operand is contiguous across them), so a
// contiguous or broadcast-scalar case becomes one flat inner loop the compiler vectorises.
#pragma once
#include <algorithm>
#include <cstdint>

#include "tg/context.h"
#include "tg/error.h"
#include "tg/view.h"

namespace tg {

template <int N>
struct StridedLoop {
  int ndim = 0;                   // after coalescing; dim ndim-1 is the innermost
  int64_t shape[kMaxDims] = {};
  int64_t strides[N][kMaxDims] = {};  // in bytes
  char* base[N] = {};
  int64_t numel = 1;

  explicit StridedLoop(const View* const (&views)[N]) {
    const View& ref = *views[0];
    for (int k = 0; k < N; ++k) base[k] = static_cast<char*>(views[k]->data) + views[k]->offset * itemSize(views[k]->dtype);
    if (denseLayout(views)) return;
    // Keep non-trivial dims, outermost first.
    for (int d = 0; d < ref.ndim; ++d) {
      numel *= ref.shape[d];
      if (ref.shape[d] == 1) continue;
      shape[ndim] = ref.shape[d];
      for (int k = 0; k < N; ++k) strides[k][ndim] = views[k]->strides[d] * int64_t(itemSize(views[k]->dtype));
      ++ndim;
    }
    // Merge dim d into d+1 where, for every operand, stepping d equals a full sweep of d+1.
    int out = 0;
    for (int d = 1; d < ndim; ++d) {
      bool mergeable = true;
      for (int k = 0; k < N; ++k) mergeable &= strides[k][out] == strides[k][d] * shape[d];
      if (mergeable) {
        shape[out] *= shape[d];
        for (int k = 0; k < N; ++k) strides[k][out] = strides[k][d];
      } else {
        ++out;
        shape[out] = shape[d];
        for (int k = 0; k < N; ++k) strides[k][out] = strides[k][d];
      }
    }
    if (ndim > 0) ndim = out + 1;
    if (numel == 0) ndim = 0;
  }

  // The common case, found cheaply: every operand is either contiguous or one broadcast
  // element (all strides 0), so the whole loop is one flat run.
  bool denseLayout(const View* const (&views)[N]) {
    const View& ref = *views[0];
    int64_t n = 1;
    for (int d = 0; d < ref.ndim; ++d) n *= ref.shape[d];
    if (n <= 1) return false;
    for (int k = 0; k < N; ++k) {
      const View& v = *views[k];
      bool zero = true;
      for (int d = 0; d < v.ndim; ++d) zero &= v.strides[d] == 0 || v.shape[d] == 1;
      if (zero) {
        strides[k][0] = 0;
      } else if (v.isContiguous()) {
        strides[k][0] = int64_t(itemSize(v.dtype));
      } else {
        return false;
      }
    }
    ndim = 1;
    shape[0] = n;
    numel = n;
    return true;
  }

  // Calls inner(ptrs, innerStrides, count) over the elements [begin, end) in row-major
  // order; each call covers a run along the innermost dim.
  template <typename Inner>
  void run(int64_t begin, int64_t end, Inner&& inner) const {
    if (begin >= end) return;
    if (ndim <= 1 && begin == 0) {  // one flat run (or a single element): no odometer
      char* p[N];
      int64_t s[N] = {};
      for (int k = 0; k < N; ++k) p[k] = base[k], s[k] = ndim == 1 ? strides[k][0] : 0;
      inner(p, s, ndim == 1 ? end : int64_t(1));
      return;
    }
    const int last = ndim - 1;
    int64_t idx[kMaxDims] = {};
    int64_t rem = begin;
    for (int d = last; d >= 0; --d) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
    }
    char* p[N];
    for (int k = 0; k < N; ++k) {
      p[k] = base[k];
      for (int d = 0; d < ndim; ++d) p[k] += idx[d] * strides[k][d];
    }
    int64_t s[N];
    for (int k = 0; k < N; ++k) s[k] = strides[k][last];
    int64_t todo = end - begin;
    while (todo > 0) {
      const int64_t count = std::min<int64_t>(shape[last] - idx[last], todo);
      inner(p, s, count);
      todo -= count;
      if (todo == 0) break;
      // Advance the odometer past the run just done.
      for (int k = 0; k < N; ++k) p[k] += count * strides[k][last];
      idx[last] += count;
      for (int d = last; d > 0 && idx[d] == shape[d]; --d) {
        for (int k = 0; k < N; ++k) p[k] += strides[k][d - 1] - shape[d] * strides[k][d];
        idx[d] = 0;
        ++idx[d - 1];
      }
    }
  }
};

// Elementwise work is split into chunks of a fixed size (independent of the thread count).
constexpr int64_t kElementwiseChunk = int64_t(1) << 16;

template <int N, typename Inner>
void parallelElementwise(Context& ctx, const StridedLoop<N>& loop, Inner&& inner) {
  const int64_t n = loop.numel;
  if (n <= kElementwiseChunk || ctx.pool.threads() == 1) {
    loop.run(0, n, inner);
    return;
  }
  const int64_t chunks = (n + kElementwiseChunk - 1) / kElementwiseChunk;
  ctx.pool.parallelFor(chunks, [&](int64_t c) {
    loop.run(c * kElementwiseChunk, std::min(n, (c + 1) * kElementwiseChunk), inner);
  });
}

inline void checkSameShape(const char* kernel, const View& a, const View& b) {
  bool same = a.ndim == b.ndim;
  for (int d = 0; same && d < a.ndim; ++d) same = a.shape[d] == b.shape[d];
  TG_CHECK(same, "%s: operand shapes differ from the output shape", kernel);
}

}  // namespace tg
