// The bench workloads in tensorgrad (the same as bench/workloads.py does in PyTorch).
// Each returns its median figure; names carry the unit.
import * as tg from 'tensorgrad';
import { median } from './stats.mjs';

/** Seconds per call of fn over one group of `inner` calls, without a warm-up. */
export function timeGroup(fn, inner) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < inner; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9 / inner;
}

/** Median seconds per call of fn over `reps` timed groups of `inner` calls, after a warm-up
 * of at least inner/4 calls and 0.25 s: the first few thousand calls of a small op run
 * slower while V8 optimises and the allocator settles, and another process's threads may
 * still spin for up to ~0.2 s after its last call (bench/PROFILES.md, "The bench's
 * method"). bench/workloads.py does the same. */
export function timed(fn, reps, inner = 1) {
  const t0 = process.hrtime.bigint();
  for (let calls = 0; calls < Math.max(1, inner >> 2) || process.hrtime.bigint() - t0 < 250_000_000n; calls++) fn();
  const times = [];
  for (let r = 0; r < reps; r++) times.push(timeGroup(fn, inner));
  return median(times);
}

function gemmSetup(m, k, n, transpose) {
  return (lib = tg) => {
    const a = transpose === 'a' ? lib.randn(k, m).t() : lib.randn(m, k);
    const b = transpose === 'b' ? lib.randn(n, k).t() : lib.randn(k, n);
    const flops = 2 * m * n * k;
    return { fn: () => a.matmul(b), reps: 7, inner: Math.max(1, Math.floor(2e8 / flops)), figure: (s) => flops / s / 1e9 };
  };
}

/** The W2 call, a.add(b) on 3x2 float32 tensors, with `lib` a loaded tensorgrad (bench/ab-add-overhead.mjs
 * passes two builds). */
export function addCall(requiresGrad, lib = tg) {
  const a = lib.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad });
  const b = lib.tensor([[6, 5], [4, 3], [2, 1]], { requiresGrad });
  return () => a.add(b);
}

/** W2: µs per a.add(b) on 3x2 float32 tensors (also bench/add-overhead.mjs). */
export function addOverhead(requiresGrad) {
  return measure(addSetup(requiresGrad));
}
const addSetup = (requiresGrad) => (lib = tg) => ({ fn: addCall(requiresGrad, lib), reps: 9, inner: 20000, figure: (s) => s * 1e6 });

/** One epoch of the apples/oranges regression (W3; bench/icount.sh counts its
 * instructions), with `lib` a loaded tensorgrad (bench/ab-add-overhead.mjs passes another build's). */
export function makeApplesEpoch(lib = tg) {
  const inputs = lib.tensor([[73, 67, 43], [91, 88, 64], [87, 134, 58], [102, 43, 37], [69, 96, 70]]);
  const targets = lib.tensor([[56, 70], [81, 101], [119, 133], [22, 37], [103, 119]]);
  const w = lib.tensor([[1.25, 1.375, 0.125], [-1.25, 1.375, -0.625]], { requiresGrad: true });
  const b = lib.tensor([0.875, 0.625], { requiresGrad: true });
  return () => {
    const preds = inputs.matmul(w.t()).add(b);
    const diff = preds.sub(targets);
    const loss = diff.mul(diff).sum().div(diff.numel());
    loss.backward();
    lib.noGrad(() => {
      w.sub_(w.grad.mul(1e-5));
      b.sub_(b.grad.mul(1e-5));
      w.grad.zero_();
      b.grad.zero_();
    });
  };
}

function polynomialFitSetup(lib = tg) {
  const x = lib.linspace(-Math.PI, Math.PI, 2000);
  const y = x.sin();
  const run = () => {
    const params = [0, 1, 2, 3].map(() => lib.zeros([], { requiresGrad: true }));
    const [a, b, c, d] = params;
    for (let t = 0; t < 2000; t++) {
      const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
      const loss = yPred.sub(y).pow(2).sum();
      loss.backward();
      lib.noGrad(() => {
        for (const p of params) {
          p.sub_(p.grad.mul(1e-6));
          p.grad = null;
        }
      });
    }
  };
  return { fn: run, reps: 3, inner: 1, figure: ms };
}

function mlpStepSetup(lib = tg) {
  lib.manualSeed(0);
  const model = new lib.nn.Sequential(new lib.nn.Linear(784, 256), new lib.nn.ReLU(), new lib.nn.Linear(256, 10));
  const opt = new lib.optim.SGD(model.parameters(), { lr: 0.01 });
  const x = lib.randn(128, 784);
  const t = lib.randint(0, 10, [128]);
  const step = () => {
    opt.zeroGrad();
    const loss = lib.nn.functional.crossEntropy(model.forward(x), t);
    loss.backward();
    opt.step();
  };
  return { fn: step, reps: 9, inner: 20, figure: ms };
}

/** W7: one training step of a small CNN on [64, 1, 28, 28] (conv 1→16 3x3, ReLU, maxPool 2,
 * conv 16→32 3x3, ReLU, maxPool 2, flatten, linear 800→10, cross-entropy, SGD). */
function cnnStepSetup(lib = tg) {
  lib.manualSeed(0);
  const nn = lib.nn;
  const model = new nn.Sequential(
    new nn.Conv2d(1, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(800, 10),
  );
  const opt = new lib.optim.SGD(model.parameters(), { lr: 0.01 });
  const x = lib.randn(64, 1, 28, 28);
  const t = lib.randint(0, 10, [64]);
  const step = () => {
    opt.zeroGrad();
    const loss = lib.nn.functional.crossEntropy(model.forward(x), t);
    loss.backward();
    opt.step();
  };
  return { fn: step, reps: 9, inner: 10, figure: ms };
}

// W6: memory-bound ops on 16M float32 (GB/s counts the bytes read and written). The sum
// takes `tensors` = 3 such tensors (64 MB each) in turn, so that each sum reads its tensor
// from memory, as a user's sum of a big tensor does; one tensor summed over and over
// partly stays in the caches (bench/PROFILES.md, "W6 sum on 2 threads").
const W6_N = 16_000_000;
function bandwidthSetup(bytesPerElement, op, reps, inner, tensors = 1) {
  return (lib = tg) => {
    const as = Array.from({ length: tensors }, () => lib.rand(W6_N));
    const b = lib.rand(W6_N);
    let next = 0;
    return { fn: () => op(as[next++ % tensors], b), reps, inner, figure: (s) => (bytesPerElement * W6_N) / s / 1e9 };
  };
}

/** W8: ms per LSTM training step: batch 32, 20 steps, input 32, hidden 128, one layer, a
 * linear head on the last hidden state, MSE, Adam (bench/workloads.py: lstm_step). */
function lstmStepSetup(lib = tg) {
  lib.manualSeed(0);
  const lstm = new lib.nn.LSTM(32, 128);
  const head = new lib.nn.Linear(128, 1);
  const opt = new lib.optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = lib.randn(20, 32, 32);
  const y = lib.randn(32, 1);
  const step = () => {
    opt.zeroGrad();
    const [, [h]] = lstm.forward(x);
    const loss = lib.nn.functional.mseLoss(head.forward(h.select(0, 0)), y);
    loss.backward();
    opt.step();
  };
  return { fn: step, reps: 9, inner: 5, figure: ms };
}

/** W9: ms per TransformerEncoderLayer training step: d_model 128, 4 heads, feed-forward
 * 512, sequence 64, batch 16, MSE to a target, Adam (bench/workloads.py: encoder_step). */
function encoderStepSetup(lib = tg) {
  lib.manualSeed(0);
  const layer = new lib.nn.TransformerEncoderLayer(128, 4, 512, { batchFirst: true });
  const opt = new lib.optim.Adam(layer.parameters(), { lr: 1e-3 });
  const x = lib.randn(16, 64, 128);
  const y = lib.randn(16, 64, 128);
  const step = () => {
    opt.zeroGrad();
    const loss = lib.nn.functional.mseLoss(layer.forward(x), y);
    loss.backward();
    opt.step();
  };
  return { fn: step, reps: 9, inner: 3, figure: ms };
}

const ms = (s) => s * 1e3;

/** W10: µs per embedding lookup and its backward: 4096 int64 ids (PyTorch's index dtype)
 * into a 1000x16 table that requires grad, summed. */
function embeddingSetup(lib = tg) {
  const weight = lib.randn([1000, 16], { requiresGrad: true });
  const ids = lib.randint(0, 1000, [4096], { dtype: 'int64' });
  const step = () => {
    weight.grad = null;
    lib.nn.functional.embedding(ids, weight).sum().backward();
  };
  return { fn: step, reps: 9, inner: 200, figure: (s) => s * 1e6 };
}

/** Every bench row in table order: its tag (W1..W10, for --only), name (with the unit) and
 * setup. A setup(lib = tg) builds the inputs with the given loaded tensorgrad and returns the
 * call, how many timed groups (reps) of how many calls (inner) to take, and the figure from
 * seconds per call. bench/workloads.py has the same rows under the same names. */
export const ROWS = [
  ...[64, 128, 256, 512, 1024, 2048].map((n) => ['W1', `W1 matmul ${n} (GFLOP/s)`, gemmSetup(n, n, n)]),
  ['W1', 'W1 mlp fwd 128x784x256 (GFLOP/s)', gemmSetup(128, 784, 256)],
  ['W1', 'W1 mlp dW 784x128x256 AT (GFLOP/s)', gemmSetup(784, 128, 256, 'a')],
  ['W1', 'W1 mlp dx 128x256x784 BT (GFLOP/s)', gemmSetup(128, 256, 784, 'b')],
  ['W1', 'W1 mlp predict 1x784x256 BT (GFLOP/s)', gemmSetup(1, 784, 256, 'b')], // one row through nn.Linear
  ['W2', 'W2 add 3x2 (µs/op)', addSetup(false)],
  ['W2', 'W2 add 3x2 requiresGrad (µs/op)', addSetup(true)],
  ['W3', 'W3 apples epoch (µs)', (lib = tg) => ({ fn: makeApplesEpoch(lib), reps: 9, inner: 2000, figure: (s) => s * 1e6 })],
  ['W4', 'W4 polynomial fit (ms)', polynomialFitSetup],
  ['W5', 'W5 mlp step (ms)', mlpStepSetup],
  // A sum takes about a millisecond: 25 groups of 5, so that a burst of load elsewhere
  // cannot spoil most of the groups (PyTorch's add takes 150 ms here: 9 groups of 3).
  ['W6', 'W6 sum 16M (GB/s)', bandwidthSetup(4, (a) => a.sum(), 25, 5, 3)],
  ['W6', 'W6 add 16M new (GB/s)', bandwidthSetup(12, (a, b) => a.add(b), 9, 3)],
  ['W7', 'W7 cnn step (ms)', cnnStepSetup],
  ['W8', 'W8 lstm step (ms)', lstmStepSetup],
  ['W9', 'W9 transformer encoder layer step (ms)', encoderStepSetup],
  ['W10', 'W10 embedding 4096 ids of 1000x16 fwd+bwd (µs)', embeddingSetup],
].map(([tag, name, setup]) => ({ tag, name, setup }));

/** One measurement of a row (its setup, then the median of its timed groups) with `lib`: the row's figure. */
export function measure(setup, lib = tg) {
  const { fn, reps, inner, figure } = setup(lib);
  return figure(timed(fn, reps, inner));
}

/** The rows selected by `only` (a set of tags; all rows when empty). */
export const selectRows = (only) => ROWS.filter((row) => !only || only.size === 0 || only.has(row.tag));

/** Runs the selected workloads once: {name: figure}. */
export function runWorkloads(only) {
  return Object.fromEntries(selectRows(only).map((row) => [row.name, measure(row.setup)]));
}
