// Milliseconds per training step of a 784-256-10 ReLU MLP with cross-entropy on batches
// of 128 (zeroGrad, forward, loss, backward, step), with SGD and with Adam; and, when
// /usr/bin/python3 has torch, the same program in PyTorch side by side. Both run with the
// default thread count and with 1 thread; PyTorch's figure is its best of the two (with
// OpenMP on a busy machine, its 2-thread runs can be many times slower than 1 thread).
//
//   node bench/train-step.mjs [--steps 50] [--rounds 5] [--threads N] [--json]
//
// Runs the compiled package (dist/, imported as 'tensorgrad'): build it first (npm run build:ts).
import { spawnSync } from 'child_process';
import { parseArgs } from 'util';
import * as tg from 'tensorgrad';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('usage: node bench/train-step.mjs [--steps N] [--rounds N] [--threads N] [--json]');
  process.exit(0);
}
const steps = Number(args.steps);
const rounds = Number(args.rounds);
if (args.threads) tg.setNumThreads(Number(args.threads));
const threads = tg.getNumThreads();
const BATCH = 128;

const OPTIMIZERS = {
  SGD: { js: (p) => new tg.optim.SGD(p, { lr: 0.01, momentum: 0.9 }), py: 'torch.optim.SGD(p, lr=0.01, momentum=0.9)' },
  Adam: { js: (p) => new tg.optim.Adam(p, { lr: 1e-3 }), py: 'torch.optim.Adam(p, lr=1e-3)' },
};

/** Median of `rounds` timings of `steps` calls of fn, in ms per call. */
function timePerStep(fn) {
  for (let i = 0; i < Math.max(10, steps / 2); ++i) fn(); // warm-up (JIT, allocator)
  const perStep = [];
  for (let r = 0; r < rounds; ++r) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < steps; ++i) fn();
    perStep.push(Number(process.hrtime.bigint() - t0) / 1e6 / steps);
  }
  return perStep.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

function tensorgradStep(makeOptimizer) {
  tg.manualSeed(0);
  const model = new tg.nn.Sequential(new tg.nn.Linear(784, 256), new tg.nn.ReLU(), new tg.nn.Linear(256, 10));
  const lossFn = new tg.nn.CrossEntropyLoss();
  const optimizer = makeOptimizer(model.parameters());
  const x = tg.randn(BATCH, 784);
  const y = tg.randint(0, 10, [BATCH]);
  return timePerStep(() => {
    optimizer.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
  });
}

const PY_BENCH = String.raw`
import json, sys, time, torch
steps, rounds, threads, batch = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(threads)
def bench(make):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    loss_fn = torch.nn.CrossEntropyLoss()
    p = model.parameters()
    opt = eval(make)
    x, y = torch.randn(batch, 784), torch.randint(0, 10, (batch,))
    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    for _ in range(max(10, steps // 2)): step()
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps): step()
        per.append((time.perf_counter() - t0) * 1e3 / steps)
    return sorted(per)[rounds // 2]
print(json.dumps({name: bench(make) for name, make in json.loads(sys.argv[5]).items()}))
`;

/** PyTorch's ms per step for each optimizer with `n` threads (OpenMP limited to the same). */
function pytorchSteps(n) {
  const makes = Object.fromEntries(Object.entries(OPTIMIZERS).map(([name, o]) => [name, o.py]));
  const env = { ...process.env, OMP_NUM_THREADS: String(n), OPENBLAS_NUM_THREADS: String(n) };
  const r = spawnSync('/usr/bin/python3', ['-c', PY_BENCH, String(steps), String(rounds), String(n), String(BATCH), JSON.stringify(makes)], {
    encoding: 'utf8',
    env,
  });
  if (r.status !== 0) return { error: r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? 'failed') };
  return { ms: JSON.parse(r.stdout) };
}

function tensorgradSteps(n) {
  tg.setNumThreads(n);
  return Object.fromEntries(Object.entries(OPTIMIZERS).map(([name, o]) => [name, tensorgradStep(o.js)]));
}

const ours = tensorgradSteps(threads);
const ours1 = threads === 1 ? ours : tensorgradSteps(1);
tg.setNumThreads(threads);
const torchRuns = threads === 1 ? [pytorchSteps(1)] : [pytorchSteps(1), pytorchSteps(threads)];
const torchError = torchRuns.find((r) => r.error)?.error;
const torchVersion = torchError ? null : spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
const results = Object.keys(OPTIMIZERS).map((name) => {
  const torchBest = torchError ? null : Math.min(...torchRuns.map((r) => r.ms[name]));
  const torch1 = torchError ? null : torchRuns[0].ms[name];
  return {
    optimizer: name,
    tensorgradMs: ours[name],
    pytorchMs: torchBest,
    ratio: torchBest ? ours[name] / torchBest : null,
    tensorgrad1ThreadMs: ours1[name],
    pytorch1ThreadMs: torch1,
    ratio1Thread: torch1 ? ours1[name] / torch1 : null,
  };
});
const report = {
  model: '784-256-10 ReLU MLP, cross-entropy',
  batch: BATCH,
  threads,
  simd: tg.simd,
  steps,
  rounds,
  pytorch: torchVersion ?? `unavailable (${torchError}; apt-get install -y python3-torch)`,
  results,
};

if (args.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`train step: ${report.model}, batch ${BATCH}; ${threads} thread(s), simd ${tg.simd}; median of ${rounds} x ${steps} steps`);
  console.log(`PyTorch: ${report.pytorch}; ratio = tensorgrad ms / PyTorch ms (lower is better)`);
  const fmt = (v, unit = '') => (v === null ? '-' : `${v.toFixed(v >= 100 ? 1 : v >= 10 ? 2 : 3)}${unit}`);
  const header = ['optimizer', 'tensorgrad ms', 'pytorch ms (best)', 'ratio', 'tg 1 thread', 'pytorch 1 thread', 'ratio 1 thread'];
  const rows = results.map((r) => [r.optimizer, fmt(r.tensorgradMs), fmt(r.pytorchMs), fmt(r.ratio, 'x'), fmt(r.tensorgrad1ThreadMs), fmt(r.pytorch1ThreadMs), fmt(r.ratio1Thread, 'x')]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}
