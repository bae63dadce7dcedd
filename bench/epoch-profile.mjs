// The per-op workloads whose instructions bench/icount.sh counts: `node
// --no-concurrent-recompilation bench/epoch-profile.mjs <apples|add|addgrad|none>
// [iterations] [checkout]` runs W3's apples epoch, or W2's a.add(b) on 3x2 tensors without
// or with requiresGrad, `iterations` times ('none': only the setup, to subtract), with
// this checkout's build or with another built checkout's (a path). (Without the flag,
// optimised code compiled on V8's background thread may never be installed under valgrind.)
import { createRequire } from 'module';
import * as path from 'path';
import { addCall, makeApplesEpoch } from './workloads.mjs';

const [mode = 'apples', itersArg = '20000', checkout] = process.argv.slice(2);
const iters = Number(itersArg);
const lib = createRequire(import.meta.url)(checkout ? path.resolve(checkout, 'dist', 'index.js') : '../dist/index.js');

const step = mode === 'apples' ? makeApplesEpoch(lib) : mode === 'add' || mode === 'addgrad' ? addCall(mode === 'addgrad', lib) : null;
if (step === null && mode !== 'none') throw new Error(`epoch-profile: unknown mode ${mode} (apples, add, addgrad or none)`);
if (step !== null) for (let i = 0; i < iters; i++) step();
