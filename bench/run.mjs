// npm run bench [-- --json] [--only W1,W2] [--rounds N] : tensorgrad's workloads, and the
// same in PyTorch side by side when /usr/bin/python3 has torch (apt-get install -y
// python3-torch), and the W1 GEMM rows in NumPy (apt-get install -y python3-numpy
// python3-threadpoolctl; see numpyWorkers).
// PyTorch runs in one kept-alive worker process per thread setting (1, 2 and its default,
// with OpenBLAS/OpenMP limited to the same count) and its best figure per row is compared.
// tensorgrad runs with its default thread count and with 1 thread (compared with PyTorch's
// 1-thread figure), because on this shared 2-core VM the second core is not always really
// available. The machine is shared and noisy (steal from other VMs comes in bursts of
// seconds, and a reference figure can move by 45% between runs), so the libraries take
// turns row by row: in each of N rounds (--rounds, default 3) every row is measured by
// tensorgrad and by each reference right after one another (the order flips each round),
// each round gives its own ratios, and the table shows each figure's median over the
// rounds and each ratio's median with its min-max spread; a target's verdict is the
// median's, and says when the spread crosses the target.
import { spawn, spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { fileURLToPath } from 'url';
import * as tg from 'tensorgrad';
import { measure, median, selectRows } from './workloads.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const only = new Set(onlyArg ? onlyArg.split(',') : []);
const rounds = args.includes('--rounds') ? Math.max(1, Number(args[args.indexOf('--rounds') + 1]) || 1) : 3;
const PYTHON = '/usr/bin/python3';

const higherIsBetter = (name) => /\((GFLOP|GB)\/s\)/.test(name);

function torchAvailable() {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** A kept-alive bench/workloads.py --serve process: `measure(name)` resolves to the row's figure. */
async function startWorker(label, env, extraArgs = []) {
  const child = spawn(PYTHON, [path.join(here, 'workloads.py'), '--serve', ...extraArgs], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`bench: the ${label} worker exited`);
    return JSON.parse(value);
  };
  const hello = await next();
  return {
    label, ...hello, rows: new Set(hello.rows),
    measure: async (name) => {
      child.stdin.write(`${name}\n`);
      return (await next()).value;
    },
    close: () => child.stdin.end(),
  };
}

/** PyTorch workers with 1 and 2 threads, and with its default count when that is another. */
async function torchWorkers() {
  const start = (threads) => startWorker(`torch ${threads ?? 'default'}`, threads
    ? { ...process.env, TG_TORCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) }
    : process.env);
  const workers = [await start(1), await start(2)];
  const byDefault = await start(null);
  if (workers.some((w) => w.threads === byDefault.threads)) byDefault.close();
  else workers.push(byDefault);
  return workers;
}

// NumPy (Debian's python3-numpy on OpenBLAS) for the W1 rows: the best BLAS on the
// machine as the GEMM bar. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for these
// workers only (a shell may pin them, e.g. to the Haswell kernels); OpenBLAS then picks
// its kernel for the CPU, and each forced AVX-512 kernel is tried too (one worker per
// kernel and thread count): per row the fastest counts, and the table says which kernel.
const NUMPY_CORETYPES = [null, 'SkylakeX', 'Cooperlake'];
function numpyAvailable() {
  return spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}
async function numpyWorkers() {
  const workers = [];
  for (const threads of [1, 2]) {
    for (const coretype of NUMPY_CORETYPES) {
      const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      if (coretype) env.OPENBLAS_CORETYPE = coretype;
      const w = await startWorker(`numpy ${coretype ?? 'auto'} ${threads}`, env, ['numpy']);
      // A forced core type that OpenBLAS resolves to an already-running kernel adds nothing.
      if (workers.some((o) => o.threads === threads && o.blas === w.blas)) w.close();
      else workers.push(Object.assign(w, { threads }));
    }
  }
  return workers;
}

// The FMA peak of one core: a register-only FMA loop in the addon (native/src/peak*.cpp).
// The clock the OS reports here is the nominal one, not the boost clock the loop runs at,
// so the bench shows the clock that the FMA pipes' FLOP/cycle imply instead.
// With AVX-512 the loop uses 16-lane FMAs: 64 FLOP/cycle on two 512-bit pipes.
// `gflops` is the best ~0.3 ms round (issue 17's target is judged against it); the median
// round, a few % lower on this VM, is printed beside it (bench/PROFILES.md section 3).
function measurePeak() {
  if (tg.simd !== 'avx2' && tg.simd !== 'avx512') return null;
  const { best: gflops, median: medianGflops } = tg.measureFmaPeakRounds(0.5);
  const flopsPerCycle = tg.simd === 'avx512' ? 64 : 32;
  return { gflops, medianGflops, flopsPerCycle, ghz: gflops / flopsPerCycle };
}
const peak = measurePeak();

const isBetter = (name, a, b) => (higherIsBetter(name) ? a > b : a < b);
/** tensorgrad's cost relative to a reference's: time / reference time, or reference rate / rate. */
const ratioOf = (name, ours, ref) => (ref === undefined ? undefined : higherIsBetter(name) ? ref / ours : ours / ref);

// Issue 17's targets: the ratio columns each row must keep at or below a limit.
const TARGETS = [
  { rows: /^W1 /, columns: ['numpyRatio', 'numpyRatio1'], limit: 1.0 },
  { rows: /^W5 /, columns: ['ratio', 'ratio1'], limit: 0.8 },
  { rows: /^W6 sum/, columns: ['ratio', 'ratio1'], limit: 1.0 },
];

const threads = tg.getNumThreads();
const rows = selectRows(only);
const withTorch = torchAvailable();
const withNumpy = rows.some((r) => r.tag === 'W1') && numpyAvailable();
const torch = withTorch ? await torchWorkers() : [];
const numpy = withNumpy ? await numpyWorkers() : [];

/** One round of one row: every library's figure, measured back to back (in reverse order when `reverse`). */
async function measureRow(row, reverse) {
  const ours = (n) => async () => {
    tg.setNumThreads(n);
    try {
      return measure(row.setup);
    } finally {
      tg.setNumThreads(threads);
    }
  };
  const slots = [
    ['tensorgrad1', ours(1)],
    ...torch.filter((w) => w.threads === 1).map((w) => [w, () => w.measure(row.name)]),
    ...numpy.filter((w) => w.threads === 1).map((w) => [w, () => w.measure(row.name)]),
    ['tensorgrad', ours(threads)],
    ...torch.filter((w) => w.threads !== 1).map((w) => [w, () => w.measure(row.name)]),
    ...numpy.filter((w) => w.threads !== 1).map((w) => [w, () => w.measure(row.name)]),
  ].filter(([who]) => typeof who === 'string' || who.rows.has(row.name));
  if (reverse) slots.reverse();
  const figures = new Map();
  for (const [who, run] of slots) figures.set(who, await run());
  const bestOf = (workers) => workers.filter((w) => figures.has(w)).reduce((b, w) => (b && !isBetter(row.name, figures.get(w), figures.get(b)) ? b : w), null);
  const torchBest = bestOf(torch), torch1 = bestOf(torch.filter((w) => w.threads === 1));
  const numpyBest = bestOf(numpy), numpy1 = bestOf(numpy.filter((w) => w.threads === 1));
  const r = {
    tensorgrad: figures.get('tensorgrad'), tensorgrad1: figures.get('tensorgrad1'),
    torch: figures.get(torchBest), torch1: figures.get(torch1),
    numpy: figures.get(numpyBest), numpy1: figures.get(numpy1),
    numpyKernel: numpyBest?.blas, numpyKernel1: numpy1?.blas,
  };
  return {
    ...r,
    ratio: ratioOf(row.name, r.tensorgrad, r.torch), ratio1: ratioOf(row.name, r.tensorgrad1, r.torch1),
    numpyRatio: ratioOf(row.name, r.tensorgrad, r.numpy), numpyRatio1: ratioOf(row.name, r.tensorgrad1, r.numpy1),
  };
}

const perRound = new Map(rows.map((row) => [row.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const row of rows) perRound.get(row.name).push(await measureRow(row, round % 2 === 1));
}
for (const w of [...torch, ...numpy]) w.close();

const FIGURES = ['tensorgrad', 'tensorgrad1', 'torch', 'torch1', 'numpy', 'numpy1'];
const RATIOS = ['ratio', 'ratio1', 'numpyRatio', 'numpyRatio1'];
const table = rows.map((row) => {
  const samples = perRound.get(row.name);
  const values = (k) => samples.map((s) => s[k]).filter((v) => v !== undefined);
  const out = { name: row.name };
  for (const k of FIGURES) out[k] = values(k).length ? median(values(k)) : null;
  for (const k of RATIOS) {
    const v = values(k);
    out[k] = v.length ? median(v) : null;
    out[`${k}Spread`] = v.length ? [Math.min(...v), Math.max(...v)] : null;
  }
  // The kernel behind each NumPy figure (of the last round; they agree when the bar is clear).
  out.numpyKernel = samples.at(-1).numpyKernel ?? null;
  out.numpyKernel1 = samples.at(-1).numpyKernel1 ?? null;
  out.targets = TARGETS.filter((t) => t.rows.test(row.name)).flatMap((t) => t.columns.filter((c) => out[c] !== null).map((column) => {
    const [lo, hi] = out[`${column}Spread`];
    return { column, limit: t.limit, met: out[column] <= t.limit, spreadCrosses: lo <= t.limit && hi > t.limit };
  }));
  return out;
});

// The GEMM target: the 1-thread n = 2048 product as a fraction of one core's peak.
const big = table.find((r) => r.name.startsWith('W1 matmul 2048'));
const peakFraction = peak && big ? big.tensorgrad1 / peak.gflops : null;
const medianPeakFraction = peak && big ? big.tensorgrad1 / peak.medianGflops : null;
const numpyKernelsTried = [...new Set(numpy.map((w) => w.blas))];

if (json) {
  console.log(JSON.stringify({ cpu: os.cpus()[0]?.model, threads, simd: tg.simd, rounds, fmaPeak: peak, peakFraction, medianPeakFraction, numpyKernelsTried, rows: table }, null, 2));
} else {
  const fmt = (v) => (v === null || v === undefined ? '-' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
  const fmtRatio = (r, k) => (r[k] === null ? '-' : rounds === 1 ? fmt(r[k]) : `${fmt(r[k])} (${fmt(r[`${k}Spread`][0])}-${fmt(r[`${k}Spread`][1])})`);
  console.log(`CPU: ${os.cpus()[0]?.model} (${os.cpus().length} cores); tensorgrad threads: ${threads}; SIMD: ${tg.simd}; rounds: ${rounds}`);
  if (peak) console.log(`FMA peak (1 core, measured, ${tg.simd}): ${peak.gflops.toFixed(1)} GFLOP/s float32 (${peak.flopsPerCycle} FLOP/cycle at ${peak.ghz.toFixed(2)} GHz), best round; median round ${peak.medianGflops.toFixed(1)}`);
  if (withNumpy) console.log(`NumPy BLAS kernels tried (OPENBLAS_CORETYPE unset, SkylakeX, Cooperlake): ${numpyKernelsTried.join(', ')}`);
  console.log('ratio = tensorgrad time / reference time (lower is better; for GFLOP/s and GB/s rows: reference rate / tensorgrad rate)');
  if (rounds > 1) console.log(`figures: medians over the rounds; ratios: median of the per-round ratios (min-max over the ${rounds} rounds)`);
  const header = ['workload', 'tensorgrad', 'pytorch(best)', 'ratio', 'tg 1 thread', 'pytorch 1 thr', 'ratio 1 thr'];
  if (withNumpy) header.push('numpy(best)', 'ratio np', 'numpy 1 thr', 'ratio np 1', 'numpy kernel (best / 1 thr)');
  header.push('target');
  const kernelName = (k) => (k ? k.split(' ').pop() : '-');
  const verdict = (r) => r.targets.map((t) => `${t.column} <= ${t.limit}: ${t.met ? 'met' : 'MISSED'}${t.spreadCrosses ? ' (spread crosses)' : ''}`).join('; ');
  const lines = [
    header,
    ...table.map((r) => [
      r.name, fmt(r.tensorgrad), fmt(r.torch), fmtRatio(r, 'ratio'), fmt(r.tensorgrad1), fmt(r.torch1), fmtRatio(r, 'ratio1'),
      ...(withNumpy ? [fmt(r.numpy), fmtRatio(r, 'numpyRatio'), fmt(r.numpy1), fmtRatio(r, 'numpyRatio1'), r.numpy === null ? '' : `${kernelName(r.numpyKernel)} / ${kernelName(r.numpyKernel1)}`] : []),
      verdict(r),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => String(line[i]).length)));
  for (const line of lines) console.log(line.map((c, i) => (i === 0 || i === header.length - 1 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd());
  if (peakFraction !== null) console.log(`\nW1 matmul 2048 on 1 thread: ${(100 * peakFraction).toFixed(0)}% of the measured ${tg.simd} FMA peak (best round; ${(100 * medianPeakFraction).toFixed(0)}% of the median round)`);
  if (!withTorch) console.log('\nPyTorch is not installed: for the side-by-side comparison run `apt-get install -y python3-torch`.');
  if (!withNumpy && rows.some((r) => r.tag === 'W1')) console.log('NumPy is not installed: for the BLAS column run `apt-get install -y python3-numpy python3-threadpoolctl`.');
}
