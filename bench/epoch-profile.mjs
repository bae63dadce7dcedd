// The per-op workloads whose instructions bench/icount.sh counts: `node
// --no-concurrent-recompilation bench/epoch-profile.mjs <apples|add|addgrad|matmul64|none>
// [iterations] [checkout]` runs W3's apples epoch, or W2's a.add(b) on 3x2 tensors without
// or with requiresGrad, or W1's 64x64 float32 a.matmul(b) on one thread, `iterations`
// times ('none': only the setup, to subtract), with
// this checkout's build or with another built checkout's (a path). (Without the flag,
// optimised code compiled on V8's background thread may never be installed under valgrind.)
import { createRequire } from 'module';
import * as path from 'path';
import { ROWS, addCall, makeApplesEpoch } from './workloads.mjs';

const [mode = 'apples', itersArg = '20000', checkout] = process.argv.slice(2);
const iters = Number(itersArg);
const lib = createRequire(import.meta.url)(checkout ? path.resolve(checkout, 'dist', 'index.js') : '../dist/index.js');

const matmul64 = () => {
  lib.setNumThreads(1);
  return ROWS.find((row) => row.name === 'W1 matmul 64 (GFLOP/s)').setup(lib).fn;
};
const steps = { apples: () => makeApplesEpoch(lib), add: () => addCall(false, lib), addgrad: () => addCall(true, lib), matmul64, none: () => null };
if (!steps[mode]) throw new Error(`epoch-profile: unknown mode ${mode} (${Object.keys(steps).join(', ')})`);
const step = steps[mode]();
if (step !== null) for (let i = 0; i < iters; i++) step();
