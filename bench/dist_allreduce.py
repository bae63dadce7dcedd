# PyTorch's side of bench/dist.mjs: all-reduce (SUM) of float32 tensors of the given sizes
# with torch.distributed's Gloo backend, 2 processes on 127.0.0.1; rank 0 prints, as JSON,
# the seconds per all-reduce for each size (in MB, integers). Same protocol as the tensorgrad side: warm-up,
# barrier, then `iters` back-to-back all-reduces.
#   RANK=r WORLD_SIZE=2 /usr/bin/python3 bench/dist_allreduce.py PORT MB,MB,... ITERS,ITERS,...
import json
import sys
import time

import torch
import torch.distributed as dist

port, sizes, iters = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(',')], [int(s) for s in sys.argv[3].split(',')]
torch.set_num_threads(1)
dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=int(__import__('os').environ['RANK']),
                        world_size=int(__import__('os').environ['WORLD_SIZE']))
out = {}
for mb, n in zip(sizes, iters):
    t = torch.ones(int(mb * 2**20) // 4)
    dist.all_reduce(t)
    dist.barrier()
    start = time.perf_counter()
    for _ in range(n):
        dist.all_reduce(t)
    out[str(mb)] = (time.perf_counter() - start) / n
if dist.get_rank() == 0:
    print(json.dumps(out))
dist.destroy_process_group()
