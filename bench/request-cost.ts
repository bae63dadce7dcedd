// Diagnostic (not part of npm run bench:server): what one GET /predict of
// examples/train-server.ts costs the server's thread, with bench:server's client in a
// worker thread. Per request, from Linux schedstat: the server thread's CPU, the client
// thread's, and the rest of the process (process.cpuUsage: V8's and libuv's threads).
//
// Loads, in blocks of --block-ms, alternating between the servers compared:
//   open     GET /predict at --rate/s (open loop, as bench:server sends them): the server
//            thread sleeps between requests;
//   b2b      requests back to back (each sent when the last response ended);
//   train    the first server trains in async mode (its `for await` loop, on this thread)
//            while the client sends GET /predict at --rate/s to the server of the block:
//            the training's steps/s per block tells what a request of each server costs
//            the training thread where it counts (cold caches, the training's own state).
// --compare A,B loads createTrainServer from each module (default: the example alone), so
// two versions of the handler are measured side by side in one process, block by block:
// the machine's drift (large on a shared VM) falls on both alike. Prints each block kind's
// median over --blocks blocks per server, and in train mode, per request, the training
// time that server's requests cost ((1/rate_B − 1/rate_A) × steps/requests, B against the
// first server's blocks).
//   node --initial-old-space-size=64 --import tsx bench/request-cost.ts [--loads open,b2b,train] [--compare A.ts,B.ts] [--blocks 6] [--block-ms 2000] [--rate 200] [--client-http raw|node]
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { parseArgs } from 'util';
import { ClientWorker, loadClient, parsePredictHttp } from './server-client';
import { median } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    loads: { type: 'string', default: 'open,b2b,train' },
    compare: { type: 'string', default: path.join(__dirname, '../examples/train-server.ts') },
    blocks: { type: 'string', default: '6' },
    'block-ms': { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    'client-http': { type: 'string', default: 'raw' },
  },
});
const rate = Number(args.rate);
const blockMs = Number(args['block-ms']);

const { threadSchedstat } = loadClient();
const threadCpuMs = (): number => threadSchedstat().cpuNs / 1e6;
const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Block {
  requests: number;
  serverUs: number;
  clientUs: number;
  otherThreadsUs: number;
  stepsPerSecond: number;
}

async function main(): Promise<void> {
  const modules = args.compare!.split(',').map((m) => path.resolve(m));
  const servers: { name: string; port: number; server: Server }[] = [];
  for (const m of modules) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const server = (require(m) as typeof import('../examples/train-server')).createTrainServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ name: path.relative(process.cwd(), m), port: (server.address() as AddressInfo).port, server });
  }
  const client = new ClientWorker(servers[0].port, rate, blockMs, parsePredictHttp(args['client-http']));
  const control = async (port: number, method: string, route: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${route}`, { method });
    return (await res.json()) as { step: number; state: string };
  };

  /** One block of `load` against server `s`: the per-request figures. */
  async function block(load: string, s: (typeof servers)[number]): Promise<Block> {
    const server0 = threadCpuMs();
    const process0 = processCpuMs();
    const step0 = load === 'train' ? (await control(servers[0].port, 'GET', '/status')).step : 0;
    const t0 = performance.now();
    let requests: number;
    let clientCpuMs: number;
    if (load === 'b2b') {
      requests = Math.round(blockMs / 0.25); // about blockMs at 0.25 ms a request
      clientCpuMs = (await client.sequential(requests, s.port)).clientCpuMs;
    } else {
      const run = client.start(s.port);
      await sleep(blockMs);
      const r = await run.stop();
      requests = r.latencies.length;
      clientCpuMs = r.clientCpuMs;
    }
    const wall = performance.now() - t0;
    const steps = load === 'train' ? (await control(servers[0].port, 'GET', '/status')).step - step0 : NaN;
    const serverMs = threadCpuMs() - server0;
    const perRequest = (ms: number) => (1000 * ms) / requests;
    return {
      requests,
      serverUs: perRequest(serverMs),
      clientUs: perRequest(clientCpuMs),
      otherThreadsUs: perRequest(processCpuMs() - process0 - serverMs - clientCpuMs),
      stepsPerSecond: (1000 * steps) / wall,
    };
  }

  // Warm-up: compiles the request paths (and the training) on both threads.
  for (const s of servers) await client.sequential(2000, s.port);
  for (const load of args.loads!.split(',')) {
    if (load === 'train') {
      await control(servers[0].port, 'POST', '/train?steps=100000000&mode=async');
      await sleep(3000);
    }
    const results: Block[][] = servers.map(() => []);
    for (let b = 0; b < Number(args.blocks); ++b) {
      // ABBA order: a drift within a pair of blocks falls on both servers alike.
      const order = b % 2 ? [...servers.keys()].reverse() : [...servers.keys()];
      for (const i of order) results[i].push(await block(load, servers[i]));
    }
    if (load === 'train') {
      await control(servers[0].port, 'POST', '/cancel');
      await sleep(500);
    }
    servers.forEach((s, i) => {
      const m = (k: keyof Block) => +median(results[i].map((r) => r[k])).toFixed(1);
      const row: Record<string, unknown> = { load, server: s.name, requests: m('requests'), serverUs: m('serverUs'), clientUs: m('clientUs'), otherThreadsUs: m('otherThreadsUs') };
      if (load === 'train') {
        row.stepsPerSecond = m('stepsPerSecond');
        // Each block against the first server's block of the same pair: the training
        // time per request that this server's requests cost more (negative: less).
        const extraUs = results[i].map((r, b) => {
          const ref = results[0][b];
          return (1e6 * (1 / r.stepsPerSecond - 1 / ref.stepsPerSecond) * ((r.stepsPerSecond * blockMs) / 1000)) / r.requests;
        });
        if (i > 0) row.trainingUsPerRequestVsFirst = +median(extraUs).toFixed(1);
        row.stepsPerSecondPerBlock = results[i].map((r) => +r.stepsPerSecond.toFixed(0));
      }
      console.log(JSON.stringify(row));
    });
  }
  await client.terminate();
  for (const s of servers) s.server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
