// The elementwise ops, one spec each (lib/ops/registry.ts): the public signatures with
// their JSDoc, then the specs. Everything this module exports is public (lib/index.ts
// re-exports it whole), so a new op is its spec here and its kernel row in
// native/ops.table. The binary arithmetic ops and the helpers the specs share (type
// promotion, the unary kernel-op shape) are in ./arith.
import { Tensor, type TensorOrScalar } from '../tensor';
import { isFloating } from '../dtype';
import { is, opTypeError, optional, required } from '../check';
import { BinaryOp, UnaryOp } from '../native/table';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';
import {
  binaryOut, clampFloat, clampInt, compareSpec, input, pow, prepare, reluFloat, thresholdBackward, toDType, unarySpec, zerosLike, type UnaryFn,
} from './arith';
import { checkTensor } from './movement';

export { add, sub, mul, div, pow, maximum, minimum, where, isclose, allclose } from './arith';
export type { CloseOptions } from './arith';

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
  /** Limits x to [min, max] elementwise; either bound may be null, not both (torch.clamp). */
  clamp: (input: Tensor, min?: number | null, max?: number | null, options?: { min?: number | null; max?: number | null }) => Tensor;
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
      if (x.dtype === 'int32') return clampInt(x, 0, null);
      if (x.dtype === 'bool') throw opTypeError('relu', 'Boolean inputs not supported for relu\nHint: a mask is already >= 0; convert it if you need numbers, e.g. x.float()');
      return reluFloat(x);
    },
  }),
  square: defineSpec({ name: 'square', params: [input], forward: (x: Tensor) => pow(x, 2) }),
  clamp: defineSpec({
    name: 'clamp',
    params: [input, optional('min', is.numberOrNull, null, -0.5), optional('max', is.numberOrNull, null, 0.5)],
    forward: (x: Tensor, lo: number | null, hi: number | null) => {
      if (lo === null && hi === null) throw opTypeError('clamp', "At least one of 'min' or 'max' must not be None");
      // Integer bounds keep an integer tensor integer; a bool tensor becomes int32 (PyTorch: int64).
      if (!isFloating(x.dtype) && (lo === null || Number.isInteger(lo)) && (hi === null || Number.isInteger(hi))) {
        return clampInt(x.dtype === 'bool' ? toDType(x, 'int32') : x, lo, hi);
      }
      return clampFloat(isFloating(x.dtype) ? x : toDType(x, 'float32'), lo ?? -Infinity, hi ?? Infinity);
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
  atan2: defineSpec({
    name: 'atan2',
    gradFn: 'Atan2Backward0',
    params: [input, required('other', (v, op, name) => checkTensor(op, v, name))],
    prepare: (a: Tensor, b: Tensor) => prepare('atan2', a, b, 'float').slice(0, 2) as [Tensor, Tensor],
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
declare module '../tensor' {
  interface Tensor extends MethodsFor<ElementwiseFns> {}
}
export const {
  neg, abs, sign, exp, log, sqrt, sin, cos, tanh, sigmoid, reciprocal, log1p, expm1, erf, relu, square, clamp,
  gt, lt, ge, le, eq, ne, logicalAnd, logicalOr, logicalNot, atan2,
} = functionsOf(elementwiseOps);
