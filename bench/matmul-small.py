# NumPy's side of bench/matmul-small.mjs: `a @ b` of float32 N x N (env N, default 64) in
# a kept-alive process; per stdin line (a call count) runs that many products and prints
# their seconds. Run with OPENBLAS_NUM_THREADS set and OPENBLAS_CORETYPE unset (the
# caller does both).
import os, sys, time
import numpy as np

n = int(os.environ.get('N', 64))
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
for line in sys.stdin:
    calls = int(line)
    t0 = time.perf_counter()
    for _ in range(calls):
        a @ b
    print(time.perf_counter() - t0, flush=True)
