#!/usr/bin/env bash
# Where the time of one GEMM goes, ours against NumPy's OpenBLAS, per thread:
#
#   bench/gemm-profile.sh M,N,K[,AT][,BT] THREADS     e.g. bench/gemm-profile.sh 2048,2048,2048 2
#
# Samples both with `perf record -e cpu-clock` (this VM exposes no hardware counters, so
# no cache-miss counts: time only) and groups each thread's samples as micro-kernel,
# packing, C init (OpenBLAS's beta pass), driver, waiting (spinning, yielding, sleeping
# in the pool), OS (other kernel-mode time) and other; set-up (random operands, the
# interpreter) is left out of the percentages. Ours is native/test/gemm_bench --shape
# (built here in build-native, as scripts/test-native.sh does), OpenBLAS is NumPy's
# np.matmul with OPENBLAS_CORETYPE unset (the kernel OpenBLAS picks for this CPU).
# Operands as in bench/workloads.mjs: AT = A stored [K,M], BT = B stored [N,K].
# Run it under the shared heavy-work lock (flock /tmp/heavy.lock ...).
#
# Needs the Debian packages linux-perf and python3-numpy (python3-threadpoolctl to name
# the OpenBLAS kernel); installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
shape=${1:?usage: gemm-profile.sh M,N,K[,AT][,BT] THREADS}
threads=${2:?usage: gemm-profile.sh M,N,K[,AT][,BT] THREADS}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cmake -S . -B build-native -G Ninja -DCMAKE_BUILD_TYPE=Release -DTG_NATIVE_TESTS=ON > /dev/null
cmake --build build-native --target gemm_bench > /dev/null

perf record -q -e cpu-clock -F 2000 -o "$out/ours.data" -- \
  build-native/gemm_bench --shape "$shape" --threads "$threads" --reps 7 2>&1 | grep -v '^gemm_bench'
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" \
  perf record -q -e cpu-clock -F 2000 -o "$out/numpy.data" -- /usr/bin/python3 - "$shape" << 'EOF'
import sys, time
import numpy as np
m, n, k = map(int, sys.argv[1].split(',')[:3])
rng = np.random.default_rng(0)
randn = lambda *s: rng.standard_normal(s, dtype=np.float32)
a = randn(k, m).T if ',AT' in sys.argv[1] else randn(m, k)
b = randn(n, k).T if ',BT' in sys.argv[1] else randn(k, n)
flops = 2.0 * m * n * k
inner = max(1, int(2e8 / flops))
times = []
np.matmul(a, b)
start = time.perf_counter()
while time.perf_counter() - start < 2:  # as long as gemm_bench's 7 x 0.25 s, so set-up stays small
    t0 = time.perf_counter()
    for _ in range(inner):
        np.matmul(a, b)
    times.append((time.perf_counter() - t0) / inner)
times.sort()
try:
    import threadpoolctl
    kernel = ' '.join(f"{l['internal_api']} {l['version']} {l['architecture']}"
                      for l in threadpoolctl.threadpool_info() if l['user_api'] == 'blas')
except ImportError:
    kernel = '(install python3-threadpoolctl to name the kernel)'
print(f'numpy {sys.argv[1]} {kernel}: median {flops / times[len(times) // 2] / 1e9:.1f} GFLOP/s, '
      f'best {flops / times[0] / 1e9:.1f} (under perf)')
EOF

for side in ours numpy; do
  perf report -i "$out/$side.data" --sort pid,sym --stdio 2> /dev/null | /usr/bin/python3 bench/perf-groups.py "$side"
done
