#!/usr/bin/env bash
# `npm run prebuild [-- x64 arm64]`: builds the addon for each Linux target into
# prebuilds/linux-<arch>/tensorgrad.glibc.node, where lib/native/prebuild.ts looks for
# it; `npm pack` after this puts them in the package. Never committed (.gitignore).
# Node-API 8 only (NAPI_VERSION in CMakeLists.txt), so one binary serves every Node the
# package supports. Default targets: x64 arm64.
#
# Needs CMake and g++ (Debian: cmake g++); arm64 is cross-compiled with Debian's
# g++-aarch64-linux-gnu and smoke-tested under qemu-aarch64 (qemu-user):
#   apt-get install -y g++-aarch64-linux-gnu qemu-user
# There is no arm64 Node here, so the arm64 check is the ELF header and a dlopen of the
# addon by a small arm64 program under QEMU (its libraries resolve, static constructors
# run); the Node-API calls themselves are exercised only on x64.
#
# tg.distributed's addon (tensorgrad_dist.node, on Gloo) is optional in the package: where
# this machine has Gloo (Debian: libgloo-dev), the x64 prebuild ships it beside the main
# addon as prebuilds/linux-x64/tensorgrad_dist.glibc.node; it needs Gloo's shared library
# (Debian: libgloo0) where it runs, and initProcessGroup says so when it is missing.
# Everything else works without it. The arm64 cross build leaves it out (no arm64 Gloo here).
#
# The memory pool's addon (tensorgrad_pool.node) is not prebuilt: it uses V8's API, so it
# loads only into the Node it was compiled against. A package installed from a prebuild
# runs without it (plain ArrayBuffers, lib/memory-pool.ts); one built from source has it.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(x64 arm64)
cmake_js=(node node_modules/cmake-js/bin/cmake-js compile --config Release)
# prebuilds/ holds exactly this run's targets: nothing older gets packed beside them.
rm -rf prebuilds
mkdir -p build-prebuild

for arch in "${targets[@]}"; do
  out="build-prebuild/linux-$arch"
  dest="prebuilds/linux-$arch/tensorgrad.glibc.node"
  case "$arch" in
    x64)
      "${cmake_js[@]}" --out "$out" > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
      strip=strip ;;
    arm64)
      for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
        command -v "$tool" > /dev/null || { echo "prebuild: $tool not found; apt-get install -y g++-aarch64-linux-gnu qemu-user" >&2; exit 1; }
      done
      "${cmake_js[@]}" --out "$out" --arch arm64 --CDCMAKE_SYSTEM_NAME=Linux --CDCMAKE_SYSTEM_PROCESSOR=aarch64 \
        --CDCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++ --CDTG_DISTRIBUTED=OFF > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
      strip=aarch64-linux-gnu-strip ;;
    *) echo "prebuild: unknown target $arch (x64, arm64)" >&2; exit 1 ;;
  esac
  mkdir -p "$(dirname "$dest")"
  "$strip" --strip-unneeded -o "$dest" "$out/Release/tensorgrad.node"
  echo "prebuild: $dest ($(du -k "$dest" | cut -f1) KB; needs $(objdump -T "$dest" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1))"
  file "$dest"
  if [[ -e $out/Release/tensorgrad_dist.node ]]; then
    dist_dest="prebuilds/linux-$arch/tensorgrad_dist.glibc.node"
    "$strip" --strip-unneeded -o "$dist_dest" "$out/Release/tensorgrad_dist.node"
    echo "prebuild: $dist_dest ($(du -k "$dist_dest" | cut -f1) KB; tg.distributed, needs libgloo.so.0)"
  else
    echo "prebuild: linux-$arch without tg.distributed (no Gloo found: apt-get install libgloo-dev)"
  fi
done

# Smoke tests: x64 loads in this Node; arm64 is dlopened under QEMU (see above).
for arch in "${targets[@]}"; do
  dest="prebuilds/linux-$arch/tensorgrad.glibc.node"
  if [[ $arch == x64 ]]; then
    node -e "const a = require('./$dest'); if (typeof a.matmul !== 'function') process.exit(1)"
    dist_dest="prebuilds/linux-$arch/tensorgrad_dist.glibc.node"
    if [[ -e $dist_dest ]]; then
      node -e "const a = require('./$dist_dest'); if (typeof a.ProcessGroup !== 'function') process.exit(1)"
    fi
  else
    readelf -h "$dest" | grep -q 'Machine: *AArch64' || { echo "prebuild: $dest is not AArch64" >&2; exit 1; }
    # The Node-API functions come from the node executable: the probe defines empty ones.
    probe=build-prebuild/dlopen-arm64
    { nm -D --undefined-only "$dest" | awk '$2 ~ /^napi_/ { print "extern \"C\" void " $2 "() {}" }'
      printf '#include <dlfcn.h>\n#include <cstdio>\n'
      printf 'int main(int, char** v) { void* h = dlopen(v[1], RTLD_NOW); if (!h) { std::puts(dlerror()); return 1; }\n'
      printf '  return dlsym(h, "napi_register_module_v1") ? 0 : 2; }\n'
    } | aarch64-linux-gnu-g++ -x c++ - -rdynamic -o "$probe" -ldl
    QEMU_LD_PREFIX=/usr/aarch64-linux-gnu qemu-aarch64 "$probe" "$dest"
  fi
  echo "prebuild: $dest smoke test passed"
done
