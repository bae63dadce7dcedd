#!/usr/bin/env bash
# Builds the native core's C++ tests (native/test: gemm_test, kernels_test) and runs them
# on every SIMD path: `npm run test:native [-- --quick]` on this machine (each path its
# CPU has), `npm run test:arm64 [-- --quick]` cross-compiled for arm64 and run under
# user-mode QEMU (the arm64 build, with its NEON kernels and the portable ones, cannot
# be loaded by this machine's Node).
#
# --arm64 needs the Debian packages g++-aarch64-linux-gnu (cross compiler and arm64 libc/
# libstdc++ under /usr/aarch64-linux-gnu) and qemu-user (qemu-aarch64); installs nothing:
#   apt-get install -y g++-aarch64-linux-gnu qemu-user
# --quick runs gemm_test's reduced case set (what CI uses to stay within its time).
set -euo pipefail
cd "$(dirname "$0")/.."

arm64=false
quick=()
for arg in "$@"; do
  case "$arg" in
    --arm64) arm64=true ;;
    --quick) quick=(--quick) ;;
    *) echo "test-native: unknown option $arg (use --arm64, --quick)" >&2; exit 2 ;;
  esac
done

if $arm64; then
  for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
    if ! command -v "$tool" > /dev/null; then
      echo "test-native: $tool not found; apt-get install -y g++-aarch64-linux-gnu qemu-user" >&2
      exit 1
    fi
  done
  dir=build-arm64
  cross=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++)
  run() { QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 "$@"; }
  # NEON (the default on arm64; gemm_test also runs every case on the portable kernels),
  # then the whole set with the portable kernels only.
  paths=(neon scalar)
else
  dir=build-native
  cross=()
  run() { "$@"; }
  paths=(avx512 avx2 scalar)
fi

cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_NATIVE_TESTS=ON "${cross[@]}" > /dev/null
cmake --build "$dir" --target gemm_test kernels_test

# The x86 paths this CPU has (as native/src/cpu_features.cpp decides; a forced path the
# CPU lacks would make the tests exit with that message).
cpu_has() { for flag in "$@"; do grep -qw "$flag" /proc/cpuinfo || return 1; done; }
for simd in "${paths[@]}"; do
  if { [[ $simd == avx512 ]] && ! cpu_has avx512f avx512bw avx512dq avx512vl; } ||
     { [[ $simd == avx2 ]] && ! cpu_has avx2 fma; }; then
    echo "test-native: no $simd path on this CPU, skipped"
    continue
  fi
  TENSORGRAD_SIMD=$simd run "$dir/gemm_test" "${quick[@]}"
  TENSORGRAD_SIMD=$simd run "$dir/kernels_test"
done
