// Per-op overhead of a.add(b) on 3x2 float32 tensors, with and without requiresGrad
// (µs/op, median of timed loops: the W2 rows of npm run bench, without PyTorch).
// Usage: node bench/add-overhead.mjs [--json]
import { addOverhead } from './workloads.mjs';

const results = {
  'add 3x2 (µs/op)': addOverhead(false),
  'add 3x2 requiresGrad (µs/op)': addOverhead(true),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(results));
else for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(32)} ${v.toFixed(3)}`);
