// npm run bench:server: examples/train-server.ts under load. The server runs in this
// process, as in a real deployment where training and serving share one Node process;
// this process's client (a worker thread, or with --client loop the server's own event
// loop) sends GET /predict at a fixed rate on 127.0.0.1 while the server trains `--steps`
// steps in each mode (blocking first: the reference). A warm-up run of each mode
// (--warmup steps, default --steps) with the client comes first, not measured: the bench
// reports the steady state of a server that has been running, not its first seconds, in
// which V8 compiles the training, the worker's and the request path's code on its
// background threads (after a 200-step warm-up the first worker round still saw about
// 180 TurboFan compiles, and every mode's first round was its slowest).
//
// Per mode it prints the request latency p50/p99/max, measured from the moment each
// request was due (an open-loop client: requests that fall due while the event loop is
// blocked count from their due time, as a remote client's would), how late the client
// sent them (p99: its own timer and scheduling delay), the event-loop delay
// p99 and max (perf_hooks.monitorEventLoopDelay), training steps/s and their ratio to blocking,
// and how many distinct predictions the requests saw (worker mode: the live weights).
// Bounded: at most --max-seconds per mode, so at most rate × max-seconds requests.
//
// GET /predict goes out through a minimal HTTP/1.1 client on `net` sockets (--client-http
// raw, bench/server-client.ts), which costs the client's thread less CPU per request than
// Node's http.request (--client-http node, the client before): that thread runs on the
// core that the training's second thread and V8's threads need.
//
// --path sends the client's GETs to another route than /predict: --path /status measures
// what a request costs the training when its reply involves no tensor work (the example's
// status JSON), the part of the cost that is node:http's, the kernel's and the machine's.
//
// A mode trains with the example's default threads, `mode@T` with T threads. The
// reference is blocking at its best: of the blocking configurations in --modes (default:
// one thread and the default, all cores), the one with the best median steps/s. The modes
// run --rounds times (default 5), in alternating order (the load of a shared machine
// drifts), and the table shows each mode's median figures; its `vs` column is the median
// over the rounds of each round's ratio to that round's reference run (runs side by side,
// so that a drift of the machine's load between rounds cancels out). Mode `idle` (in
// --modes, default on) trains nothing for --idle-seconds: the floor that the client and
// server alone give on this machine.
//
//   npm run bench:server -- [--steps 3000] [--rate 200] [--max-seconds 60] [--modes idle,blocking@1,blocking,async,worker] [--rounds 5] [--warmup STEPS] [--client thread|loop] [--client-http raw|node] [--path /predict] [--idle-seconds 5] [--loop-delay-resolution 1]
import * as fs from 'fs';
import * as os from 'os';
import type { AddressInfo } from 'net';
import { monitorEventLoopDelay, PerformanceObserver } from 'perf_hooks';
import { parseArgs } from 'util';
import { createTrainServer } from '../examples/train-server';
import { ClientWorker, loadClient, parsePredictHttp, type ClientResult } from './server-client';
import { bestConfig } from './compare.mjs';
import { median, percentile } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '200' },
    'max-seconds': { type: 'string', default: '60' },
    modes: { type: 'string', default: 'idle,blocking@1,blocking,async,worker' },
    warmup: { type: 'string', default: '' }, // default: --steps
    rounds: { type: 'string', default: '5' },
    client: { type: 'string', default: 'thread' },
    'client-http': { type: 'string', default: 'raw' },
    path: { type: 'string', default: '/predict' },
    'idle-seconds': { type: 'string', default: '5' },
    'loop-delay-resolution': { type: 'string', default: '1' },
  },
});
const steps = Number(args.steps);
const rate = Number(args.rate);
const maxMs = 1000 * Number(args['max-seconds']);
const modes = args.modes!.split(',');
const predictHttp = parsePredictHttp(args['client-http']);

const client = loadClient();
let port = 0;
const request = (method: string, path: string): Promise<string> => client.request(port, method, path);

// The client's worker thread: one for the whole run (warmed up with the server).
let clientWorker: ClientWorker | null = null;

/** Starts the GET client of one measurement where --client says; stop() ends it. */
function startPredictClient(): { stop(): Promise<ClientResult> } {
  if (args.client === 'loop') return client.startClient(port, rate, maxMs, predictHttp, args.path);
  clientWorker ??= new ClientWorker(port, rate, maxMs, predictHttp, args.path);
  return clientWorker.start();
}

interface Status {
  state: string;
  step: number;
  steps: number;
  stepsPerSecond: number;
  loss: number;
}
/** POST /train for a --modes entry, `mode` or `mode@THREADS` (the server rejects a bad one). */
async function startTraining(spec: string, steps: number): Promise<void> {
  const [mode, threads] = spec.split('@');
  await request('POST', `/train?steps=${steps}&mode=${mode}${threads ? `&threads=${threads}` : ''}`);
}
const status = async (): Promise<Status> => JSON.parse(await request('GET', '/status'));

async function waitDone(): Promise<Status> {
  for (;;) {
    const s = await status();
    if (s.state !== 'training') return s;
    // Next poll when the run should end at its rate so far (10 ms to 1 s from now): polling
    // every 100 ms put 10 more requests a second, and this client's own work, on the
    // server's thread (in async mode about 0.5% of its time in a perf profile).
    const remainingMs = s.stepsPerSecond > 0 ? (1000 * (s.steps - s.step)) / s.stepsPerSecond : 100;
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(10, remainingMs))));
  }
}

const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux architecture Node runs on

/** CPU milliseconds that the machine's other processes have used (all CPUs' busy time in
 * /proc/stat less this process's), Linux only (else NaN): on a shared machine, what a
 * round competed with. */
function othersCpuMs(): number {
  try {
    const busy = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = busy;
    const mine = process.cpuUsage();
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS - (mine.user + mine.system) / 1000;
  } catch {
    return NaN;
  }
}

// The server thread's garbage-collection pauses (ms, by kind: 1 scavenge, 4 mark-compact).
const gcPauses = { scavenge: 0, markCompact: 0, other: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail: { kind: number } }).detail.kind;
    gcPauses[kind === 1 ? 'scavenge' : kind === 4 ? 'markCompact' : 'other'] += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

async function measure(mode: string) {
  const gcStart = { ...gcPauses };
  const sched0 = client.threadSchedstat(); // this thread: the server's
  const othersStart = othersCpuMs();
  const wallStart = performance.now();
  const delay = monitorEventLoopDelay({ resolution: Number(args['loop-delay-resolution']) });
  delay.enable();
  // The client starts first: in blocking mode the POST's own response only arrives after the run.
  const predictClient = startPredictClient();
  let final: Status;
  if (mode === 'idle') {
    await new Promise((r) => setTimeout(r, 1000 * Number(args['idle-seconds'])));
    final = { state: 'done', step: 0, steps: 0, stepsPerSecond: NaN, loss: NaN };
  } else {
    await startTraining(mode, steps);
    const timeout = setTimeout(() => void request('POST', '/cancel'), maxMs);
    final = await waitDone();
    clearTimeout(timeout);
  }
  const { latencies, sendDelays, distinctPredictions, failures, failureReasons, clientCpuMs } = await predictClient.stop();
  const sched1 = client.threadSchedstat();
  sendDelays.sort((a, b) => a - b);
  delay.disable();
  latencies.sort((a, b) => a - b);
  return {
    mode,
    state: final.state,
    stepsPerSecond: final.stepsPerSecond,
    loss: final.loss,
    requests: latencies.length,
    failures,
    failureReasons,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    sendDelayP99: percentile(sendDelays, 99),
    gcMs: Object.fromEntries(Object.entries(gcPauses).map(([k, v]) => [k, Math.round(v - gcStart[k as keyof typeof gcPauses])])),
    othersCores: (othersCpuMs() - othersStart) / (performance.now() - wallStart),
    serverCpuMs: (sched1.cpuNs - sched0.cpuNs) / 1e6,
    serverWaitMs: (sched1.waitNs - sched0.waitNs) / 1e6,
    clientCpuMs,
    loopDelayP99: delay.percentile(99) / 1e6,
    loopDelayMax: delay.max / 1e6,
    distinctPredictions,
  };
}

async function main(): Promise<void> {
  const server = createTrainServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`listening on ${port}; ${steps} steps per mode, GET ${args.path} at ${rate}/s; ${os.cpus().length} CPUs, load average ${load()}`);
  // Warm-up (JIT, allocator, the worker's first start, the client), not measured.
  for (const mode of modes.filter((m) => m !== 'idle')) {
    const warmupClient = startPredictClient();
    await startTraining(mode, Number(args.warmup || steps));
    await waitDone();
    await warmupClient.stop();
  }
  type Row = Awaited<ReturnType<typeof measure>>;
  const runs: (Row & { round: number })[] = [];
  for (let round = 0; round < Number(args.rounds); ++round) {
    for (const mode of round % 2 ? [...modes].reverse() : modes) {
      const row = await measure(mode);
      runs.push({ ...row, round });
      const failed = row.failures ? `, ${row.failures} requests failed: ${row.failureReasons.join('; ')}` : '';
      console.log(`round ${round + 1}: ${row.mode} ${row.mode === 'idle' ? '(no training)' : `${row.stepsPerSecond.toFixed(1)} steps/s`}, p99 ${row.p99.toFixed(1)} ms (sent late by ${row.sendDelayP99.toFixed(1)} ms p99), server thread CPU ${row.serverCpuMs.toFixed(0)} ms (waited for a core ${row.serverWaitMs.toFixed(0)} ms), GC ${JSON.stringify(row.gcMs)} ms, client thread CPU ${row.clientCpuMs.toFixed(0)} ms, other processes ${row.othersCores.toFixed(2)} cores, load average ${load()}${failed}`);
    }
  }
  // The reference: of the blocking configurations measured, the one with the best median
  // steps/s (bench/compare.mjs's rule); every round's ratio is to its run of the same round.
  const rounds = [...new Set(runs.map((r) => r.round))].map((round) => ({
    round,
    figures: Object.fromEntries(runs.filter((r) => r.round === round).map((r) => [r.mode, r.stepsPerSecond])),
  }));
  const reference = bestConfig(rounds, modes.filter((m) => m.split('@')[0] === 'blocking'), true);
  const rows = modes.map((mode) => {
    const mine = runs.filter((r) => r.mode === mode);
    const m = (key: keyof Row) => median(mine.map((r) => r[key] as number));
    const { state } = mine[mine.length - 1];
    const failures = mine.reduce((n, r) => n + r.failures, 0); // over all rounds
    const ratios = mine.map((r) => r.stepsPerSecond / (runs.find((b) => b.mode === reference && b.round === r.round)?.stepsPerSecond ?? NaN));
    return { mode, state, failures, ratios, ratio: median(ratios), ...Object.fromEntries((['stepsPerSecond', 'loss', 'requests', 'p50', 'p99', 'max', 'sendDelayP99', 'serverCpuMs', 'clientCpuMs', 'loopDelayP99', 'loopDelayMax', 'distinctPredictions'] as const).map((k) => [k, m(k)])) } as Row & { ratios: number[]; ratio: number };
  });
  const fmt = (x: number, d = 1) => x.toFixed(d);
  const trains = (r: Row) => r.mode !== 'idle';
  console.log(`\n| mode | steps/s | vs ${reference ?? 'blocking'} | p50 ms | p99 ms | max ms | sent late p99 ms | loop delay p99 ms | loop delay max ms | requests | distinct predictions | final loss |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = reference && trains(r) ? `${fmt(r.ratio, 2)}×` : '–';
    console.log(
      `| ${r.mode} | ${trains(r) ? fmt(r.stepsPerSecond) : '–'} | ${ratio} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.sendDelayP99)} | ${fmt(r.loopDelayP99)} | ${fmt(r.loopDelayMax)} | ${r.requests}${r.failures ? ` (${r.failures} failed)` : ''} | ${r.distinctPredictions} | ${trains(r) ? fmt(r.loss, 4) : '–'}${r.state === 'done' ? '' : ` (${r.state})`} |`,
    );
  }
  if (reference) {
    const others = rows.filter((r) => trains(r) && r.mode !== reference);
    console.log(`\nper round, steps/s vs ${reference}: ${others.map((r) => `${r.mode} ${r.ratios.map((x) => fmt(x, 2)).join(' ')}`).join('; ')}`);
  }
  const idle = rows.find((r) => r.mode === 'idle');
  if (idle) {
    const perRequest = (ms: number) => fmt(ms / idle.requests, 2);
    console.log(`\nidle: per request, the server's thread spent ${perRequest(idle.serverCpuMs)} ms of CPU and the client's ${perRequest(idle.clientCpuMs)} ms (/proc/thread-self/schedstat)`);
  }
  console.log(`\nload average at the end: ${load()} (figures from a busy machine vary with its load)`);
  client.closeAll();
  await clientWorker?.terminate();
  server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
