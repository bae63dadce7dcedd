# PyTorch's side of bench/dist.mjs: all-reduce (SUM) of float32 tensors of the given sizes
# with torch.distributed's Gloo backend (its defaults), 2 processes on 127.0.0.1; rank 0
# prints, as JSON, the median seconds per all-reduce for each size (in MB, integers). Same
# protocol as the tensorgrad side: `warmup` calls, a barrier, then `iters` calls timed one by one.
#   RANK=r WORLD_SIZE=2 /usr/bin/python3 bench/dist_allreduce.py PORT MB,MB,... ITERS,ITERS,... WARMUP
import json
import os
import statistics
import sys
import time

import torch
import torch.distributed as dist

port, sizes, iters, warmup = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(',')], [int(s) for s in sys.argv[3].split(',')], int(sys.argv[4])
torch.set_num_threads(1)
dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=int(os.environ['RANK']), world_size=int(os.environ['WORLD_SIZE']))
out = {}
for mb, n in zip(sizes, iters):
    t = torch.ones(int(mb * 2**20) // 4)
    for _ in range(warmup):
        dist.all_reduce(t)
    dist.barrier()
    seconds = []
    for _ in range(n):
        start = time.perf_counter()
        dist.all_reduce(t)
        seconds.append(time.perf_counter() - start)
    out[str(mb)] = statistics.median(seconds)
if dist.get_rank() == 0:
    print(json.dumps(out))
dist.destroy_process_group()
