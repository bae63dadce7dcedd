// The elementwise, reduction, softmax and optimizer kernels on each SIMD path, side by
// side: every round runs the same cases in one child process per path
// (TENSORGRAD_SIMD=avx512, then avx2, ...), alternating, and the table gives each case's
// best time per path over all rounds and the ratio to the first path. Times are CPU time
// of the process (user + system) around the best call, with one kernel thread by default,
// so that a loaded machine (other processes taking the cores) adds little; wall times too.
// Usage: npm run build:ts && node bench/simd-kernels.mjs [--rounds N] [--threads N]
//          [--paths avx512,avx2] [--lib DIR] [--only TEXT] [--json]
// --only TEXT runs just the cases whose name contains TEXT (e.g. f64, prod).
// --lib DIR times the tensorgrad checkout at DIR (its dist/ and build/) instead of this
// one: the same cases on another build, e.g. main's, for a before/after table.
import { execFileSync } from 'child_process';
import { createRequire } from 'module';
import * as os from 'os';
import { fileURLToPath } from 'url';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const rounds = Number(option('--rounds', 3));
const threads = Number(option('--threads', 1));
const paths = option('--paths', 'avx512,avx2').split(',');
const lib = option('--lib', null);
const only = option('--only', '');

// Every case: a name and a function that builds its inputs and returns the timed call.
const N = 1 << 18; // unary inputs: 1 MB of float32 (in L2 on this machine)
const BIG = 1 << 22; // reductions and optimizer steps: 16 MB
const M1 = 1 << 20; // float64 cases: 1M elements (8 MB, in this machine's L3) ...
const M16 = 1 << 24; // ... and 16M (128 MB, from memory)
function cases(tg) {
  const x = tg.randn([N]);
  const pos = tg.rand([N]).add(0.01);
  const rows = tg.randn([256, 1000]);
  const rowsGrad = tg.randn([256, 1000]).requiresGrad_();
  const rowsUp = tg.randn([256, 1000]);
  const big = tg.randn([BIG]);
  const b = tg.randn([N]);
  const unary = (name, f, input = x) => ({ name: `${name} [${N}] f32`, run: () => f(input) });
  // Built on first use: cases left out by --only cost nothing (and need no API the
  // build under --lib may lack).
  const optimizer = (name, make) => {
    let opt = null;
    const init = () => {
      const p = new tg.nn.Parameter(tg.randn([BIG]));
      p.grad = tg.randn([BIG]);
      const o = make([p]);
      o.step();
      return o;
    };
    return { name: `${name} step [${BIG}] f32`, run: () => (opt ??= init()).step() };
  };
  return [
    unary('exp', (t) => tg.exp(t)),
    unary('log', (t) => tg.log(t), pos),
    unary('tanh', (t) => tg.tanh(t)),
    unary('sigmoid', (t) => tg.sigmoid(t)),
    unary('silu', (t) => tg.nn.functional.silu(t)),
    unary('relu (not vectorised: control)', (t) => tg.nn.functional.relu(t)),
    { name: `add [${N}] f32 (control)`, run: () => x.add(b) },
    { name: 'softmax [256,1000] dim 1', run: () => tg.softmax(rows, 1) },
    { name: 'logSoftmax [256,1000] dim 1', run: () => tg.logSoftmax(rows, 1) },
    { name: 'logSoftmax fwd+bwd [256,1000]', run: () => tg.logSoftmax(rowsGrad, 1).backward(rowsUp) },
    { name: `max [${BIG}] f32`, run: () => big.max() },
    { name: `argmax [${BIG}] f32`, run: () => big.argmax() },
    { name: 'argmax [256,1000] dim 1', run: () => rows.argmax(1) },
    { name: `min [${BIG}] f32`, run: () => big.min() },
    { name: `sum [${BIG}] f32`, run: () => big.sum() },
    optimizer('SGD momentum', (ps) => new tg.optim.SGD(ps, { lr: 1e-3, momentum: 0.9 })),
    optimizer('SGD', (ps) => new tg.optim.SGD(ps, { lr: 1e-3 })),
    optimizer('Adam', (ps) => new tg.optim.Adam(ps, { lr: 1e-3 })),
    optimizer('AdamW', (ps) => new tg.optim.AdamW(ps, { lr: 1e-3 })),
    optimizer('RMSprop', (ps) => new tg.optim.RMSprop(ps, { lr: 1e-3 })),
    optimizer('Adagrad', (ps) => new tg.optim.Adagrad(ps, { lr: 1e-3 })),
    optimizer('Adamax', (ps) => new tg.optim.Adamax(ps, { lr: 1e-3 })),
    optimizer('NAdam', (ps) => new tg.optim.NAdam(ps, { lr: 1e-3 })),
    optimizer('RAdam', (ps) => new tg.optim.RAdam(ps, { lr: 1e-3 })),
    ...wideCases(tg),
  ];
}

// float64 unary ops and the products, at 1M and 16M elements. The products' factors are
// near 1 (in [0.99, 1.01)): no underflow into slow denormals.
function wideCases(tg) {
  const lazy = (make) => {
    let value = null;
    return () => (value ??= make());
  };
  const list = [];
  for (const n of [M1, M16]) {
    const x = lazy(() => tg.randn([n], { dtype: 'float64' }));
    const pos = lazy(() => tg.rand([n], { dtype: 'float64' }).add(0.01));
    for (const [name, f, input] of [
      ['exp', (t) => tg.exp(t), x],
      ['log', (t) => tg.log(t), pos],
      ['tanh', (t) => tg.tanh(t), x],
      ['sigmoid', (t) => tg.sigmoid(t), x],
    ])
      list.push({ name: `${name} [${n}] f64`, run: () => f(input()) });
    for (const dtype of ['float32', 'float64']) {
      const near1 = lazy(() => tg.rand([n], { dtype }).mul(0.02).add(0.99));
      const matrix = lazy(() => near1().reshape([n / 1024, 1024]));
      const tag = dtype === 'float32' ? 'f32' : 'f64';
      list.push({ name: `prod [${n}] ${tag}`, run: () => tg.prod(near1()) });
      list.push({ name: `prod [${n / 1024},1024] dim 1 ${tag}`, run: () => tg.prod(matrix(), 1) });
    }
  }
  return list;
}

// Child: time every case on the path the environment selected; print JSON.
function child() {
  const tg = lib ? createRequire(import.meta.url)(lib) : createRequire(import.meta.url)('../dist/index.js');
  tg.setNumThreads(threads);
  // Keep freed outputs in the heap (no munmap/mmap and page faults per call): the
  // allocator's cost is the same on every path and would hide the kernels'.
  tg.setAllocatorTuning(true);
  const out = { simd: tg.simd, cases: {} };
  const all = cases(tg).filter((c) => c.name.includes(only));
  for (let pass = 0; pass < 3; pass++) for (const c of all) c.run(); // warm up (JIT, allocator)
  for (const c of all) {
    let wall = Infinity, cpu = Infinity;
    for (let r = 0; r < 15; r++) {
      const u0 = process.cpuUsage(), t0 = process.hrtime.bigint();
      c.run();
      const t1 = process.hrtime.bigint(), u1 = process.cpuUsage(u0);
      wall = Math.min(wall, Number(t1 - t0) / 1e6);
      cpu = Math.min(cpu, (u1.user + u1.system) / 1e3);
    }
    out.cases[c.name] = { wall, cpu };
  }
  process.stdout.write(JSON.stringify(out));
}

function parent() {
  const best = {}; // path -> case -> {wall, cpu}
  const loads = [];
  for (let r = 0; r < rounds; r++) {
    for (const path of paths) {
      loads.push(os.loadavg()[0]);
      const text = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--threads', String(threads), '--only', only, ...(lib ? ['--lib', lib] : [])], {
        env: { ...process.env, TENSORGRAD_SIMD: path },
        encoding: 'utf8',
      });
      const res = JSON.parse(text);
      if (res.simd !== path) throw new Error(`asked for ${path}, the child ran ${res.simd}`);
      best[path] ??= {};
      for (const [name, t] of Object.entries(res.cases)) {
        const b = (best[path][name] ??= { wall: Infinity, cpu: Infinity });
        b.wall = Math.min(b.wall, t.wall);
        b.cpu = Math.min(b.cpu, t.cpu);
      }
    }
  }
  if (argv.includes('--json')) return console.log(JSON.stringify({ threads, rounds, loads, best }));
  const [ref, ...others] = paths;
  const names = Object.keys(best[ref]);
  const pad = Math.max(...names.map((n) => n.length));
  console.log(`${os.cpus()[0].model}; ${threads} thread(s), best of ${rounds} rounds x 15 calls; ` +
    `load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`);
  console.log(`${'case'.padEnd(pad)}  ${paths.map((p) => `${p} cpu ms`.padStart(14)).join('')}` +
    `${others.map((p) => `${p}/${ref} cpu`.padStart(18)).join('')}${others.map((p) => `(wall)`.padStart(8)).join('')}`);
  for (const name of names) {
    const cells = paths.map((p) => best[p][name].cpu.toFixed(3).padStart(14)).join('');
    const ratios = others.map((p) => `${(best[p][name].cpu / best[ref][name].cpu).toFixed(2)}x`.padStart(18)).join('');
    const walls = others.map((p) => `${(best[p][name].wall / best[ref][name].wall).toFixed(2)}x`.padStart(8)).join('');
    console.log(`${name.padEnd(pad)}  ${cells}${ratios}${walls}`);
  }
}

if (argv.includes('--child')) child();
else parent();
