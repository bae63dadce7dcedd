// Random-number throughput, tensorgrad vs PyTorch side by side: randn(16M) (the
// vectorised float32 normal path), normal_() in place, rand(16M) and randn(16M) in
// float64. Each timing is the best of repeated calls (the best, not the median: on a
// shared machine other load only ever adds time).
// Usage: npm run build:ts && node bench/random.mjs [--json] [--reps N]
import { execFileSync } from 'child_process';
import * as tg from 'tensorgrad';

const N = 16_000_000;
const argv = process.argv.slice(2);
const reps = Number(argv[argv.indexOf('--reps') + 1]) || 7;

// The in-place case reuses one tensor: it times the kernel without the first touch of
// fresh memory, which dominates the other cases on machines with slow page faults.
const x = tg.empty([N]);
const cases = [
  { name: `randn(${N}) float32`, tg: () => tg.randn([N]), torch: `torch.randn(${N})` },
  { name: `x.normal_() float32`, tg: () => x.normal_(), torch: 'x.normal_()' },
  { name: `rand(${N}) float32`, tg: () => tg.rand([N]), torch: `torch.rand(${N})` },
  { name: `randn(${N}) float64`, tg: () => tg.randn([N], { dtype: 'float64' }), torch: `torch.randn(${N}, dtype=torch.float64)` },
];

function timeMs(fn) {
  fn(); // warm up
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.min(...times);
}

// The same loop in PyTorch; null (with the reason) when python3 or torch is missing.
function torchTimes() {
  const script = `
import json, sys, time, torch
reps = ${reps}
x = torch.empty(${N})
out = {}
for name, expr in json.loads(sys.argv[1]):
    f = eval('lambda: ' + expr)
    f()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1e3)
    out[name] = min(ts)
out['version'] = torch.__version__
out['threads'] = torch.get_num_threads()
print(json.dumps(out))
`;
  try {
    const arg = JSON.stringify(cases.map((c) => [c.name, c.torch]));
    return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, arg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    return { error: String(e.stderr || e.message).trim().split('\n').pop() };
  }
}

tg.manualSeed(0);
const ours = Object.fromEntries(cases.map((c) => [c.name, timeMs(c.tg)]));
const torch = torchTimes();

if (argv.includes('--json')) {
  console.log(JSON.stringify({ tensorgrad: { ...ours, simd: tg.simd, threads: tg.getNumThreads() }, pytorch: torch }));
} else {
  const mps = (ms) => (ms === undefined ? '' : `${(N / ms / 1e3).toFixed(0)} M/s`);
  console.log(`tensorgrad (simd ${tg.simd}, ${tg.getNumThreads()} threads) vs PyTorch ${torch.version ?? '(not run)'}; best of ${reps}`);
  console.log(`${'op'.padEnd(28)}${'tensorgrad'.padStart(22)}${'pytorch'.padStart(22)}${'speed-up'.padStart(10)}`);
  for (const c of cases) {
    const a = ours[c.name];
    const b = torch[c.name];
    const cell = (ms) => (ms === undefined ? '-' : `${ms.toFixed(1)} ms ${mps(ms).padStart(8)}`);
    console.log(`${c.name.padEnd(28)}${cell(a).padStart(22)}${cell(b).padStart(22)}${(b ? `${(b / a).toFixed(2)}x` : '-').padStart(10)}`);
  }
  if (torch.error) {
    console.log(`\nPyTorch not run (${torch.error}). To compare, install it: apt-get install -y python3-torch`);
  }
}
