// Optimizer steps: one pass over a parameter, its gradient and its state buffers,
// instead of the chain of tensor ops (each a full pass) that PyTorch's for-loop
// implementation runs. The updates themselves are in optim_updates.h.
#include <algorithm>

#include "optim_updates.h"
#include "strided.h"
#include "tg/kernels.h"

namespace tg {
namespace {

struct OpInfo {
  int nh;      // hyperparameter count
  int nstate;  // state buffers the hyperparameters call for
};

OpInfo opInfo(OptimOp op, const double* h, int nh) {
  switch (op) {
    case OptimOp::Sgd: {
      namespace H = hyper::Sgd;
      return {H::kCount, nh == H::kCount && h[H::momentum] != 0 ? 1 : 0};  // [momentumBuffer]
    }
    case OptimOp::Adam: {
      namespace H = hyper::Adam;
      return {H::kCount, nh == H::kCount && h[H::amsgrad] != 0 ? 3 : 2};  // expAvg, expAvgSq, [maxExpAvgSq]
    }
    case OptimOp::Rmsprop: {
      namespace H = hyper::Rmsprop;  // squareAvg, [gradAvg when centered], [momentumBuffer when momentum > 0]
      return {H::kCount, nh == H::kCount ? 1 + (h[H::centered] != 0) + (h[H::momentum] > 0) : 1};
    }
    case OptimOp::Adagrad: return {hyper::Adagrad::kCount, 1};  // sum
    case OptimOp::Adamax: return {hyper::Adamax::kCount, 2};  // expAvg, expInf
    case OptimOp::Nadam: return {hyper::Nadam::kCount, 2};    // expAvg, expAvgSq
    case OptimOp::Radam: return {hyper::Radam::kCount, 2};    // expAvg, expAvgSq
    case OptimOp::Count: break;
  }
  return {0, 0};
}

}  // namespace

void optimStep(Context& ctx, OptimOp op, const double* h, int nh, const View& param, const View& grad,
               const View* state, int nstate) {
  const OpInfo info = opInfo(op, h, nh);
  TG_CHECK(nh == info.nh, "optimStep: expected %d hyperparameters, got %d", info.nh, nh);
  // Each chunk of the update reads the hyperparameters anew, and they may share memory with
  // the parameter or a state buffer (any ArrayBuffer can back both): read them from a copy
  // taken before anything is written, or a flag flipped by chunk 0 sends chunk 1 to a state
  // buffer that does not exist.
  double copied[hyper::kMax];
  std::copy(h, h + nh, copied);
  TG_CHECK(nstate == info.nstate, "optimStep: expected %d state buffers, got %d", info.nstate, nstate);
  TG_CHECK(param.dtype == DType::F32 || param.dtype == DType::F64, "optimStep: parameters must be float32 or float64, got %s",
           dtypeName(param.dtype));
  const int64_t n = param.numel();
  auto checkOperand = [&](const View& v, const char* what) {
    TG_CHECK(v.dtype == param.dtype, "optimStep: %s is %s but the parameter is %s", what, dtypeName(v.dtype), dtypeName(param.dtype));
    TG_CHECK(v.numel() == n && v.isContiguous(), "optimStep: %s must be contiguous with the parameter's %lld elements", what,
             (long long)n);
  };
  checkOperand(param, "the parameter");
  checkOperand(grad, "the gradient");
  for (int k = 0; k < nstate; ++k) checkOperand(state[k], "a state buffer");

  dispatchDType(param.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      OptimBuffers<T> x{param.ptr<T>(), grad.ptr<T>(), {nullptr, nullptr, nullptr}};
      for (int k = 0; k < nstate; ++k) x.s[k] = state[k].ptr<T>();
      OptimUpdate<T> update = ctx.cpu.avx512 ? optimUpdateAvx512(op, T()) : nullptr;
      if (!update) update = optimUpdate<T>(op);
      if (!update) return;  // opInfo has refused it already
      const int64_t chunks = (n + kElementwiseChunk - 1) / kElementwiseChunk;
      if (chunks <= 1 || ctx.pool.threads() == 1) {
        update(copied, x, 0, n);
      } else {
        ctx.pool.parallelFor(chunks, [&](int64_t c) { update(copied, x, c * kElementwiseChunk, std::min(n, (c + 1) * kElementwiseChunk)); });
      }
    }
  });
}

}  // namespace tg
