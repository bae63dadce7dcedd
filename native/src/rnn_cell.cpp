// The recurrent cells' elementwise part, forward and backward, one pass over the batch
// (native/ops.table, group RnnCell): what PyTorch's CPU lstm_cell/gru_cell run as a chain
// of a dozen small ops. The matrix products (gx = x wIhᵀ + bIh, gh = h wHhᵀ + bHh) stay
// on the GEMM; the kernels read them and the state, and write the new state or the
// gradients. Views are 2-D [B, ...] with any strides.
#include <cmath>

#include "tg/kernels.h"
#include "vec_kernels_api.h"

namespace tg {
namespace {

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

// Element (b, j) of a 2-D view.
template <typename T>
struct Mat {
  T* p;
  int64_t s0, s1;
  explicit Mat(const View& v) : p(v.ptr<T>()), s0(v.strides[0]), s1(v.strides[1]) {}
  T& operator()(int64_t b, int64_t j) const { return p[b * s0 + j * s1]; }
};

// The pre-activation of gate k at (b, j): gx + gh (gh absent: 0).
template <typename T>
struct Gates {
  Mat<T> gx;
  const View* ghView;
  Mat<T> gh;
  int64_t H;
  Gates(const View& x, const View* h, int64_t hidden) : gx(x), ghView(h), gh(h ? *h : x), H(hidden) {}
  T operator()(int64_t b, int k, int64_t j) const { return gx(b, k * H + j) + (ghView ? gh(b, k * H + j) : T(0)); }
};

void checkMatrix(const char* op, const View* v, int64_t rows, int64_t cols, DType dtype, const char* name) {
  if (!v) return;
  TG_CHECK(v->ndim == 2 && v->shape[0] == rows && v->shape[1] == cols,
           "%s: %s must be [%lld, %lld]", op, name, (long long)rows, (long long)cols);
  TG_CHECK(v->dtype == dtype, "%s: %s has dtype %s, expected %s", op, name, dtypeName(v->dtype), dtypeName(dtype));
}

// The forward ops keep the gate activations (act) and tanh(c') (tc) for backward, which
// then evaluates no transcendental function. Each forward op writes a row's pre-activations
// where they are kept, applies σ / tanh there in place (activate), then combines them.
// activate runs the SIMD path's vector kernels (the unary ops' bits: vec_math.h) when the
// path has them and the row is contiguous, else the scalar C library: a scalar std::exp /
// std::tanh per element took most of an LSTM step's cell time (bench/PROFILES.md, "W8 LSTM
// step").
template <typename T>
void activate(const VecKernels<T>* simd, UnaryOp f, const Mat<T>& y, int64_t b, int64_t j0, int64_t n) {
  T* p = &y(b, j0);
  if (simd && y.s1 == 1 && simd->unary(f, p, p, n)) return;
  for (int64_t j = j0; j < j0 + n; ++j) y(b, j) = f == UnaryOp::Sigmoid ? sigmoid(y(b, j)) : std::tanh(y(b, j));
}

template <typename T>
void lstm(const VecKernels<T>* simd, RnnCellOp op, const View& out0, const View* out1, const View& gxv, const View* ghv, const View& sv,
          const View* gv) {
  const int64_t B = sv.shape[0], H = sv.shape[1];
  const Gates<T> gate(gxv, ghv, H);
  // Absent optional views alias out0 (never written or read then).
  const Mat<T> out(out0), s(sv), act(gxv), grad(gv ? *gv : out0), o1(out1 ? *out1 : out0);
  for (int64_t b = 0; b < B; ++b) {
    if (op == RnnCellOp::LstmCellC) {  // out1 = act: σ(i), σ(f), tanh(g), σ(o)
      for (int64_t j = 0; j < 4 * H; ++j) o1(b, j) = gate(b, 0, j);
      activate(simd, UnaryOp::Sigmoid, o1, b, 0, 2 * H);
      activate(simd, UnaryOp::Tanh, o1, b, 2 * H, H);
      activate(simd, UnaryOp::Sigmoid, o1, b, 3 * H, H);
      for (int64_t j = 0; j < H; ++j) out(b, j) = o1(b, H + j) * s(b, j) + o1(b, j) * o1(b, 2 * H + j);
      continue;
    }
    if (op == RnnCellOp::LstmCellH) {  // gx = act, out1 = tanh(c')
      for (int64_t j = 0; j < H; ++j) o1(b, j) = s(b, j);
      activate(simd, UnaryOp::Tanh, o1, b, 0, H);
      for (int64_t j = 0; j < H; ++j) out(b, j) = act(b, 3 * H + j) * o1(b, j);
      continue;
    }
    for (int64_t j = 0; j < H; ++j) {
      if (op == RnnCellOp::LstmCellCBackward) {  // gx = act, s = c
        const T dc = grad(b, j);
        const T i = act(b, j), f = act(b, H + j), g = act(b, 2 * H + j);
        out(b, j) = dc * g * i * (T(1) - i);
        out(b, H + j) = dc * s(b, j) * f * (T(1) - f);
        out(b, 2 * H + j) = dc * i * (T(1) - g * g);
        out(b, 3 * H + j) = T(0);
        if (out1) o1(b, j) = dc * f;
      } else {  // LstmCellHBackward: gx = act, s = tanh(c')
        const T dh = grad(b, j);
        const T o = act(b, 3 * H + j), tc = s(b, j);
        out(b, j) = out(b, H + j) = out(b, 2 * H + j) = T(0);
        out(b, 3 * H + j) = dh * tc * o * (T(1) - o);
        if (out1) o1(b, j) = dh * o * (T(1) - tc * tc);
      }
    }
  }
}

template <typename T>
void gru(const VecKernels<T>* simd, RnnCellOp op, const View& out0, const View* out1, const View* out2, const View& gxv, const View& ghv, const View& sv,
         const View* gv) {
  const int64_t B = sv.shape[0], H = sv.shape[1];
  // Absent optional views alias out0 (never written or read then).
  const Mat<T> gx(gxv), gh(ghv), h(sv), out(out0), grad(gv ? *gv : out0), o1(out1 ? *out1 : out0), dh(out2 ? *out2 : out0);
  for (int64_t b = 0; b < B; ++b) {
    if (op == RnnCellOp::GruCell) {  // out1 = act: r, z, n
      for (int64_t j = 0; j < 2 * H; ++j) o1(b, j) = gx(b, j) + gh(b, j);
      activate(simd, UnaryOp::Sigmoid, o1, b, 0, 2 * H);
      for (int64_t j = 0; j < H; ++j) o1(b, 2 * H + j) = gx(b, 2 * H + j) + o1(b, j) * gh(b, 2 * H + j);
      activate(simd, UnaryOp::Tanh, o1, b, 2 * H, H);
      for (int64_t j = 0; j < H; ++j) out(b, j) = (T(1) - o1(b, H + j)) * o1(b, 2 * H + j) + o1(b, H + j) * h(b, j);
      continue;
    }
    for (int64_t j = 0; j < H; ++j) {  // GruCellBackward: gx = act, out0 = d gx, out1 = d gh, out2 = d h
      const T ghn = gh(b, 2 * H + j);
      const T r = gx(b, j), z = gx(b, H + j), n = gx(b, 2 * H + j);
      const T g = grad(b, j);
      const T dn = g * (T(1) - z) * (T(1) - n * n);  // d of n's pre-activation
      const T dz = g * (h(b, j) - n) * z * (T(1) - z);
      const T dr = dn * ghn * r * (T(1) - r);
      out(b, j) = o1(b, j) = dr;
      out(b, H + j) = o1(b, H + j) = dz;
      out(b, 2 * H + j) = dn;
      o1(b, 2 * H + j) = dn * r;
      if (out2) dh(b, j) = g * z;
    }
  }
}

}  // namespace

void runRnnCell(Context& ctx, RnnCellOp op, const Operands& args) {
  TG_CHECK(op < RnnCellOp::Count, "rnnCell: unknown op %d", int(op));
  const View& out0 = args.view(0);
  const View* out1 = args.optionalView(1);
  const View* out2 = args.optionalView(2);
  const View& gx = args.view(3);
  const View* gh = args.optionalView(4);
  const View& s = args.view(5);
  const View* g = args.optionalView(6);
  const char* name = opName(op);
  const bool isGru = op == RnnCellOp::GruCell || op == RnnCellOp::GruCellBackward;
  const bool backward = op == RnnCellOp::LstmCellCBackward || op == RnnCellOp::LstmCellHBackward || op == RnnCellOp::GruCellBackward;
  TG_CHECK(s.ndim == 2, "%s: the state must be 2-D [B, H]", name);
  const int64_t B = s.shape[0], H = s.shape[1], G = isGru ? 3 : 4;
  const DType dt = s.dtype;
  TG_CHECK(dt == DType::F32 || dt == DType::F64, "%s: %s is not supported", name, dtypeName(dt));
  TG_CHECK(backward == (g != nullptr), "%s: backward ops take the output gradient, forward ops do not", name);
  TG_CHECK(!isGru || gh, "%s: the GRU needs gh", name);
  // out1 holds the activations [B, G·H] (LstmCellC, GruCell) or d gh (GruCellBackward), tanh(c')
  // (LstmCellH) or the state's gradient [B, H]; the forward ops other than LstmCellH need it.
  const bool wideOut1 = op == RnnCellOp::LstmCellC || op == RnnCellOp::GruCell || op == RnnCellOp::GruCellBackward;
  TG_CHECK(out1 || !(wideOut1 || op == RnnCellOp::LstmCellH), "%s: needs out1", name);
  checkMatrix(name, &gx, B, G * H, dt, "gx");
  checkMatrix(name, gh, B, G * H, dt, "gh");
  checkMatrix(name, g, B, H, dt, "the output gradient");
  checkMatrix(name, &out0, B, backward ? G * H : H, dt, "out0");
  checkMatrix(name, out1, B, wideOut1 ? G * H : H, dt, "out1");
  checkMatrix(name, out2, B, H, dt, "out2");
  dispatchDType(dt, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const VecKernels<T>* simd = vecKernelsFor<T>(ctx.cpu);
      if (isGru) gru<T>(simd, op, out0, out1, out2, gx, *gh, s, g);
      else lstm<T>(simd, op, out0, out1, gx, gh, s, g);
    }
  });
}

}  // namespace tg
