// npm run bench [-- --json] [--only W1,W2] [--rounds N] : tensorgrad's workloads, and the
// same in PyTorch side by side when /usr/bin/python3 has torch (apt-get install -y
// python3-torch).
// PyTorch runs once per thread setting (1, 2 and its default, with OpenBLAS/OpenMP limited
// to the same count) and its best figure per row is compared. tensorgrad runs with its
// default thread count and with 1 thread (compared with PyTorch's 1-thread run), because
// on this shared 2-core VM the second core is not always really available. With --rounds N
// (default 1) the whole comparison runs N times, alternating the two libraries, and each
// figure is the median over the rounds: steal from other VMs comes in bursts of seconds
// that can spoil every repetition of one row within a round.
import { execFileSync, spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import * as tg from 'tensorgrad';
import { runWorkloads } from './workloads.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const only = new Set(onlyArg ? onlyArg.split(',') : []);
const rounds = args.includes('--rounds') ? Math.max(1, Number(args[args.indexOf('--rounds') + 1]) || 1) : 1;
const PYTHON = '/usr/bin/python3';

const higherIsBetter = (name) => /\((GFLOP|GB)\/s\)/.test(name);

function torchAvailable() {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function runTorch(threads) {
  const env = { ...process.env };
  if (threads) Object.assign(env, { TG_TORCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) });
  const out = execFileSync(PYTHON, [path.join(here, 'workloads.py'), onlyArg], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop());
}

function best(results, name) {
  const values = results.map((r) => r[name]).filter((v) => v !== undefined);
  return higherIsBetter(name) ? Math.max(...values) : Math.min(...values);
}

/** Per row, the median over a list of {row: value} results. */
function medianOf(results) {
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.keys(results[0]).map((k) => [k, mid(results.map((r) => r[k]))]));
}

// The FMA peak of one core: a register-only FMA loop in the addon (native/src/peak*.cpp).
// The clock the OS reports here is the nominal one, not the boost clock the loop runs at,
// so the bench shows the clock that 32 FLOP/cycle (two 8-lane FMA pipes) implies instead.
function measurePeak() {
  if (tg.simd !== 'avx2') return null;
  const gflops = tg.measureFmaPeak(0.5);
  return { gflops, ghzAt32FlopsPerCycle: gflops / 32 };
}
const peak = measurePeak();

const threads = tg.getNumThreads();
const withTorch = torchAvailable();
const samples = { ours: [], ours1: [], torchBest: [], torch1: [] };
for (let round = 0; round < rounds; round++) {
  samples.ours.push(runWorkloads(only));
  tg.setNumThreads(1);
  samples.ours1.push(runWorkloads(only));
  tg.setNumThreads(threads);
  if (withTorch) {
    const runs = [runTorch(1), runTorch(2), runTorch(null)];
    samples.torch1.push(runs[0]);
    samples.torchBest.push(Object.fromEntries(Object.keys(runs[0]).map((k) => [k, best(runs, k)])));
  }
}
const ours = medianOf(samples.ours);
const ours1 = medianOf(samples.ours1);
let torchBest = null;
let torch1 = null;
if (withTorch) {
  torchBest = medianOf(samples.torchBest);
  torch1 = medianOf(samples.torch1);
}

const rows = Object.keys(ours).map((name) => {
  const ratio = (a, b) => (a === undefined || b === undefined ? null : higherIsBetter(name) ? b / a : a / b);
  return {
    name,
    tensorgrad: ours[name],
    torch: torchBest?.[name] ?? null,
    ratio: torchBest ? ratio(ours[name], torchBest[name]) : null,
    tensorgrad1: ours1[name],
    torch1: torch1?.[name] ?? null,
    ratio1: torch1 ? ratio(ours1[name], torch1[name]) : null,
  };
});

// The GEMM target: the 1-thread n = 2048 product as a fraction of one core's peak.
const big = rows.find((r) => r.name.startsWith('W1 matmul 2048'));
const peakFraction = peak && big ? big.tensorgrad1 / peak.gflops : null;

if (json) {
  console.log(JSON.stringify({ cpu: os.cpus()[0]?.model, threads, fmaPeak: peak, peakFraction, rows }, null, 2));
} else {
  const fmt = (v) => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
  console.log(`CPU: ${os.cpus()[0]?.model} (${os.cpus().length} cores); tensorgrad threads: ${threads}; SIMD: ${tg.simd}`);
  if (peak) console.log(`FMA peak (1 core, measured): ${peak.gflops.toFixed(1)} GFLOP/s float32 (32 FLOP/cycle at ${peak.ghzAt32FlopsPerCycle.toFixed(2)} GHz)`);
  console.log('ratio = tensorgrad time / PyTorch time (lower is better; for GFLOP/s and GB/s rows: PyTorch rate / tensorgrad rate)');
  const header = ['workload', 'tensorgrad', 'pytorch(best)', 'ratio', 'tg 1 thread', 'pytorch 1 thr', 'ratio 1 thr'];
  const table = [header, ...rows.map((r) => [r.name, fmt(r.tensorgrad), fmt(r.torch), fmt(r.ratio), fmt(r.tensorgrad1), fmt(r.torch1), fmt(r.ratio1)])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  for (const row of table) console.log(row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '));
  if (peakFraction !== null) console.log(`\nW1 matmul 2048 on 1 thread: ${(100 * peakFraction).toFixed(0)}% of the measured FMA peak`);
  if (!torchBest) console.log('\nPyTorch is not installed: for the side-by-side comparison run `apt-get install -y python3-torch`.');
}
