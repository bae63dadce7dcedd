// tg.einsum('bij,bjk->bik', a, b) against a.matmul(b) on [32, 128, 128] float32 operands,
// side by side in one run. The machine may be shared, so the two calls alternate (order
// swapped every pair) and the figure is the median of the per-pair ratios: load that
// drifts between pairs cancels. The einsum lowering should cost nothing over the matmul it
// becomes (ratio ~1.0).
// Usage: node bench/einsum.mjs [--pairs N] [--json]   (after npm run build)
import * as tg from 'tensorgrad';
import { median } from './stats.mjs';

const pairsArg = process.argv.indexOf('--pairs');
const pairs = pairsArg >= 0 ? Number(process.argv[pairsArg + 1]) : 60;
const a = tg.randn(32, 128, 128);
const b = tg.randn(32, 128, 128);
const calls = { matmul: () => a.matmul(b), einsum: () => tg.einsum('bij,bjk->bik', a, b) };

function seconds(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

for (let i = 0; i < 5; i++) calls.matmul(), calls.einsum(); // warm-up
const times = { matmul: [], einsum: [] };
const ratios = [];
for (let i = 0; i < pairs; i++) {
  const order = i % 2 ? ['einsum', 'matmul'] : ['matmul', 'einsum'];
  const t = {};
  for (const name of order) t[name] = seconds(calls[name]);
  times.matmul.push(t.matmul);
  times.einsum.push(t.einsum);
  ratios.push(t.einsum / t.matmul);
}
const results = {
  'matmul [32,128,128] (ms, median)': median(times.matmul) * 1e3,
  "einsum 'bij,bjk->bik' (ms, median)": median(times.einsum) * 1e3,
  'einsum / matmul (median of pairs)': median(ratios),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(36)} ${v.toFixed(3)}`);
