// The elementwise ops, one spec each (lib/ops/registry.ts): the public signatures with
// their JSDoc, then the specs. Everything this module exports is public (lib/index.ts
// re-exports it whole), so a new op is its spec here and its kernel row in
// native/ops.table. The binary arithmetic ops and the helpers the specs share (type
// promotion, the unary kernel-op shape) are in ./arith.
import { Tensor, type TensorOrScalar } from '../tensor';
import { bool, float32, float64, int32, isFloating, isIntegral } from '../dtype';
import { checkFloatDType, checkNumber, fmtValue, is, lazyExample, opTypeError, optional, required } from '../check';
import { tensor } from './creation';
import type { DType } from '../dtype';
import { broadcastShapes } from '../layout';
import { BinaryOp, UnaryOp } from '../native/table';
import { defineSpec, functionsOf, installMethods, type Grads, type MethodsFor, type SpecsFor } from './registry';
import {
  binaryOut, clampFloat, clampInt, compareSpec, input, maximum as tg_maximum, minimum as tg_minimum, pow, promote, reluFloat,
  thresholdBackward, toDType, unarySpec, where, zerosLike, type UnaryFn,
} from './arith';
import { checkTensor } from './movement';

export { add, sub, mul, div, pow, maximum, minimum, where, isclose, allclose } from './arith';
export type { ArithFns, CloseOptions } from './arith';

/** An elementwise comparison with broadcasting: a bool tensor of the broadcast shape.
 * @inline */
type Compare = (input: Tensor, other: TensorOrScalar) => Tensor;

/** The public signatures of the elementwise unary ops and comparisons (Tensor methods and
 * tg.* functions); their specs follow. */
export interface ElementwiseFns {
  /** -x, elementwise (torch.neg). */
  neg: UnaryFn;
  /** |x|, elementwise (torch.abs). */
  abs: UnaryFn;
  /** -1, 0 or 1 by the sign of x (0 for NaN, as PyTorch), elementwise (torch.sign). */
  sign: UnaryFn;
  /** e^x, elementwise (torch.exp). */
  exp: UnaryFn;
  /** The natural logarithm, elementwise (torch.log). */
  log: UnaryFn;
  /** √x, elementwise (torch.sqrt). */
  sqrt: UnaryFn;
  /** sin x, elementwise (torch.sin). */
  sin: UnaryFn;
  /** cos x, elementwise (torch.cos). */
  cos: UnaryFn;
  /** tanh x, elementwise (torch.tanh). */
  tanh: UnaryFn;
  /** 1 / (1 + e^-x), elementwise (torch.sigmoid). */
  sigmoid: UnaryFn;
  /** 1 / x, elementwise (torch.reciprocal). */
  reciprocal: UnaryFn;
  /** log(1 + x), accurate near 0, elementwise (torch.log1p). */
  log1p: UnaryFn;
  /** e^x - 1, accurate near 0, elementwise (torch.expm1). */
  expm1: UnaryFn;
  /** The error function, elementwise (torch.erf). */
  erf: UnaryFn;
  /** max(x, 0), elementwise (torch.relu). */
  relu: UnaryFn;
  /** x ** 2, elementwise (torch.square; PyTorch records it as pow: PowBackward0). */
  square: UnaryFn;
  /** Limits x to [min, max] elementwise; either bound may be null, not both (torch.clamp).
   * Bounds are numbers or tensors that broadcast with x (then min(max(x, min), max): where
   * min > max, max). */
  clamp: (
    input: Tensor,
    min?: number | Tensor | null,
    max?: number | Tensor | null,
    options?: { min?: number | Tensor | null; max?: number | Tensor | null },
  ) => Tensor;
  /** a > b, elementwise with broadcasting: a bool tensor (torch.gt). */
  gt: Compare;
  /** a < b, elementwise with broadcasting: a bool tensor (torch.lt). */
  lt: Compare;
  /** a >= b, elementwise with broadcasting: a bool tensor (torch.ge). */
  ge: Compare;
  /** a <= b, elementwise with broadcasting: a bool tensor (torch.le). */
  le: Compare;
  /** a == b, elementwise with broadcasting: a bool tensor (torch.eq). */
  eq: Compare;
  /** a != b, elementwise with broadcasting: a bool tensor (torch.ne). */
  ne: Compare;
  /** a && b (nonzero is true), elementwise with broadcasting: a bool tensor (torch.logical_and). */
  logicalAnd: Compare;
  /** a || b (nonzero is true), elementwise with broadcasting: a bool tensor (torch.logical_or). */
  logicalOr: Compare;
  /** !x (zero is true), elementwise: a bool tensor (torch.logical_not). */
  logicalNot: UnaryFn;
  /** 1 / √x (PyTorch's rsqrt). */
  rsqrt: UnaryFn;
  /** sinh x */
  sinh: UnaryFn;
  /** cosh x */
  cosh: UnaryFn;
  /** arcsin x, in [-π/2, π/2] (NaN outside [-1, 1]). */
  asin: UnaryFn;
  /** arccos x, in [0, π] (NaN outside [-1, 1]). */
  acos: UnaryFn;
  /** arctan x, in (-π/2, π/2). */
  atan: UnaryFn;
  /** The largest integer <= x (int32 stays int32); the gradient is 0. */
  floor: UnaryFn;
  /** The smallest integer >= x (int32 stays int32); the gradient is 0. */
  ceil: UnaryFn;
  /** x rounded to the nearest integer, halves to even (round(2.5) = 2, as PyTorch); the gradient is 0. */
  round: UnaryFn;
  /** log(e^input + e^other), elementwise with broadcasting, stable for large magnitudes (PyTorch's logaddexp). */
  logaddexp: (input: Tensor, other: Tensor) => Tensor;
  /** input + weight · (end - input), elementwise with broadcasting; weight a number or a
   * tensor (PyTorch's lerp). */
  lerp: (input: Tensor, end: Tensor, weight: number | Tensor) => Tensor;
  /** atan2(input, other): the angle of the point (other, input) in (-π, π], elementwise
   * with broadcasting (integer inputs give float32) (torch.atan2). */
  atan2: (input: Tensor, other: Tensor) => Tensor;
}

const elementwiseOps: SpecsFor<ElementwiseFns> = {
  neg: unarySpec('neg', {
    gradFn: 'NegBackward0',
    code: UnaryOp.Neg,
    save: null,
    grad: (g) => g.neg(),
    bool:
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or ' +
      '`logical_not()` operator instead.\nHint: x.logicalNot() inverts a mask.',
  }),
  abs: unarySpec('abs', {
    gradFn: 'AbsBackward0',
    code: UnaryOp.Abs,
    save: 'x',
    grad: (g, x) => g.mul(x.sign()),
    bool: `"abs_cpu" not implemented for 'Bool'\nHint: a bool tensor is its own absolute value; convert first if you need numbers, e.g. x.int()`,
  }),
  sign: unarySpec('sign', { gradFn: 'SignBackward0', code: UnaryOp.Sign, save: null, grad: (g) => zerosLike(g), bool: 'identity' }),
  exp: unarySpec('exp', { gradFn: 'ExpBackward0', code: UnaryOp.Exp, save: 'out', grad: (g, y) => g.mul(y) }),
  log: unarySpec('log', { gradFn: 'LogBackward0', code: UnaryOp.Log, save: 'x', grad: (g, x) => g.div(x) }),
  sqrt: unarySpec('sqrt', { gradFn: 'SqrtBackward0', code: UnaryOp.Sqrt, save: 'out', grad: (g, y) => g.div(y.mul(2)) }),
  sin: unarySpec('sin', { gradFn: 'SinBackward0', code: UnaryOp.Sin, save: 'x', grad: (g, x) => g.mul(x.cos()) }),
  cos: unarySpec('cos', { gradFn: 'CosBackward0', code: UnaryOp.Cos, save: 'x', grad: (g, x) => g.mul(x.sin().neg()) }),
  tanh: unarySpec('tanh', { gradFn: 'TanhBackward0', code: UnaryOp.Tanh, save: 'out', grad: (g, y) => g.mul(y.mul(y).neg().add(1)) }),
  sigmoid: unarySpec('sigmoid', {
    gradFn: 'SigmoidBackward0',
    code: UnaryOp.Sigmoid,
    save: 'out',
    grad: (g, y) => g.mul(y.neg().add(1)).mul(y),
  }),
  reciprocal: unarySpec('reciprocal', {
    gradFn: 'ReciprocalBackward0',
    code: UnaryOp.Reciprocal,
    save: 'out',
    grad: (g, y) => g.neg().mul(y.mul(y)),
  }),
  log1p: unarySpec('log1p', { gradFn: 'Log1PBackward0', code: UnaryOp.Log1p, save: 'x', grad: (g, x) => g.div(x.add(1)) }),
  expm1: unarySpec('expm1', { gradFn: 'Expm1Backward0', code: UnaryOp.Expm1, save: 'out', grad: (g, y) => g.mul(y.add(1)) }),
  erf: unarySpec('erf', {
    gradFn: 'ErfBackward0',
    code: UnaryOp.Erf,
    save: 'x',
    grad: (g, x) => g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI))),
  }),
  relu: defineSpec({
    name: 'relu',
    params: [input],
    forward: (x: Tensor) => {
      if (isIntegral(x.dtype)) return clampInt(x, 0, null);
      if (x.dtype === bool) throw opTypeError('relu', 'Boolean inputs not supported for relu\nHint: a mask is already >= 0; convert it if you need numbers, e.g. x.float()');
      return reluFloat(x);
    },
  }),
  square: defineSpec({ name: 'square', params: [input], forward: (x: Tensor) => pow(x, 2) }),
  clamp: defineSpec({
    name: 'clamp',
    params: [input, optional('min', clampBound, null, -0.5), optional('max', clampBound, null, 0.5)],
    forward: (x: Tensor, lo: number | Tensor | null, hi: number | Tensor | null) => {
      if (lo === null && hi === null) throw opTypeError('clamp', "At least one of 'min' or 'max' must not be None");
      if (lo instanceof Tensor || hi instanceof Tensor) return clampByTensors(x, lo, hi);
      // Integer bounds keep an integer tensor integer; a bool tensor becomes int32 (PyTorch: int64).
      if (!isFloating(x.dtype) && (lo === null || Number.isInteger(lo)) && (hi === null || Number.isInteger(hi))) {
        return clampInt(x.dtype === bool ? toDType(x, int32) : x, lo, hi);
      }
      return clampFloat(isFloating(x.dtype) ? x : toDType(x, float32), lo ?? -Infinity, hi ?? Infinity);
    },
  }),
  gt: compareSpec('gt', BinaryOp.Gt),
  lt: compareSpec('lt', BinaryOp.Lt),
  ge: compareSpec('ge', BinaryOp.Ge),
  le: compareSpec('le', BinaryOp.Le),
  eq: compareSpec('eq', BinaryOp.Eq),
  ne: compareSpec('ne', BinaryOp.Ne),
  logicalAnd: compareSpec('logicalAnd', BinaryOp.LogicalAnd),
  logicalOr: compareSpec('logicalOr', BinaryOp.LogicalOr),
  logicalNot: defineSpec({ name: 'logicalNot', params: [input], forward: (x: Tensor) => eq(x, 0) }),
  rsqrt: unarySpec('rsqrt', { gradFn: 'RsqrtBackward0', code: UnaryOp.Rsqrt, save: 'out', grad: (g, y) => g.mul(y.pow(3)).mul(-0.5) }),
  sinh: unarySpec('sinh', { gradFn: 'SinhBackward0', code: UnaryOp.Sinh, save: 'x', grad: (g, x) => g.mul(x.cosh()) }),
  cosh: unarySpec('cosh', { gradFn: 'CoshBackward0', code: UnaryOp.Cosh, save: 'x', grad: (g, x) => g.mul(x.sinh()) }),
  // d/dx asin x = 1 / √(1 - x²), d/dx acos x = -1 / √(1 - x²), d/dx atan x = 1 / (1 + x²).
  asin: unarySpec('asin', { gradFn: 'AsinBackward0', code: UnaryOp.Asin, save: 'x', grad: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()) }),
  acos: unarySpec('acos', { gradFn: 'AcosBackward0', code: UnaryOp.Acos, save: 'x', grad: (g, x) => g.mul(x.mul(x).neg().add(1).rsqrt()).neg() }),
  atan: unarySpec('atan', { gradFn: 'AtanBackward0', code: UnaryOp.Atan, save: 'x', grad: (g, x) => g.div(x.mul(x).add(1)) }),
  floor: unarySpec('floor', { gradFn: 'FloorBackward0', code: UnaryOp.Floor, save: null, grad: (g) => zerosLike(g), integer: 'identity' }),
  ceil: unarySpec('ceil', { gradFn: 'CeilBackward0', code: UnaryOp.Ceil, save: null, grad: (g) => zerosLike(g), integer: 'identity' }),
  round: unarySpec('round', { gradFn: 'RoundBackward0', code: UnaryOp.Round, save: null, grad: (g) => zerosLike(g), integer: 'identity' }),
  logaddexp: defineSpec({
    name: 'logaddexp',
    gradFn: 'LogaddexpBackward0',
    params: [input, required('other', (v, op, name) => checkTensor(op, v, name))],
    prepare: (a: Tensor, b: Tensor) => promote('logaddexp', a, b, 'float') as [Tensor, Tensor],
    forward: (a: Tensor, b: Tensor) => binaryOut('logaddexp', BinaryOp.Logaddexp, a, b, a.dtype),
    save: (out, a, b) => ({ a, b }),
    // PyTorch's: d/da = 1 / (1 + e^(b - a)), d/db = 1 / (1 + e^(a - b)) (a -inf side gets 0, ties half each).
    backward: (g, { a, b }, [needA, needB]) => [
      needA ? g.div(b.sub(a).exp().add(1)) : null,
      needB ? g.div(a.sub(b).exp().add(1)) : null,
    ],
  }),
  lerp: defineSpec({
    name: 'lerp',
    params: [input, lazyExample(required('end', (v, op, name) => checkTensor(op, v, name)), () => tensor([2, -1, 0.5])), required('weight', is.any, 0.25)],
    forward: (a: Tensor, end: Tensor, weight: unknown) => {
      if (weight instanceof Tensor) return lerpTensorWeight(...lerpOperands(a, end, weight) as [Tensor, Tensor, Tensor]);
      return lerpNumberWeight(...(lerpOperands(a, end) as [Tensor, Tensor]), checkNumber('lerp', 'weight', weight));
    },
  }),
  atan2: defineSpec({
    name: 'atan2',
    gradFn: 'Atan2Backward0',
    params: [input, required('other', (v, op, name) => checkTensor(op, v, name))],
    prepare: (a: Tensor, b: Tensor) => promote('atan2', a, b, 'float') as [Tensor, Tensor],
    forward: (a: Tensor, b: Tensor) => binaryOut('atan2', BinaryOp.Atan2, a, b, a.dtype),
    save: (out, a, b) => ({ a, b }),
    // PyTorch's atan2_backward: with r = 1 / (a² + b²), d/da = b·r and d/db = -a·r.
    backward: (g, { a, b }, [needA, needB]) => {
      const r = a.mul(a).add(b.mul(b)).reciprocal();
      return [needA ? g.mul(b.mul(r)) : null, needB ? g.mul(a.neg().mul(r)) : null];
    },
  }),
};
installMethods(elementwiseOps);

// ---- clamp with tensor bounds --------------------------------------------------------------

function clampBound(v: unknown, op: string, name: string): number | Tensor | null {
  if (v === null || typeof v === 'number' || v instanceof Tensor) return v;
  throw opTypeError(op, `${name} must be a number, a Tensor or null, got ${fmtValue(v)}`);
}

const clampTensorOp = defineSpec<(x: Tensor, lo: Tensor | null, hi: Tensor | null) => Tensor, [Tensor, Tensor | null, Tensor | null], { x: Tensor; lo: Tensor | null; hi: Tensor | null }>({
  name: 'clamp',
  gradFn: 'ClampBackward0',
  params: [input, required('min', is.any), required('max', is.any)],
  forward: (x, lo, hi) => {
    let out = x;
    if (lo) out = tg_maximum(out, lo);
    if (hi) out = tg_minimum(out, hi);
    return out === x ? x.clone() : out;
  },
  save: (out, x, lo, hi) => ({ x, lo, hi }),
  // PyTorch's clamp_backward_min_max: x where min <= x <= max; min where x < min < max;
  // max where x > max or max < min (crossed bounds give max).
  backward: (g, { x, lo, hi }, need) => {
    // One gradient per tensor argument: x, then the bounds that are tensors.
    const [needX, needLo, needHi] = [need[0], lo ? need[1] : false, hi ? need[lo ? 2 : 1] : false];
    const grads: Grads = [needX ? where(lo && hi ? x.ge(lo).logicalAnd(x.le(hi)) : lo ? x.ge(lo) : x.le(hi!), g, 0) : null];
    if (lo) grads.push(needLo ? where(hi ? x.lt(lo).logicalAnd(lo.lt(hi)) : x.lt(lo), g, 0) : null);
    if (hi) grads.push(needHi ? where(lo ? x.gt(hi).logicalOr(hi.lt(lo)) : x.gt(hi), g, 0) : null);
    return grads;
  },
});

/** clamp with a tensor bound: both bounds become tensors of the common floating dtype
 * (a number bound a 0-d tensor; PyTorch refuses to mix the two). */
function clampByTensors(x: Tensor, lo: number | Tensor | null, hi: number | Tensor | null): Tensor {
  const bounds = [lo, hi].filter((b): b is Tensor => b instanceof Tensor);
  const dtype = [x, ...bounds].some((t) => t.dtype === float64) ? float64 : [x, ...bounds].every((t) => t.dtype === int32) ? int32 : float32;
  const asTensor = (b: number | Tensor | null) => (b === null ? null : b instanceof Tensor ? (b.dtype === dtype ? b : toDType(b, dtype)) : tensorOf(b, dtype));
  for (const b of bounds) broadcastShapes('clamp', x._shape, b._shape);
  return clampTensorOp.call(x.dtype === dtype ? x : toDType(x, dtype), asTensor(lo), asTensor(hi));
}

function tensorOf(value: number, dtype: DType): Tensor {
  const t = Tensor._empty([], dtype);
  t.typedArray()[0] = value;
  return t;
}

// ---- lerp -------------------------------------------------------------------------------------

/** lerp's operands, checked: floating tensors of one dtype that broadcast together (PyTorch does not promote). */
function lerpOperands(...ts: Tensor[]): Tensor[] {
  ts.forEach((t) => checkFloatDType('lerp', t.dtype, t === ts[0] ? 'input' : t === ts[1] ? 'end' : 'weight'));
  const other = ts.find((t) => t.dtype !== ts[0].dtype);
  if (other) throw opTypeError('lerp', `expected dtype ${ts[0].dtype} for all operands but got ${other.dtype}\nHint: convert them to one dtype first, e.g. end.to(input.dtype)`);
  ts.reduce<readonly number[]>((shape, t) => broadcastShapes('lerp', shape, t._shape), []);
  return ts;
}

/** PyTorch's lerp kernel: a + w·(b - a) for |w| < 0.5, else b - (b - a)·(1 - w) (exact at w = 1). */
function lerpValue(a: Tensor, b: Tensor, w: number | Tensor): Tensor {
  const d = b.sub(a);
  if (typeof w === 'number') return Math.abs(w) < 0.5 ? a.add(d.mul(w)) : b.sub(d.mul(1 - w));
  return where(w.abs().lt(0.5), a.add(d.mul(w)), b.sub(d.mul(w.neg().add(1))));
}

const lerpNumberWeight = defineSpec<(a: Tensor, b: Tensor, w: number) => Tensor, [Tensor, Tensor, number], { w: number }>({
  name: 'lerp',
  gradFn: 'LerpBackward0',
  params: [input, required('end', is.any), required('weight', is.number)],
  forward: lerpValue,
  save: (out, a, b, w) => ({ w }),
  backward: (g, { w }, [needA, needB]) => [needA ? g.mul(1 - w) : null, needB ? g.mul(w) : null],
}).call;

const lerpTensorWeight = defineSpec<(a: Tensor, b: Tensor, w: Tensor) => Tensor, [Tensor, Tensor, Tensor], { a: Tensor; b: Tensor; w: Tensor }>({
  name: 'lerp',
  gradFn: 'LerpBackward1',
  params: [input, required('end', is.any), required('weight', is.any)],
  forward: lerpValue,
  save: (out, a, b, w) => ({ a, b, w }),
  backward: (g, { a, b, w }, [needA, needB, needW]) => [
    needA ? g.mul(w.neg().add(1)) : null,
    needB ? g.mul(w) : null,
    needW ? g.mul(b.sub(a)) : null,
  ],
}).call;
declare module '../tensor' {
  interface Tensor extends MethodsFor<ElementwiseFns> {}
}
export const {
  neg, abs, sign, exp, log, sqrt, sin, cos, tanh, sigmoid, reciprocal, log1p, expm1, erf, relu, square, clamp,
  gt, lt, ge, le, eq, ne, logicalAnd, logicalOr, logicalNot, atan2,
  rsqrt, sinh, cosh, asin, acos, atan, floor, ceil, round, logaddexp, lerp,
} = functionsOf(elementwiseOps);
