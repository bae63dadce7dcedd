// Batched matmul: one GEMM per batch element; broadcast batch dims carry stride 0.
#include "strided.h"
#include "tg/gemm.h"
#include "tg/kernels.h"

namespace tg {

void matmul(Context& ctx, const View& out, const View& a, const View& b) {
  const int nd = out.ndim;
  TG_CHECK(nd >= 2 && a.ndim == nd && b.ndim == nd, "matmul: expected views of equal ndim >= 2");
  const int64_t M = out.shape[nd - 2], N = out.shape[nd - 1], K = a.shape[nd - 1];
  TG_CHECK(a.shape[nd - 2] == M && b.shape[nd - 2] == K && b.shape[nd - 1] == N,
           "matmul: [%lld,%lld] @ [%lld,%lld] does not give [%lld,%lld]", (long long)a.shape[nd - 2],
           (long long)K, (long long)b.shape[nd - 2], (long long)b.shape[nd - 1], (long long)M, (long long)N);
  for (int d = 0; d < nd - 2; ++d)
    TG_CHECK(a.shape[d] == out.shape[d] && b.shape[d] == out.shape[d], "matmul: batch shapes differ in dim %d", d);
  TG_CHECK(a.dtype == out.dtype && b.dtype == out.dtype, "matmul: dtypes %s @ %s -> %s", dtypeName(a.dtype),
           dtypeName(b.dtype), dtypeName(out.dtype));
  TG_CHECK(out.dtype == DType::F32 || out.dtype == DType::F64, "matmul: %s is not supported", dtypeName(out.dtype));
  // An empty result needs no work, however large the batch around it (M or N is 0).
  if (out.numel() == 0) return;

  dispatchDType(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const auto product = [&](const T* pa, const T* pb, T* pc) {
        gemm<T>(ctx, M, N, K, pa, a.strides[nd - 2], a.strides[nd - 1], pb, b.strides[nd - 2], b.strides[nd - 1], pc,
                out.strides[nd - 2], out.strides[nd - 1]);
      };
      // No batch: skip the batch loop's set-up (a tenth of a small product's native time).
      if (nd == 2) return product(a.ptr<T>(), b.ptr<T>(), out.ptr<T>());
      // Iterate the batch dims of the three views together.
      View batchOut = out, batchA = a, batchB = b;
      batchOut.ndim = batchA.ndim = batchB.ndim = nd - 2;
      const View* views[3] = {&batchOut, &batchA, &batchB};
      StridedLoop<3> batches(views);
      batches.run(0, batches.numel, [&](char** p, const int64_t* s, int64_t count) {
        for (int64_t i = 0; i < count; ++i)
          product(reinterpret_cast<const T*>(p[1] + i * s[1]), reinterpret_cast<const T*>(p[2] + i * s[2]),
                  reinterpret_cast<T*>(p[0] + i * s[0]));
      });
    }
  });
}

}  // namespace tg
