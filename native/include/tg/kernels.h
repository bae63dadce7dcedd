// The whole kernel API of the core. The binding validates each View's bounds against
// its buffer; kernels check the relations between views (shapes agree, dtypes fit) and
// throw tg::Error when they do not.
#pragma once
#include <vector>

#include "tg/context.h"
#include "tg/operands.h"
#include "tg/view.h"

namespace tg {

// The op enums (UnaryOp, BinaryOp, ...), their names and traits are generated from
// native/ops.table into tg/table.h (included through view.h -> dtype.h).

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

// One optimizer step for one parameter, in place (lib/optim/slots.ts names h; native/src/optim.cpp lists the state).
void optimStep(Context& ctx, OptimOp op, const double* h, int nh, const View& param, const View& grad,
               const View* state, int nstate);

// Random numbers from the generator whose kGeneratorWords words of state (tg/generator.h)
// the caller owns; `out` is null for Seed only. See native/ops.table for each op's parameters.
void random(Context& ctx, RandomOp op, uint32_t* state, const View* out, double p0, double p1);

// The groups of the generic entry point (`group ... generic` in native/ops.table) each
// have one function runGROUP(ctx, op, args), declared in tg/table.h; see tg/operands.h.

// The float32 FMA throughput of one core in GFLOP/s (the calling thread, best of short
// rounds over `seconds`) with the widest vectors of the selected path: AVX-512 or
// AVX2+FMA. Throws on other paths.
double fmaPeakGflops(Context& ctx, double seconds);
// The same loop's rounds (~0.3 ms each, equal work) over `seconds`: each one's GFLOP/s, in
// the order run. The best round sits a few % above a typical one on a VM (clock and timer
// variation), so a GEMM figure (a median of longer repetitions) is also read against them.
std::vector<double> fmaPeakRounds(Context& ctx, double seconds);

}  // namespace tg
