// Diagnostic (not part of npm run bench:server): the CPU that one GET /predict costs the
// server's thread and the client's, with examples/train-server.ts idle (no training) and
// bench:server's client in a worker thread. Two loads: open loop at --rate requests/s for
// --seconds (as bench:server sends them: the server thread sleeps between requests), and
// --requests sent back to back (each when the last response ended: no sleeps). Per
// request: the server thread's and the client thread's CPU (Linux schedstat, ns), the
// whole process's (process.cpuUsage: also V8's and libuv's threads), and for back to back
// the wall time. --eld R enables perf_hooks.monitorEventLoopDelay at resolution R ms on
// the server thread meanwhile (as bench:server does, at 1 ms: its timer wakes an idle loop).
//   node --initial-old-space-size=64 --import tsx bench/request-cost.ts [--rate 200] [--seconds 5] [--requests 3000] [--repeat 3] [--eld 0]
import * as fs from 'fs';
import type { AddressInfo } from 'net';
import { monitorEventLoopDelay } from 'perf_hooks';
import { parseArgs } from 'util';
import { createTrainServer } from '../examples/train-server';
import { ClientWorker } from './server-client';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '3000' },
    repeat: { type: 'string', default: '3' },
    eld: { type: 'string', default: '0' },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);

const threadCpuMs = (): number => Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(load: () => Promise<{ requests: number; clientCpuMs: number; wallMs: number }>) {
  const eld = Number(args.eld) > 0 ? monitorEventLoopDelay({ resolution: Number(args.eld) }) : null;
  eld?.enable();
  const server0 = threadCpuMs();
  const process0 = processCpuMs();
  const { requests, clientCpuMs, wallMs } = await load();
  const serverMs = threadCpuMs() - server0;
  const processMs = processCpuMs() - process0;
  eld?.disable();
  const perRequest = (ms: number) => +((1000 * ms) / requests).toFixed(1);
  return {
    requests,
    serverUs: perRequest(serverMs),
    clientUs: perRequest(clientCpuMs),
    otherThreadsUs: perRequest(processMs - serverMs - clientCpuMs),
    wallUs: perRequest(wallMs),
  };
}

async function main(): Promise<void> {
  const server = createTrainServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const client = new ClientWorker(port, rate, 1000 * seconds);
  const openLoop = async () => {
    const t0 = performance.now();
    const run = client.start();
    await new Promise((r) => setTimeout(r, 1000 * seconds));
    const r = await run.stop();
    return { requests: r.latencies.length, clientCpuMs: r.clientCpuMs, wallMs: performance.now() - t0 };
  };
  const backToBack = async () => {
    const n = Number(args.requests);
    const r = await client.sequential(n);
    return { requests: n, clientCpuMs: r.clientCpuMs, wallMs: r.ms };
  };
  // Warm-up: compiles the request paths on both threads.
  await client.sequential(Number(args.requests));
  await openLoop();
  for (let rep = 0; rep < Number(args.repeat); ++rep) {
    console.log(JSON.stringify({ load: `open loop ${rate}/s`, eld: Number(args.eld), ...(await measure(openLoop)) }));
    console.log(JSON.stringify({ load: 'back to back', eld: Number(args.eld), ...(await measure(backToBack)) }));
  }
  await client.terminate();
  server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
