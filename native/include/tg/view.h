// A strided view over borrowed memory: what every kernel takes. Shapes, strides and
// offsets are in elements. A stride of 0 broadcasts. The memory belongs to a JS
// ArrayBuffer and is only valid for the duration of one call.
#pragma once
#include <cstdint>
#include "tg/dtype.h"

namespace tg {

constexpr int kMaxDims = 8;

struct View {
  void* data = nullptr;  // start of the buffer (element 0), not of the view
  DType dtype = DType::F32;
  int ndim = 0;
  int64_t offset = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};

  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) n *= shape[i];
    return n;
  }
  template <typename T> T* ptr() const { return static_cast<T*>(data) + offset; }
  bool isContiguous() const {
    if (numel() == 0) return true;  // addresses nothing (and the binding zeroes such strides)
    int64_t expected = 1;
    for (int i = ndim - 1; i >= 0; --i) {
      if (shape[i] != 1 && strides[i] != expected) return false;
      expected *= shape[i];
    }
    return true;
  }
};

}  // namespace tg
