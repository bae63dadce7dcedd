// Index kernels: indexSelect / indexAdd / indexCopy along a dim with a 1-D index, gather /
// scatterAdd / scatter with an index of the input's ndim. The index is int32 or int64
// (PyTorch's default integer dtype: read as it comes, no narrowing pass); every index value
// is bounds-checked.
#include "strided.h"
#include "tg/kernels.h"

namespace tg {
namespace {

// a + b, where integers wrap on overflow as in the other int kernels (computed unsigned:
// signed overflow is undefined behaviour).
template <typename T>
inline T addWrapping(T a, T b) {
  if constexpr (isSignedInt<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

// What a kernel does at an indexed position: read it, add into it, or write it.
enum class Access { Read, Add, Write };

template <Access A, typename T>
inline void access(T* indexed, T* plain) {
  if constexpr (A == Access::Read) *plain = *indexed;
  else if constexpr (A == Access::Add) *indexed = addWrapping(*indexed, *plain);
  else *indexed = *plain;
}

inline int64_t checkedIndex(int64_t i, int64_t size, int dim) {
  TG_CHECK(i >= 0 && i < size, "index %lld is out of bounds for dimension %d with size %lld", (long long)i, dim, (long long)size);
  return i;
}

// Shapes agree everywhere except possibly at `dim`.
void checkShapesExcept(const char* what, const View& a, const View& b, int dim) {
  TG_CHECK(a.ndim == b.ndim, "%s: operands have %d and %d dims", what, a.ndim, b.ndim);
  for (int d = 0; d < a.ndim; ++d)
    TG_CHECK(d == dim || a.shape[d] == b.shape[d], "%s: sizes differ in dim %d (%lld vs %lld)", what, d,
             (long long)a.shape[d], (long long)b.shape[d]);
}

// indexSelect / indexAdd / indexCopy: `sel` is the view indexed along dim by position i,
// `full` the one indexed by index[i] (I: the index's element type). Iterates the positions
// of `sel` with dim collapsed.
template <typename T, Access A, typename I>
void indexAlongDim(const View& sel, const View& full, const View& index, int dim) {
  const int64_t n = index.shape[0];
  TG_CHECK(sel.shape[dim] == n, "index: %lld positions for %lld indices", (long long)sel.shape[dim], (long long)n);
  const I* idx = index.ptr<I>();
  // Pre-check all indices so that a bad one leaves the output untouched. They are checked
  // again where used: out may share memory with index and change it during the loop.
  for (int64_t i = 0; i < n; ++i) checkedIndex(idx[i * index.strides[0]], full.shape[dim], dim);
  // Nothing to select or add: the loop below would still walk every other position.
  if (sel.numel() == 0) return;
  View s = sel, f = full;
  s.shape[dim] = f.shape[dim] = 1;
  const View* views[2] = {&s, &f};
  StridedLoop<2> loop(views);
  // Where dim steps over more memory in full (the side read or written at random) than the
  // rest's innermost run (rows of an embedding table, say), each index moves one slab:
  // index outermost, the slab innermost. Otherwise (dim innermost), the index loop is the
  // inner one. sel is walked in order either way, and may be a broadcast (an embedding's
  // gradient from a sum: stride 0). A position's additions come in index order either way.
  const bool slabs = loop.ndim > 0 && full.strides[dim] * int64_t(sizeof(T)) > loop.strides[1][loop.ndim - 1];
  if (slabs) {
    char* const selBase = loop.base[0];
    char* const fullBase = loop.base[1];
    const int64_t item = sizeof(T);
    // Plain loops the compiler vectorises: full's slab contiguous, sel's contiguous too or,
    // where sel is only read, one value for the whole slab (a broadcast: stride 0).
    const bool plain = loop.ndim == 1 && loop.strides[1][0] == item;
    const bool contiguous = plain && loop.strides[0][0] == item;
    const bool broadcast = plain && A != Access::Read && loop.strides[0][0] == 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t j = checkedIndex(idx[i * index.strides[0]], full.shape[dim], dim);
      loop.base[0] = selBase + i * sel.strides[dim] * item;
      loop.base[1] = fullBase + j * full.strides[dim] * item;
      T* sp = reinterpret_cast<T*>(loop.base[0]);
      T* fp = reinterpret_cast<T*>(loop.base[1]);
      if (contiguous) {
        for (int64_t k = 0; k < loop.numel; ++k) access<A>(fp + k, sp + k);
        continue;
      }
      if (broadcast) {
        T value = *sp;
        for (int64_t k = 0; k < loop.numel; ++k) access<A>(fp + k, &value);
        continue;
      }
      loop.run(0, loop.numel, [&](char** p, const int64_t* st, int64_t count) {
        for (int64_t k = 0; k < count; ++k) access<A>(reinterpret_cast<T*>(p[1] + k * st[1]), reinterpret_cast<T*>(p[0] + k * st[0]));
      });
    }
    return;
  }
  loop.run(0, loop.numel, [&](char** p, const int64_t* st, int64_t count) {
    for (int64_t k = 0; k < count; ++k) {
      T* sp = reinterpret_cast<T*>(p[0] + k * st[0]);
      T* fp = reinterpret_cast<T*>(p[1] + k * st[1]);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t j = checkedIndex(idx[i * index.strides[0]], full.shape[dim], dim);
        access<A>(fp + j * full.strides[dim], sp + i * sel.strides[dim]);
      }
    }
  });
}

// gather / scatterAdd / scatter: iterate index's shape; `dense` is indexed like index,
// `sparse` by index values along dim.
template <typename T, Access A, typename I>
void gatherScatter(const View& dense, const View& sparse, const View& index, int dim) {
  TG_CHECK(dense.ndim == index.ndim && sparse.ndim == index.ndim, "gather: index must have the input's ndim");
  for (int d = 0; d < index.ndim; ++d) {
    TG_CHECK(dense.shape[d] >= index.shape[d], "gather: index size %lld exceeds %lld in dim %d",
             (long long)index.shape[d], (long long)dense.shape[d], d);
    TG_CHECK(d == dim || sparse.shape[d] >= index.shape[d], "gather: index size %lld exceeds %lld in dim %d",
             (long long)index.shape[d], (long long)sparse.shape[d], d);
  }
  View d2 = dense, s2 = sparse;
  for (int d = 0; d < index.ndim; ++d) d2.shape[d] = s2.shape[d] = index.shape[d];
  s2.strides[dim] = 0;  // the position along dim comes from the index value
  // Checked up front and again where used, as in indexAlongDim.
  const View* checkViews[1] = {&index};
  StridedLoop<1> check(checkViews);
  check.run(0, check.numel, [&](char** p, const int64_t* st, int64_t count) {
    for (int64_t k = 0; k < count; ++k) checkedIndex(*reinterpret_cast<const I*>(p[0] + k * st[0]), sparse.shape[dim], dim);
  });
  const View* views[3] = {&d2, &s2, &index};
  StridedLoop<3> loop(views);
  const int64_t step = sparse.strides[dim];
  loop.run(0, loop.numel, [&](char** p, const int64_t* st, int64_t count) {
    for (int64_t k = 0; k < count; ++k) {
      T* dp = reinterpret_cast<T*>(p[0] + k * st[0]);
      const int64_t j = checkedIndex(*reinterpret_cast<const I*>(p[2] + k * st[2]), sparse.shape[dim], dim);
      T* sp = reinterpret_cast<T*>(p[1] + k * st[1]) + j * step;
      access<A>(sp, dp);
    }
  });
}

void indexOp(IndexOp op, const View& out, const View& x, const View& index, int dim) {
  TG_CHECK(index.dtype == DType::I32 || index.dtype == DType::I64, "index: index must be int32 or int64, got %s", dtypeName(index.dtype));
  TG_CHECK(out.dtype == x.dtype, "index: out is %s but x is %s", dtypeName(out.dtype), dtypeName(x.dtype));
  TG_CHECK(dim >= 0 && dim < std::max(x.ndim, 1) && dim < kMaxDims, "index: dim %d out of range", dim);
  TG_CHECK(x.ndim > 0 && out.ndim > 0, "index: 0-d operands must be viewed as 1-d");
  const bool alongDim = op == IndexOp::IndexSelect || op == IndexOp::IndexAdd || op == IndexOp::IndexCopy;
  if (alongDim) {
    TG_CHECK(index.ndim == 1, "index: expected a 1-d index, got %d dims", index.ndim);
    checkShapesExcept("index", out, x, dim);
  }
  const auto run = [&](auto valueTag, auto indexTag) {
    using T = decltype(valueTag);
    using I = decltype(indexTag);
    switch (op) {
      case IndexOp::IndexSelect: return indexAlongDim<T, Access::Read, I>(out, x, index, dim);
      case IndexOp::IndexAdd: return indexAlongDim<T, Access::Add, I>(x, out, index, dim);
      case IndexOp::IndexCopy: return indexAlongDim<T, Access::Write, I>(x, out, index, dim);
      case IndexOp::Gather: return gatherScatter<T, Access::Read, I>(out, x, index, dim);
      case IndexOp::ScatterAdd: return gatherScatter<T, Access::Add, I>(x, out, index, dim);
      case IndexOp::Scatter: return gatherScatter<T, Access::Write, I>(x, out, index, dim);
      case IndexOp::Count: break;
    }
    fail("index: unknown op %d", int(op));
  };
  dispatchDType(x.dtype, [&](auto valueTag) {
    if constexpr (std::is_same_v<decltype(valueTag), uint8_t>) {
      fail("index: bool tensors are not supported");
    } else if (index.dtype == DType::I64) {
      run(valueTag, int64_t{});
    } else {
      run(valueTag, int32_t{});
    }
  });
}

}  // namespace

// run(Index, op, out, x, index, dim)
void runIndex(Context&, IndexOp op, const Operands& args) {
  indexOp(op, args.view(0), args.view(1), args.view(2), args.integer(3));
}

}  // namespace tg
