// Per-op overhead of a.add(b) (3x2 float32, with and without requiresGrad) for this
// checkout and another built one, side by side in one process: the rounds alternate
// between the two, so machine load hits both alike. Prints the min and median µs/op.
// Usage: node bench/ab-add-overhead.cjs /path/to/other/checkout  (both with dist/ and build/ built)
const path = require('path');

const other = process.argv[2];
if (!other) {
  console.error('usage: node bench/ab-add-overhead.cjs /path/to/other/checkout');
  process.exit(2);
}
const builds = { this: require(path.join(__dirname, '..', 'dist', 'index.js')), other: require(path.resolve(other, 'dist', 'index.js')) };

function timeAdd(tg, requiresGrad, n) {
  const a = tg.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad });
  const b = tg.tensor([[1, 2], [3, 4], [5, 6]]);
  for (let i = 0; i < 2000; ++i) a.add(b);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; ++i) a.add(b);
  return Number(process.hrtime.bigint() - t0) / n / 1000;
}

const times = { this: { plain: [], grad: [] }, other: { plain: [], grad: [] } };
for (let round = 0; round < 40; ++round) {
  const order = round % 2 ? ['this', 'other'] : ['other', 'this'];
  for (const name of order) {
    times[name].plain.push(timeAdd(builds[name], false, 50000));
    times[name].grad.push(timeAdd(builds[name], true, 50000));
  }
}
const stat = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return `min ${s[0].toFixed(3)} median ${s[s.length >> 1].toFixed(3)}`;
};
for (const name of ['other', 'this']) console.log(`${name.padEnd(5)}  add 3x2 µs/op: ${stat(times[name].plain)} | requiresGrad: ${stat(times[name].grad)}`);
