// Convolution on the packed GEMM (im2col of a chunk of images, one GEMM per chunk and
// group), sliding blocks (unfold/fold) and pooling windows. Chunks of images and of planes
// are fixed by the sizes alone, never by the thread count, so every result is the same
// for any number of threads.
#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "tg/gemm.h"
#include "tg/kernels.h"

namespace tg {
namespace {

// One image's sliding-window layout: input [C, H, W], kernel [KH, KW], output [OH, OW].
struct Geometry {
  int64_t C, H, W, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw;
  int64_t rows() const { return C * KH * KW; }
  int64_t L() const { return OH * OW; }
};

// floor((n + 2p - d(k-1) - 1) / s) + 1: the number of windows (<= 0 when none fits).
int64_t outSize(int64_t n, int64_t k, int64_t s, int64_t p, int64_t d) {
  const int64_t span = n + 2 * p - d * (k - 1) - 1;
  return (span >= 0 ? span / s : -((-span + s - 1) / s)) + 1;
}

// For kernel column kj: the output columns [lo, hi) whose input column ow*sw + off lies in
// [0, W), off = kj*dw - pw.
void validColumns(const Geometry& g, int64_t off, int64_t& lo, int64_t& hi) {
  lo = off >= 0 ? 0 : (-off + g.sw - 1) / g.sw;
  hi = off >= g.W ? 0 : (g.W - off + g.sw - 1) / g.sw;
  lo = std::min(lo, g.OW);
  hi = std::max(lo, std::min(hi, g.OW));
}

// cols [C*KH*KW, L] (rows ld apart) = the blocks of one image x [C, H, W] (strides xs);
// positions in the padding are 0.
template <typename T>
void im2col(const Geometry& g, const T* x, const int64_t* xs, T* cols, int64_t ld) {
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t ki = 0; ki < g.KH; ++ki)
      for (int64_t kj = 0; kj < g.KW; ++kj) {
        T* row = cols + ((c * g.KH + ki) * g.KW + kj) * ld;
        const int64_t off = kj * g.dw - g.pw;
        int64_t lo, hi;
        validColumns(g, off, lo, hi);
        for (int64_t oh = 0; oh < g.OH; ++oh, row += g.OW) {
          const int64_t ih = oh * g.sh - g.ph + ki * g.dh;
          if (ih < 0 || ih >= g.H) {
            std::fill(row, row + g.OW, T(0));
            continue;
          }
          const T* src = x + c * xs[0] + ih * xs[1];
          std::fill(row, row + lo, T(0));
          if (g.sw == 1 && xs[2] == 1) std::copy(src + lo + off, src + hi + off, row + lo);
          else for (int64_t ow = lo; ow < hi; ++ow) row[ow] = src[(ow * g.sw + off) * xs[2]];
          std::fill(row + hi, row + g.OW, T(0));
        }
      }
}

// The adjoint: x [C, H, W] (strides xs) += the blocks in cols, overlaps summed.
template <typename T>
void col2im(const Geometry& g, const T* cols, int64_t ld, T* x, const int64_t* xs) {
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t ki = 0; ki < g.KH; ++ki)
      for (int64_t kj = 0; kj < g.KW; ++kj) {
        const T* row = cols + ((c * g.KH + ki) * g.KW + kj) * ld;
        const int64_t off = kj * g.dw - g.pw;
        int64_t lo, hi;
        validColumns(g, off, lo, hi);
        for (int64_t oh = 0; oh < g.OH; ++oh, row += g.OW) {
          const int64_t ih = oh * g.sh - g.ph + ki * g.dh;
          if (ih < 0 || ih >= g.H) continue;
          T* dst = x + c * xs[0] + ih * xs[1];
          for (int64_t ow = lo; ow < hi; ++ow) dst[(ow * g.sw + off) * xs[2]] += row[ow];
        }
      }
}

void zeroFill(const View& v) {
  dispatchDType(v.dtype, [&](auto tag) {
    using T = decltype(tag);
    std::fill(v.ptr<T>(), v.ptr<T>() + v.numel(), T(0));
  });
}

// A scratch buffer, left uninitialised (every element is written before it is read).
template <typename T>
std::unique_ptr<T[]> scratch(int64_t n) {
  return std::unique_ptr<T[]>(new T[static_cast<size_t>(std::max<int64_t>(n, 1))]);
}

// Runs fn(task) for tasks [0, n): on the pool when there are several (a GEMM inside then
// runs on its task's thread), directly when there is one (its GEMM may use the pool).
void forTasks(Context& ctx, int64_t n, const std::function<void(int64_t)>& fn) {
  if (n == 1) return fn(0);
  ctx.pool.parallelFor(n, fn);
}

// ---- convolution ---------------------------------------------------------------------------

// The im2col columns (and the GEMM result) of a chunk of images take about this many
// elements at most (a single image may take more: it is the smallest unit): small enough
// that malloc reuses the memory between calls instead of mapping fresh pages each time.
constexpr int64_t kChunkElements = int64_t(1) << 15;
// Images are spread over at least this many chunks when there are enough of them.
constexpr int64_t kMinChunks = 8;

struct ConvPlan {
  Geometry g;  // one group of one image: C = input channels per group
  int64_t N, groups, Cog;  // images, groups, output channels per group
  int64_t perChunk, chunks;
};

ConvPlan convPlan(const Operands& args, const View& x, const View& w, const View& y) {
  const char* op = "conv";
  const int64_t sh = args.integer(4), sw = args.integer(5), ph = args.integer(6), pw = args.integer(7);
  const int64_t dh = args.integer(8), dw = args.integer(9), groups = args.integer(10);
  TG_CHECK(x.ndim == 4 && w.ndim == 4 && y.ndim == 4, "%s: expected 4-d views", op);
  TG_CHECK(sh > 0 && sw > 0 && dh > 0 && dw > 0 && ph >= 0 && pw >= 0 && groups > 0, "%s: bad stride, padding, dilation or groups", op);
  const int64_t N = x.shape[0], Ci = x.shape[1], Co = w.shape[0];
  TG_CHECK(Ci % groups == 0 && Co % groups == 0 && w.shape[1] == Ci / groups, "%s: channels do not fit groups", op);
  // The output size comes from y: padding after the input may differ from padding before
  // ('same' with an even kernel), and windows reaching past it read zeros.
  Geometry g{Ci / groups, x.shape[2], x.shape[3], w.shape[2], w.shape[3], y.shape[2], y.shape[3], sh, sw, ph, pw, dh, dw};
  TG_CHECK(y.shape[0] == N && y.shape[1] == Co, "%s: output [%lld, %lld, ...] expected", op, (long long)N, (long long)Co);
  TG_CHECK(x.dtype == w.dtype && y.dtype == w.dtype && (w.dtype == DType::F32 || w.dtype == DType::F64), "%s: float32 or float64 views of one dtype expected", op);
  TG_CHECK(w.isContiguous() && y.isContiguous(), "%s: weight and output-sized views must be contiguous", op);
  return ConvPlan{g, N, groups, Co / groups, 1, N};
}

// Sizes the chunks of images; only for non-empty y and w, whose dims then multiply to
// their element counts (an empty view's other dims may say anything).
void chunkImages(ConvPlan& p) {
  const int64_t perImage = std::max<int64_t>(1, std::max(p.g.rows(), p.Cog) * p.g.L());
  p.perChunk = std::max<int64_t>(1, std::min(kChunkElements / perImage, (p.N + kMinChunks - 1) / kMinChunks));
  p.chunks = (p.N + p.perChunk - 1) / p.perChunk;
}

// out [N, C, H, W] (contiguous) += bias [C] per channel.
template <typename T>
void addBias(const View& out, const View& bias) {
  const int64_t C = out.shape[1], plane = out.shape[2] * out.shape[3];
  T* o = out.ptr<T>();
  for (int64_t i = 0; i < out.shape[0] * C; ++i) {
    const T b = bias.ptr<T>()[(i % C) * bias.strides[0]];
    for (int64_t l = 0; l < plane; ++l) o[i * plane + l] += b;
  }
}

// packed [Cog, nb*L] <-> the chunk's images of a [N, Co, L] tensor, group gi.
template <typename T>
void packGroup(const ConvPlan& p, const T* y, int64_t n0, int64_t nb, int64_t gi, T* packed) {
  const int64_t L = p.g.L(), Co = p.Cog * p.groups;
  for (int64_t c = 0; c < p.Cog; ++c)
    for (int64_t n = 0; n < nb; ++n) std::copy_n(y + ((n0 + n) * Co + gi * p.Cog + c) * L, L, packed + (c * nb + n) * L);
}
// The unpack adds the bias (a view of Co elements, or null) on the way.
template <typename T>
void unpackGroup(const ConvPlan& p, const T* packed, int64_t n0, int64_t nb, int64_t gi, const View* bias, T* y) {
  const int64_t L = p.g.L(), Co = p.Cog * p.groups;
  for (int64_t c = 0; c < p.Cog; ++c) {
    const T b = bias ? bias->ptr<T>()[(gi * p.Cog + c) * bias->strides[0]] : T(0);
    for (int64_t n = 0; n < nb; ++n) {
      const T* src = packed + (c * nb + n) * L;
      T* dst = y + ((n0 + n) * Co + gi * p.Cog + c) * L;
      if (bias) for (int64_t l = 0; l < L; ++l) dst[l] = src[l] + b;
      else std::copy_n(src, L, dst);
    }
  }
}

// The im2col columns [rows, nb*L] of the chunk's images, group gi, of x (strided).
template <typename T>
void chunkColumns(const ConvPlan& p, const View& x, int64_t n0, int64_t nb, int64_t gi, T* cols) {
  const int64_t L = p.g.L();
  for (int64_t n = 0; n < nb; ++n) {
    const T* image = x.ptr<T>() + (n0 + n) * x.strides[0] + gi * p.g.C * x.strides[1];
    im2col(p.g, image, x.strides + 1, cols + n * L, nb * L);
  }
}

template <typename T>
void convForward(Context& ctx, const View& y, const View& x, const View& w, const View* bias, const ConvPlan& p) {
  const int64_t L = p.g.L(), K = p.g.rows();
  forTasks(ctx, p.chunks, [&](int64_t chunk) {
    const int64_t n0 = chunk * p.perChunk, nb = std::min(p.perChunk, p.N - n0), ld = nb * L;
    auto cols = scratch<T>(K * ld), out = scratch<T>(p.Cog * ld);
    for (int64_t gi = 0; gi < p.groups; ++gi) {
      chunkColumns<T>(p, x, n0, nb, gi, cols.get());
      gemm<T>(ctx, p.Cog, ld, K, w.ptr<T>() + gi * p.Cog * K, K, 1, cols.get(), ld, 1, out.get(), ld, 1);
      unpackGroup<T>(p, out.get(), n0, nb, gi, bias, y.ptr<T>());
    }
  });
}

// gx = the adjoint of Forward applied to g: columns W_gᵀ·g, folded back into each image.
template <typename T>
void convInputGrad(Context& ctx, const View& gx, const View& g, const View& w, const View* bias, const ConvPlan& p) {
  const int64_t L = p.g.L(), K = p.g.rows();
  zeroFill(gx);
  forTasks(ctx, p.chunks, [&](int64_t chunk) {
    const int64_t n0 = chunk * p.perChunk, nb = std::min(p.perChunk, p.N - n0), ld = nb * L;
    auto cols = scratch<T>(K * ld), packed = scratch<T>(p.Cog * ld);
    for (int64_t gi = 0; gi < p.groups; ++gi) {
      packGroup<T>(p, g.ptr<T>(), n0, nb, gi, packed.get());
      gemm<T>(ctx, K, ld, p.Cog, w.ptr<T>() + gi * p.Cog * K, 1, K, packed.get(), ld, 1, cols.get(), ld, 1);
      for (int64_t n = 0; n < nb; ++n) {
        T* image = gx.ptr<T>() + (n0 + n) * gx.strides[0] + gi * p.g.C * gx.strides[1];
        col2im(p.g, static_cast<const T*>(cols.get() + n * L), ld, image, gx.strides + 1);
      }
    }
  });
  if (bias) addBias<T>(gx, *bias);  // conv_transpose's bias
}

// gw = Σ over images of g·colsᵀ: one partial per chunk (a GEMM over the chunk's columns),
// then the partials summed in chunk order.
template <typename T>
void convWeightGrad(Context& ctx, const View& gw, const View& x, const View& g, const ConvPlan& p) {
  const int64_t L = p.g.L(), K = p.g.rows(), size = p.Cog * p.groups * K;
  auto partials = scratch<T>(p.chunks > 1 ? p.chunks * size : 0);
  forTasks(ctx, p.chunks, [&](int64_t chunk) {
    const int64_t n0 = chunk * p.perChunk, nb = std::min(p.perChunk, p.N - n0), ld = nb * L;
    auto cols = scratch<T>(K * ld), packed = scratch<T>(p.Cog * ld);
    T* out = p.chunks > 1 ? partials.get() + chunk * size : gw.ptr<T>();
    for (int64_t gi = 0; gi < p.groups; ++gi) {
      chunkColumns<T>(p, x, n0, nb, gi, cols.get());
      packGroup<T>(p, g.ptr<T>(), n0, nb, gi, packed.get());
      gemm<T>(ctx, p.Cog, K, ld, packed.get(), ld, 1, cols.get(), 1, ld, out + gi * p.Cog * K, K, 1);
    }
  });
  if (p.chunks == 1) return;
  T* out = gw.ptr<T>();
  std::copy_n(partials.get(), size, out);
  for (int64_t c = 1; c < p.chunks; ++c)
    for (int64_t i = 0; i < size; ++i) out[i] += partials[c * size + i];
}

}  // namespace

void runConv(Context& ctx, ConvOp op, const Operands& args) {
  const View& out = args.view(0);
  const View& a = args.view(1);
  const View& b = args.view(2);
  const View* bias = args.optionalView(3);
  TG_CHECK(!bias || (op != ConvOp::WeightGrad && bias->ndim == 1 && bias->shape[0] == out.shape[1] && bias->dtype == out.dtype),
           "conv: a bias of the output's channels and dtype expected (Forward and InputGrad only)");
  // The three views as Forward's x, w and y; the bias applies to out.
  const View& x = op == ConvOp::Forward ? a : op == ConvOp::InputGrad ? out : a;
  const View& w = op == ConvOp::WeightGrad ? out : b;
  const View& y = op == ConvOp::Forward ? out : op == ConvOp::InputGrad ? a : b;
  ConvPlan p = convPlan(args, x, w, y);
  TG_CHECK(out.isContiguous(), "conv: the output view must be contiguous");
  dispatchDType(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      // Nothing to multiply: the result is the bias (or zero).
      if (y.numel() == 0 || w.numel() == 0) {
        zeroFill(out);
        if (bias && out.numel() > 0) addBias<T>(out, *bias);
        return;
      }
      chunkImages(p);
      if (op == ConvOp::Forward) convForward<T>(ctx, out, a, b, bias, p);
      else if (op == ConvOp::InputGrad) convInputGrad<T>(ctx, out, a, b, bias, p);
      else convWeightGrad<T>(ctx, out, a, b, p);
    }
  });
}

// ---- unfold / fold --------------------------------------------------------------------------

void runIm2col(Context& ctx, Im2colOp op, const Operands& args) {
  const View& out = args.view(0);
  const View& in = args.view(1);
  const View& image = op == Im2colOp::Im2col ? in : out;
  const View& cols = op == Im2colOp::Im2col ? out : in;
  TG_CHECK(image.ndim == 4 && cols.ndim == 3, "im2col: expected image [N, C, H, W] and columns [N, C*kH*kW, L]");
  TG_CHECK(image.dtype == cols.dtype && (image.dtype == DType::F32 || image.dtype == DType::F64), "im2col: float views of one dtype expected");
  Geometry g{image.shape[1], image.shape[2], image.shape[3], args.integer(2), args.integer(3), 0, 0,
             args.integer(4), args.integer(5), args.integer(6), args.integer(7), args.integer(8), args.integer(9)};
  TG_CHECK(g.KH > 0 && g.KW > 0 && g.sh > 0 && g.sw > 0 && g.ph >= 0 && g.pw >= 0 && g.dh > 0 && g.dw > 0, "im2col: bad kernel, stride, padding or dilation");
  g.OH = outSize(g.H, g.KH, g.sh, g.ph, g.dh);
  g.OW = outSize(g.W, g.KW, g.sw, g.pw, g.dw);
  TG_CHECK(g.OH > 0 && g.OW > 0 && cols.shape[0] == image.shape[0] && cols.shape[1] == g.rows() && cols.shape[2] == g.L(),
           "im2col: columns [%lld, %lld, %lld] expected", (long long)image.shape[0], (long long)g.rows(), (long long)g.L());
  TG_CHECK(out.isContiguous() && (op == Im2colOp::Im2col || in.isContiguous()), "im2col: contiguous columns expected");
  if (op == Im2colOp::Col2im) zeroFill(out);
  const int64_t N = image.shape[0];
  dispatchDType(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      auto one = [&](int64_t n) {
        T* c = cols.ptr<T>() + n * g.rows() * g.L();
        T* im = image.ptr<T>() + n * image.strides[0];
        if (op == Im2colOp::Im2col) im2col(g, static_cast<const T*>(im), image.strides + 1, c, g.L());
        else col2im(g, static_cast<const T*>(c), g.L(), im, image.strides + 1);
      };
      if (N > 1) ctx.pool.parallelFor(N, one);
      else if (N == 1) one(0);
    }
  });
}

// ---- pooling windows ------------------------------------------------------------------------

namespace {

// One dim's windows, read from its table [O, 3] of (first input position, taps, divisor
// factor) once per call: for window o, the taps j in [lo, hi) fall inside [0, in) at
// positions start + j * dilation.
struct Windows {
  std::vector<int64_t> start, lo, hi, factor;
  int64_t dilation;
  int64_t count() const { return static_cast<int64_t>(start.size()); }
};

Windows windows(const View& table, int64_t out, int64_t in, int64_t dilation) {
  TG_CHECK(table.dtype == DType::I32 && table.ndim == 2 && table.shape[0] == out && table.shape[1] == 3,
           "pool: a window table [%lld, 3] of int32 expected", (long long)out);
  TG_CHECK(dilation > 0, "pool: dilation must be positive");
  Windows w{std::vector<int64_t>(out), std::vector<int64_t>(out), std::vector<int64_t>(out), std::vector<int64_t>(out), dilation};
  const int32_t* t = table.ptr<int32_t>();
  for (int64_t o = 0; o < out; ++o) {
    // A negative number of taps is an empty window (lib/ never makes one).
    const int64_t s = t[o * table.strides[0]], k = std::max<int32_t>(0, t[o * table.strides[0] + table.strides[1]]);
    w.start[o] = s;
    w.factor[o] = t[o * table.strides[0] + 2 * table.strides[1]];
    w.lo[o] = std::min(k, s >= 0 ? 0 : (-s + dilation - 1) / dilation);
    w.hi[o] = std::max(w.lo[o], s >= in ? 0 : std::min(k, (in - s + dilation - 1) / dilation));
  }
  return w;
}

// Planes are grouped so that each task covers about this many elements.
constexpr int64_t kPoolTaskElements = int64_t(1) << 14;

template <typename T>
void poolPlane(PoolOp op, const View& out, const View* indices, const View& x, const Windows& rows, const Windows& cols, int64_t p) {
  const bool backward = op == PoolOp::AvgBackward;
  const View& big = backward ? out : x;    // [P, H, W]
  const View& small = backward ? x : out;  // [P, OH, OW]
  T* b = big.ptr<T>() + p * big.strides[0];
  T* s = small.ptr<T>() + p * small.strides[0];
  const int64_t bs1 = big.strides[1], bs2 = big.strides[2], ss1 = small.strides[1], ss2 = small.strides[2];
  const int64_t W = big.shape[2], dh = rows.dilation, dw = cols.dilation;
  if (backward) for (int64_t i = 0; i < big.shape[1]; ++i) for (int64_t j = 0; j < W; ++j) b[i * bs1 + j * bs2] = T(0);
  int32_t* idx = indices ? indices->ptr<int32_t>() + p * indices->strides[0] : nullptr;
  for (int64_t oh = 0; oh < rows.count(); ++oh) {
    const int64_t ilo = rows.lo[oh], ihi = rows.hi[oh], rs = rows.start[oh];
    for (int64_t ow = 0; ow < cols.count(); ++ow) {
      const int64_t jlo = cols.lo[ow], jhi = cols.hi[ow], cs = cols.start[ow];
      T& o = s[oh * ss1 + ow * ss2];
      if (op == PoolOp::Max) {
        // PyTorch's rule: start at -inf on the first tap inside; a larger value or a NaN takes
        // over. Selects, not branches (on random data a branch per tap mispredicts half the
        // time); a NaN is rare and rescanned.
        T best = -std::numeric_limits<T>::infinity();
        int64_t at = (rs + ilo * dh) * W + cs + jlo * dw;
        bool nan = false;
        for (int64_t i = ilo; i < ihi; ++i) {
          const int64_t ih = rs + i * dh;
          const T* row = b + ih * bs1;
          for (int64_t j = jlo; j < jhi; ++j) {
            const int64_t iw = cs + j * dw;
            const T v = row[iw * bs2];
            const bool more = v > best;
            at = more ? ih * W + iw : at;
            best = more ? v : best;
            nan |= v != v;
          }
        }
        if (nan) {  // the last NaN, as PyTorch's rule leaves it
          best = std::numeric_limits<T>::quiet_NaN();
          for (int64_t i = ilo; i < ihi; ++i)
            for (int64_t j = jlo; j < jhi; ++j) {
              const T v = b[(rs + i * dh) * bs1 + (cs + j * dw) * bs2];
              if (v != v) at = (rs + i * dh) * W + cs + j * dw;
            }
        }
        o = best;
        idx[oh * indices->strides[1] + ow * indices->strides[2]] = int32_t(at);
        continue;
      }
      const T divisor = T(rows.factor[oh] * cols.factor[ow]);
      if (op == PoolOp::Avg) {
        T sum = 0;
        for (int64_t i = ilo; i < ihi; ++i)
          for (int64_t j = jlo; j < jhi; ++j) sum += b[(rs + i * dh) * bs1 + (cs + j * dw) * bs2];
        o = sum / divisor;
      } else {
        const T v = o / divisor;
        for (int64_t i = ilo; i < ihi; ++i)
          for (int64_t j = jlo; j < jhi; ++j) b[(rs + i * dh) * bs1 + (cs + j * dw) * bs2] += v;
      }
    }
  }
}

}  // namespace

void runPool(Context& ctx, PoolOp op, const Operands& args) {
  const View& out = args.view(0);
  const View* indices = args.optionalView(1);
  const View& x = args.view(2);
  const bool backward = op == PoolOp::AvgBackward;
  const View& big = backward ? out : x;
  const View& small = backward ? x : out;
  TG_CHECK(big.ndim == 3 && small.ndim == 3 && big.shape[0] == small.shape[0], "pool: planes [P, H, W] and [P, OH, OW] expected");
  TG_CHECK(out.dtype == x.dtype && (x.dtype == DType::F32 || x.dtype == DType::F64), "pool: float views of one dtype expected");
  TG_CHECK((op == PoolOp::Max) == (indices != nullptr), "pool: indices go with Max only");
  if (indices) {
    TG_CHECK(indices->dtype == DType::I32 && indices->ndim == 3 && indices->shape[0] == small.shape[0] &&
             indices->shape[1] == small.shape[1] && indices->shape[2] == small.shape[2], "pool: int32 indices of the output's shape expected");
  }
  // Max's indices are flat positions in a plane, int32.
  TG_CHECK(op != PoolOp::Max || (big.shape[1] <= INT32_MAX && big.shape[2] <= INT32_MAX && big.shape[1] * big.shape[2] <= INT32_MAX),
           "pool: a plane of %lld x %lld has positions beyond int32", (long long)big.shape[1], (long long)big.shape[2]);
  const Windows rows = windows(args.view(3), small.shape[1], big.shape[1], args.integer(5));
  const Windows cols = windows(args.view(4), small.shape[2], big.shape[2], args.integer(6));
  const int64_t P = big.shape[0];
  const int64_t perTask = std::max<int64_t>(1, kPoolTaskElements / std::max<int64_t>(1, big.shape[1] * big.shape[2]));
  const int64_t tasks = (P + perTask - 1) / perTask;
  dispatchDType(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      auto run = [&](int64_t t) {
        for (int64_t p = t * perTask; p < std::min(P, (t + 1) * perTask); ++p) poolPlane<T>(op, out, indices, x, rows, cols, p);
      };
      if (tasks > 1) ctx.pool.parallelFor(tasks, run);
      else if (tasks == 1) run(0);
    }
  });
}

}  // namespace tg
