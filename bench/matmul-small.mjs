// W1's small products (a.matmul(b), float32 N x N) against NumPy's `a @ b` (bench/matmul-small.py
// in a kept-alive process), in alternating groups so that both see the same machine state:
//   node bench/matmul-small.mjs [--n 64] [--threads 1] [--pairs 41] [--calls C] [--parts]
// Each pair is one group of C calls (default: bench/workloads.mjs's `inner` for the row) by
// NumPy, then by tensorgrad (order flipped every pair). Prints each side's median µs per call
// and the median and quartiles of the per-pair ratio (tensorgrad time / NumPy time: <= 1
// means tensorgrad is at least as fast, the W1 target). With --parts, tensorgrad's call is
// also taken apart, each part a group of its own in every pair: `native` the N-API matmul
// into a preallocated output, `output` the output tensor's allocation alone.
// NumPy runs with OPENBLAS_NUM_THREADS = --threads and OPENBLAS_CORETYPE unset, as in
// `npm run bench`. Run it under the heavy-work lock.
import { createRequire } from 'module';
import path from 'path';
import { fileURLToPath } from 'url';
import { parseArgs } from 'util';
import * as tg from 'tensorgrad';
import { alternate, ratioSummary, referenceProcess, timeCalls } from './paired.mjs';
import { quantile } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    pairs: { type: 'string', default: '41' },
    calls: { type: 'string' },
    parts: { type: 'boolean', default: false },
  },
});
const [n, threads, pairs] = [args.n, args.threads, args.pairs].map(Number);
const calls = Number(args.calls ?? Math.max(1, Math.floor(2e8 / (2 * n * n * n))));

const here = path.dirname(fileURLToPath(import.meta.url));
const env = { ...process.env, N: String(n), OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const numpy = referenceProcess(path.join(here, 'matmul-small.py'), [], env);

tg.setNumThreads(threads);
const a = tg.randn(n, n), b = tg.randn(n, n);
const groups = { tensorgrad: () => a.matmul(b) };
if (args.parts) {
  // The library's internals, from the same build as the `tensorgrad` import.
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('tensorgrad'));
  const internal = require(path.join(dist, 'tensor.js'));
  const backend = require(path.join(dist, 'backend.js'));
  const out = tg.empty(n, n);
  groups.native = () => backend.matmul(out, a, b);
  groups.output = () => internal.Tensor._output([n, n], a.dtype);
}
// Warm-up: V8's optimisation of the call sites, NumPy's allocator.
for (let i = 0; i < 5; i++) {
  for (const fn of Object.values(groups)) timeCalls(fn, calls);
  await numpy.run(calls);
}
// Each pair times every tensorgrad group (the parts too), the ratio is the whole call's.
const seconds = Object.fromEntries(Object.keys(groups).map((k) => [k, []]));
const ours = () => {
  for (const [k, fn] of Object.entries(groups)) seconds[k].push(timeCalls(fn, calls));
  return seconds.tensorgrad.at(-1);
};
const { theirs, ratios } = await alternate(pairs, ours, () => numpy.run(calls));
numpy.close();
seconds.numpy = theirs;
const us = (k) => `${k} ${((quantile(seconds[k], 0.5) / calls) * 1e6).toFixed(2)} µs`;
console.log(`matmul ${n}x${n} f32, ${threads} thread(s), ${pairs} pairs of ${calls} calls: ${Object.keys(seconds).map(us).join(', ')}; ` +
  `tensorgrad/NumPy time ${ratioSummary(ratios)}`);
