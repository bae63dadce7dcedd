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

// ---- item 12 ----
const S = (): Tensor => tg.tensor(2.5);
Object.assign(PROGRAMS, {
  'item12/transpose-0d': () => S().transpose(0, -1),
  'item12/transpose-0d-00': () => S().transpose(0, 0),
  'item12/indexSelect-0d': () => S().indexSelect(0, ints([0])),
  'item12/indexSelect-0d-index0d': () => S().indexSelect(0, tg.tensor(0, { dtype: 'int32' })),
  'item12/indexSelect-0d-repeat': () => S().indexSelect(0, ints([0, 0])),
  'item12/gather-0d-index1d': () => S().gather(0, ints([0, 0])),
  'item12/gather-0d': () => S().gather(0, tg.tensor(0, { dtype: 'int32' })),
  'item12/gather-0d-index1d-grad': () => gradOf((x) => x.gather(0, ints([0, 0])).sum(), 2.5 as unknown as number[]),
  'item12/0d-sum': () => S().sum(0),
  'item12/0d-sum-keepdim': () => S().sum(0, true),
  'item12/0d-amax': () => S().amax(0),
  'item12/0d-max-dim': () => [...S().max(0)],
  'item12/0d-argmax-keepdim': () => S().argmax(0, true),
  'item12/0d-softmax': () => S().softmax(0),
  'item12/0d-logsumexp': () => S().logsumexp(0),
  'item12/0d-norm': () => S().norm(2, 0),
  'item12/0d-prod': () => S().prod(0),
  'item12/0d-mean': () => S().mean(-1),
  'item12/0d-squeeze': () => S().squeeze(0),
  'item12/0d-unsqueeze': () => S().unsqueeze(-1),
  'item12/0d-flatten': () => S().flatten(),
  'item12/0d-t': () => S().t(),
  'item12/0d-permute': () => S().permute([]),
  'item12/0d-stack': () => tg.stack([S(), S()], -1),
  'item12/0d-expand': () => S().expand(2),
});

// ---- item 13 ----
const i32 = (data: number | number[]): Tensor => tg.tensor(data, { dtype: 'int32' });
Object.assign(PROGRAMS, {
  'item13/int-pow-neg-number': () => i32([0, 2]).pow(-1),
  'item13/int-pow_-neg-number': () => i32([0, 2]).pow_(-2),
  'item13/int-pow-neg-tensor': () => tg.pow(i32([0, 2, -1, 1, 3, -1]), i32([-2, -1, -1, -3, 0, -2])),
  'item13/int-pow-neg-0d-tensor': () => tg.pow(i32([0, 1, -1, 2]), i32(-1)),
  'item13/int-pow-positive': () => i32([0, 2, -3]).pow(3),
  'item13/int-pow-float': () => i32([0, 2]).pow(-1.5),
  'item13/number-pow-int-neg': () => tg.pow(2, i32([-1, 3, 0])),
  'item13/zero-pow-int-neg': () => tg.pow(0, i32([-1, 3, 0])),
});

// ---- item 14 ----
const B = (): Tensor => tg.tensor([true, false]);
Object.assign(PROGRAMS, {
  'item14/pow-number-int': () => tg.pow(2, i32([0, 3])),
  'item14/pow-float-number-int': () => tg.pow(2.5, i32([0, 3])),
  'item14/pow-number-bool': () => tg.pow(2, B()),
  'item14/pow-float-number-bool': () => tg.pow(2.5, B()),
  'item14/sign-bool': () => B().sign(),
  'item14/sign-int': () => i32([-3, 0, 2]).sign(),
  'item14/abs-bool': () => B().abs(),
  'item14/clamp-bool-max0': () => B().clamp(null, 0),
  'item14/clamp-bool-min1': () => B().clamp(1),
  'item14/clamp-bool-float-bound': () => B().clamp(0.5),
  'item14/clamp-int-float-bound': () => i32([1, 2]).clamp(null, 1.5),
  'item14/relu-int': () => i32([-1, 2]).relu(),
  'item14/exp-bool': () => B().exp(),
  'item14/sigmoid-int': () => i32([-1, 2]).sigmoid(),
});

// ---- item 15 ----
function copyInto(dtype: tg.DType): unknown[] {
  const d = tg.zeros([2], { dtype });
  d.copy_(leaf([1.5, 0]));
  return [d, d.requiresGrad];
}
Object.assign(PROGRAMS, {
  'item15/copy_-into-int': () => copyInto('int32'),
  'item15/copy_-into-bool': () => copyInto('bool'),
  'item15/copy_-into-float64': () => copyInto('float64'),
});

// ---- item 16 ----
const BB = (): Tensor =>
  tg.tensor([
    [true, false, false],
    [false, false, true],
  ]);
Object.assign(PROGRAMS, {
  'item16/max': () => BB().max(),
  'item16/min': () => BB().min(),
  'item16/max-dim': () => [...BB().max(1)],
  'item16/min-dim-keepdim': () => [...BB().min(0, true)],
  'item16/amax': () => BB().amax(1),
  'item16/amin': () => BB().amin(),
  'item16/indexSelect': () => BB().indexSelect(1, ints([2, 0])),
  'item16/gather': () => BB().gather(1, ints([[2], [0]])),
  'item16/argmax': () => BB().argmax(),
  'item16/cat': () => tg.cat([BB(), BB()]),
  'item16/maximum': () =>
    tg.maximum(
      BB(),
      tg.tensor([
        [false, true, false],
        [false, false, false],
      ]),
    ),
  'item16/minimum': () => tg.minimum(BB(), tg.tensor([true, false, true])),
});

// ---- item 17 ----
const f2 = (): Tensor =>
  tg.tensor([
    [1, 2],
    [3, 4],
  ]);
const i2 = (): Tensor => f2().int();
const b2 = (): Tensor =>
  tg.tensor([
    [true, false],
    [false, true],
  ]);
function inplaceAfter(first: (y: Tensor) => void, then: (y: Tensor) => void): Tensor | null {
  const x = leaf([1, -2]);
  const y = x.mul(1);
  first(y);
  then(y);
  y.sum().backward();
  return x.grad;
}
Object.assign(PROGRAMS, {
  'item17/mm-f32-f64': () => f2().mm(f2().double()),
  'item17/mm-f64-f32': () => f2().double().mm(f2()),
  'item17/mm-int-f32': () => i2().mm(f2()),
  'item17/mm-f32-int': () => f2().mm(i2()),
  'item17/mm-bool': () => b2().mm(b2()),
  'item17/mm-bool-f32': () => b2().mm(f2()),
  'item17/matmul-f32-f64': () => f2().matmul(f2().double()),
  'item17/matmul-mv': () => f2().matmul(f2().double().select(0, 0)),
  'item17/matmul-dot': () => f2().select(0, 0).matmul(f2().double().select(0, 0)),
  'item17/matmul-batched': () => f2().unsqueeze(0).matmul(f2().double()),
  'item17/linear-f32-f64': () => F.linear(f2(), f2().double()),
  'item17/linear-bias-f64': () => F.linear(f2(), f2(), f2().double().select(0, 0)),
  'item17/softmax-int': () => i2().softmax(0),
  'item17/softmax-bool': () => b2().softmax(0),
  'item17/logSoftmax-int': () => i2().logSoftmax(1),
  'item17/relu-bool': () => b2().relu(),
  'item17/F.relu-bool': () => F.relu(b2()),
  'item17/gelu-int': () => F.gelu(i2()),
  'item17/gelu-bool': () => F.gelu(b2()),
  'item17/silu-int': () => F.silu(i2()),
  'item17/elu-int': () => F.elu(i2()),
  'item17/softplus-int': () => F.softplus(i2()),
  'item17/leakyRelu-int': () => F.leakyRelu(i2()),
  'item17/leakyRelu-bool': () => F.leakyRelu(b2()),
  'item17/sub-bool': () => b2().sub(b2()),
  'item17/sub-bool-number': () => b2().sub(1),
  'item17/sub-bool-float': () => b2().sub(f2()),
  'item17/sub-float-bool': () => f2().sub(b2()),
  'item17/sub_-bool': () => b2().sub_(b2()),
  'item17/neg-bool': () => b2().neg(),
  'item17/add-int-float-alpha': () => i2().add(i2(), { alpha: 0.5 }),
  'item17/sub-int-float-alpha': () => i2().sub(i2(), { alpha: 0.5 }),
  'item17/add_-int-float-alpha': () => i2().add_(i2(), { alpha: 0.5 }),
  'item17/add-int-int-alpha': () => i2().add(i2(), { alpha: 2 }),
  'item17/add-float-int-float-alpha': () => f2().add(i2(), { alpha: 0.5 }),
  'item17/bceWithLogits-weight-broadcasts': () => F.binaryCrossEntropyWithLogits(tg.zeros(3), tg.zeros(3), { weight: tg.ones(2, 3) }),
  'item17/bceWithLogits-posWeight-broadcasts': () => F.binaryCrossEntropyWithLogits(tg.zeros(3), tg.zeros(3), { posWeight: tg.ones(2, 3) }),
  'item17/bce-weight-broadcasts': () => F.binaryCrossEntropy(tg.full([3], 0.5), tg.zeros(3), { weight: tg.ones(2, 3) }),
  'item17/bceWithLogits-weight-ok': () => F.binaryCrossEntropyWithLogits(tg.zeros(2, 3), tg.zeros(2, 3), { weight: tg.ones(3) }),
  'item17/relu_-then-add_': () => inplaceAfter((y) => y.relu_(), (y) => y.add_(2)),
  'item17/relu_-then-mul_': () => inplaceAfter((y) => y.relu_(), (y) => y.mul_(2)),
  'item17/neg_-then-add_': () => inplaceAfter((y) => y.neg_(), (y) => y.add_(2)),
  'item17/clamp_-then-add_': () => inplaceAfter((y) => y.clamp_(0, 1), (y) => y.add_(2)),
  'item17/exp-then-add_': () => {
    const x = leaf([1, -2]);
    const y = x.exp();
    y.add_(2);
    y.sum().backward();
    return x.grad;
  },
});

// ---- item 18 ----
const INF = Infinity;
Object.assign(PROGRAMS, {
  'item18/fill_-expanded': () => tg.zeros(1).expand(3).fill_(2),
  'item18/zero_-expanded': () => tg.zeros(1).expand(3).zero_(),
  'item18/add_-expanded': () => tg.zeros(1).expand(3).add_(1),
  'item18/norm-inf-empty': () => tg.zeros(0).norm(INF),
  'item18/norm-neginf-empty': () => tg.zeros(0).norm(-INF),
  'item18/norm-inf-empty-dim': () => tg.zeros(0, 3).norm(INF, 0),
  'item18/norm-1-empty': () => tg.zeros(0).norm(1),
  'item18/bceWithLogits-inf': () => F.binaryCrossEntropyWithLogits(tg.tensor([INF, -INF, INF, -INF, 100]), tg.tensor([0, 1, 1, 0, 0]), { reduction: 'none' }),
  'item18/bceWithLogits-inf-posWeight': () =>
    F.binaryCrossEntropyWithLogits(tg.tensor([INF, -INF, INF, -INF, 100]), tg.tensor([0, 1, 1, 0, 0]), { reduction: 'none', posWeight: tg.full([5], 2) }),
  'item18/bceWithLogits-inf-grad': () => gradOf((x) => F.binaryCrossEntropyWithLogits(x, tg.tensor([0, 1, 1, 0])), [INF, -INF, INF, -INF]),
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

describe('issue 12: where PyTorch 1.13 itself fails (hand-derived expectations)', () => {
  test('item 12: the gradient of indexSelect on a 0-d tensor (PyTorch 1.13 fails this backward)', () => {
    // out = x.indexSelect(0, [0, 0]) is the 0-d element x itself, so d(3·out)/dx = 3.
    const x = leaf(2.5 as unknown as number[]);
    x.indexSelect(0, ints([0, 0])).mul(3).backward();
    expect(x.grad!.shape).toEqual([]);
    expect(x.grad!.item()).toBe(3);
  });
  test('item 12: indexSelect on a 0-d tensor with an empty index is an error (PyTorch 1.13 reads uninitialised memory)', () => {
    expect(() => tg.tensor(2.5).indexSelect(0, ints([]))).toThrow(/^indexSelect: the index into a 0-d tensor must not be empty/);
  });
});
