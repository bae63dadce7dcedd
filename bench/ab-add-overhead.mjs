// The W2 rows (a.add(b), 3x2 float32, with and without requiresGrad), W3 (an apples epoch) and a softmax
// over the same 3x2 (a call through the generic `run` entry point, native/ops.table), and an
// indexSelect of 4096 rows of [1000, 16] by int64 indices (PyTorch's index dtype) for this
// checkout and another built one, side by side in one process: the rounds alternate between the two, so
// machine load hits both alike. Prints the min and median µs/op of each.
// Usage: node bench/ab-add-overhead.mjs /path/to/other/checkout  (both with dist/ and build/ built)
import { createRequire } from 'module';
import * as path from 'path';
import { addCall, makeApplesEpoch, timed } from './workloads.mjs';

const other = process.argv[2];
if (!other) {
  console.error('usage: node bench/ab-add-overhead.mjs /path/to/other/checkout');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const softmaxCall = (lib) => {
  const x = lib.tensor([[1, 2], [3, 4], [5, 6]]);
  return () => lib.softmax(x, -1);
};
const int64IndexCall = (lib) => {
  const table = lib.randn([1000, 16]);
  const index = lib.randint(0, 1000, [4096], { dtype: 'int64' });
  return () => table.indexSelect(0, index);
};
const builds = { this: require('../dist/index.js'), other: require(path.resolve(other, 'dist', 'index.js')) };

const rows = () => ({ plain: [], grad: [], epoch: [], softmax: [], int64Index: [] });
const times = { this: rows(), other: rows() };
for (let round = 0; round < (+process.env.ROUNDS || 40); ++round) {
  const order = round % 2 ? ['this', 'other'] : ['other', 'this'];
  for (const name of order) {
    times[name].plain.push(timed(addCall(false, builds[name]), 1, 50000) * 1e6);
    times[name].grad.push(timed(addCall(true, builds[name]), 1, 50000) * 1e6);
    times[name].epoch.push(timed(makeApplesEpoch(builds[name]), 1, 2000) * 1e6);
    times[name].softmax.push(timed(softmaxCall(builds[name]), 1, 50000) * 1e6);
    times[name].int64Index.push(timed(int64IndexCall(builds[name]), 1, 500) * 1e6);
  }
}
const stat = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return `min ${s[0].toFixed(3)} median ${s[s.length >> 1].toFixed(3)}`;
};
for (const name of ['other', 'this']) {
  console.log(`${name.padEnd(5)}  W2 add 3x2 µs/op: ${stat(times[name].plain)} | requiresGrad: ${stat(times[name].grad)} | W3 apples epoch µs: ${stat(times[name].epoch)} | softmax 3x2 µs/op: ${stat(times[name].softmax)} | indexSelect 4096 int64 µs/op: ${stat(times[name].int64Index)}`);
}
