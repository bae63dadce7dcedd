// Elementwise, reduction and softmax kernels against references computed here in
// double (or, for single IEEE operations, the exactly rounded result), on contiguous,
// strided and broadcast views and lengths around the vector widths. Built with
// TG_NATIVE_TESTS; `npm run test:arm64` runs it under qemu-aarch64 to check the arm64
// (NEON) build, which cannot load into the x86 Node.
//
//   kernels_test [--seed N]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "tg/context.h"
#include "tg/error.h"
#include "tg/kernels.h"
#include "tg/operands.h"
#include "../src/optim_updates.h"
#include "../src/reduce_simd.h"
#include "../src/vec_kernels_api.h"
#include "../src/vec_product.h"

namespace {

int failures = 0;
int64_t checks = 0;

#define CHECK(cond, ...)                       \
  do {                                         \
    ++checks;                                  \
    if (!(cond)) {                             \
      ++failures;                              \
      std::printf("FAIL: ");                   \
      std::printf(__VA_ARGS__);                \
      std::printf("\n");                       \
      if (failures > 50) std::exit(1);         \
    }                                          \
  } while (0)

template <typename T>
tg::View view1d(std::vector<T>& buf, int64_t n, int64_t stride, int64_t offset = 0) {
  tg::View v;
  v.data = buf.data();
  v.dtype = tg::DTypeOf<T>::value;
  v.ndim = 1;
  v.offset = offset;
  v.shape[0] = n;
  v.strides[0] = stride;
  return v;
}

template <typename T>
tg::View view2d(std::vector<T>& buf, int64_t rows, int64_t cols) {
  tg::View v = view1d(buf, rows, cols);
  v.ndim = 2;
  v.shape[1] = cols;
  v.strides[1] = 1;
  return v;
}

// Lengths around every vector width (4, 8, 16 lanes, unrolled x4) and long runs (a sum
// over more than 2^17 elements is split across threads).
const int64_t kLengths[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 1000, 70001, 200003};

template <typename T>
double ulpTol() {
  return sizeof(T) == 4 ? 4e-7 : 1e-15;
}

// a + b, a * b, a / b, max(a, b): one IEEE operation each, so exactly the rounded result;
// b broadcast (stride 0) or reversed (read through a negative offset walk: stride 2).
template <typename T>
void testBinary(tg::Context& ctx, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(-10, 10);
  for (int64_t n : kLengths) {
    for (int layout = 0; layout < 3; ++layout) {
      std::vector<T> a(n), b(2 * n + 1), out(n);
      for (auto& x : a) x = T(dist(rng));
      for (auto& x : b) x = T(dist(rng));
      const int64_t bStride = layout == 0 ? 1 : layout == 1 ? 0 : 2;
      for (auto [op, name] : {std::pair{tg::BinaryOp::Add, "add"}, {tg::BinaryOp::Mul, "mul"},
                              {tg::BinaryOp::Div, "div"}, {tg::BinaryOp::Maximum, "maximum"}}) {
        tg::binary(ctx, op, view1d(out, n, 1), view1d(a, n, 1), view1d(b, n, bStride));
        int bad = 0;
        for (int64_t i = 0; i < n && bad == 0; ++i) {
          const T x = a[i], y = b[i * bStride];
          const T want = op == tg::BinaryOp::Add ? T(x + y) : op == tg::BinaryOp::Mul ? T(x * y)
                       : op == tg::BinaryOp::Div ? T(x / y) : (x > y ? x : y);
          if (!(out[i] == want)) {
            ++bad;
            CHECK(false, "%s %zu-byte n=%lld bStride=%lld [%lld]: %.17g, expected %.17g", name, sizeof(T),
                  (long long)n, (long long)bStride, (long long)i, double(out[i]), double(want));
          }
        }
        CHECK(bad == 0, "binary");
      }
    }
  }
}

// exp, tanh, sigmoid, sqrt, relu against the double-precision C library.
template <typename T>
void testUnary(tg::Context& ctx, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(-20, 20);
  for (int64_t n : kLengths) {
    std::vector<T> x(n), out(n);
    for (auto& v : x) v = T(dist(rng));
    struct Case {
      tg::UnaryOp op;
      const char* name;
      double (*ref)(double);
    };
    const Case cases[] = {
        {tg::UnaryOp::Exp, "exp", [](double v) { return std::exp(v); }},
        {tg::UnaryOp::Tanh, "tanh", [](double v) { return std::tanh(v); }},
        {tg::UnaryOp::Sigmoid, "sigmoid", [](double v) { return 1 / (1 + std::exp(-v)); }},
        {tg::UnaryOp::Sqrt, "sqrt", [](double v) { return std::sqrt(std::fabs(v)); }},
        {tg::UnaryOp::Relu, "relu", [](double v) { return v > 0 ? v : 0.0; }},
    };
    for (const Case& c : cases) {
      std::vector<T> in = x;
      if (c.op == tg::UnaryOp::Sqrt)
        for (auto& v : in) v = std::fabs(v);
      tg::unary(ctx, c.op, view1d(out, n, 1), view1d(in, n, 1), 0, 0);
      int bad = 0;
      for (int64_t i = 0; i < n && bad == 0; ++i) {
        const double want = c.ref(double(in[i]));
        if (!(std::fabs(double(out[i]) - want) <= 4 * ulpTol<T>() * std::fabs(want) + 1e-300)) {
          ++bad;
          CHECK(false, "%s %zu-byte n=%lld [%lld] of %.9g: %.17g, expected %.17g", c.name, sizeof(T), (long long)n,
                (long long)i, double(in[i]), double(out[i]), want);
        }
      }
      CHECK(bad == 0, "unary");
    }
  }
}

// Sum, max and argmax of whole vectors (contiguous and stride 3), and row sums of a
// matrix; sums against a double (compensated) reference within n·eps of Σ|x|.
template <typename T>
void testReduce(tg::Context& ctx, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(-1, 1);
  for (int64_t n : kLengths) {
    for (int64_t stride : {1, 3}) {
      std::vector<T> x(n * stride);
      for (auto& v : x) v = T(dist(rng));
      std::vector<T> out(1);
      std::vector<int32_t> idx(1);
      tg::View o = view1d(out, 1, 0), xv = view1d(x, n, stride);
      tg::reduce(ctx, tg::ReduceOp::Sum, o, xv);
      double s = 0, c = 0, mag = 0, mx = -INFINITY;
      int64_t arg = 0;
      for (int64_t i = 0; i < n; ++i) {
        const double v = x[i * stride], y = v - c, t = s + y;
        c = (t - s) - y;
        s = t;
        mag += std::fabs(v);
        if (v > mx) mx = v, arg = i;
      }
      const double eps = sizeof(T) == 4 ? 6e-8 : 1.2e-16;
      CHECK(std::fabs(double(out[0]) - s) <= (double(n) + 2) * eps * mag, "sum %zu-byte n=%lld stride=%lld: %.17g, expected %.17g",
            sizeof(T), (long long)n, (long long)stride, double(out[0]), s);
      tg::reduce(ctx, tg::ReduceOp::Max, o, xv);
      CHECK(double(out[0]) == mx, "max %zu-byte n=%lld: %.17g, expected %.17g", sizeof(T), (long long)n, double(out[0]), mx);
      tg::View iv = view1d(idx, 1, 0);
      iv.dtype = tg::DType::I32;
      tg::reduce(ctx, tg::ReduceOp::ArgMax, iv, xv);
      CHECK(idx[0] == arg, "argmax %zu-byte n=%lld: %d, expected %lld", sizeof(T), (long long)n, idx[0], (long long)arg);
      // The max again further on, then also before: the first index wins; argmin mirrors it.
      if (n >= 3) {
        const int64_t later = (arg + n / 2 + 1) % n, earlier = arg / 2;
        x[later * stride] = T(mx);
        tg::reduce(ctx, tg::ReduceOp::ArgMax, iv, xv);
        CHECK(idx[0] == std::min(arg, later), "argmax %zu-byte n=%lld with a repeated max: %d", sizeof(T), (long long)n, idx[0]);
        x[earlier * stride] = T(mx);
        tg::reduce(ctx, tg::ReduceOp::ArgMax, iv, xv);
        CHECK(idx[0] == std::min({arg, later, earlier}), "argmax %zu-byte n=%lld with a repeated max: %d", sizeof(T),
              (long long)n, idx[0]);
        for (int64_t i = 0; i < n; ++i) x[i * stride] = -x[i * stride];
        tg::reduce(ctx, tg::ReduceOp::ArgMin, iv, xv);
        CHECK(idx[0] == std::min({arg, later, earlier}), "argmin %zu-byte n=%lld with a repeated min: %d", sizeof(T),
              (long long)n, idx[0]);
      }
    }
  }
  // A long sum runs its chunks on the pool, a run of neighbouring chunks per task: every
  // element counted (against an in-order double sum, within the result's rounding), and
  // the same bits with 1, 2 or 3 threads, for fewer chunks than tasks (3) and uneven runs.
  for (const int64_t n : {(int64_t(1) << 17) + 1, (int64_t(1) << 20) + 12345}) {
    std::vector<T> x(n), many(1), one(1);
    for (auto& v : x) v = T(dist(rng));
    tg::Context single;
    single.pool.setThreads(1);
    tg::reduce(single, tg::ReduceOp::Sum, view1d(one, 1, 0), view1d(x, n, 1));
    double inOrder = 0, magnitude = 0;
    for (const T v : x) {
      inOrder += double(v);
      magnitude += std::fabs(double(v));
    }
    // float32 on the portable path: at most kFloatBlockSteps float additions per element
    // before double (reduce_simd.h), the final rounding, and double roundings far below one
    // more float32 rounding (n < 2^21, so n 2^-53 < 2^-32): within (steps + 2) 2^-24 Σ|x|.
    const double bound = sizeof(T) == 4 ? (tg::kFloatBlockSteps + 2) * std::ldexp(1.0, -24) * magnitude
                                        : 4 * std::numeric_limits<T>::epsilon() * magnitude;
    CHECK(std::fabs(double(one[0]) - inOrder) <= bound, "sum %zu-byte n=%lld: %g, in order %g", sizeof(T), (long long)n,
          double(one[0]), inOrder);
    for (const int threads : {2, 3}) {
      tg::Context pooled;
      pooled.pool.setThreads(threads);
      tg::reduce(pooled, tg::ReduceOp::Sum, view1d(many, 1, 0), view1d(x, n, 1));
      CHECK(std::memcmp(many.data(), one.data(), sizeof(T)) == 0, "sum %zu-byte n=%lld: %d threads and 1 differ",
            sizeof(T), (long long)n, threads);
    }
  }
  // Row sums of [rows, cols]: out has shape [rows, 1].
  for (int64_t cols : {1, 7, 16, 33, 300}) {
    const int64_t rows = 37;
    std::vector<T> x(rows * cols), out(rows);
    for (auto& v : x) v = T(dist(rng));
    tg::View o = view2d(out, rows, 1), xv = view2d(x, rows, cols);
    tg::reduce(ctx, tg::ReduceOp::Sum, o, xv);
    for (int64_t r = 0; r < rows; ++r) {
      double s = 0, mag = 0;
      for (int64_t j = 0; j < cols; ++j) s += double(x[r * cols + j]), mag += std::fabs(double(x[r * cols + j]));
      const double eps = sizeof(T) == 4 ? 6e-8 : 1.2e-16;
      CHECK(std::fabs(double(out[r]) - s) <= (double(cols) + 2) * eps * mag, "row sum %zu-byte cols=%lld row %lld",
            sizeof(T), (long long)cols, (long long)r);
    }
  }
}

// The Softmax group's entry point as the binding calls it: run(Softmax, op, out, x, null, dim).
void softmaxForward(tg::Context& ctx, tg::SoftmaxOp op, const tg::View& out, const tg::View& x, int dim) {
  tg::Operands args;
  args.group = "softmax";
  args.count = 4;
  args.kinds[0] = args.kinds[1] = tg::Operands::Kind::View;
  args.views[0] = out;
  args.views[1] = x;
  args.kinds[2] = tg::Operands::Kind::Null;
  args.kinds[3] = tg::Operands::Kind::Number;
  args.numbers[3] = dim;
  tg::runSoftmax(ctx, op, args);
}

// Softmax and log-softmax along the last dim against double references.
template <typename T>
void testSoftmax(tg::Context& ctx, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(-30, 30);
  for (int64_t cols : {1, 3, 8, 17, 64, 1000}) {
    const int64_t rows = 5;
    std::vector<T> x(rows * cols), out(rows * cols);
    for (auto& v : x) v = T(dist(rng));
    for (bool logSoftmax : {false, true}) {
      softmaxForward(ctx, logSoftmax ? tg::SoftmaxOp::LogSoftmax : tg::SoftmaxOp::Softmax, view2d(out, rows, cols),
                     view2d(x, rows, cols), 1);
      for (int64_t r = 0; r < rows; ++r) {
        double mx = -INFINITY, s = 0;
        for (int64_t j = 0; j < cols; ++j) mx = std::max(mx, double(x[r * cols + j]));
        for (int64_t j = 0; j < cols; ++j) s += std::exp(double(x[r * cols + j]) - mx);
        for (int64_t j = 0; j < cols; ++j) {
          const double z = double(x[r * cols + j]) - mx;
          const double want = logSoftmax ? z - std::log(s) : std::exp(z) / s;
          const double tol = 8 * ulpTol<T>() * (logSoftmax ? std::fabs(want) + std::log(double(cols)) + 1 : std::fabs(want)) + 1e-300;
          CHECK(std::fabs(double(out[r * cols + j]) - want) <= tol, "%s %zu-byte cols=%lld [%lld,%lld]: %.17g, expected %.17g",
                logSoftmax ? "logSoftmax" : "softmax", sizeof(T), (long long)cols, (long long)r, (long long)j,
                double(out[r * cols + j]), want);
        }
      }
    }
  }
}


// The Softmax group's backward entry point: run(Softmax, op, gradIn, y, gradOut, dim).
void softmaxBackward(tg::Context& ctx, tg::SoftmaxOp op, const tg::View& gi, const tg::View& y, const tg::View& g, int dim) {
  tg::Operands args;
  args.group = "softmax";
  args.count = 4;
  args.kinds[0] = args.kinds[1] = args.kinds[2] = tg::Operands::Kind::View;
  args.views[0] = gi;
  args.views[1] = y;
  args.views[2] = g;
  args.kinds[3] = tg::Operands::Kind::Number;
  args.numbers[3] = dim;
  tg::runSoftmax(ctx, op, args);
}

// Softmax and log-softmax backward along the last dim against double references:
// softmax: y (g - sum(g y)); logSoftmax: g - exp(y) sum(g) (y = log-probabilities).
template <typename T>
void testSoftmaxBackward(tg::Context& ctx, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(-1, 1), logp(-20, 0);
  for (int64_t cols : {1, 3, 8, 17, 64, 300, 1000}) {
    const int64_t rows = 5;
    std::vector<T> y(rows * cols), g(rows * cols), gi(rows * cols);
    for (auto& v : g) v = T(dist(rng));
    for (bool log : {false, true}) {
      for (auto& v : y) v = T(log ? logp(rng) : std::exp(logp(rng)));
      softmaxBackward(ctx, log ? tg::SoftmaxOp::LogSoftmaxBackward : tg::SoftmaxOp::SoftmaxBackward, view2d(gi, rows, cols),
                      view2d(y, rows, cols), view2d(g, rows, cols), 1);
      for (int64_t r = 0; r < rows; ++r) {
        double acc = 0;
        for (int64_t j = 0; j < cols; ++j) acc += log ? double(g[r * cols + j]) : double(g[r * cols + j]) * y[r * cols + j];
        const double s = double(T(acc));  // the kernel rounds the row's sum to T once
        for (int64_t j = 0; j < cols; ++j) {
          const double yv = y[r * cols + j], gv = g[r * cols + j];
          const double want = log ? gv - std::exp(yv) * s : yv * (gv - s);
          // Three roundings (and exp's ~1.5 ulp) of terms as large as |g| + |e^y s|.
          const double tol = 8 * ulpTol<T>() * (std::fabs(gv) + std::fabs(log ? std::exp(yv) * s : yv * s) + std::fabs(want)) + 1e-300;
          CHECK(std::fabs(double(gi[r * cols + j]) - want) <= tol, "%s backward %zu-byte cols=%lld [%lld,%lld]: %.17g, expected %.17g",
                log ? "logSoftmax" : "softmax", sizeof(T), (long long)cols, (long long)r, (long long)j,
                double(gi[r * cols + j]), want);
        }
      }
    }
  }
}

// The distance in float32 ulps between a float result and the exact value (in double),
// the ulp taken at the exact value's magnitude (denormal spacing below FLT_MIN).
double ulpError(float got, double want) {
  if (std::isnan(want)) return std::isnan(got) ? 0 : INFINITY;
  if (std::isinf(float(want)) || std::isinf(got)) return got == float(want) ? 0 : INFINITY;  // overflow
  int e;
  std::frexp(std::max(std::fabs(want), 1.1754943508222875e-38), &e);
  return std::fabs(double(got) - want) / std::ldexp(1.0, e - 24);
}

// Each optimizer step on the selected path (AVX-512 compiles the updates a second time)
// against the portable copy of the same updates (optim_updates.h, compiled here): the
// same bits. Hyperparameters all 0.3 (every flag on), then with the flags that do not
// change the state buffers off.
template <typename T>
void testOptimizerBits(tg::Context& ctx, std::mt19937_64& rng) {
  namespace H = tg::hyper;
  struct Case {
    tg::OptimOp op;
    const char* name;
    int nh, nstate;
    std::vector<int> flags;  // turned off in the second round
  };
  const Case cases[] = {
      {tg::OptimOp::Sgd, "sgd", H::Sgd::kCount, 1, {H::Sgd::nesterov, H::Sgd::maximize, H::Sgd::firstStep}},
      {tg::OptimOp::Adam, "adam", H::Adam::kCount, 3, {H::Adam::maximize, H::Adam::weightDecay}},
      {tg::OptimOp::Rmsprop, "rmsprop", H::Rmsprop::kCount, 3, {H::Rmsprop::maximize, H::Rmsprop::weightDecay}},
      {tg::OptimOp::Adagrad, "adagrad", H::Adagrad::kCount, 1, {H::Adagrad::maximize}},
      {tg::OptimOp::Adamax, "adamax", H::Adamax::kCount, 2, {H::Adamax::maximize}},
      {tg::OptimOp::Nadam, "nadam", H::Nadam::kCount, 2, {H::Nadam::weightDecay}},
      {tg::OptimOp::Radam, "radam", H::Radam::kCount, 2, {H::Radam::rectified}},
  };
  std::uniform_real_distribution<double> dist(0.01, 2);
  const int64_t n = 70001;
  for (const Case& c : cases) {
    for (int round = 0; round < 2; ++round) {
      std::vector<double> h(c.nh, 0.3);
      if (round == 1)
        for (int f : c.flags) h[f] = 0;
      std::vector<std::vector<T>> buf(2 + c.nstate, std::vector<T>(n));  // param, grad, state...
      for (auto& b : buf)
        for (auto& v : b) v = T(dist(rng));
      auto ref = buf;
      tg::OptimBuffers<T> x{ref[0].data(), ref[1].data(), {nullptr, nullptr, nullptr}};
      for (int k = 0; k < c.nstate; ++k) x.s[k] = ref[2 + k].data();
      tg::optimUpdate<T>(c.op)(h.data(), x, 0, n);
      std::vector<tg::View> state;
      for (int k = 0; k < c.nstate; ++k) state.push_back(view1d(buf[2 + k], n, 1));
      tg::optimStep(ctx, c.op, h.data(), c.nh, view1d(buf[0], n, 1), view1d(buf[1], n, 1), state.data(), c.nstate);
      int bad = 0;
      for (size_t b = 0; b < buf.size(); ++b) bad += std::memcmp(buf[b].data(), ref[b].data(), n * sizeof(T)) != 0;
      CHECK(bad == 0, "optimizer %s %zu-byte round %d: %d buffers differ from the portable update", c.name, sizeof(T), round, bad);
    }
  }
}

// exp(v) exactly, but inf where float32 overflows: sigmoid and SiLU are 1 / (1 + e^-x)
// and x / (1 + e^-x) with a float32 exp on every path, which is 0 (or NaN) for x < -88.7.
double expf32(double v) { return std::isinf(float(std::exp(v))) ? INFINITY : std::exp(v); }

// The selected path's vector float32 kernels (vec_math.h), element by element against
// the double C library: exp, log, tanh, sigmoid, SiLU over the whole float range (every
// 997th bit pattern: about 4.3 million values) and their special values; the same bits
// through strided views and with one thread; max/min scans with NaNs and signed zeros.
void testVectorFloat(tg::Context& ctx) {
  const tg::VecKernels<float>* k = tg::vecKernelsFor<float>(ctx.cpu);
  if (!k) return;
  struct Case {
    tg::UnaryOp op;
    const char* name;
    double (*ref)(double);
    double maxUlp;  // measured (AVX-512, this sample): 0.98 exp, 0.76 log, 1.25 tanh, 2.13 sigmoid, 1.98 SiLU
  };
  const Case cases[] = {
      {tg::UnaryOp::Exp, "exp", [](double v) { return std::exp(v); }, 1.5},
      {tg::UnaryOp::Log, "log", [](double v) { return std::log(v); }, 1.5},
      {tg::UnaryOp::Tanh, "tanh", [](double v) { return std::tanh(v); }, 2.5},
      {tg::UnaryOp::Sigmoid, "sigmoid", [](double v) { return 1 / (1 + expf32(-v)); }, 2.5},
      {tg::UnaryOp::Silu, "silu", [](double v) { return v / (1 + expf32(-v)); }, 3},
  };
  constexpr int64_t kRun = 1 << 16;
  std::vector<float> in(kRun), out(kRun);
  for (const Case& c : cases) {
    double worst = 0;
    float worstAt = 0;
    uint64_t bits = 0;
    auto check = [&](int64_t n) {
      k->unary(c.op, out.data(), in.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        const double want = c.ref(double(in[i]));
        // SiLU's x / (1 + e^-x) is inf / inf where e^-x overflows: NaN on every path.
        if (c.op == tg::UnaryOp::Silu && std::isnan(want) && std::isnan(out[i])) continue;
        const double err = ulpError(out[i], want);
        if (!(err <= worst)) worst = err, worstAt = in[i];
      }
    };
    while (bits < (uint64_t(1) << 32)) {
      int64_t n = 0;
      for (; n < kRun && bits < (uint64_t(1) << 32); ++n, bits += 997) {
        const uint32_t b = uint32_t(bits);
        std::memcpy(&in[n], &b, 4);
      }
      check(n);
    }
    const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-45f, 1.17549435e-38f, 88.7f, 88.72283f,
                              89.0f, -87.33f, -103.9f, -104.0f, -200.0f, 0.625f, -0.625f, 0.6249999f, 9.0f, 1.0f};
    const int64_t ns = int64_t(sizeof(specials) / sizeof(float));
    std::copy(specials, specials + ns, in.begin());
    check(ns);
    CHECK(worst <= c.maxUlp, "vector %s: %.3g ulp at %.9g (allowed %.3g)", c.name, worst, double(worstAt), c.maxUlp);
    std::printf("  vector %-8s max error %.3f ulp (at %.9g)\n", c.name, worst, double(worstAt));
  }
  // The AVX-512 and AVX2 sets give the same bits (vec_math.h), where this CPU runs both.
  const tg::PathKernels *wide = tg::pathKernelsAvx512(), *narrow = tg::pathKernelsAvx2();
  if (ctx.cpu.avx512 && wide && narrow) {
    std::vector<float> other(kRun);
    for (int64_t i = 0; i < kRun; ++i) {
      const uint32_t b = uint32_t(i) * 65537u;
      std::memcpy(&in[i], &b, 4);
    }
    for (const Case& c : cases) {
      wide->f32.unary(c.op, out.data(), in.data(), kRun);
      narrow->f32.unary(c.op, other.data(), in.data(), kRun);
      CHECK(std::memcmp(out.data(), other.data(), kRun * 4) == 0, "vector %s: AVX-512 and AVX2 differ", c.name);
    }
  }
  // A strided view, and one thread, give the contiguous result's bits.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> dist(-30, 30);
  const int64_t n = 100003;
  std::vector<float> x(2 * n), contiguous(n), strided(2 * n), single(n);
  for (auto& v : x) v = dist(rng);
  tg::Context one;
  one.pool.setThreads(1);
  for (const Case& c : cases) {
    tg::unary(ctx, c.op, view1d(contiguous, n, 1), view1d(x, n, 2), 0, 0);
    std::vector<float> packed(n);
    for (int64_t i = 0; i < n; ++i) packed[i] = x[2 * i];
    tg::unary(ctx, c.op, view1d(strided, n, 2), view1d(packed, n, 1), 0, 0);
    tg::unary(one, c.op, view1d(single, n, 1), view1d(packed, n, 1), 0, 0);
    int bad = 0;
    for (int64_t i = 0; i < n; ++i)
      bad += std::memcmp(&contiguous[i], &strided[2 * i], 4) != 0 || std::memcmp(&contiguous[i], &single[i], 4) != 0;
    CHECK(bad == 0, "vector %s: %d elements differ between layouts or thread counts", c.name, bad);
  }
}

// The distance in float64 ulps between a double result and the exact value (in long
// double), the ulp taken at the exact value's magnitude (2^-1074 below DBL_MIN).
double ulpError64(double got, long double want) {
  if (std::isnan(want)) return std::isnan(got) ? 0 : INFINITY;
  if (std::isinf(double(want)) || std::isinf(got)) return got == double(want) ? 0 : INFINITY;  // overflow
  int e;
  std::frexp(double(std::max(std::fabs(want), 2.2250738585072014e-308L)), &e);
  return double(std::fabs((long double)got - want) / std::ldexp(1.0L, e - 53));
}

// e^v, but inf where float64 overflows: sigmoid and SiLU are 1 / (1 + e^-x) and
// x / (1 + e^-x) with a float64 exp on every path, 0 (or NaN) for x < -709.78.
long double expF64Ref(long double v) { return std::isinf(double(std::exp(v))) ? INFINITY : std::exp(v); }

// The selected path's vector float64 kernels (vec_math.h), element by element against the
// long double C library: exp, log, tanh, sigmoid, SiLU on random bit patterns (every
// magnitude), dense uniform sweeps over each function's working range, and the special
// values (zeros, infinities, NaN, subnormals, the overflow and underflow thresholds).
// The AVX-512 and AVX2 sets give the same bits; strided views and one thread too.
void testVectorDouble(tg::Context& ctx) {
  const tg::VecKernels<double>* k = tg::vecKernelsFor<double>(ctx.cpu);
  if (!k) return;
  struct Case {
    tg::UnaryOp op;
    const char* name;
    long double (*ref)(long double);
    double lo, hi;  // the dense sweep
    double maxUlp;  // measured (AVX-512 = AVX2, these samples): 0.98 exp, 0.82 log, 1.55 tanh, 2.29 sigmoid, 1.93 SiLU
  };
  const Case cases[] = {
      {tg::UnaryOp::Exp, "exp", [](long double v) { return std::exp(v); }, -746, 710, 1.5},
      {tg::UnaryOp::Log, "log", [](long double v) { return std::log(v); }, 0, 4, 1.5},
      {tg::UnaryOp::Tanh, "tanh", [](long double v) { return std::tanh(v); }, -20, 20, 2},
      {tg::UnaryOp::Sigmoid, "sigmoid", [](long double v) { return 1 / (1 + expF64Ref(-v)); }, -750, 40, 3},
      {tg::UnaryOp::Silu, "silu", [](long double v) { return v / (1 + expF64Ref(-v)); }, -750, 40, 3},
  };
  // Software long double (arm64's binary128 under qemu) is slow: fewer samples there.
  const int64_t samples = std::numeric_limits<long double>::digits > 64 ? (1 << 16) : (1 << 21);
  constexpr int64_t kRun = 1 << 14;
  std::vector<double> in(kRun), out(kRun);
  std::mt19937_64 rng(3);
  const double specials[] = {0.0, -0.0, INFINITY, -INFINITY, NAN, 4.9406564584124654e-324, -4.9406564584124654e-324,
                             2.2250738585072014e-308, 2.225073858507201e-308, 1e-300, 1e-20, 1.4901161193847656e-8,
                             709.782712893384, 709.7827128933841, 709.79, 710.0, -708.39, -708.4, -745.1332191019411,
                             -745.1332191019412, -745.14, -746.0, -1000.0, 0.3465735902799727, -0.3465735902799727,
                             19.06, 20.0, 22.0, -20.0, 1.0, 2.0, 0.5, 0.9999999999999999, 1.0000000000000002,
                             1.4142135623730951, 0.7071067811865476, 1.7976931348623157e308};
  for (const Case& c : cases) {
    double worst = 0, worstAt = 0;
    auto check = [&](int64_t n) {
      k->unary(c.op, out.data(), in.data(), n);
      for (int64_t i = 0; i < n; ++i) {
        const long double want = c.ref(in[i]);
        if (c.op == tg::UnaryOp::Silu && std::isnan(want) && std::isnan(out[i])) continue;  // -inf / inf
        const double err = ulpError64(out[i], want);
        if (!(err <= worst)) worst = err, worstAt = in[i];
      }
    };
    std::uniform_real_distribution<double> dense(c.lo, c.hi);
    for (int64_t done = 0; done < samples; done += kRun) {
      for (int64_t i = 0; i < kRun; ++i) {
        if (i % 2) {
          in[i] = dense(rng);
        } else {
          const uint64_t b = rng();
          std::memcpy(&in[i], &b, 8);
        }
      }
      check(kRun);
    }
    const int64_t ns = int64_t(sizeof(specials) / sizeof(double));
    for (int64_t i = 0; i < ns; ++i) in[i] = specials[i], in[ns + i] = -specials[i];
    check(2 * ns);
    CHECK(worst <= c.maxUlp, "vector %s float64: %.3g ulp at %.17g (allowed %.3g)", c.name, worst, worstAt, c.maxUlp);
    std::printf("  vector %-8s float64 max error %.3f ulp (at %.17g)\n", c.name, worst, worstAt);
  }
  // The AVX-512 and AVX2 sets give the same bits, where this CPU runs both.
  const tg::PathKernels *wide = tg::pathKernelsAvx512(), *narrow = tg::pathKernelsAvx2();
  if (ctx.cpu.avx512 && wide && narrow) {
    std::vector<double> other(kRun);
    for (int64_t i = 0; i < kRun; ++i) {
      const uint64_t b = rng();
      std::memcpy(&in[i], &b, 8);
      if (i % 2) in[i] = std::uniform_real_distribution<double>(-50, 50)(rng);
    }
    for (const Case& c : cases) {
      wide->f64.unary(c.op, out.data(), in.data(), kRun);
      narrow->f64.unary(c.op, other.data(), in.data(), kRun);
      CHECK(std::memcmp(out.data(), other.data(), kRun * 8) == 0, "vector %s float64: AVX-512 and AVX2 differ", c.name);
    }
  }
  // A strided view, and one thread, give the contiguous result's bits.
  std::uniform_real_distribution<double> dist(-30, 30);
  const int64_t n = 100003;
  std::vector<double> x(2 * n), packed(n), contiguous(n), strided(2 * n), single(n);
  for (auto& v : x) v = dist(rng);
  for (int64_t i = 0; i < n; ++i) packed[i] = x[2 * i];
  tg::Context one;
  one.pool.setThreads(1);
  for (const Case& c : cases) {
    tg::unary(ctx, c.op, view1d(contiguous, n, 1), view1d(x, n, 2), 0, 0);
    tg::unary(ctx, c.op, view1d(strided, n, 2), view1d(packed, n, 1), 0, 0);
    tg::unary(one, c.op, view1d(single, n, 1), view1d(packed, n, 1), 0, 0);
    int bad = 0;
    for (int64_t i = 0; i < n; ++i)
      bad += std::memcmp(&contiguous[i], &strided[2 * i], 8) != 0 || std::memcmp(&contiguous[i], &single[i], 8) != 0;
    CHECK(bad == 0, "vector %s float64: %d elements differ between layouts or thread counts", c.name, bad);
  }
}

// prod: whole runs (up to the threaded chunked product) and along either dim of a matrix,
// against a long double product in order (values near 1: no overflow, so the grouping
// only moves the roundings: within n ulps); the vector kernel against the portable
// productRun (the same bits on every path), one thread against several; and IEEE's special
// values (a 0 with an inf is NaN, as in PyTorch).
template <typename T>
void testProduct(tg::Context& ctx, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> dist(-0.05, 0.05);
  std::bernoulli_distribution negative(0.3);
  const double eps = sizeof(T) == 4 ? 6e-8 : 1.2e-16;
  tg::Context single;
  single.pool.setThreads(1);
  const tg::VecKernels<T>* k = tg::vecKernelsFor<T>(ctx.cpu);
  for (int64_t n : {1, 31, 32, 33, 255, 256, 257, 1000, 70001, 200003}) {
    std::vector<T> x(n), got(1), one(1);
    for (auto& v : x) v = T(std::exp(dist(rng)) * (negative(rng) ? -1 : 1));
    long double want = 1;
    for (T v : x) want *= v;
    tg::reduce(ctx, tg::ReduceOp::Prod, view1d(got, 1, 0), view1d(x, n, 1));
    const long double tol = (n + 2) * eps * std::fabs(want);
    CHECK(std::fabs(got[0] - want) <= tol, "prod %zu-byte n=%lld: %.17g, expected %.17Lg", sizeof(T), (long long)n,
          double(got[0]), want);
    tg::reduce(single, tg::ReduceOp::Prod, view1d(one, 1, 0), view1d(x, n, 1));
    CHECK(std::memcmp(got.data(), one.data(), sizeof(T)) == 0, "prod %zu-byte n=%lld: %d threads and 1 differ",
          sizeof(T), (long long)n, ctx.pool.threads());
    if (k) {
      const double vec = k->product(x.data(), n), portable = tg::vecmath::productRun<tg::vecmath::ScalarLanes>(x.data(), n);
      CHECK(std::memcmp(&vec, &portable, 8) == 0, "prod %zu-byte n=%lld: vector %.17g, portable %.17g", sizeof(T),
            (long long)n, vec, portable);
    }
  }
  // Along dim 1 (rows, contiguous) and dim 0 (columns) of [rows, cols].
  for (int64_t cols : {7, 300, 1000}) {
    const int64_t rows = 33;
    std::vector<T> x(rows * cols), rowProd(rows), colProd(cols);
    for (auto& v : x) v = T(std::exp(dist(rng)) * (negative(rng) ? -1 : 1));
    tg::reduce(ctx, tg::ReduceOp::Prod, view2d(rowProd, rows, 1), view2d(x, rows, cols));
    for (int64_t r = 0; r < rows; ++r) {
      long double want = 1;
      for (int64_t j = 0; j < cols; ++j) want *= x[r * cols + j];
      CHECK(std::fabs(rowProd[r] - want) <= (cols + 2) * eps * std::fabs(want), "prod %zu-byte row %lld of %lld", sizeof(T),
            (long long)r, (long long)cols);
    }
    tg::reduce(ctx, tg::ReduceOp::Prod, view2d(colProd, 1, cols), view2d(x, rows, cols));
    for (int64_t j = 0; j < cols; ++j) {
      long double want = 1;
      for (int64_t r = 0; r < rows; ++r) want *= x[r * cols + j];
      CHECK(std::fabs(colProd[j] - want) <= (rows + 2) * eps * std::fabs(want), "prod %zu-byte column %lld", sizeof(T),
            (long long)j);
    }
  }
  // Special values in long runs (the vector lanes, the tail, the chunk boundaries).
  struct Special {
    T a, b;
    T want;  // IEEE: 0 inf = NaN, inf inf = inf, -0 1... = -0, NaN wins
  };
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  const Special specials[] = {{0, inf, nan}, {inf, -inf, -inf}, {-0.0, 1, -0.0}, {nan, 0, nan}, {0, 0, 0}, {-inf, 2, -inf}};
  for (int64_t n : {300, 70001, 200003}) {
    for (const Special& sp : specials) {
      for (int64_t at : {int64_t(0), n / 2, n - 1}) {
        std::vector<T> x(n, T(1)), got(1);
        x[at] = sp.a;
        x[(at + n / 3 + 1) % n] = sp.b;
        tg::reduce(ctx, tg::ReduceOp::Prod, view1d(got, 1, 0), view1d(x, n, 1));
        const bool ok = std::isnan(sp.want) ? std::isnan(got[0]) : std::memcmp(&got[0], &sp.want, sizeof(T)) == 0;
        CHECK(ok, "prod %zu-byte n=%lld of %g and %g at %lld: %g, expected %g", sizeof(T), (long long)n, double(sp.a),
              double(sp.b), (long long)at, double(got[0]), double(sp.want));
      }
    }
  }
}

// The selected path's max/min and argmax/argmin scans of T: the portable loop's answer,
// NaN (the first one) and signed zeros included.
template <typename T>
void testVectorScans(tg::Context& ctx) {
  const tg::VecKernels<T>* k = tg::vecKernelsFor<T>(ctx.cpu);
  if (!k) return;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<T> dist(-30, 30);
  for (int64_t len : {1, 15, 16, 17, 64, 1000}) {
    std::vector<T> v(len);
    for (auto& e : v) e = dist(rng);
    for (int variant = 0; variant < 5; ++variant) {
      if (variant == 1) v[len / 2] = NAN;
      if (variant == 2) {
        for (auto& e : v) e = -std::fabs(e);
        v[len / 2] = -1.0f;  // the NaN of variant 1
        v[len - 1] = -0.0f;
        v[0] = 0.0f;
      }
      if (variant == 3) {  // zeros again in the middle and the extremes repeated
        for (auto& e : v) e = dist(rng);
        const T hi = 31, lo = -31;
        for (int64_t i : {len / 3, len - 1, len / 2}) v[i] = hi;
        for (int64_t i : {len - 1, len / 4}) v[i] = lo;  // len - 1 last: lo
      }
      if (variant == 4) v[len - 1] = NAN, v[len / 2] = -NAN;
      T got;
      for (bool isMax : {true, false}) {
        // argmax/argmin: the portable loop's index (the first extreme, or the first NaN).
        int64_t wantAt = 0;
        for (int64_t i = 1; i < len && v[wantAt] == v[wantAt]; ++i)
          if (v[i] != v[i] || (isMax ? v[i] > v[wantAt] : v[i] < v[wantAt])) wantAt = i;
        const int64_t at = k->argExtreme(v.data(), len, isMax);
        CHECK(at == wantAt || (at == -1 && len < 64 / int64_t(sizeof(T))), "vector arg%s %zu-byte n=%lld variant %d: %lld, expected %lld",
              isMax ? "max" : "min", sizeof(T), (long long)len, variant, (long long)at, (long long)wantAt);
        T want = v[0];
        for (int64_t i = 1; i < len && want == want; ++i)
          if (v[i] != v[i] || (isMax ? v[i] > want : v[i] < want)) want = v[i];
        if (k->extreme(v.data(), len, isMax, &got))
          CHECK(std::memcmp(&got, &want, sizeof(T)) == 0, "vector %s n=%lld variant %d: %.9g, expected %.9g", isMax ? "max" : "min",
                (long long)len, variant, double(got), double(want));
        else
          CHECK(len < 64 / int64_t(sizeof(T)) || variant == 1 || variant == 2 || variant == 4 || want == 0, "vector %s n=%lld: declined a plain scan", isMax ? "max" : "min",
                (long long)len);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 12345;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
  tg::Context ctx;
  if (!ctx.cpu.simdError.empty()) {
    std::printf("kernels_test: %s\n", ctx.cpu.simdError.c_str());
    return 1;
  }
  std::printf("kernels_test: simd=%s, threads=%d, seed=%llu\n", tg::simdName(ctx.cpu), ctx.pool.threads(),
              (unsigned long long)seed);
  std::mt19937_64 rng(seed);
  try {
    testBinary<float>(ctx, rng);
    testBinary<double>(ctx, rng);
    testUnary<float>(ctx, rng);
    testUnary<double>(ctx, rng);
    testReduce<float>(ctx, rng);
    testReduce<double>(ctx, rng);
    testSoftmax<float>(ctx, rng);
    testSoftmax<double>(ctx, rng);
    testSoftmaxBackward<float>(ctx, rng);
    testSoftmaxBackward<double>(ctx, rng);
    testVectorFloat(ctx);
    testVectorDouble(ctx);
    testVectorScans<float>(ctx);
    testVectorScans<double>(ctx);
    testProduct<float>(ctx, rng);
    testProduct<double>(ctx, rng);
    testOptimizerBits<float>(ctx, rng);
    testOptimizerBits<double>(ctx, rng);
  } catch (const tg::Error& e) {
    std::printf("FAIL: tg::Error %s\n", e.what());
    ++failures;
  }
  std::printf("kernels_test: %lld checks, %d failures\n", (long long)checks, failures);
  return failures == 0 ? 0 : 1;
}
