// The W6 sum (a 16M-element float32 tensor, 64 MiB) in a steady loop, tensorgrad against
// PyTorch (bench/w6sum.py in a kept-alive process) in alternating bursts, so both see the
// same machine state: node bench/w6sum.mjs [--pairs N] [--burst K] [--threads T]
// [--tensors M]. With M tensors (default 1) each side sums M such tensors in turn: the 64 MiB
// of one tensor partly stay in this machine's caches from one sum to the next, 3 do not
// (bench/PROFILES.md, "W6 sum on 2 threads"). Each pair is K sums by tensorgrad then K by PyTorch (the order flips
// every pair); prints the median GB/s of each and the median and quartiles of the per-pair
// ratio (PyTorch's GB/s / tensorgrad's: <= 1 means tensorgrad is at least as fast).
// Run it under the heavy-work lock.
import path from 'path';
import { fileURLToPath } from 'url';
import { parseArgs } from 'util';
import * as tg from 'tensorgrad';
import { alternate, ratioSummary, referenceProcess, timeCalls } from './paired.mjs';
import { quantile } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '60' },
    burst: { type: 'string', default: '50' },
    threads: { type: 'string', default: '2' },
    tensors: { type: 'string', default: '1' },
  },
});
const [pairs, burst, threads, tensors] = [args.pairs, args.burst, args.threads, args.tensors].map(Number);
const N = 16 * 1024 * 1024;
const GB = (4 * N) / 1e9;

const here = path.dirname(fileURLToPath(import.meta.url));
const torch = referenceProcess(path.join(here, 'w6sum.py'), ['--serve'], {
  ...process.env, THREADS: String(threads), TENSORS: String(tensors), OMP_NUM_THREADS: String(threads),
});

tg.setNumThreads(threads);
const xs = Array.from({ length: tensors }, () => tg.rand([N]));
let next = 0;
const sum = () => xs[next++ % tensors].sum();

// An idle gap before each burst: PyTorch's OpenMP worker keeps spinning for a few ms after
// its last parallel region (libgomp's default spin count), which would take a core from
// the burst after it.
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
timeCalls(sum, burst);
await torch.run(burst);
const { ours, theirs, ratios } = await alternate(pairs, () => timeCalls(sum, burst), () => torch.run(burst), settle);
torch.close();
const rate = (seconds) => ((GB * burst) / quantile(seconds, 0.5)).toFixed(1);
console.log(`W6 sum 16M, ${threads} thread(s), ${tensors} tensor(s), ${pairs} pairs of ${burst} sums: tensorgrad ${rate(ours)} GB/s, ` +
  `PyTorch ${rate(theirs)} GB/s, ratio ${ratioSummary(ratios)}`);
