// Milliseconds per training step of a 784-256-10 ReLU MLP with cross-entropy on batches
// of 128 (zeroGrad, forward, loss, backward, step), with SGD and with Adam; and, when
// /usr/bin/python3 has torch, the same program in PyTorch on as many threads, side by side.
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
  for (let i = 0; i < Math.max(3, steps / 5); ++i) fn(); // warm-up
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
    for _ in range(max(3, steps // 5)): step()
    per = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(steps): step()
        per.append((time.perf_counter() - t0) * 1e3 / steps)
    return sorted(per)[rounds // 2]
print(json.dumps({name: bench(make) for name, make in json.loads(sys.argv[5]).items()}))
`;

function pytorchSteps() {
  const makes = Object.fromEntries(Object.entries(OPTIMIZERS).map(([name, o]) => [name, o.py]));
  const r = spawnSync('/usr/bin/python3', ['-c', PY_BENCH, String(steps), String(rounds), String(threads), String(BATCH), JSON.stringify(makes)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return { error: r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? 'failed') };
  return { torch: spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim(), ms: JSON.parse(r.stdout) };
}

const results = Object.entries(OPTIMIZERS).map(([name, o]) => ({ optimizer: name, tensorgradMs: tensorgradStep(o.js) }));
const py = pytorchSteps();
for (const r of results) {
  r.pytorchMs = py.ms?.[r.optimizer] ?? null;
  r.ratio = r.pytorchMs ? r.tensorgradMs / r.pytorchMs : null;
}
const report = { model: '784-256-10 ReLU MLP, cross-entropy', batch: BATCH, threads, simd: tg.simd, steps, rounds, pytorch: py.torch ?? `unavailable (${py.error})`, results };

if (args.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`train step: ${report.model}, batch ${BATCH}; ${threads} thread(s), simd ${tg.simd}; median of ${rounds} x ${steps} steps`);
  console.log(`PyTorch: ${report.pytorch}`);
  const fmt = (v) => (v === null ? '-' : v.toFixed(3));
  console.log(['optimizer', 'tensorgrad ms/step', 'pytorch ms/step', 'tensorgrad / pytorch'].map((s) => s.padEnd(22)).join(''));
  for (const r of results) console.log([r.optimizer, fmt(r.tensorgradMs), fmt(r.pytorchMs), r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`].map((s) => s.padEnd(22)).join(''));
}
