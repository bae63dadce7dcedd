// Turns a JS ArrayBuffer plus its view metadata in the shared scratch buffer into a
// tg::View, re-checking everything in O(ndim) so that a bug in the TypeScript layer (or
// a caller that bypasses it) becomes a JS exception, never an out-of-bounds access.
//
// Views travel as ArrayBuffers, not typed arrays: napi_get_arraybuffer_info is a few
// dozen instructions, napi_get_typedarray_info several hundred (it probes the array
// kind by kind). Only shared memory comes as a Uint8Array (see readView). The dtype comes from the metadata; any dtype over any bytes is safe to
// read, and bounds are checked in bytes.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "tg/portable.h"
#include "tg/view.h"

namespace binding {

// Metadata of the views of one call, written by lib/native/kernels.ts into an Int32Array
// registered once at init: per view argument, in order,
// [dtype, ndim, offset, shape[0..ndim), strides[0..ndim)], offset and strides in elements.
class MetaReader {
 public:
  MetaReader(Napi::Env env, const int32_t* meta, size_t length) : env_(env), meta_(meta), length_(length) {}

  // The next n ints; throws if the scratch buffer holds fewer.
  const int32_t* take(size_t n, const char* what) {
    if (n > length_ - pos_) throw Napi::RangeError::New(env_, std::string(what) + ": view metadata is truncated");
    const int32_t* p = meta_ + pos_;
    pos_ += n;
    return p;
  }

 private:
  Napi::Env env_;
  const int32_t* meta_;
  size_t length_;
  size_t pos_ = 0;
};

// Largest element count one view may address (with broadcasting, numel can exceed the
// buffer length); keeps every index computation far from int64 overflow.
constexpr int64_t kMaxNumel = int64_t(1) << 48;

inline tg::View readView(Napi::Env env, napi_value value, MetaReader& meta, const char* arg) {
  auto rangeError = [&](const std::string& what) { return Napi::RangeError::New(env, std::string(arg) + ": " + what); };
  void* data = nullptr;
  size_t byteLength = 0;
  if (napi_get_arraybuffer_info(env, value, &data, &byteLength) != napi_ok) {
    // Shared memory: N-API (Node 20) has no call for a SharedArrayBuffer, so shared
    // storage travels as a Uint8Array over it (lib/storage.ts), read the slower way.
    napi_typedarray_type type;
    napi_value buffer;
    bool plain = true;
    if (napi_get_typedarray_info(env, value, &type, &byteLength, &data, &buffer, nullptr) != napi_ok || type != napi_uint8_array ||
        napi_is_arraybuffer(env, buffer, &plain) != napi_ok || plain)
      throw Napi::TypeError::New(env, std::string(arg) + ": expected an ArrayBuffer (or a Uint8Array over a SharedArrayBuffer)");
  }

  const int32_t* head = meta.take(3, arg);
  const int32_t dtype = head[0], ndim = head[1];
  if (dtype < 0 || dtype >= tg::kDTypeCount) throw rangeError("unknown dtype code " + std::to_string(dtype));
  if (ndim < 0 || ndim > tg::kMaxDims) throw rangeError("ndim " + std::to_string(ndim) + " is outside 0..8");
  tg::View v;
  v.dtype = static_cast<tg::DType>(dtype);
  v.ndim = ndim;
  v.offset = head[2];
  if (v.offset < 0) throw rangeError("negative offset");
  const int32_t* dims = meta.take(2 * static_cast<size_t>(ndim), arg);
  int64_t numel = 1;
  int64_t last = v.offset;  // highest element index the view touches; no overflow: each term < 2^62
  for (int i = 0; i < ndim; ++i) {
    v.shape[i] = dims[i];
    v.strides[i] = dims[ndim + i];
    if (v.shape[i] < 0) throw rangeError("negative size");
    if (v.strides[i] < 0) throw rangeError("negative stride");
    if (tg::mulOverflows(numel, v.shape[i], &numel) || numel > kMaxNumel) throw rangeError("too many elements");
    if (v.shape[i] > 0 && tg::addOverflows(last, (v.shape[i] - 1) * v.strides[i], &last)) throw rangeError("view too large");
  }
  const int64_t length = static_cast<int64_t>(byteLength / tg::itemSize(v.dtype));
  if (numel > 0 && last >= length)
    throw rangeError("view reaches element " + std::to_string(last) + " of a buffer of " + std::to_string(length));
  // An empty view addresses nothing, so its offset and strides went unchecked: zero them,
  // so that no kernel does arithmetic with them (a huge stride times a huge size overflows).
  if (numel == 0) {
    v.offset = 0;
    for (int i = 0; i < ndim; ++i) v.strides[i] = 0;
  }
  v.data = data;
  return v;
}

}  // namespace binding
