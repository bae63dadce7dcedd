// Reductions over any set of dims: for every element of `out`, fold the elements of x
// that map to it. The reduced dims are those where out has size 1 and x does not.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "reduce_simd.h"
#include "strided.h"
#include "tg/kernels.h"
#include "vec_kernels_api.h"
#include "vec_product.h"

namespace tg {
namespace {

// The reduced dims of x, coalesced, innermost last.
struct ReducedDims {
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};  // in elements
  int64_t numel = 1;
};

// Visits every reduced element reachable from `base`, in row-major order of the reduced
// dims, calling fn(value, flatIndex). Returns early if fn returns false.
template <typename T, typename Fn>
void forEachReduced(const T* base, const ReducedDims& r, Fn&& fn) {
  if (r.numel == 0) return;
  if (r.ndim == 0) {
    fn(*base, int64_t(0));
    return;
  }
  const int last = r.ndim - 1;
  const int64_t innerN = r.shape[last], innerS = r.strides[last];
  int64_t idx[kMaxDims] = {};
  int64_t flat = 0;
  const T* p = base;
  while (true) {
    for (int64_t i = 0; i < innerN; ++i, ++flat)
      if (!fn(p[i * innerS], flat)) return;
    int d = last - 1;
    for (; d >= 0; --d) {
      p += r.strides[d];
      if (++idx[d] < r.shape[d]) break;
      p -= r.shape[d] * r.strides[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

// Runs up to this long are summed (multiplied) in order, as lib/native/jskernels.ts does
// for the tensors it takes (at most 256 elements), so both paths give the same bits.
constexpr int64_t kSequentialSum = 256;
// Long runs are summed (multiplied) in chunks of this size whatever the thread count.
constexpr int64_t kSumChunk = int64_t(1) << 16;

// reduce_simd.h's float blocks: 16 float lanes (four 4-lane vectors on SSE2 or NEON) take
// kFloatBlockSteps loads each, fold once to 8 and are widened into acc. Widening each float
// as it was loaded (cvtps2pd + addpd, 2 floats per instruction on SSE2) made this loop
// compute-bound: the 16M float32 sum under TENSORGRAD_SIMD=avx2 went from 25 to 35 GB/s on
// one core (bench/PROFILES.md, "W6 sum"). Returns how many elements it took (whole blocks).
inline int64_t sumFloatBlocks(const float* p, int64_t n, double (&acc)[8]) {
  constexpr int64_t kLanes = 16, kBlock = kLanes * kFloatBlockSteps;
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    float f[kLanes];
    for (int k = 0; k < kLanes; ++k) f[k] = p[i + k];
    for (int step = 1; step < kFloatBlockSteps; ++step)
      for (int k = 0; k < kLanes; ++k) f[k] += p[i + kLanes * step + k];
    for (int k = 0; k < 8; ++k) acc[k] += double(f[k] + f[k + 8]);
  }
  return i;
}

// Eight double accumulators: independent adds instead of one latency-bound chain (and a
// loop the compiler vectorises). Float32 runs first go through sumFloatBlocks.
template <typename T>
double sumChunk(const T* p, int64_t n) {
  double acc[8] = {};
  int64_t i = 0;
  if constexpr (std::is_same_v<T, float>) i = sumFloatBlocks(p, n, acc);
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += p[i + k];
  double s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; ++i) s += p[i];
  return s;
}

// A chunk's sum or product, and how chunk results combine (in order).
template <typename T>
struct ChunkFold {
  double (*chunk)(const T*, int64_t);
  bool product;
  double identity() const { return product ? 1.0 : 0.0; }
  double combine(double acc, double v) const { return product ? acc * v : acc + v; }
};

// The chunk sum of the selected SIMD path (reduce_simd.h; the portable one otherwise), or
// the product (vec_product.h: the same bits on every path).
template <typename T>
ChunkFold<T> chunkFoldFor(const CpuFeatures& cpu, ReduceOp op) {
  if (op == ReduceOp::Prod) {
    const VecKernels<T>* simd = vecKernelsFor<T>(cpu);
    return {simd ? simd->product : &vecmath::productRun<vecmath::ScalarLanes, T>, true};
  }
  if (cpu.avx512 && sumAvx512Built()) return {static_cast<double (*)(const T*, int64_t)>(&sumChunkAvx512), false};
  return {&sumChunk<T>, false};
}

// The sum (product) of a long contiguous run: fixed chunks folded in order (the caller
// threads over outputs, or foldRunParallel over the chunks of a single output).
template <typename T>
double foldRun(const ChunkFold<T>& fold, const T* p, int64_t n) {
  double s = fold.identity();
  for (int64_t c = 0; c < n; c += kSumChunk) s = fold.combine(s, fold.chunk(p + c, std::min(kSumChunk, n - c)));
  return s;
}

template <typename T>
double foldRunParallel(Context& ctx, const ChunkFold<T>& fold, const T* p, int64_t n) {
  const int64_t chunks = (n + kSumChunk - 1) / kSumChunk;
  std::vector<double> partial(static_cast<size_t>(chunks));
  // One task per thread, each a contiguous run of neighbouring chunks, so each thread
  // streams through its own part of memory in order (as PyTorch's parallel_for splits).
  // With one chunk per task the threads took turns every 256 KB and the 16M float32 sum on
  // 2 threads took 14% longer; two runs per thread (for balance with a late worker) still
  // took 5-14% longer than one (bench/PROFILES.md, "W6 sum on 2 threads").
  const int64_t tasks = std::min<int64_t>(chunks, ctx.pool.availableThreads());
  ctx.pool.parallelFor(tasks, [&](int64_t t) {
    for (int64_t c = chunks * t / tasks; c < chunks * (t + 1) / tasks; ++c)
      partial[c] = fold.chunk(p + c * kSumChunk, std::min(kSumChunk, n - c * kSumChunk));
  });
  double s = fold.identity();
  for (double v : partial) s = fold.combine(s, v);  // the same order as foldRun
  return s;
}

template <typename T, typename R>
R foldOne(const CpuFeatures& cpu, ReduceOp op, const T* base, const ReducedDims& r) {
  switch (op) {
    case ReduceOp::Sum: {
      if constexpr (std::is_floating_point_v<T>) {
        if (r.ndim == 1 && r.strides[0] == 1 && r.numel > kSequentialSum)
          return static_cast<R>(foldRun(chunkFoldFor<T>(cpu, op), base, r.numel));
        double acc = 0;  // float32 sums accumulate in double: one rounding at the end
        forEachReduced(base, r, [&](T v, int64_t) { acc += v; return true; });
        return static_cast<R>(acc);
      } else {
        using U = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;  // wraps, without signed overflow
        U u = 0;
        forEachReduced(base, r, [&](T v, int64_t) { u += static_cast<U>(v); return true; });
        return static_cast<R>(static_cast<T>(u));
      }
    }
    case ReduceOp::Prod: {
      if constexpr (std::is_floating_point_v<T>) {
        if (r.ndim == 1 && r.strides[0] == 1 && r.numel > kSequentialSum)
          return static_cast<R>(foldRun(chunkFoldFor<T>(cpu, op), base, r.numel));
        double acc = 1;  // float32 products accumulate in double: one rounding at the end
        forEachReduced(base, r, [&](T v, int64_t) { acc *= v; return true; });
        return static_cast<R>(acc);
      } else {
        using U = std::conditional_t<sizeof(T) == 8, uint64_t, uint32_t>;
        U u = 1;
        forEachReduced(base, r, [&](T v, int64_t) { u *= static_cast<U>(v); return true; });
        return static_cast<R>(static_cast<T>(u));
      }
    }
    case ReduceOp::Max:
    case ReduceOp::Min: {
      const bool isMax = op == ReduceOp::Max;
      if constexpr (std::is_floating_point_v<T>) {
        // The path's vector scan gives the same value (it leaves NaNs and zeros to the loop).
        const VecKernels<T>* simd = vecKernelsFor<T>(cpu);
        T v;
        if (simd && r.ndim == 1 && r.strides[0] == 1 && simd->extreme(base, r.numel, isMax, &v)) return static_cast<R>(v);
      }
      T best = T(0);
      bool first = true;
      forEachReduced(base, r, [&](T v, int64_t) {
        if (first || v != v || (isMax ? v > best : v < best)) best = v, first = false;
        return v == v;  // NaN wins and ends the scan
      });
      return static_cast<R>(best);
    }
    case ReduceOp::ArgMax:
    case ReduceOp::ArgMin: {
      const bool isMax = op == ReduceOp::ArgMax;
      if constexpr (std::is_floating_point_v<T>) {
        // The path's vector scan finds the same index (the first one of the extreme or NaN).
        const VecKernels<T>* simd = vecKernelsFor<T>(cpu);
        if (simd && r.ndim == 1 && r.strides[0] == 1) {
          const int64_t found = simd->argExtreme(base, r.numel, isMax);
          if (found >= 0) return static_cast<R>(found);
        }
      }
      T best = T(0);
      int64_t at = 0;
      bool first = true;
      forEachReduced(base, r, [&](T v, int64_t i) {
        if (first || v != v || (isMax ? v > best : v < best)) best = v, at = i, first = false;
        return v == v;
      });
      return static_cast<R>(at);
    }
    case ReduceOp::CountNonzero: {
      int64_t count = 0;
      forEachReduced(base, r, [&](T v, int64_t) { count += v != T(0); return true; });
      return static_cast<R>(count);
    }
    case ReduceOp::Count: break;
  }
  return R(0);
}

template <typename T, typename R>
void reduceTyped(Context& ctx, ReduceOp op, const View& out, const View& x) {
  // Split x's dims into kept ones (iterated together with out) and reduced ones.
  View keptX = x;
  ReducedDims r;
  for (int d = 0; d < x.ndim; ++d) {
    if (out.shape[d] == x.shape[d]) continue;
    keptX.shape[d] = 1;
    r.numel *= x.shape[d];
    r.shape[r.ndim] = x.shape[d];
    r.strides[r.ndim] = x.strides[d];
    ++r.ndim;
  }
  // Coalesce the reduced dims where contiguous across each other.
  int n = 0;
  for (int d = 1; d < r.ndim; ++d) {
    if (r.strides[n] == r.strides[d] * r.shape[d]) {
      r.shape[n] *= r.shape[d];
      r.strides[n] = r.strides[d];
    } else {
      ++n;
      r.shape[n] = r.shape[d];
      r.strides[n] = r.strides[d];
    }
  }
  if (r.ndim > 0) r.ndim = n + 1;

  const View* views[2] = {&out, &keptX};
  StridedLoop<2> loop(views);
  if constexpr (std::is_floating_point_v<T>) {
    // One long contiguous sum or product (a full reduction): its chunks run on the pool.
    const bool chunked = op == ReduceOp::Sum || op == ReduceOp::Prod;
    if (chunked && loop.numel == 1 && r.ndim == 1 && r.strides[0] == 1 && r.numel > 2 * kSumChunk) {
      const T* x0 = reinterpret_cast<const T*>(loop.base[1]);
      *reinterpret_cast<R*>(loop.base[0]) = static_cast<R>(foldRunParallel(ctx, chunkFoldFor<T>(ctx.cpu, op), x0, r.numel));
      return;
    }
  }
  // Sums (products) down the columns of a matrix (a bias gradient: [rows, n] -> [1, n]): a
  // block of outputs at a time, reading each row in order instead of walking every column.
  // Each output still folds its elements in order in double, as foldOne does.
  const bool product = op == ReduceOp::Prod;
  const bool columnFolds = std::is_floating_point_v<T> && (op == ReduceOp::Sum || product) && r.ndim == 1 &&
                           !(r.strides[0] == 1 && r.numel > kSequentialSum);
  loop.run(0, loop.numel, [&](char** p, const int64_t* s, int64_t count) {
    if (columnFolds && s[1] == int64_t(sizeof(T))) {
      constexpr int64_t kBlock = 64;
      double acc[kBlock];
      for (int64_t j0 = 0; j0 < count; j0 += kBlock) {
        const int64_t nb = std::min(kBlock, count - j0);
        const T* col = reinterpret_cast<const T*>(p[1]) + j0;
        std::fill(acc, acc + nb, product ? 1.0 : 0.0);
        for (int64_t k = 0; k < r.numel; ++k, col += r.strides[0]) {
          if (product)
            for (int64_t j = 0; j < nb; ++j) acc[j] *= col[j];
          else
            for (int64_t j = 0; j < nb; ++j) acc[j] += col[j];
        }
        for (int64_t j = 0; j < nb; ++j) *reinterpret_cast<R*>(p[0] + (j0 + j) * s[0]) = static_cast<R>(acc[j]);
      }
      return;
    }
    for (int64_t i = 0; i < count; ++i) {
      const T* base = reinterpret_cast<const T*>(p[1] + i * s[1]);
      *reinterpret_cast<R*>(p[0] + i * s[0]) = foldOne<T, R>(ctx.cpu, op, base, r);
    }
  });
}

}  // namespace

void reduce(Context& ctx, ReduceOp op, const View& out, const View& x) {
  TG_CHECK(out.ndim == x.ndim, "reduce: out has %d dims, x has %d", out.ndim, x.ndim);
  bool emptyReduction = false;
  for (int d = 0; d < x.ndim; ++d) {
    TG_CHECK(out.shape[d] == x.shape[d] || out.shape[d] == 1, "reduce: out size %lld does not fit x size %lld in dim %d",
             (long long)out.shape[d], (long long)x.shape[d], d);
    if (out.shape[d] != x.shape[d] && x.shape[d] == 0) emptyReduction = true;
  }
  const bool indexResult = (traitsOf(op) & trait::kIndexOut) != 0;
  if (op == ReduceOp::Max || op == ReduceOp::Min || op == ReduceOp::ArgMax || op == ReduceOp::ArgMin)
    TG_CHECK(!emptyReduction || out.numel() == 0, "reduce: cannot take the extreme of an empty set");
  if (indexResult) {
    TG_CHECK(out.dtype == DType::I32, "reduce: index results are int32, got %s", dtypeName(out.dtype));
  } else {
    TG_CHECK(out.dtype == x.dtype, "reduce: out is %s but x is %s", dtypeName(out.dtype), dtypeName(x.dtype));
  }
  TG_CHECK(x.dtype != DType::Bool || (traitsOf(op) & trait::kBool) != 0, "reduce: bool input is only counted");
  // Nothing to write. (Returning here also keeps the product of the reduced sizes below
  // 2^48: x's sizes multiply in order to at most that until the first 0.)
  if (out.numel() == 0) return;
  dispatchDType(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (indexResult) reduceTyped<T, int32_t>(ctx, op, out, x);
    else reduceTyped<T, T>(ctx, op, out, x);
  });
}

}  // namespace tg
