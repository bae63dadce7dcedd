// Diagnostic for bench/PROFILES.md's bench:server section (not part of npm run
// bench:server): what an interruption every --every-ms costs the example's training loop
// (blocking, on this thread), by kind of interruption, without the event loop or HTTP.
// It asks whether a request beside training costs more than its own work: an
// interruption that left the training slower afterwards (cold caches, a cold kernel
// after a system call, a woken thread) would cost more than its measured direct time.
//
// Kinds: nothing (the check alone: the noise floor), spin100 (100 µs of a JS busy loop),
// syscall (a 200-byte write to /dev/null), pipewake (the same write to a pipe whose
// reader, a child `cat`, sleeps: the kernel wakes it on the other core, as a response
// wakes the client), js (allocation, JSON and a Buffer, as a handler makes), predict (the
// example's prediction, its tensors and kernels), evict2M (a pass over 2 MB, the training's
// working set's size).
//
// Training runs in --steps-step blocks, each kind's block between two uninterrupted ones,
// --cycles times over the kinds; a block's cost per interruption is its time minus the
// mean of its neighbours', over its interruptions (paired, so the machine's drift between
// blocks cancels). Prints per kind the direct time per interruption and the median and
// quartiles of that cost.
//   node --initial-old-space-size=64 --import tsx bench/interrupt-cost.ts [--steps 200] [--cycles 20] [--every-ms 5]
import { spawn } from 'child_process';
import * as fs from 'fs';
import { parseArgs } from 'util';
import * as tg from 'tensorgrad';
import { makeLoader, makeModel, makeStep, predict } from '../examples/train-server-job';
import { median, quantile } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' },
    cycles: { type: 'string', default: '20' },
    'every-ms': { type: 'string', default: '5' },
  },
});
const everyMs = Number(args['every-ms']);
tg.setNumThreads(1); // the example's thread count on 2 cores

const reader = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
const pipeFd = (reader.stdin as unknown as { _handle: { fd: number } })._handle.fd;
const devNull = fs.openSync('/dev/null', 'w');
const payload = Buffer.alloc(200, 65);
const model = makeModel();
const input = tg.randn([1, 784], { generator: new tg.Generator().manualSeed(42) });
const evicted = new Float32Array(512 * 1024);
let sink = 0; // the work's results, so that none of it is optimized away

const kinds: Record<string, () => void> = {
  nothing: () => {},
  spin100: () => {
    const end = performance.now() + 0.1;
    while (performance.now() < end);
  },
  syscall: () => void fs.writeSync(devNull, payload),
  pipewake: () => void fs.writeSync(pipeFd, payload),
  js: () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ i, name: `row${i}`, pair: [i, i + 1] }));
    const text = JSON.stringify({ prediction: 3, rows: rows.slice(0, 10), headers: { 'content-type': 'application/json' } });
    sink += Buffer.from(text).length + JSON.parse(text).prediction;
  },
  predict: () => void (sink += predict(model, input).prediction),
  evict2M: () => {
    for (let i = 0; i < evicted.length; i += 16) evicted[i]++;
  },
};

const loader = makeLoader();
const trainStep = makeStep(model);
let batches = loader[Symbol.iterator]();
function nextBatch(): tg.Tensor[] {
  let next = batches.next();
  if (next.done) next = (batches = loader[Symbol.iterator]()).next();
  return next.value;
}

/** `steps` training steps; `interrupt` (if any) at the first step boundary every everyMs. */
function block(steps: number, interrupt?: () => void): { ms: number; count: number; directMs: number } {
  let count = 0;
  let directMs = 0;
  const start = performance.now();
  let due = start + everyMs;
  for (let s = 0; s < steps; s++) {
    const batch = nextBatch();
    if (interrupt) {
      const now = performance.now();
      if (now >= due) {
        interrupt();
        count++;
        directMs += performance.now() - now;
        due = now + everyMs;
      }
    }
    sink += trainStep(batch);
  }
  return { ms: performance.now() - start, count, directMs };
}

const steps = Number(args.steps);
block(3 * steps); // warm-up
const costs: Record<string, number[]> = {};
const direct: Record<string, number[]> = {};
let before = block(steps);
for (let c = 0; c < Number(args.cycles); c++) {
  for (const [name, interrupt] of Object.entries(kinds)) {
    const b = block(steps, interrupt);
    const after = block(steps);
    (costs[name] ??= []).push((b.ms - (before.ms + after.ms) / 2) / b.count);
    (direct[name] ??= []).push(b.directMs / b.count);
    before = after;
  }
}
console.log(`${args.cycles} cycles of ${steps}-step blocks, an interruption every ${everyMs} ms (ms per interruption)`);
console.log('| kind | direct | cost (median) | cost (quartiles) |\n|---|---|---|---|');
for (const name of Object.keys(kinds)) {
  const xs = costs[name];
  console.log(`| ${name} | ${median(direct[name]).toFixed(3)} | ${median(xs).toFixed(3)} | ${quantile(xs, 0.25).toFixed(3)} – ${quantile(xs, 0.75).toFixed(3)} |`);
}
reader.stdin!.end();
fs.closeSync(devNull);
