#!/usr/bin/python3
# Writes test/data/distributed-sampler.golden.json: the indices PyTorch's
# DistributedSampler gives each rank, for test/data/distributed-sampler.test.ts.
# Needs Debian's python3-torch (1.13): apt-get install -y python3-torch
# Run: /usr/bin/python3 scripts/gen-distributed-sampler-golden.py
import json
import os

import torch
from torch.utils.data.distributed import DistributedSampler

cases = []
# Lengths below, at and above the replica count, divisible and not, 0, and one long permutation.
for length in [0, 1, 3, 7, 10, 16, 23, 1000]:
    for replicas in [1, 2, 3, 4] if length < 1000 else [3]:
        for shuffle in [True, False]:
            for drop_last in [False, True]:
                for seed in [0, 5] if shuffle else [0]:
                    for rank in range(replicas):
                        sampler = DistributedSampler(range(length), num_replicas=replicas, rank=rank,
                                                     shuffle=shuffle, seed=seed, drop_last=drop_last)
                        epochs = {}
                        for epoch in [0, 1, 7] if shuffle else [0]:
                            sampler.set_epoch(epoch)
                            epochs[str(epoch)] = list(iter(sampler))
                        cases.append({'length': length, 'numReplicas': replicas, 'rank': rank,
                                      'shuffle': shuffle, 'seed': seed, 'dropLast': drop_last,
                                      'numSamples': len(sampler), 'epochs': epochs})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'data', 'distributed-sampler.golden.json')
with open(out, 'w') as f:
    json.dump({'generator': 'scripts/gen-distributed-sampler-golden.py', 'torch': torch.__version__, 'cases': cases}, f)
    f.write('\n')
print(f'{len(cases)} cases -> {out}')
