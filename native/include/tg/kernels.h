// The whole kernel API of the core. The binding validates each View's bounds against
// its buffer; kernels check the relations between views (shapes agree, dtypes fit) and
// throw tg::Error when they do not.
#pragma once
#include "tg/context.h"
#include "tg/view.h"

namespace tg {

#define TG_ENUM_ENTRY(name) name,
enum class UnaryOp : int32_t {
#define TG_UNARY_OP TG_ENUM_ENTRY
#include "tg/ops.def"
#undef TG_UNARY_OP
  Count
};
enum class BinaryOp : int32_t {
#define TG_BINARY_OP TG_ENUM_ENTRY
#include "tg/ops.def"
#undef TG_BINARY_OP
  Count
};
enum class ReduceOp : int32_t {
#define TG_REDUCE_OP TG_ENUM_ENTRY
#include "tg/ops.def"
#undef TG_REDUCE_OP
  Count
};
enum class IndexOp : int32_t {
#define TG_INDEX_OP TG_ENUM_ENTRY
#include "tg/ops.def"
#undef TG_INDEX_OP
  Count
};
enum class OptimOp : int32_t {
#define TG_OPTIM_OP TG_ENUM_ENTRY
#include "tg/ops.def"
#undef TG_OPTIM_OP
  Count
};
enum class RandomOp : int32_t {
#define TG_RANDOM_OP TG_ENUM_ENTRY
#include "tg/ops.def"
#undef TG_RANDOM_OP
  Count
};
enum class SoftmaxOp : int32_t {
#define TG_SOFTMAX_OP TG_ENUM_ENTRY
#include "tg/ops.def"
#undef TG_SOFTMAX_OP
  Count
};
#undef TG_ENUM_ENTRY

// Elementwise. Every input view has out's shape (broadcast dims carry stride 0).
void unary(Context& ctx, UnaryOp op, const View& out, const View& x, double p0, double p1);
void binary(Context& ctx, BinaryOp op, const View& out, const View& a, const View& b);
void where(Context& ctx, const View& out, const View& cond, const View& a, const View& b);
// Strided copy with dtype conversion; out and x have the same shape.
void copy(Context& ctx, const View& out, const View& x);
void fill(Context& ctx, const View& out, double value);

// out has x's ndim; a dim is reduced where out's size is 1 and x's is not.
void reduce(Context& ctx, ReduceOp op, const View& out, const View& x);

// Batched matrix product. a [..., M, K], b [..., K, N], out [..., M, N], all with the same
// ndim >= 2 and the same batch shape (broadcast batch dims carry stride 0).
void matmul(Context& ctx, const View& out, const View& a, const View& b);

// Index kernels (index is int32). See ops.def for what each one does along `dim`.
void indexOp(Context& ctx, IndexOp op, const View& out, const View& x, const View& index, int dim);

// One optimizer step for one parameter, in place (see ops.def for h and the state).
void optimStep(Context& ctx, OptimOp op, const double* h, int nh, const View& param, const View& grad,
               const View* state, int nstate);

// Random numbers from the generator whose kGeneratorWords words of state (tg/generator.h)
// the caller owns; `out` is null for Seed only. See ops.def for each op's parameters.
void random(Context& ctx, RandomOp op, uint32_t* state, const View* out, double p0, double p1);

// Softmax family along `dim` (see ops.def); b (the output gradient) only for backward ops.
// All views have out's shape.
void softmax(Context& ctx, SoftmaxOp op, const View& out, const View& a, const View* b, int dim);

// The float32 FMA throughput of one core in GFLOP/s (the calling thread, best of short
// rounds over `seconds`) with the widest vectors of the selected path: AVX-512 or
// AVX2+FMA. Throws on other paths.
double fmaPeakGflops(Context& ctx, double seconds);

}  // namespace tg
