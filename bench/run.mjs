// npm run bench [-- --json] [--only W1,W2] [--rounds N] : tensorgrad's workloads, and the
// same in PyTorch side by side when /usr/bin/python3 has torch (apt-get install -y
// python3-torch), and the W1 GEMM rows in NumPy (apt-get install -y python3-numpy
// python3-threadpoolctl; see runNumpy).
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

// NumPy (Debian's python3-numpy on OpenBLAS) for the W1 rows: the best BLAS on the
// machine as the GEMM bar. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for this
// command only (a shell may pin them, e.g. to the Haswell kernels); OpenBLAS then picks
// its kernel for the CPU, and each forced AVX-512 kernel is tried too: per row the
// fastest counts, and the table says which kernels ran.
const NUMPY_CORETYPES = [null, 'SkylakeX', 'Cooperlake'];
function numpyAvailable() {
  return spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}
function runNumpy(threads, coretype) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (coretype) env.OPENBLAS_CORETYPE = coretype;
  const out = execFileSync(PYTHON, [path.join(here, 'workloads.py'), 'W1', 'numpy'], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
  const { _blas: kernel, ...rows } = JSON.parse(out.trim().split('\n').pop());
  return { kernel, rows };
}
/** Per row, the best over the core types; kernels[row] names the one that gave it. */
function bestNumpy(threads) {
  const runs = NUMPY_CORETYPES.map((c) => runNumpy(threads, c));
  const rows = {}, kernels = {};
  for (const name of Object.keys(runs[0].rows)) {
    const winner = runs.reduce((a, b) => (b.rows[name] > a.rows[name] ? b : a));
    rows[name] = winner.rows[name];
    kernels[name] = winner.kernel;
  }
  return { rows, kernels, all: runs.map((r) => r.kernel) };
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
// so the bench shows the clock that the FMA pipes' FLOP/cycle imply instead.
// With AVX-512 the loop uses 16-lane FMAs: 64 FLOP/cycle on two 512-bit pipes.
function measurePeak() {
  if (tg.simd !== 'avx2' && tg.simd !== 'avx512') return null;
  const gflops = tg.measureFmaPeak(0.5);
  const flopsPerCycle = tg.simd === 'avx512' ? 64 : 32;
  return { gflops, flopsPerCycle, ghz: gflops / flopsPerCycle };
}
const peak = measurePeak();

const threads = tg.getNumThreads();
const withTorch = torchAvailable();
const withNumpy = (only.size === 0 || only.has('W1')) && numpyAvailable();
const samples = { ours: [], ours1: [], torchBest: [], torch1: [], numpyBest: [], numpy1: [] };
const numpyKernels = { best: [], one: [], tried: new Set() };
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
  if (withNumpy) {
    const [one, two] = [bestNumpy(1), bestNumpy(2)];
    const rows = {}, kernels = {};
    for (const k of Object.keys(one.rows)) {
      const twoWins = two.rows[k] > one.rows[k];
      rows[k] = twoWins ? two.rows[k] : one.rows[k];
      kernels[k] = twoWins ? two.kernels[k] : one.kernels[k];
    }
    samples.numpy1.push(one.rows);
    samples.numpyBest.push(rows);
    numpyKernels.one.push(one.kernels);
    numpyKernels.best.push(kernels);
    for (const k of [...one.all, ...two.all]) numpyKernels.tried.add(k);
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

const numpyBest = withNumpy ? medianOf(samples.numpyBest) : null;
const numpy1 = withNumpy ? medianOf(samples.numpy1) : null;
// The kernel behind each NumPy figure (of the last round; they agree when the bar is clear).
const kernelOf = (list, name) => list.at(-1)?.[name] ?? null;

const rows = Object.keys(ours).map((name) => {
  const ratio = (a, b) => (a === undefined || b === undefined ? null : higherIsBetter(name) ? b / a : a / b);
  return {
    numpy: numpyBest?.[name] ?? null,
    numpyRatio: numpyBest?.[name] ? ratio(ours[name], numpyBest[name]) : null,
    numpy1: numpy1?.[name] ?? null,
    numpyRatio1: numpy1?.[name] ? ratio(ours1[name], numpy1[name]) : null,
    numpyKernel: kernelOf(numpyKernels.best, name),
    numpyKernel1: kernelOf(numpyKernels.one, name),
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
  console.log(JSON.stringify({ cpu: os.cpus()[0]?.model, threads, simd: tg.simd, fmaPeak: peak, peakFraction, numpyKernelsTried: [...numpyKernels.tried], rows }, null, 2));
} else {
  const fmt = (v) => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
  console.log(`CPU: ${os.cpus()[0]?.model} (${os.cpus().length} cores); tensorgrad threads: ${threads}; SIMD: ${tg.simd}`);
  if (peak) console.log(`FMA peak (1 core, measured, ${tg.simd}): ${peak.gflops.toFixed(1)} GFLOP/s float32 (${peak.flopsPerCycle} FLOP/cycle at ${peak.ghz.toFixed(2)} GHz)`);
  if (withNumpy) console.log(`NumPy BLAS kernels tried (OPENBLAS_CORETYPE unset, SkylakeX, Cooperlake): ${[...numpyKernels.tried].join(', ')}`);
  console.log('ratio = tensorgrad time / reference time (lower is better; for GFLOP/s and GB/s rows: reference rate / tensorgrad rate)');
  const header = ['workload', 'tensorgrad', 'pytorch(best)', 'ratio', 'tg 1 thread', 'pytorch 1 thr', 'ratio 1 thr'];
  if (withNumpy) header.push('numpy(best)', 'ratio np', 'numpy 1 thr', 'ratio np 1', 'numpy kernel (best / 1 thr)');
  const kernelName = (k) => (k ? k.split(' ').pop() : '-');
  const table = [
    header,
    ...rows.map((r) => [
      r.name, fmt(r.tensorgrad), fmt(r.torch), fmt(r.ratio), fmt(r.tensorgrad1), fmt(r.torch1), fmt(r.ratio1),
      ...(withNumpy ? [fmt(r.numpy), fmt(r.numpyRatio), fmt(r.numpy1), fmt(r.numpyRatio1), r.numpy === null ? '' : `${kernelName(r.numpyKernel)} / ${kernelName(r.numpyKernel1)}`] : []),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
  for (const row of table) console.log(row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '));
  if (peakFraction !== null) console.log(`\nW1 matmul 2048 on 1 thread: ${(100 * peakFraction).toFixed(0)}% of the measured ${tg.simd} FMA peak`);
  if (!torchBest) console.log('\nPyTorch is not installed: for the side-by-side comparison run `apt-get install -y python3-torch`.');
  if (!withNumpy && (only.size === 0 || only.has('W1'))) console.log('NumPy is not installed: for the BLAS column run `apt-get install -y python3-numpy python3-threadpoolctl`.');
}
