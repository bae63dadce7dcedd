// Random kernels: PyTorch 1.13's CPU distributions (aten/src/ATen/native/cpu/
// DistributionTemplates.h, core/DistributionsHelper.h, core/TransformationHelper.h,
// native/TensorFactories.cpp), reproduced bit for bit; test/golden/RNG-NOTES.md
// describes each one. Every draw is serial (PyTorch holds the generator's lock and
// uses cpu_serial_kernel); only the float transform of the vectorised normal paths,
// which draws nothing, runs on the thread pool.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "normal16.h"
#include "strided.h"
#include "tg/error.h"
#include "tg/generator.h"
#include "tg/kernels.h"

namespace tg {
namespace {

// normal16.h's lanes with one float per lane: the portable build of the AVX2 code.
struct ScalarLanes {
  using F = float;
  using I = int32_t;
  static constexpr int kLanes = 1;
  static F set(float x) { return x; }
  static I iset(int32_t x) { return x; }
  static F load(const float* p) { return *p; }
  static void store(float* p, F x) { *p = x; }
  static F add(F a, F b) { return a + b; }
  static F sub(F a, F b) { return a - b; }
  static F mul(F a, F b) { return a * b; }
  static F fma(F a, F b, F c) { return std::fma(a, b, c); }
  static F fnma(F a, F b, F c) { return std::fma(-a, b, c); }
  static F neg(F a) { return -a; }
  static F sqrt(F a) { return std::sqrt(a); }
  static F max(F a, F b) { return a > b ? a : b; }  // _mm256_max_ps
  static F lt(F a, F b) { return fromBits(a < b ? -1 : 0); }
  static I bits(F a) {
    I i;
    std::memcpy(&i, &a, sizeof i);
    return i;
  }
  static F fromBits(I i) {
    F a;
    std::memcpy(&a, &i, sizeof a);
    return a;
  }
  static F band(F a, F b) { return fromBits(bits(a) & bits(b)); }
  static F bandnot(F a, F b) { return fromBits(~bits(a) & bits(b)); }
  static F bor(F a, F b) { return fromBits(bits(a) | bits(b)); }
  static F bxor(F a, F b) { return fromBits(bits(a) ^ bits(b)); }
  static F fromInt(I i) { return static_cast<float>(i); }
  static I truncate(F a) { return static_cast<I>(a); }  // |a| <= 8 here
  static I iadd(I a, I b) { return a + b; }
  static I isub(I a, I b) { return a - b; }
  static I iand(I a, I b) { return a & b; }
  static I iandnot(I a, I b) { return ~a & b; }
  template <int K>
  static I srl(I a) { return static_cast<I>(static_cast<uint32_t>(a) >> K); }
  template <int K>
  static I shl(I a) { return static_cast<I>(static_cast<uint32_t>(a) << K); }
  static I ieqZero(I a) { return a == 0 ? -1 : 0; }
};

// Lambdas, not function pointers, so that the fill loops inline them.
constexpr auto unitF32 = [](uint32_t word) { return Mt19937::unitF32(word); };
constexpr auto unitF64 = [](uint64_t draw) { return Mt19937::unitF64(draw); };

// Calls run(first, strideInBytes, count) over runs of `out` that together cover it
// lowest address first: TensorIterator sorts a nullary op's dims by stride, so for
// t(), permute or narrow views the k-th value lands at the k-th lowest address, not at
// the k-th element in logical order.
template <typename Run>
void forEachRun(const View& out, Run&& run) {
  View sorted = out;
  int order[kMaxDims];
  for (int d = 0; d < out.ndim; ++d) order[d] = d;
  std::stable_sort(order, order + out.ndim, [&](int a, int b) { return out.strides[a] > out.strides[b]; });
  for (int d = 0; d < out.ndim; ++d) {
    sorted.shape[d] = out.shape[order[d]];
    sorted.strides[d] = out.strides[order[d]];
  }
  const View* views[1] = {&sorted};
  StridedLoop<1> loop(views);
  loop.run(0, loop.numel, [&](char* const* p, const int64_t* s, int64_t n) { run(p[0], s[0], n); });
}

// Writes gen() into every element of `out`, in memory order.
template <typename T, typename Gen>
void fillInMemoryOrder(const View& out, Gen&& gen) {
  forEachRun(out, [&](char* q, int64_t stride, int64_t n) {
    for (int64_t i = 0; i < n; ++i, q += stride) *reinterpret_cast<T*>(q) = gen();
  });
}

// Like fillInMemoryOrder for values made from one draw each, value(draw), with 32-bit
// draws or (kWide) 64-bit ones: the same stream, drawn in bulk.
template <typename T, bool kWide = false, typename Value>
void fillFromDraws(Mt19937& gen, const View& out, Value&& value) {
  forEachRun(out, [&](char* q, int64_t stride, int64_t n) {
    const auto put = [&](const auto* draws, int count) {
      if (stride == sizeof(T)) {
        T* p = reinterpret_cast<T*>(q);
        for (int j = 0; j < count; ++j) p[j] = value(draws[j]);
        q += count * stride;
      } else {
        for (int j = 0; j < count; ++j, q += stride) *reinterpret_cast<T*>(q) = value(draws[j]);
      }
    };
    if constexpr (kWide) gen.draw64(n, put);
    else gen.draw32(n, put);
  });
}

// at::normal_distribution<double>: Box-Muller in double from two 53-bit uniforms, the
// sine half cached in the generator for the next per-element normal of any call.
double boxMuller(Mt19937& gen, double mean, double std) {
  double z;
  if (!gen.takeCachedNormal(&z)) {
    const double u1 = gen.unitF64();
    const double u2 = gen.unitF64();
    const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
    const double theta = 2.0 * M_PI * u1;
    gen.cacheNormal(r * std::sin(theta));
    z = r * std::cos(theta);
  }
  return std::fma(z, std, mean);  // GCC fuses PyTorch's z * std + mean
}

// normal_fill_16<double>: like the float block, in double with libm (glibc, as PyTorch).
void fill16F64(double* d, double mean, double std) {
  for (int j = 0; j < 8; ++j) {
    const double u1 = 1 - d[j];
    const double u2 = d[j + 8];
    const double radius = std::sqrt(-2 * std::log(u1));
    const double theta = 2.0 * M_PI * u2;
    d[j] = std::fma(radius * std::cos(theta), std, mean);
    d[j + 8] = std::fma(radius * std::sin(theta), std, mean);
  }
}

void fill16Blocks(const Context& ctx, float* d, int64_t blocks, float mean, float std) {
  if (ctx.cpu.avx2 && ctx.cpu.fma && normalAvx2Built()) {
    normalFillAvx2(d, blocks, mean, std);
  } else {
    for (int64_t b = 0; b < blocks; ++b) normal16::fill16<ScalarLanes>(d + 16 * b, mean, std);
  }
}
void fill16Blocks(const Context&, double* d, int64_t blocks, double mean, double std) {
  for (int64_t b = 0; b < blocks; ++b) fill16F64(d + 16 * b, mean, std);
}

// n uniforms into d, in stream order.
void drawUnits(Mt19937& gen, float* d, int64_t n) {
  gen.draw32(n, [&](const uint32_t* words, int count) {
    for (int j = 0; j < count; ++j) d[j] = unitF32(words[j]);
    d += count;
  });
}
void drawUnits(Mt19937& gen, double* d, int64_t n) {
  gen.draw64(n, [&](const uint64_t* draws, int count) {
    for (int j = 0; j < count; ++j) d[j] = unitF64(draws[j]);
    d += count;
  });
}

// normal_fill / normal_fill_AVX2 for n >= 16 contiguous elements: n uniforms, transformed
// in place in blocks of 16; if n is not a multiple of 16, the last 16 elements are then
// redrawn and transformed again. A block's transform draws nothing, so drawing and
// transforming chunk by chunk (while the chunk is in cache, the transform spread over
// the thread pool) gives PyTorch's values. mean and std are rounded to T.
template <typename T>
void normalBlocks(Context& ctx, Mt19937& gen, T* d, int64_t n, T mean, T std) {
  constexpr int64_t kChunk = int64_t(1) << 18;     // elements; a multiple of 16
  constexpr int64_t kBlocksPerTask = 1024;
  for (int64_t i = 0; i < n; i += kChunk) {
    const int64_t count = std::min(kChunk, n - i);
    drawUnits(gen, d + i, count);
    const int64_t blocks = count / 16;
    ctx.pool.parallelFor((blocks + kBlocksPerTask - 1) / kBlocksPerTask, [&](int64_t t) {
      const int64_t b0 = t * kBlocksPerTask;
      fill16Blocks(ctx, d + i + 16 * b0, std::min(kBlocksPerTask, blocks - b0), mean, std);
    });
  }
  if (n % 16 != 0) {
    drawUnits(gen, d + n - 16, 16);
    fill16Blocks(ctx, d + n - 16, 1, mean, std);
  }
}

template <typename T>
void normal(Context& ctx, Mt19937& gen, const View& out, double mean, double std) {
  const int64_t n = out.numel();
  if (n >= 16 && out.isContiguous()) {
    normalBlocks<T>(ctx, gen, out.ptr<T>(), n, static_cast<T>(mean), static_cast<T>(std));
  } else {
    fillInMemoryOrder<T>(out, [&] { return static_cast<T>(boxMuller(gen, mean, std)); });
  }
}

// uniform_real_distribution: the bounds are rounded to T, `to - from` is computed in T,
// and GCC fuses PyTorch's x * (to - from) + from into one FMA.
template <typename T>
void uniform(Mt19937& gen, const View& out, double from, double to) {
  const T lo = static_cast<T>(from);
  const T range = static_cast<T>(to) - lo;
  if constexpr (std::is_same_v<T, float>) {
    // fma(u, 1, 0) is u itself: rand() skips the multiply-add.
    if (lo == 0 && range == 1) fillFromDraws<float>(gen, out, unitF32);
    else fillFromDraws<float>(gen, out, [&](uint32_t w) { return std::fma(unitF32(w), range, lo); });
  } else {
    fillFromDraws<double, true>(gen, out, [&](uint64_t v) { return std::fma(unitF64(v), range, lo); });
  }
}

// uniform_int_from_to_distribution: one 32-bit draw, or a 64-bit one for ranges of
// 2^32 and more (PyTorch switches for int64 and floating results only).
template <typename T>
void randint(Mt19937& gen, const View& out, int64_t low, uint64_t range) {
  const auto value = [&](uint64_t draw) { return static_cast<T>(static_cast<int64_t>(draw % range + static_cast<uint64_t>(low))); };
  if ((std::is_floating_point_v<T> || std::is_same_v<T, int64_t>) && range >= (uint64_t(1) << 32)) fillFromDraws<T, true>(gen, out, value);
  else fillFromDraws<T>(gen, out, value);
}

// randperm_cpu: a forward Fisher-Yates with one 32-bit draw per step, for every n. (Later
// PyTorch versions switch to 64-bit draws for n >= 2^32 / 20; 1.13 does not, as checked
// against it for n = 2^32 / 20 + 5.)
void randperm(Mt19937& gen, const View& out) {
  TG_CHECK(out.ndim == 1 && out.dtype == DType::I32, "randperm: expected a 1-d int32 out");
  int32_t* r = out.ptr<int32_t>();
  const int64_t n = out.shape[0], s = out.strides[0];
  for (int64_t i = 0; i < n; ++i) r[i * s] = static_cast<int32_t>(i);
  for (int64_t i = 0; i < n - 1; ++i) {
    const int64_t z = gen.next32() % (n - i);
    std::swap(r[i * s], r[(i + z) * s]);
  }
}

bool isFloat(DType d) { return d == DType::F32 || d == DType::F64; }

// Calls fn(T{}) for a float32 or float64 out.
template <typename Fn>
void dispatchFloat(const char* op, DType d, Fn&& fn) {
  TG_CHECK(isFloat(d), "%s: expected a float32 or float64 out, got %s", op, dtypeName(d));
  if (d == DType::F32) fn(float{});
  else fn(double{});
}

bool isExactInteger(double x, double limit) { return x == std::floor(x) && std::fabs(x) <= limit; }

}  // namespace

void random(Context& ctx, RandomOp op, uint32_t* state, const View* out, double p0, double p1) {
  TG_CHECK(state[kGenIndex] <= kMtWords, "random: corrupt generator state (index %u)", state[kGenIndex]);
  Mt19937 gen(state);
  if (op == RandomOp::Seed) {
    TG_CHECK(p0 >= 0 && isExactInteger(p0, 4294967295.0), "random: a seed must be a uint32");
    gen.seed(static_cast<uint32_t>(p0));
    return;
  }
  TG_CHECK(out != nullptr, "random: missing out");
  const View& o = *out;
  switch (op) {
    case RandomOp::Seed: break;
    case RandomOp::Bits:
      TG_CHECK(o.dtype == DType::I32, "random bits: expected an int32 out");
      fillFromDraws<int32_t>(gen, o, [](uint32_t w) { return static_cast<int32_t>(w); });
      break;
    case RandomOp::Uniform:
      dispatchFloat("uniform_", o.dtype, [&](auto t) { uniform<decltype(t)>(gen, o, p0, p1); });
      break;
    case RandomOp::Normal:
      dispatchFloat("normal_", o.dtype, [&](auto t) { normal<decltype(t)>(ctx, gen, o, p0, p1); });
      break;
    case RandomOp::Bernoulli:
      dispatchDType(o.dtype, [&](auto t) {
        using T = decltype(t);
        fillFromDraws<T, true>(gen, o, [&](uint64_t v) { return static_cast<T>(unitF64(v) < p0 ? 1 : 0); });
      });
      break;
    case RandomOp::Randint: {
      constexpr double kLimit = 9007199254740992.0;  // 2^53: exact in the doubles p0, p1
      TG_CHECK(isExactInteger(p0, kLimit) && isExactInteger(p1, kLimit) && p1 >= 1,
               "randint: expected an integer low and a range >= 1");
      const int64_t low = static_cast<int64_t>(p0);
      const uint64_t range = static_cast<uint64_t>(p1);
      if (o.dtype == DType::I32) {
        randint<int32_t>(gen, o, low, range);
      } else if (o.dtype == DType::I64) {
        randint<int64_t>(gen, o, low, range);
      } else {
        dispatchFloat("randint", o.dtype, [&](auto t) { randint<decltype(t)>(gen, o, low, range); });
      }
      break;
    }
    case RandomOp::Randperm: randperm(gen, o); break;
    case RandomOp::Count: break;
  }
}

}  // namespace tg
