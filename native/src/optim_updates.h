// The optimizer updates (native/ops.table, Optim group), one function per optimizer that
// updates the elements [b, e) of a parameter, its gradient and its state buffers. The
// arithmetic is PyTorch 1.13's, op by op, in the parameter's dtype: scalars are cast to
// it as a tensor op with a Python number does, `a.add_(b, alpha)` is a + alpha*b,
// `addcmul_(b, c, value)` is a + value*b*c, `addcdiv_(b, c, value)` is a + value*b/c.
//
// Included by optim.cpp (portable flags) and optim_avx512.cpp (AVX-512 flags): each
// compiles its own copy (internal linkage), vectorised for its target. There are no FMAs
// (-ffp-contract=off) and every operation is IEEE, so both give the same bits.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "tg/dtype.h"

namespace tg {

template <typename T>
struct OptimBuffers {
  T* p;
  const T* g;
  T* s[3];
};

template <typename T>
using OptimUpdate = void (*)(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e);

// The updates compiled for AVX-512 (optim_avx512.cpp); null for the ops where that does
// not pay and on builds without that path.
OptimUpdate<float> optimUpdateAvx512(OptimOp op, float);
OptimUpdate<double> optimUpdateAvx512(OptimOp op, double);

namespace {  // internal linkage: one copy per including file, for its target

template <typename T>
inline T maxPropagatingNaN(T a, T b) {
  return a != a || a > b ? a : b;
}

// Each update works on the element range [b, e).

// Calls f(std::true_type{}) or f(std::false_type{}): options that are fixed for a whole
// call become template parameters, so each inner loop is branch-free and vectorises.
template <typename F>
void withFlag(bool flag, F&& f) {
  if (flag) f(std::true_type{});
  else f(std::false_type{});
}

// maximize negates the gradient: g * sign, exact for sign = ±1. AdamW's decay multiplies
// by 1 - lr * weightDecay, which is exact (a no-op) when it is 1.

// h[] holds the hyperparameters named in native/ops.table (tg::hyper).
template <typename T>
void sgd(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e) {
  namespace H = hyper::Sgd;
  const T lr = T(h[H::lr]), momentum = T(h[H::momentum]), keep = T(1 - h[H::dampening]), wd = T(h[H::weightDecay]);
  const T sign = T(h[H::maximize] != 0 ? -1 : 1);
  const bool nesterov = h[H::nesterov] != 0, first = h[H::firstStep] != 0, useMomentum = h[H::momentum] != 0;
  T* buf = x.s[0];
  withFlag(h[H::weightDecay] != 0, [&](auto decay) {
    for (int64_t i = b; i < e; ++i) {
      T g = x.g[i] * sign;
      if constexpr (decay) g = g + wd * x.p[i];
      if (useMomentum) {
        buf[i] = first ? g : buf[i] * momentum + keep * g;
        g = nesterov ? g + momentum * buf[i] : buf[i];
      }
      x.p[i] = x.p[i] + (-lr) * g;
    }
  });
}

template <typename T>
void adam(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e) {
  namespace H = hyper::Adam;
  const T stepSize = T(h[H::stepSize]), beta1 = T(h[H::beta1]), beta2 = T(h[H::beta2]), eps = T(h[H::eps]);
  const T wd = T(h[H::weightDecay]), bc2Sqrt = T(h[H::biasCorrection2Sqrt]);
  const T oneMinusBeta1 = T(1 - h[H::beta1]), oneMinusBeta2 = T(1 - h[H::beta2]);
  const T sign = T(h[H::maximize] != 0 ? -1 : 1), decay = T(h[H::decay]);
  T *m = x.s[0], *v = x.s[1], *vmax = x.s[2];
  withFlag(h[H::weightDecay] != 0, [&](auto coupled) {
    withFlag(h[H::amsgrad] != 0, [&](auto amsgrad) {
      for (int64_t i = b; i < e; ++i) {
        const T p = x.p[i] * decay;
        T g = x.g[i] * sign;
        if constexpr (coupled) g = g + wd * p;
        const T mi = m[i] * beta1 + oneMinusBeta1 * g;
        const T vi = v[i] * beta2 + oneMinusBeta2 * g * g;
        m[i] = mi;
        v[i] = vi;
        T second = vi;
        if constexpr (amsgrad) second = vmax[i] = maxPropagatingNaN(vmax[i], vi);
        x.p[i] = p + (-stepSize) * mi / (std::sqrt(second) / bc2Sqrt + eps);
      }
    });
  });
}

template <typename T>
void rmsprop(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e) {
  namespace H = hyper::Rmsprop;
  const T lr = T(h[H::lr]), alpha = T(h[H::alpha]), oneMinusAlpha = T(1 - h[H::alpha]), eps = T(h[H::eps]);
  const T wd = T(h[H::weightDecay]), momentum = T(h[H::momentum]), sign = T(h[H::maximize] != 0 ? -1 : 1);
  const bool isCentered = h[H::centered] != 0, hasMomentum = h[H::momentum] > 0;
  T* sq = x.s[0];
  T* gavg = isCentered ? x.s[1] : nullptr;
  T* buf = hasMomentum ? x.s[isCentered ? 2 : 1] : nullptr;
  withFlag(h[H::weightDecay] != 0, [&](auto decay) {
    withFlag(isCentered, [&](auto centered) {
      withFlag(hasMomentum, [&](auto useMomentum) {
        for (int64_t i = b; i < e; ++i) {
          T g = x.g[i] * sign;
          if constexpr (decay) g = g + wd * x.p[i];
          const T s = sq[i] * alpha + oneMinusAlpha * g * g;
          sq[i] = s;
          T avg;
          if constexpr (centered) {
            const T ga = gavg[i] * alpha + oneMinusAlpha * g;
            gavg[i] = ga;
            avg = std::sqrt(s + T(-1) * ga * ga) + eps;
          } else {
            avg = std::sqrt(s) + eps;
          }
          if constexpr (useMomentum) {
            const T bi = buf[i] * momentum + g / avg;
            buf[i] = bi;
            x.p[i] = x.p[i] + (-lr) * bi;
          } else {
            x.p[i] = x.p[i] + (-lr) * g / avg;
          }
        }
      });
    });
  });
}

template <typename T>
void adagrad(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e) {
  namespace H = hyper::Adagrad;
  const T clr = T(h[H::clr]), eps = T(h[H::eps]), wd = T(h[H::weightDecay]), sign = T(h[H::maximize] != 0 ? -1 : 1);
  T* sum = x.s[0];
  withFlag(h[H::weightDecay] != 0, [&](auto decay) {
    for (int64_t i = b; i < e; ++i) {
      T g = x.g[i] * sign;
      if constexpr (decay) g = g + wd * x.p[i];
      const T si = sum[i] + g * g;
      sum[i] = si;
      x.p[i] = x.p[i] + (-clr) * g / (std::sqrt(si) + eps);
    }
  });
}

// Adam's moment updates: exp_avg.mul_(beta1).add_(g, alpha=1-beta1) and
// exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1-beta2).
template <typename T>
struct Moments {
  T beta1, oneMinusBeta1, beta2, oneMinusBeta2;
  Moments(double b1, double b2) : beta1(T(b1)), oneMinusBeta1(T(1 - b1)), beta2(T(b2)), oneMinusBeta2(T(1 - b2)) {}
  // Updates m and v with g; returns them.
  inline std::pair<T, T> update(T* m, T* v, T g) const {
    const T mi = *m * beta1 + oneMinusBeta1 * g;
    const T vi = *v * beta2 + oneMinusBeta2 * g * g;
    *m = mi;
    *v = vi;
    return {mi, vi};
  }
};

template <typename T>
void adamax(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e) {
  namespace H = hyper::Adamax;
  const T negClr = T(-h[H::clr]), beta1 = T(h[H::beta1]), oneMinusBeta1 = T(1 - h[H::beta1]), beta2 = T(h[H::beta2]);
  const T eps = T(h[H::eps]), wd = T(h[H::weightDecay]), sign = T(h[H::maximize] != 0 ? -1 : 1);
  T *m = x.s[0], *u = x.s[1];
  withFlag(h[H::weightDecay] != 0, [&](auto decay) {
    for (int64_t i = b; i < e; ++i) {
      T g = x.g[i] * sign;
      if constexpr (decay) g = g + wd * x.p[i];
      const T mi = m[i] * beta1 + oneMinusBeta1 * g;
      const T ui = maxPropagatingNaN(u[i] * beta2, std::abs(g) + eps);  // torch.amax of the two
      m[i] = mi;
      u[i] = ui;
      x.p[i] = x.p[i] + negClr * mi / ui;
    }
  });
}

// NAdam follows PyTorch 1.13's foreach implementation (which PyTorch 2 made its only
// arithmetic); the 1.13 single-tensor loop multiplied mu into the next product twice.
template <typename T>
void nadam(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e) {
  namespace H = hyper::Nadam;
  const Moments<T> moments(h[H::beta1], h[H::beta2]);
  const T eps = T(h[H::eps]), wd = T(h[H::weightDecay]), sqrtBc2 = T(h[H::sqrtBiasCorrection2]);
  const T gradStep = T(h[H::gradStep]), avgStep = T(h[H::avgStep]);
  T *m = x.s[0], *v = x.s[1];
  withFlag(h[H::weightDecay] != 0, [&](auto decay) {
    for (int64_t i = b; i < e; ++i) {
      T g = x.g[i];
      if constexpr (decay) g = g + wd * x.p[i];
      const auto [mi, vi] = moments.update(m + i, v + i, g);
      const T denom = std::sqrt(vi) / sqrtBc2 + eps;
      const T p = x.p[i] + gradStep * g / denom;
      x.p[i] = p + avgStep * mi / denom;
    }
  });
}

template <typename T>
void radam(const double* h, const OptimBuffers<T>& x, int64_t b, int64_t e) {
  namespace H = hyper::Radam;
  const Moments<T> moments(h[H::beta1], h[H::beta2]);
  const T eps = T(h[H::eps]), wd = T(h[H::weightDecay]), bc1 = T(h[H::biasCorrection1]), lr = T(h[H::lr]);
  const T rect = T(h[H::rect]), sqrtBc2 = T(h[H::sqrtBiasCorrection2]);
  T *m = x.s[0], *v = x.s[1];
  withFlag(h[H::weightDecay] != 0, [&](auto decay) {
    withFlag(h[H::rectified] != 0, [&](auto rectified) {
      for (int64_t i = b; i < e; ++i) {
        T g = x.g[i];
        if constexpr (decay) g = g + wd * x.p[i];
        const auto [mi, vi] = moments.update(m + i, v + i, g);
        const T corrected = mi / bc1;
        if constexpr (rectified) {
          // Python's sqrt(bc2) / t is t.reciprocal() * sqrt(bc2) (torch.Tensor.__rdiv__).
          const T adaptiveLr = T(1) / (std::sqrt(vi) + eps) * sqrtBc2;
          x.p[i] = x.p[i] + T(-1) * (corrected * lr * adaptiveLr * rect);
        } else {
          x.p[i] = x.p[i] + T(-1) * (corrected * lr);
        }
      }
    });
  });
}

template <typename T>
OptimUpdate<T> optimUpdate(OptimOp op) {
  switch (op) {
    case OptimOp::Sgd: return sgd<T>;
    case OptimOp::Adam: return adam<T>;
    case OptimOp::Rmsprop: return rmsprop<T>;
    case OptimOp::Adagrad: return adagrad<T>;
    case OptimOp::Adamax: return adamax<T>;
    case OptimOp::Nadam: return nadam<T>;
    case OptimOp::Radam: return radam<T>;
    case OptimOp::Count: break;
  }
  return nullptr;
}

}  // namespace
}  // namespace tg
