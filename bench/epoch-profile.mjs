// Instruction-count harness for the per-op path (run under valgrind --tool=callgrind,
// which counts instructions repeatably on a busy machine): `node
// --no-concurrent-recompilation bench/epoch-profile.mjs <apples|add|addgrad|none>
// [iterations]`. 'none' measures the setup to subtract. (Without that flag, optimised code
// compiled on V8's background thread may never be installed under valgrind.)
import * as tg from 'tensorgrad';
import { makeApplesEpoch } from './workloads.mjs';

const [mode = 'apples', itersArg = '20000'] = process.argv.slice(2);
const iters = Number(itersArg);

const x = tg.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: mode === 'addgrad' });
const y = tg.tensor([[6, 5], [4, 3], [2, 1]], { requiresGrad: mode === 'addgrad' });

const epoch = makeApplesEpoch();

if (mode === 'apples') for (let i = 0; i < iters; i++) epoch();
else if (mode === 'add' || mode === 'addgrad') for (let i = 0; i < iters; i++) x.add(y);
