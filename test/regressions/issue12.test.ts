// Regression tests for issue 12: defects found by comparing tensorgrad with PyTorch 1.13.
// Expected values are PyTorch's, computed by make-pytorch-cases.py (committed next to this
// file) into pytorch-cases.json; each entry of PROGRAMS is the same program in tensorgrad.
import * as fs from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';
import { compareTensor, decode, makeTensor, type TensorSpec, type Tol } from '../helpers/golden';

const F = tg.nn.functional;
const FILE = path.join(__dirname, 'pytorch-cases.json');
const CASES = (JSON.parse(fs.readFileSync(FILE, 'utf8')) as { cases: Record<string, Expected> }).cases;
type Expected = TensorSpec | { error: string } | Expected[] | { [key: string]: Expected } | string | number | boolean | null;

const TOL: Tol = { rtol: 1e-5, atol: 1e-6 };
const NAN = NaN;

/** Compares a tensorgrad result (tensors, arrays of them, strings, numbers) with PyTorch's. */
function compare(actual: unknown, expected: Expected, what: string): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${what}: expected ${expected.length} results, got ${String(actual)}`];
    return expected.flatMap((e, i) => compare(actual[i], e, `${what}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object' && 'shape' in expected) return compareTensor(actual, expected as TensorSpec, TOL, what);
  if (expected !== null && typeof expected === 'object') {
    // A record (a state dict): the same keys, each value compared.
    if (actual === null || typeof actual !== 'object') return [`${what}: expected a record, got ${String(actual)}`];
    const keys = Object.keys(expected);
    const extra = Object.keys(actual).filter((k) => !keys.includes(k));
    const problems = extra.length ? [`${what}: unexpected keys ${extra.join(', ')}`] : [];
    return problems.concat(keys.flatMap((k) => compare((actual as Record<string, unknown>)[k], (expected as Record<string, Expected>)[k], `${what}.${k}`)));
  }
  if (typeof expected === 'string' && typeof actual === 'number' && decode(expected) === actual) return [];
  return actual === expected ? [] : [`${what}: ${String(actual)} != expected ${String(expected)}`];
}

function leaf(data: number[] | number[][], dtype: tg.DTypeLike = tg.float32): Tensor {
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
function copyInto(dtype: tg.DTypeLike): unknown[] {
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
  'item17/mseLoss-int': () => F.mseLoss(i32([1, 2]), i32([1, 3])),
  'item17/mseLoss-float-int': () => F.mseLoss(tg.tensor([1, 3]), i32([1, 2])),
  'item17/smoothL1Loss-int': () => F.smoothL1Loss(i32([1, 2]), i32([1, 3])),
  'item17/huberLoss-int': () => F.huberLoss(i32([1, 2]), i32([1, 3])),
  'item17/l1Loss-int': () => F.l1Loss(i32([1, 2]), i32([1, 3])),
  'item17/bce-int-target': () => F.binaryCrossEntropy(tg.tensor([0.5, 0.5]), i32([1, 0])),
  'item17/bce-f64-target': () => F.binaryCrossEntropy(tg.tensor([0.5, 0.5]), tg.tensor([1, 0], { dtype: 'float64' })),
  'item17/bceWithLogits-int-target': () => F.binaryCrossEntropyWithLogits(tg.tensor([1, 3]), i32([1, 0])),
  'item17/bceWithLogits-int-input': () => F.binaryCrossEntropyWithLogits(i32([1, 3]), tg.tensor([1, 0])),
  'item17/nllLoss-int': () => F.nllLoss(tg.ones([2, 3], { dtype: 'int32' }), i32([0, 1])),
  'item17/crossEntropy-int': () => F.crossEntropy(tg.ones([2, 3], { dtype: 'int32' }), i32([0, 1])),
  'item17/crossEntropy-weight-dtype': () => F.crossEntropy(tg.ones([2, 3], { dtype: 'float64' }), i32([0, 1]), { weight: tg.ones(3) }),
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

// ---- item 20 ----
/** PyTorch's group options that tensorgrad does not have (it behaves as their defaults). */
const TORCH_ONLY_OPTIONS = ['foreach', 'capturable', 'differentiable', 'fused'];

/** A JSON tree from pytorch-cases.json with its tensor specs made tensors (a loaded checkpoint). */
function decodeTree(v: Expected): unknown {
  if (Array.isArray(v)) return v.map(decodeTree);
  if (v !== null && typeof v === 'object') {
    if ('shape' in v) return makeTensor(v as TensorSpec);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeTree(x)]));
  }
  return v;
}

const OPTIMIZERS: Record<string, (params: Tensor[]) => tg.optim.Optimizer<{ lr: number }>> = {
  SGD: (p) => new tg.optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true }),
  'SGD-plain': (p) => new tg.optim.SGD(p, { lr: 0.1 }),
  Adam: (p) => new tg.optim.Adam(p, { lr: 0.1, betas: [0.8, 0.99] }),
  'AdamW-amsgrad': (p) => new tg.optim.AdamW(p, { lr: 0.1, amsgrad: true }),
  RMSprop: (p) => new tg.optim.RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true }),
  Adagrad: (p) => new tg.optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01 }),
};

/** Our stateDict() after two steps (compared with PyTorch's, minus the options tensorgrad does
 * not have), our w after them, and w3: PyTorch's checkpoint loaded and stepped once more. */
function checkpointCase(name: string): Record<string, unknown> {
  const checkpoint = decodeTree(CASES[`item20/${name}`]) as { stateDict: tg.optim.OptimizerStateDict }; // with PyTorch's foreach etc.
  const expected = CASES[`item20/${name}`] as { stateDict: { param_groups: Record<string, Expected>[] }; w2: TensorSpec };
  for (const g of expected.stateDict.param_groups) for (const k of TORCH_ONLY_OPTIONS) delete g[k];
  const c = tg.tensor([0.5, 1, 2]);
  const train = (w: Tensor, opt: tg.optim.Optimizer<{ lr: number }>, steps: number): void => {
    for (let i = 0; i < steps; ++i) {
      opt.zeroGrad();
      w.mul(w).mul(c).sum().backward();
      opt.step();
    }
  };
  const w = leaf([1, -2, 3]);
  const opt = OPTIMIZERS[name]([w]);
  train(w, opt, 2);
  const resumed = makeTensor(expected.w2).requiresGrad_();
  const opt2 = OPTIMIZERS[name]([resumed]);
  opt2.loadStateDict(checkpoint.stateDict);
  train(resumed, opt2, 1);
  return { stateDict: opt.stateDict(), w2: w, w3: resumed };
}
for (const name of Object.keys(OPTIMIZERS)) PROGRAMS[`item20/${name}`] = () => checkpointCase(name);

// ---- item 19 ----
/** What console.log prints for one value (Node's util.inspect), with Node's spaces inside
 * brackets ("[ a, b ]") written as Python's ("[a, b]"). */
const printed = (v: unknown): string => (typeof v === 'string' ? v : inspect(v).replace(/^\[ (.*) \]$/s, '[$1]'));
/** What console.log prints for a one-line record, written as Python prints a dict: Node's
 * "{ a: x }" as "{'a': x}" (the values are what is compared). */
const printedRecord = (v: Record<string, unknown>): string => inspect(v).replace(/^\{ (.*) \}$/s, '{$1}').replace(/(^\{|, )(\w+): /g, "$1'$2': ");
const DTYPES19 = [tg.float32, tg.float64, tg.int32, tg.int64, tg.bool];
/** tensorgrad's index tensors are int32 where PyTorch's are int64, so their repr names the dtype. */
const asInt64Repr = (text: string): string => text.replace(/, dtype=torch\.int32\)/g, ')');
const X19 = (): Tensor =>
  tg.tensor([
    [1, 5, 2],
    [3, 2, 0.5],
  ]);
function loadResult(strict: boolean, extra: boolean): string {
  const m = new tg.nn.Linear(2, 1);
  const sd: Record<string, Tensor> = m.stateDict();
  if (extra) {
    delete sd.bias;
    sd.other = tg.zeros(1);
  }
  return printed(m.loadStateDict(sd, { strict }));
}
const W19 = (): Tensor[] => [tg.zeros([2], { requiresGrad: true })];
/** PyTorch's print of an optimizer without the options tensorgrad does not have. */
function withoutTorchOnlyOptions(text: string): string {
  return text
    .split('\n')
    .filter((line) => !TORCH_ONLY_OPTIONS.some((k) => line.startsWith(`    ${k}: `)))
    .join('\n');
}
Object.assign(PROGRAMS, {
  'item19/print-shape': () => printed(tg.zeros(8, 4).shape),
  'item19/print-shape-0d': () => printed(tg.zeros([]).shape),
  'item19/print-size': () => printed(tg.zeros(2, 0, 3).size()),
  'item19/print-list-of-shapes': () => printed([tg.zeros(2).shape, tg.zeros(1, 1).shape]),
  'item19/print-device': () => printed(tg.zeros(1).device),
  'item19/print-list-of-devices': () => printed([tg.zeros(1).device]),
  'item19/fstring-device': () => `${tg.zeros(1).device}`,
  'item19/print-dtype': () => printed(tg.zeros(1).dtype),
  'item19/print-list-of-dtypes': () => printed(DTYPES19),
  'item19/print-dict-of-dtype': () => printedRecord({ dtype: tg.zeros(1, { dtype: tg.int64 }).dtype }),
  'item19/fstring-dtype': () => `${tg.zeros(1, { dtype: tg.float64 }).dtype}`,
  'item19/concat-dtype': () => 'dtype: ' + tg.zeros(1, { dtype: tg.bool }).dtype,
  'item19/dtype-is-singleton': () => [tg.zeros(1).dtype === tg.float32, tg.zeros(1).double().dtype === tg.float64, tg.zeros(1).gt(0).dtype === tg.bool],
  'item19/dtype-properties': () => DTYPES19.map((d) => [d.isFloatingPoint, d.isSigned]),
  'item19/dtype-itemsize': () => DTYPES19.map((d) => d.itemsize),
  'item19/print-max-dim': () => asInt64Repr(printed(X19().max(1))),
  'item19/print-min-dim-keepdim': () => asInt64Repr(printed(X19().min(0, true))),
  'item19/print-max-dim-grad': () => asInt64Repr(printed(X19().requiresGrad_().max(1))),
  'item19/print-loadStateDict': () => loadResult(true, false),
  'item19/print-loadStateDict-nonstrict': () => loadResult(false, true),
  'item19/print-SGD': () => printed(new tg.optim.SGD(W19(), { lr: 0.1, momentum: 0.9 })),
  'item19/print-Adam': () => printed(new tg.optim.Adam(W19(), { lr: 0.01, betas: [0.8, 0.99] })),
  'item19/print-Adam-two-groups': () => printed(new tg.optim.Adam([{ params: W19() }, { params: W19(), lr: 0.5 }], { lr: 1e-3 })),
  'item19/print-gradFn': () => printed(leaf([1]).add(1).gradFn),
});

// ---- item 21 ----
function deepcopyCase(): unknown {
  const m = new tg.nn.Linear(2, 1);
  tg.noGrad(() => {
    m.weight.copy_(tg.tensor([[0.5, -1]]));
    m.bias!.fill_(0.25);
  });
  const saved = tg.cloneStateDict(m.stateDict());
  const o = new tg.optim.SGD(m.parameters(), { lr: 0.1 });
  m.forward(tg.tensor([[1, 2]])).sum().backward();
  o.step();
  const after = [m.weight.detach().clone(), m.bias!.detach().clone()];
  m.loadStateDict(saved);
  return [after, [m.weight, m.bias], [saved.weight, saved.bias]];
}
const range = (n: number): tg.data.Dataset<number> => ({ length: n, get: (i: number) => i });
const splitIndices = (subsets: tg.data.Subset<number>[]): number[][] => subsets.map((s) => [...s.indices]);
Object.assign(PROGRAMS, {
  'item21/deepcopy-state-dict': deepcopyCase,
  'item21/randomSplit-42': () => splitIndices(tg.data.randomSplit(range(10), [3, 7], { generator: new tg.Generator().manualSeed(42) })),
  'item21/randomSplit-fractions': () => splitIndices(tg.data.randomSplit(range(11), [0.3, 0.3, 0.4], new tg.Generator().manualSeed(7))), // positional, as PyTorch's
  'item21/randomSplit-default-generator': () => {
    tg.manualSeed(3);
    return splitIndices(tg.data.randomSplit(range(6), [2, 4]));
  },
  'item21/randomSplit-bad-lengths': () => tg.data.randomSplit(range(5), [2, 2]),
  'item21/Subset-TensorDataset': () => {
    const s = new tg.data.Subset(new tg.data.TensorDataset(tg.tensor([[1, 2], [3, 4], [5, 6]]), tg.tensor([7, 8, 9], { dtype: 'int32' })), [2, 0]);
    return [s.length, s.get(1)];
  },
});

// PyTorch prints the options tensorgrad does not have (foreach, ...); the rest must match.
for (const id of ['item19/print-SGD', 'item19/print-Adam', 'item19/print-Adam-two-groups']) CASES[id] = withoutTorchOnlyOptions(CASES[id] as string);

/** Where tensorgrad differs from PyTorch by design: what it gives instead, and why. */
const DIFFERENT_BY_DESIGN: Record<string, { ours: unknown; why: string }> = {};

/** Runs a program; a thrown error becomes {error: message} (first line, without tensorgrad's "op: " prefix). */
function run(program: () => unknown): unknown {
  try {
    return program();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

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
      // PyTorch starts some messages with "op(): ", where tensorgrad's start with "op: ".
      const wanted = (expected as { error: string }).error.replace(/^\w+\(\): /, '');
      problems = message?.includes(wanted) ? [] : [`expected the error "${wanted}", got ${message ?? String(actual)}`];
    } else {
      problems = compare(actual, expected, id);
    }
    if (id in DIFFERENT_BY_DESIGN) {
      expect(problems, `${id} now matches PyTorch: remove it from DIFFERENT_BY_DESIGN`).not.toEqual([]);
      expect(actual).toEqual(DIFFERENT_BY_DESIGN[id].ours);
    } else {
      expect(problems).toEqual([]);
    }
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

describe('issue 12 item 19: a Size behaves as an array', () => {
  test('index, spread, length, equality, JSON, derived arrays plain, passed back as a shape', () => {
    const x = tg.zeros(8, 4);
    const s = x.shape;
    expect(s).toBeInstanceOf(tg.Size);
    expect(Array.isArray(s)).toBe(true);
    expect([s[0], s[1], s.length, [...s]]).toEqual([8, 4, 2, [8, 4]]);
    expect(s).toEqual([8, 4]);
    expect(JSON.stringify(s)).toBe('[8,4]');
    expect(s.numel()).toBe(32);
    expect(s.slice().constructor).toBe(Array);
    expect(x.shape).toBe(s); // made once
    expect(tg.ones(x.shape).shape).toEqual([8, 4]);
    expect(tg.zeros(6).reshape(tg.zeros(3, 2).shape).shape).toEqual([3, 2]);
  });
});
