// Diagnostic for bench/PROFILES.md's bench:server section (not part of npm run
// bench:server): where a training mode of examples/train-server.ts spends its time. Trains
// the example's model in one mode (blocking or async on the main thread, or worker via
// tg.threads.run) while bench:server's client (a worker thread) sends GET /predict at
// --rate (0: no client); prints one JSON line per --repeat: steps/s, per step the compute
// time and the time between steps (yields, requests, the loader), the handler's time per
// request, GC time by kind (PerformanceObserver; 4 = mark-compact), the process's CPU time
// and that of the threads present at startup (platformCpuMs: V8's platform workers, where TurboFan
// compiles and GC marks concurrently; Linux only).
//   node --initial-old-space-size=64 --import tsx bench/diag-async.ts --mode async --rate 200 [--steps 3000] [--repeat 1] [--warmup 300]
//     [--threads 1] [--priority idle|none|NICE (worker)] [--predict full|none] [--yield-every MS (async)]
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { PerformanceObserver } from 'perf_hooks';
import { parseArgs } from 'util';
import * as tg from 'tensorgrad';
import { makeLoader, makeModel, makeStep, predict } from '../examples/train-server-job';
import { ClientWorker } from './server-client';

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'async' },
    rate: { type: 'string', default: '200' },
    steps: { type: 'string', default: '3000' },
    predict: { type: 'string', default: 'full' }, // full | none (reply without a forward pass)
    warmup: { type: 'string', default: '300' },
    priority: { type: 'string', default: 'idle' }, // worker mode: idle | none | a nice value
    repeat: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    'yield-every': { type: 'string', default: '' },
  },
});
const steps = Number(args.steps);

// The threads that exist before any JS of ours runs, other than the main thread: V8's
// platform workers (concurrent TurboFan, concurrent marking), plus --import tsx's
// module-loader thread. Their CPU time is charged to no mode's JS (Linux /proc).
const startupThreads = fs.readdirSync('/proc/self/task').filter((t) => t !== String(process.pid));
function threadsCpuMs(tids: string[]): number {
  let ticks = 0;
  for (const tid of tids) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is stat's field 3
    ticks += Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  }
  return (ticks * 1000) / 100; // USER_HZ = 100 on Linux
}
const rate = Number(args.rate);

const model = makeModel().shareMemory();
const input = tg.randn([1, 784], { generator: new tg.Generator().manualSeed(42) });
let requests = 0;
let requestMs = 0;
const server = http.createServer((req, res) => {
  const t = performance.now();
  ++requests;
  let body: unknown = { ok: 1 };
  if (args.predict === 'full') body = predict(model, input);
  const json = JSON.stringify(body); // with its Content-Length, as the example sends it (the bench's client needs one)
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
  requestMs += performance.now() - t;
});

let gcMs = 0;
const gcKinds: Record<number, { n: number; ms: number }> = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    const kind = (e as unknown as { detail: { kind: number } }).detail.kind;
    gcKinds[kind] ??= { n: 0, ms: 0 };
    gcKinds[kind].n++;
    gcKinds[kind].ms += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

async function trainInWorker(n: number) {
  const priority = args.priority === 'none' ? undefined : args.priority === 'idle' ? 'idle' : Number(args.priority);
  let last = { step: 0, elapsedMs: 1 };
  const t0 = performance.now();
  await tg.threads.run(path.join(__dirname, '../examples/train-server-job.ts'), { weights: model.stateDict(), steps: n }, {
    numThreads: 1,
    priority: priority as never,
    progressIntervalMs: 10,
    keepAliveMs: 60000,
    onProgress: (p) => (last = p),
  });
  return { wall: (last.elapsedMs * n) / last.step, computeMs: NaN, gapMs: NaN, longGaps: NaN, outerWall: performance.now() - t0 };
}

async function train(n: number, yielding: boolean) {
  const loader = makeLoader();
  if (args['yield-every']) (loader as unknown as { yieldEveryMs: number }).yieldEveryMs = Number(args['yield-every']);
  const sgdStep = makeStep(model);
  let step = 0;
  let computeMs = 0;
  let prevEnd = performance.now();
  let gapMs = 0;
  let longGaps = 0;
  const t0 = performance.now();
  const trainStep = (batch: tg.Tensor[]): boolean => {
    const s = performance.now();
    const gap = s - prevEnd;
    gapMs += gap;
    if (gap > 0.2) ++longGaps;
    sgdStep(batch);
    prevEnd = performance.now();
    computeMs += prevEnd - s;
    return ++step < n;
  };
  while (step < n) {
    if (yielding) {
      for await (const batch of loader) if (!trainStep(batch)) break;
    } else {
      for (const batch of loader) if (!trainStep(batch)) break;
    }
  }
  const wall = performance.now() - t0;
  return { wall, computeMs, gapMs, longGaps };
}

async function main() {
  tg.setNumThreads(Number(args.threads));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = rate > 0 ? new ClientWorker(port, rate, Infinity) : null;
  const yielding = args.mode === 'async';
  let load = client?.start();
  const run = (n: number) => (args.mode === 'worker' ? trainInWorker(n) : train(n, yielding));
  await run(Number(args.warmup));
  await load?.stop();
  await new Promise((r) => setTimeout(r, 200));
  for (let rep = 0; rep < Number(args.repeat); ++rep) {
  requests = 0;
  requestMs = 0;
  gcMs = 0;
  for (const k of Object.keys(gcKinds)) delete gcKinds[Number(k)];
  const cpu0 = process.cpuUsage();
  const platformCpu0 = threadsCpuMs(startupThreads);
  load = client?.start();
  const r = await run(steps);
  const failures = (await load?.stop())?.failureReasons ?? [];
  await new Promise((res) => setTimeout(res, 300)); // the GC entries of a blocked loop arrive now
  const cpu = process.cpuUsage(cpu0);
  const platformCpuMs = threadsCpuMs(startupThreads) - platformCpu0;
  const n = requests;
  console.log(
    JSON.stringify({
      mode: args.mode,
      rate,
      predict: args.predict,
      stepsPerSec: +((1000 * steps) / r.wall).toFixed(1),
      computeMsPerStep: +(r.computeMs / steps).toFixed(3),
      gapMsPerStep: +(r.gapMs / steps).toFixed(3),
      gapMsPerRequest: n ? +(r.gapMs / n).toFixed(3) : null,
      handlerMsPerRequest: n ? +(requestMs / n).toFixed(3) : null,
      requests: n,
      failures, // the client's reasons, if any request failed
      longGaps: r.longGaps,
      gcMs: +gcMs.toFixed(1),
      gcKinds,
      processCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      platformCpuMs,
      wallMs: Math.round(r.wall),
    }),
  );
  await new Promise((res) => setTimeout(res, 200));
  }
  await client?.terminate();
  server.close();
}
void main();
