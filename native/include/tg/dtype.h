// Element types of the kernel core. The binding derives a view's dtype from the JS
// typed array that backs it (Float32Array, Float64Array, Int32Array, Uint8Array).
// The dtypes themselves (enum, names, sizes) are rows of native/ops.table.
#pragma once
#include <cstdint>
#include <cstddef>
#include <type_traits>

#include "tg/table.h"

namespace tg {

inline size_t itemSize(DType d) {
  switch (d) {
#define TG_DTYPE_SIZE(e, name, bytes) case DType::e: return bytes;
    TG_DTYPES(TG_DTYPE_SIZE)
#undef TG_DTYPE_SIZE
  }
  return 0;
}

inline const char* dtypeName(DType d) {
  switch (d) {
#define TG_DTYPE_NAME(e, name, bytes) case DType::e: return name;
    TG_DTYPES(TG_DTYPE_NAME)
#undef TG_DTYPE_NAME
  }
  return "?";
}

// Float -> int32 as x86 does it (truncation; NaN and out-of-range give INT32_MIN), without
// the undefined behaviour of a plain cast.
inline int32_t toInt32(double x) {
  if (!(x > -2147483649.0 && x < 2147483648.0)) return INT32_MIN;
  return static_cast<int32_t>(x);
}

// Float -> int64 likewise (NaN and out-of-range give INT64_MIN, as x86's cvttsd2si).
inline int64_t toInt64(double x) {
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(x);
}

// The integer element types (int32, int64): their arithmetic wraps, computed unsigned.
template <typename T>
constexpr bool isSignedInt = std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>;

template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::F32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::F64; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::I32; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::Bool; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::I64; };

// Calls fn(T{}) with T the C++ type of `d`.
template <typename Fn>
decltype(auto) dispatchDType(DType d, Fn&& fn) {
  switch (d) {
    case DType::F32: return fn(float{});
    case DType::F64: return fn(double{});
    case DType::I32: return fn(int32_t{});
    case DType::I64: return fn(int64_t{});
    case DType::Bool: break;
  }
  return fn(uint8_t{});
}

}  // namespace tg
