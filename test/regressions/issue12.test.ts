// Regression tests for issue 12: defects found by comparing tensorgrad with PyTorch 1.13.
// Expected values are PyTorch's, computed by make-pytorch-cases.py (committed next to this
// file) into pytorch-cases.json; each entry of PROGRAMS is the same program in tensorgrad.
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';
import { compareTensor, type TensorSpec, type Tol } from '../helpers/golden';

const F = tg.nn.functional;
const FILE = path.join(__dirname, 'pytorch-cases.json');
const CASES = (JSON.parse(fs.readFileSync(FILE, 'utf8')) as { cases: Record<string, Expected> }).cases;
type Expected = TensorSpec | { error: string } | Expected[] | string | number | boolean | null;

const TOL: Tol = { rtol: 1e-5, atol: 1e-6 };
const NAN = NaN;

/** Compares a tensorgrad result (tensors, arrays of them, strings, numbers) with PyTorch's. */
function compare(actual: unknown, expected: Expected, what: string): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${what}: expected ${expected.length} results, got ${String(actual)}`];
    return expected.flatMap((e, i) => compare(actual[i], e, `${what}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object' && 'shape' in expected) return compareTensor(actual, expected, TOL, what);
  return actual === expected ? [] : [`${what}: ${String(actual)} != expected ${String(expected)}`];
}

function leaf(data: number[] | number[][], dtype: tg.DType = 'float32'): Tensor {
  return tg.tensor(data, { dtype, requiresGrad: true });
}
const ints = (data: number[] | number[][]): Tensor => tg.tensor(data, { dtype: 'int32' });

/** f(x).backward() for a fresh leaf x; returns x.grad. */
function gradOf(f: (x: Tensor) => Tensor, data: number[]): Tensor | null {
  const x = leaf(data);
  f(x).backward();
  return x.grad;
}

/** [g, gg]: g = d sum(f(x)) / dx with createGraph, then gg = d sum(g) / dx. */
function gradGrad(f: (x: Tensor) => Tensor, data: number[]): Tensor[] {
  const x = leaf(data);
  const [g] = tg.autograd.grad(f(x).sum(), x, { createGraph: true });
  const [gg] = tg.autograd.grad(g!.sum(), x);
  return [g!, gg!];
}

/** [value, d value.sum() / d x] of a loss of x. */
function lossAndGrad(f: (x: Tensor) => Tensor, data: number[][]): Tensor[] {
  const x = leaf(data);
  const l = f(x);
  const [g] = tg.autograd.grad(l.sum(), x);
  return [l, g!];
}

const LOGITS = [
  [1, 2, 0.5],
  [0.1, 0.2, 3],
];

function inplaceCase(apply: (y: Tensor, x: Tensor) => void): (x: Tensor) => Tensor {
  return (x) => {
    const y = x.mul(1);
    apply(y, x);
    return y;
  };
}

function copyCase(srcData: number[]): Tensor[] {
  const s = leaf(srcData);
  const d = leaf([5, 5]);
  const dd = d.mul(1);
  dd.copy_(s);
  dd.sqrt().sum().backward();
  return [d.grad!, s.grad!];
}

function fillCase(fill: (t: Tensor) => void): Tensor {
  const d = leaf([5, 5]);
  const dd = d.mul(1);
  fill(dd);
  dd.sqrt().sum().backward();
  return d.grad!;
}

const PROGRAMS: Record<string, () => unknown> = {};

// ---- item 1 ----
for (const reduction of ['mean', 'sum', 'none'] as const) {
  PROGRAMS[`item1/ce-weight-smoothing/${reduction}`] = () =>
    lossAndGrad((x) => F.crossEntropy(x, ints([0, 2]), { weight: tg.tensor([1, 2, 3]), labelSmoothing: 0.1, reduction }), LOGITS);
}
PROGRAMS['item1/ce-weight-smoothing-ignore/mean'] = () =>
  F.crossEntropy(tg.tensor([...LOGITS, [0.3, 0.3, 0.1]]), ints([0, 2, 1]), { weight: tg.tensor([1, 2, 3]), labelSmoothing: 0.2, ignoreIndex: 1 });
PROGRAMS['item1/ce-smoothing-ignore/mean'] = () =>
  F.crossEntropy(tg.tensor([...LOGITS, [0.3, 0.3, 0.1]]), ints([0, 2, 1]), { labelSmoothing: 0.2, ignoreIndex: 1 });
PROGRAMS['item1/ce-weight-smoothing-4d/mean'] = () =>
  F.crossEntropy(tg.tensor([[[[1, 2]], [[0.5, -1]], [[0, 3]]]]), ints([[[2, 0]]] as unknown as number[][]), { weight: tg.tensor([1, 2, 3]), labelSmoothing: 0.3 });

// ---- item 2 ----
const X2 = [1.5, 2.0, 0.5];
Object.assign(PROGRAMS, {
  'item2/mul_': () => gradGrad(inplaceCase((y, x) => y.mul_(x)), X2),
  'item2/div_': () => gradGrad(inplaceCase((y, x) => y.div_(x.mul(x).add(1))), X2),
  'item2/pow_-scalar': () => gradGrad(inplaceCase((y) => y.pow_(3)), X2),
  'item2/pow_-tensor': () => gradGrad(inplaceCase((y, x) => y.pow_(x)), X2),
  'item2/sub_-alpha': () => gradGrad(inplaceCase((y, x) => y.sub_(x.mul(x))), X2),
  'item2/pow_-backward-of-grad-squared': () => {
    const x = leaf(X2);
    const y = x.mul(1);
    y.pow_(3);
    const [g] = tg.autograd.grad(y.sum(), x, { createGraph: true });
    g!.mul(g!).sum().backward();
    return x.grad;
  },
});

// ---- item 3 ----
const X3 = [1.5, -2.0, 0.0, 3.0];
Object.assign(PROGRAMS, {
  'item3/relu': () => gradGrad((x) => x.relu(), X3),
  'item3/leakyRelu': () => gradGrad((x) => F.leakyRelu(x, 0.2), X3),
  'item3/relu_': () => gradGrad((x) => x.mul(1).relu_(), X3),
});

// ---- item 4 ----
Object.assign(PROGRAMS, {
  'item4/elu': () => gradGrad((x) => F.elu(x), [100, 0, -2, 1]),
  'item4/elu-alpha2': () => gradGrad((x) => F.elu(x, 2), [-100, 0, -2, 100]),
  'item4/softplus': () => gradGrad((x) => F.softplus(x), [100, 0, -2, 30]),
  'item4/softplus-beta2-threshold5': () => gradGrad((x) => F.softplus(x, 2, 5), [100, 0, -2, 3]),
  'item4/silu': () => gradGrad((x) => F.silu(x), [100, -100, -2, 1]),
  'item4/gelu': () => gradGrad((x) => F.gelu(x), [100, -100, -2, 1]),
  'item4/sigmoid': () => gradGrad((x) => x.sigmoid(), [100, -100, -2, 1]),
  'item4/bceWithLogits': () => gradGrad((x) => F.binaryCrossEntropyWithLogits(x, tg.tensor([1, 0, 1, 0])), [100, -100, -2, 1]),
});

// ---- item 5 ----
Object.assign(PROGRAMS, {
  'item5/max-nan': () => gradOf((x) => x.max(), [1, NAN, 2]),
  'item5/min-nan': () => gradOf((x) => x.min(), [1, NAN, 2, NAN]),
  'item5/min-sqrt': () => gradOf((x) => x.min().sqrt(), [0, 1, 2]),
  'item5/min-tie-sqrt': () => gradOf((x) => x.min().sqrt(), [0, 0, 2]),
  'item5/max-neg-sqrt': () => gradOf((x) => x.neg().max().sqrt(), [0, 1, 2]),
  'item5/amin-sqrt': () => gradOf((x) => x.amin().sqrt(), [0, 1, 2]),
  'item5/amax-nan': () => gradOf((x) => x.amax(), [1, NAN, 2]),
  'item5/maxdim-nan': () => gradOf((x) => x.reshape(1, 3).max(1).values.sum(), [1, NAN, 2]),
  'item5/norm-inf-nan': () => gradOf((x) => x.norm(Infinity), [1, NAN, -2]),
  'item5/norm-inf-zeros-sqrt': () => gradOf((x) => x.norm(Infinity).sqrt(), [0, 0, 0]),
  'item5/maximum-sqrt': () => gradOf((x) => tg.maximum(x, tg.zeros(3)).sqrt().sum(), [0, -1, 2]),
  'item5/relu-sqrt': () => gradOf((x) => x.relu().sqrt().sum(), [0, -1, 2]),
  'item5/clamp-sqrt': () => gradOf((x) => x.clamp(0).sqrt().sum(), [0, -1, 2]),
  'item5/where-sqrt': () => gradOf((x) => tg.where(x.gt(0), x, tg.zeros(3)).sqrt().sum(), [0, -1, 2]),
});

// ---- item 6 ----
for (const p of [0.5, 1.5, 3, 2]) {
  const id = `item6/norm-p${Number.isInteger(p) ? p.toFixed(1) : p}`;
  PROGRAMS[id] = () => gradOf((x) => x.norm(p), [0, 1, -2]);
  PROGRAMS[`${id}-allzero`] = () => gradOf((x) => x.norm(p), [0, 0]);
  PROGRAMS[`${id}-dim`] = () => gradOf((x) => x.reshape(2, 2).norm(p, 1).sum(), [0, 1, 0, 0]);
}
Object.assign(PROGRAMS, {
  'item6/pow-base0': () => gradOf((e) => tg.pow(0, e).sum(), [0, 1, -1, 2.5]),
  'item6/pow-base2': () => gradOf((e) => tg.pow(2, e).sum(), [0, 1, -1, 2.5]),
  'item6/pow-tensor-exponent-grad': () => gradOf((e) => tg.pow(tg.tensor([0, 0, 2, 0]), e).sum(), [0, -1, 0.5, 2]),
  'item6/pow-tensor-base-grad': () => gradOf((x) => tg.pow(x, tg.tensor([0, -1, 0.5, 2])).sum(), [0, 0, 2, 0]),
  'item6/copy_': () => copyCase([1, 2]),
  'item6/copy_-inf-grad': () => copyCase([0, 2]),
  'item6/fill_-inf-grad': () => fillCase((t) => t.fill_(0)),
  'item6/zero_-inf-grad': () => fillCase((t) => t.zero_()),
});

// ---- item 7 ----
Object.assign(PROGRAMS, {
  'item7/sign': () => tg.tensor([NAN, -0, 2, -3, 0]).sign(),
  'item7/sign-f64': () => tg.tensor([NAN, -0, 2, -3, 0], { dtype: 'float64' }).sign(),
  'item7/abs-grad': () => gradOf((x) => x.abs().sum(), [NAN, 0, -2]),
  'item7/l1Loss-grad': () => gradOf((x) => F.l1Loss(x, tg.zeros(3)), [NAN, 0, -2]),
  'item7/norm1-grad': () => gradOf((x) => x.norm(1), [NAN, 0, -2]),
  'item7/smoothL1-beta0-grad': () => gradOf((x) => F.smoothL1Loss(x, tg.zeros(3), { beta: 0 }), [NAN, 0, -2]),
});

// ---- item 8 ----
const X8 = [
  [1, 2],
  [3, 4],
];
Object.assign(PROGRAMS, {
  'item8/nll-all-ignored': () => lossAndGrad((x) => F.nllLoss(x, ints([-100, -100])), X8),
  'item8/ce-all-ignored': () => lossAndGrad((x) => F.crossEntropy(x, ints([1, 1]), { ignoreIndex: 1 }), X8),
  'item8/ce-all-ignored-smoothing': () => lossAndGrad((x) => F.crossEntropy(x, ints([1, 1]), { ignoreIndex: 1, labelSmoothing: 0.1 }), X8),
  'item8/ce-all-ignored-weight': () => lossAndGrad((x) => F.crossEntropy(x, ints([1, 1]), { ignoreIndex: 1, weight: tg.tensor([2, 3]) }), X8),
});

/** Runs a program; a thrown error becomes {error: message} (first line, without tensorgrad's "op: " prefix). */
function run(program: () => unknown): unknown {
  try {
    return program();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Cases whose fix has not landed yet (each item's commit empties its part): they must fail. */
const NOT_FIXED_YET = new Set<string>([
]);

describe('issue 12: PyTorch 1.13 results (pytorch-cases.json)', () => {
  test('every case has a tensorgrad program and every program a case', () => {
    expect(Object.keys(PROGRAMS).filter((id) => !(id in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((id) => !(id in PROGRAMS))).toEqual([]);
  });
  test.each(Object.keys(CASES))('%s', (id) => {
    const expected = CASES[id];
    const actual = run(PROGRAMS[id]);
    let problems: string[];
    if (expected !== null && typeof expected === 'object' && 'error' in expected) {
      // tensorgrad's message is "op: <PyTorch's message>" plus an optional hint line.
      const message = (actual as { error?: string } | null)?.error;
      problems = message?.includes(expected.error) ? [] : [`expected the error "${expected.error}", got ${message ?? String(actual)}`];
    } else {
      problems = compare(actual, expected, id);
    }
    if (NOT_FIXED_YET.has(id)) expect(problems, `${id} passes: remove it from NOT_FIXED_YET`).not.toEqual([]);
    else expect(problems).toEqual([]);
  });
});
