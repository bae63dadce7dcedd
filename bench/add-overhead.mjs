// Per-op overhead of a.add(b) on 3x2 float32 tensors, with and without requiresGrad
// (µs/op, median of repeated timed loops). Usage: node bench/add-overhead.mjs [--json]
import * as tg from 'tensorgrad';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function usPerOp(fn, iters = 200_000, reps = 9) {
  for (let i = 0; i < iters; i++) fn(); // warm up (JIT)
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / iters);
  }
  return median(times);
}

const a = tg.tensor([[1, 2], [3, 4], [5, 6]]);
const b = tg.tensor([[6, 5], [4, 3], [2, 1]]);
const ag = tg.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
const bg = tg.tensor([[6, 5], [4, 3], [2, 1]], { requiresGrad: true });

const results = {
  'add 3x2 (µs/op)': usPerOp(() => a.add(b)),
  'add 3x2 requiresGrad (µs/op)': usPerOp(() => ag.add(bg)),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(32)} ${v.toFixed(3)}`);
