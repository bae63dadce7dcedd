// One optimizer step on a 2^20-element float32 parameter, tensorgrad and PyTorch side by
// side (PyTorch 1.13 in /usr/bin/python3, its default single-tensor loops; skipped
// without it): the median ms of 30 steps per optimizer, and tensorgrad's ratio to PyTorch.
// Usage: node bench/optim-step.mjs   (dist/ and build/ built)
import { execFileSync } from 'child_process';
import { createRequire } from 'module';
import { median } from './stats.mjs';

const tg = createRequire(import.meta.url)('../dist/index.js');
const n = 1 << 20;
const OPTIMIZERS = ['Adam', 'Adamax', 'NAdam', 'RAdam'];

function tensorgrad(name) {
  const p = new tg.nn.Parameter(tg.randn(n));
  p.grad = tg.randn(n);
  const opt = new tg.optim[name]([p], 1e-3);
  for (let i = 0; i < 5; ++i) opt.step();
  const ms = [];
  for (let i = 0; i < 30; ++i) {
    const t0 = process.hrtime.bigint();
    opt.step();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

const PYTHON = String.raw`
import json, sys, time, torch
n = 1 << 20
out = {}
for name in sys.argv[1:]:
    p = torch.nn.Parameter(torch.randn(n)); p.grad = torch.randn(n)
    opt = getattr(torch.optim, name)([p], 1e-3)
    for _ in range(5): opt.step()
    ms = []
    for _ in range(30):
        t0 = time.perf_counter(); opt.step(); ms.append((time.perf_counter() - t0) * 1e3)
    out[name] = sorted(ms)[15]
print(json.dumps(out))
`;
let torch = null;
try {
  torch = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PYTHON, ...OPTIMIZERS], { encoding: 'utf8' }));
} catch {
  console.log('(PyTorch not found: tensorgrad only)');
}
for (const name of OPTIMIZERS) {
  const mine = tensorgrad(name);
  const theirs = torch?.[name];
  console.log(`${name.padEnd(7)} tensorgrad ${mine.toFixed(3)} ms` + (theirs ? `   PyTorch ${theirs.toFixed(3)} ms   ratio ${(mine / theirs).toFixed(2)}` : ''));
}
