#!/usr/bin/env bash
# Cross-compiles the native core and its C++ tests (native/test: gemm_test,
# kernels_test) for arm64 and runs them under user-mode QEMU: the arm64 build, with its
# NEON kernels (native/src/gemm/kernel_neon.cpp) and the portable ones, cannot be
# loaded by this machine's Node. `npm run test:arm64 [-- --quick]`.
#
# Needs the Debian packages g++-aarch64-linux-gnu (cross compiler and arm64 libc/
# libstdc++ under /usr/aarch64-linux-gnu) and qemu-user (qemu-aarch64); installs nothing:
#   apt-get install -y g++-aarch64-linux-gnu qemu-user
# --quick runs gemm_test's reduced case set (what CI uses to stay within its time).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
  if ! command -v "$tool" > /dev/null; then
    echo "test-arm64: $tool not found; apt-get install -y g++-aarch64-linux-gnu qemu-user" >&2
    exit 1
  fi
done
quick=()
[[ "${1:-}" == "--quick" ]] && quick=(--quick)

cmake -S . -B build-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_NATIVE_TESTS=ON \
  -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 \
  -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++ > /dev/null
cmake --build build-arm64 --target gemm_test kernels_test

run() { QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 "$@"; }
# The NEON path (the default on arm64; gemm_test also runs every case on the portable
# kernels), then the whole set with the portable kernels only.
for simd in neon scalar; do
  TENSORGRAD_SIMD=$simd run build-arm64/gemm_test "${quick[@]}"
  TENSORGRAD_SIMD=$simd run build-arm64/kernels_test
done
