// tg.distributed's figures, side by side with PyTorch in the same run:
//  1. all-reduce (SUM) bus bandwidth of float32 tensors of 1 MB to 256 MB, 2 processes on
//     127.0.0.1, tensorgrad and PyTorch's torch.distributed Gloo backend (Debian's
//     python3-torch, /usr/bin/python3, its defaults: ring all-reduce, 1 OpenMP thread)
//     taking turns round after round (who goes first alternates). Both sides time the same way: WARMUP calls, then
//     each of ITERS calls on its own (synchronous call, as dist.all_reduce), the median
//     per size in a round, the median of the rounds per size in the table;
//     bus bandwidth = bytes · 2(n-1)/n / time, as nccl-tests count it;
//  2. the W5 MLP training step (784-256-10, ReLU, cross-entropy, SGD, global batch 128):
//     one process on the whole batch vs DistributedDataParallel on 2 processes with 64
//     each, and how much of the gradient all-reduce backward hid (overlap). W5's largest
//     gradient is the last one backward makes, so there is little to hide; a deeper MLP
//     (784-1024-1024-1024-10, 4 MB buckets) shows the overlap.
//
//   npm run bench:dist [-- --rounds 3 --json]
//
// Needs tensorgrad built with Gloo (apt-get install libgloo-dev) and compiled (npm run
// build:ts); PyTorch's column is left out when /usr/bin/python3 lacks torch.
import { spawn, spawnSync } from 'child_process';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { parseArgs } from 'util';
import * as tg from 'tensorgrad';
import { median } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES_MB = [1, 4, 16, 64, 256];
const ITERS = [50, 30, 15, 7, 5];
const WARMUP = 3;
// (bench/dist_allreduce.py takes these as arguments, so that both sides run the same protocol.)

// ---- the ranks ---------------------------------------------------------------------------

function allReduceRank() {
  tg.setNumThreads(1);
  tg.distributed.initProcessGroup({ timeout: 120000 });
  const out = {};
  SIZES_MB.forEach((mb, k) => {
    const t = tg.ones([(mb * 2 ** 20) / 4]);
    for (let i = 0; i < WARMUP; i++) tg.distributed.allReduce(t);
    tg.distributed.barrier();
    const seconds = [];
    for (let i = 0; i < ITERS[k]; i++) {
      const start = performance.now();
      tg.distributed.allReduce(t);
      seconds.push((performance.now() - start) / 1e3);
    }
    out[mb] = median(seconds);
  });
  if (tg.distributed.getRank() === 0) console.log(JSON.stringify(out));
  tg.distributed.destroyProcessGroup();
}

const MODELS = {
  W5: { sizes: [784, 256, 10], bucketCapMb: 0.25 },
  deep: { sizes: [784, 1024, 1024, 1024, 10], bucketCapMb: 4 },
};

/** Training steps of an MLP: one process on the whole batch (no process group), or DDP on a share. */
function ddpRank(steps, kind) {
  tg.setNumThreads(1);
  const distributed = process.env.WORLD_SIZE !== undefined;
  if (distributed) tg.distributed.initProcessGroup({ timeout: 120000 });
  const n = distributed ? tg.distributed.getWorldSize() : 1;
  tg.manualSeed(0);
  const { sizes, bucketCapMb } = MODELS[kind];
  const layers = sizes.slice(1).flatMap((out, i) => [new tg.nn.Linear(sizes[i], out), new tg.nn.ReLU()]).slice(0, -1);
  const model = new tg.nn.Sequential(...layers);
  const ddp = distributed ? new tg.nn.parallel.DistributedDataParallel(model, { bucketCapMb }) : null;
  const net = ddp ?? model;
  const opt = new tg.optim.SGD(model.parameters(), { lr: 0.01 });
  const x = tg.randn(128 / n, 784);
  const t = tg.randint(0, 10, [128 / n]);
  let waitMs = 0;
  let started = 0;
  const step = () => {
    opt.zeroGrad();
    tg.nn.functional.crossEntropy(net.forward(x), t).backward();
    opt.step();
  };
  for (let i = 0; i < 10; i++) step();
  if (distributed) tg.distributed.barrier();
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    step();
    if (ddp) (waitMs += ddp.lastSyncStats.waitMs), (started += ddp.lastSyncStats.bucketsStartedDuringBackward);
  }
  const ms = (performance.now() - start) / steps;
  const out = { ms };
  if (ddp) {
    // The same gradients all-reduced after backward instead of during it: the communication
    // time that overlapping can hide.
    const flat = tg.zeros([model.parameters().reduce((s, p) => s + p.numel(), 0)]);
    tg.distributed.barrier();
    const c0 = performance.now();
    for (let i = 0; i < steps; i++) tg.distributed.allReduce(flat, { op: 'avg' });
    Object.assign(out, {
      commMs: (performance.now() - c0) / steps,
      waitMs: waitMs / steps,
      buckets: ddp.lastSyncStats.buckets,
      startedDuringBackward: started / steps,
    });
  }
  if (!distributed || tg.distributed.getRank() === 0) console.log(JSON.stringify(out));
  if (distributed) tg.distributed.destroyProcessGroup();
}

// ---- the driver --------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs `argv` as ranks 0..n-1 (n = 0: one plain process); rank 0's last JSON line. */
async function group(n, argv, env = {}) {
  const port = await freePort();
  const ranks = n === 0 ? [null] : [...Array(n).keys()];
  const outputs = await Promise.all(
    ranks.map(
      (rank) =>
        new Promise((resolve, reject) => {
          const rankEnv = rank === null ? {} : { RANK: String(rank), WORLD_SIZE: String(n), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) };
          const p = spawn(argv[0], [...argv.slice(1).map((a) => (a === '$PORT' ? String(port) : a))], {
            env: { ...process.env, ...env, ...rankEnv },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} (rank ${rank}) exited with ${code}`))));
        }),
    ),
  );
  return JSON.parse(outputs[0].trim().split('\n').pop());
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      steps: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
      rank: { type: 'string' },
      model: { type: 'string', default: 'W5' },
    },
  });
  if (args.rank === 'allreduce') return allReduceRank();
  if (args.rank === 'ddp') return ddpRank(Number(args.steps), args.model);
  if (!tg.distributed.isGlooAvailable()) throw new Error('bench:dist: tensorgrad was built without Gloo (apt-get install libgloo-dev, then npm install)');
  const self = [process.execPath, fileURLToPath(import.meta.url)];
  const python = '/usr/bin/python3';
  const hasTorch = spawnSync(python, ['-c', 'import torch.distributed as d; assert d.is_gloo_available()']).status === 0;
  const loadBefore = os.loadavg()[0];
  const rounds = { tensorgrad: [], pytorch: [] };
  const py = [python, path.join(here, 'dist_allreduce.py'), '$PORT', SIZES_MB.join(','), ITERS.join(','), String(WARMUP)];
  const runs = { tensorgrad: () => group(2, [...self, '--rank', 'allreduce']), pytorch: () => group(2, py, { OMP_NUM_THREADS: '1' }) };
  for (let round = 0; round < Number(args.rounds); round++) {
    // Who goes first alternates (tg, pt, pt, tg, ...), so that a load that drifts during
    // the run weighs on both sides alike.
    const order = hasTorch ? (round % 2 ? ['pytorch', 'tensorgrad'] : ['tensorgrad', 'pytorch']) : ['tensorgrad'];
    for (const side of order) rounds[side].push(await runs[side]());
  }
  const seconds = (side, mb) => median(rounds[side].map((times) => times[mb]));
  const busGBs = (mb, s) => (mb * 2 ** 20 * 2 * (2 - 1)) / 2 / s / 1e9;
  const rows = SIZES_MB.map((mb) => {
    const ours = busGBs(mb, seconds('tensorgrad', mb));
    const theirs = hasTorch ? busGBs(mb, seconds('pytorch', mb)) : null;
    return { MB: mb, 'tensorgrad GB/s': ours, 'PyTorch GB/s': theirs, ratio: theirs === null ? null : ours / theirs };
  });
  const ddp = {};
  for (const kind of Object.keys(MODELS)) {
    const run = (n) => group(n, [...self, '--rank', 'ddp', '--model', kind, '--steps', args.steps]);
    const single = await run(0);
    const pair = await run(2);
    Object.assign(ddp, {
      [`${kind} step, 1 process, batch 128 (ms)`]: single.ms,
      [`${kind} step, DDP 2 processes, 64 each (ms)`]: pair.ms,
      [`${kind} gradient all-reduce alone (ms)`]: pair.commMs,
      [`${kind} waited at the end of backward (ms)`]: pair.waitMs,
      [`${kind} buckets (started during backward)`]: `${pair.buckets} (${pair.startedDuringBackward})`,
    });
  }
  const load = `load average ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, ${os.availableParallelism()} CPUs`;
  if (args.json) {
    console.log(JSON.stringify({ allReduce: rows, ddp, load }, null, 2));
    return;
  }
  const f = (v) => (v === null ? 'n/a' : v.toFixed(2));
  console.log(`all-reduce bus bandwidth, float32, 2 processes on 127.0.0.1 (median of ${args.rounds} rounds; ${load})`);
  console.log('     MB  tensorgrad GB/s  PyTorch GB/s  ratio');
  for (const r of rows) console.log(`${String(r.MB).padStart(7)}  ${f(r['tensorgrad GB/s']).padStart(15)}  ${f(r['PyTorch GB/s']).padStart(12)}  ${f(r.ratio).padStart(5)}`);
  console.log('\nDistributedDataParallel, W5 MLP (784-256-10) and a deeper one (784-1024-1024-1024-10), 1 thread per process');
  for (const [k, v] of Object.entries(ddp)) console.log(`  ${k}: ${typeof v === 'number' ? v.toFixed(2) : v}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
