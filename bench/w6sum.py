# The W6 sum in PyTorch in a steady loop (the counterpart of bench/w6sum.mjs): a 16M-element
# float32 tensor summed over and over on THREADS (default 2) threads, or TENSORS (default 1)
# such tensors summed in turn (3 keep the data out of the caches). Needs Debian's
# python3-torch. `python3 w6sum.py REPS` prints one figure; `--serve` reads a count per
# stdin line, runs that many sums and prints their seconds (bench/w6sum.mjs drives it).
import os, sys, time
import torch
torch.set_num_threads(int(os.environ.get('THREADS', 2)))
xs = [torch.rand(16 * 1024 * 1024) for _ in range(int(os.environ.get('TENSORS', 1)))]


def timed(reps):
    t0 = time.perf_counter()
    for i in range(reps): xs[i % len(xs)].sum()
    return time.perf_counter() - t0


if sys.argv[1:] == ['--serve']:
    for line in sys.stdin:
        print(timed(int(line)), flush=True)
else:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    timed(20)
    ms = timed(reps) / reps * 1e3
    print(f'torch sum {torch.get_num_threads()}t {ms:.3f} ms {64 * 1.048576 / ms:.1f} GB/s')
