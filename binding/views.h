// Turns a JS typed array plus its metadata in the shared scratch buffer into a
// tg::View, re-checking everything in O(ndim) so that a bug in the TypeScript layer
// (or a caller that bypasses it) becomes a JS exception, never an out-of-bounds access.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "tg/view.h"

namespace binding {

// Metadata of the views of one call, written by lib/native/kernels.ts into an Int32Array
// registered once at init: per typed-array argument, in order,
// [ndim, offset, shape[0..ndim), strides[0..ndim)].
class MetaReader {
 public:
  MetaReader(const int32_t* meta, size_t length) : meta_(meta), length_(length) {}

  int32_t next(const char* what) {
    if (pos_ >= length_) throw Napi::RangeError::New(env_, std::string("view metadata is truncated (") + what + ")");
    return meta_[pos_++];
  }
  void setEnv(Napi::Env env) { env_ = env; }

 private:
  const int32_t* meta_;
  size_t length_;
  size_t pos_ = 0;
  Napi::Env env_ = nullptr;
};

// Largest element count one view may address (with broadcasting, numel can exceed the
// buffer length); keeps every index computation far from int64 overflow.
constexpr int64_t kMaxNumel = int64_t(1) << 48;

inline tg::DType dtypeOfTypedArray(Napi::Env env, napi_typedarray_type type, const char* arg) {
  switch (type) {
    case napi_float32_array: return tg::DType::F32;
    case napi_float64_array: return tg::DType::F64;
    case napi_int32_array: return tg::DType::I32;
    case napi_uint8_array: return tg::DType::Bool;
    default:
      throw Napi::TypeError::New(env, std::string(arg) +
                                          ": expected a Float32Array, Float64Array, Int32Array or Uint8Array");
  }
}

inline tg::View readView(Napi::Env env, const Napi::Value& value, MetaReader& meta, const char* arg) {
  if (!value.IsTypedArray()) throw Napi::TypeError::New(env, std::string(arg) + ": expected a typed array");
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  tg::View v;
  v.dtype = dtypeOfTypedArray(env, array.TypedArrayType(), arg);
  const int64_t length = static_cast<int64_t>(array.ElementLength());
  v.data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();

  const int32_t ndim = meta.next(arg);
  if (ndim < 0 || ndim > tg::kMaxDims)
    throw Napi::RangeError::New(env, std::string(arg) + ": ndim " + std::to_string(ndim) + " is outside 0..8");
  v.ndim = ndim;
  v.offset = meta.next(arg);
  if (v.offset < 0) throw Napi::RangeError::New(env, std::string(arg) + ": negative offset");
  int64_t numel = 1;
  for (int i = 0; i < ndim; ++i) {
    v.shape[i] = meta.next(arg);
    if (v.shape[i] < 0) throw Napi::RangeError::New(env, std::string(arg) + ": negative size");
    if (__builtin_mul_overflow(numel, v.shape[i], &numel) || numel > kMaxNumel)
      throw Napi::RangeError::New(env, std::string(arg) + ": too many elements");
  }
  __int128 last = v.offset;  // highest element index the view touches
  for (int i = 0; i < ndim; ++i) {
    v.strides[i] = meta.next(arg);
    if (v.strides[i] < 0) throw Napi::RangeError::New(env, std::string(arg) + ": negative stride");
    if (v.shape[i] > 0) last += static_cast<__int128>(v.shape[i] - 1) * v.strides[i];
  }
  if (numel > 0 && last >= length)
    throw Napi::RangeError::New(env, std::string(arg) + ": view reaches element " + std::to_string(static_cast<int64_t>(last)) +
                                         " of a buffer of " + std::to_string(length));
  // An empty view addresses nothing, so its offset and strides went unchecked: zero them,
  // so that no kernel does arithmetic with them (a huge stride times a huge size overflows).
  if (numel == 0) {
    v.offset = 0;
    for (int i = 0; i < ndim; ++i) v.strides[i] = 0;
  }
  return v;
}

}  // namespace binding
