// tg.einsum('bij,bjk->bik', a, b) against a.matmul(b) on [32, 128, 128] float32 operands,
// timed side by side in one run (interleaved rounds, median of each): the einsum lowering
// should cost nothing over the matmul it becomes (ratio ~1.0).
// Usage: node bench/einsum.mjs [--json]   (after npm run build)
import * as tg from 'tensorgrad';
import { timed } from './workloads.mjs';

const a = tg.randn(32, 128, 128);
const b = tg.randn(32, 128, 128);
const matmul = () => a.matmul(b);
const einsum = () => tg.einsum('bij,bjk->bik', a, b);

const rounds = { matmul: [], einsum: [] };
for (let r = 0; r < 5; r++) {
  rounds.matmul.push(timed(matmul, 5, 4));
  rounds.einsum.push(timed(einsum, 5, 4));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const ms = { matmul: median(rounds.matmul) * 1e3, einsum: median(rounds.einsum) * 1e3 };
const results = {
  'matmul [32,128,128] (ms)': ms.matmul,
  "einsum 'bij,bjk->bik' (ms)": ms.einsum,
  'einsum / matmul': ms.einsum / ms.matmul,
};
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(30)} ${v.toFixed(3)}`);
