// Elementwise ops with broadcasting and PyTorch's type promotion. Each op is one
// defineOp: the kernel call for forward, the gradient formula (in Tensor ops, so it is
// differentiable again) for backward. The engine sums gradients back to input shapes.
import { Tensor, type TensorOrScalar } from '../tensor';
import { isDType, isFloating, numberDType, resultType, type DType, type PromotionOperand } from '../dtype';
import { defineOp } from '../autograd/function';
import { gradMode } from '../autograd/grad_mode';
import { checkInt32Value, fmtValue, opTypeError } from '../check';
import { broadcastShapes } from '../layout';
import * as kernels from '../backend';
import { BinaryOp, UNARY_OPS, UnaryOp } from '../native/binding';
import { checkTensor } from './movement';

export { isDType as isDTypeName };

function promotion(x: TensorOrScalar): PromotionOperand {
  return x instanceof Tensor ? { dtype: x.dtype, rank: x.ndim === 0 ? 'zero-dim' : 'dim' } : { dtype: numberDType(x), rank: 'number' };
}

function checkOperand(op: string, x: unknown, name: string): TensorOrScalar {
  if (x instanceof Tensor || typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  throw opTypeError(op, `${name} must be a Tensor or a number, got ${fmtValue(x)}`);
}

const toDTypeOp = defineOp({
  name: 'ToCopyBackward0',
  forward: (ctx, x: Tensor, dtype: DType) => {
    const out = Tensor._output(x.shape.slice(), dtype);
    kernels.copy(out, x);
    return out;
  },
  backward: (ctx, g) => [g], // the engine casts g back to the input's dtype
});

/** x converted to dtype (a copy); differentiable between float types. */
export function toDType(x: Tensor, dtype: DType): Tensor {
  if (!isFloating(dtype) && gradMode.enabled && x.requiresGrad) {
    const prev = gradMode.enabled;
    gradMode.enabled = false;
    try {
      return toDTypeOp(x, dtype);
    } finally {
      gradMode.enabled = prev;
    }
  }
  return toDTypeOp(x, dtype);
}

function castTo(x: TensorOrScalar, dtype: DType): TensorOrScalar {
  return x instanceof Tensor && x.dtype !== dtype ? toDType(x, dtype) : x;
}

/** A number operand of an int32 op must fit (the kernels would otherwise saturate it). */
function checkScalarFits(op: string, x: TensorOrScalar, dtype: DType): void {
  if (typeof x === 'number' && dtype === 'int32') checkInt32Value(op, x);
}

/** Validates a binary op's operands and casts them to their common dtype. 'arith' ops
 * compute in it (not for two bools), 'float' ops (true division) in at least float32,
 * 'logical' ops (comparisons) compare in it. */
function prepare(op: string, a: unknown, b: unknown, kind: 'arith' | 'float' | 'logical' = 'arith'): [Tensor, TensorOrScalar, DType] {
  const x = checkTensor(op, a, 'self');
  const y = checkOperand(op, b, 'other');
  // Fast path (most calls): same dtypes, or a number with a float tensor.
  const xd = x.dtype;
  const keepsDType = isFloating(xd) || kind === 'logical' || (kind === 'arith' && xd === 'int32');
  if ((y instanceof Tensor ? y.dtype === xd : isFloating(xd)) && keepsDType) return [x, y, xd];
  let dtype = resultType([promotion(x), promotion(y)]);
  if (kind === 'float' && !isFloating(dtype)) dtype = 'float32';
  if (kind === 'arith' && dtype === 'bool') {
    throw opTypeError(op, 'arithmetic on bool tensors is not supported; convert first, e.g. x.int() or x.float()');
  }
  checkScalarFits(op, y, dtype);
  return [castTo(x, dtype) as Tensor, castTo(y, dtype), dtype];
}

function binaryOut(op: string, code: number, a: Tensor, b: TensorOrScalar, dtype: DType): Tensor {
  // Shape arrays are never mutated in place, so the output may share its input's.
  const shape = b instanceof Tensor ? broadcastShapes(op, a.shape, b.shape) : a.shape;
  const out = Tensor._output(shape as number[], dtype);
  kernels.binary(code, out, a, b);
  return out;
}

// ---- arithmetic -----------------------------------------------------------------------

/** a + alpha * b or a - alpha * b. b's gradient is (±g) * alpha, as PyTorch computes it. */
function addSubOp(name: string, op: 'add' | 'sub', code: number) {
  return defineOp({
    name,
    forward: (ctx, a: Tensor, b: TensorOrScalar, alpha: number) => {
      ctx.info = alpha;
      const scaled = alpha === 1 ? b : typeof b === 'number' ? b * alpha : binaryOut(op, BinaryOp.Mul, b, alpha, b.dtype);
      return binaryOut(op, code, a, scaled, a.dtype);
    },
    backward: (ctx, g) => {
      const alpha = ctx.info as number;
      const gb = op === 'sub' ? g.neg() : g;
      return [g, alpha === 1 ? gb : gb.mul(alpha)];
    },
  });
}
const addOp = addSubOp('AddBackward0', 'add', BinaryOp.Add);
const subOp = addSubOp('SubBackward0', 'sub', BinaryOp.Sub);

function alphaOf(op: string, options?: { alpha?: number }): number {
  const alpha = options?.alpha ?? 1;
  if (typeof alpha !== 'number') throw opTypeError(op, `alpha must be a number, got ${fmtValue(alpha)}`);
  return alpha;
}

/** a + alpha * b */
export function add(a: Tensor, b: TensorOrScalar, options?: { alpha?: number }): Tensor {
  const [x, y] = prepare('add', a, b);
  return addOp(x, y, alphaOf('add', options));
}

/** a - alpha * b */
export function sub(a: Tensor, b: TensorOrScalar, options?: { alpha?: number }): Tensor {
  const [x, y] = prepare('sub', a, b);
  return subOp(x, y, alphaOf('sub', options));
}

// As PyTorch, each operand is saved for the other's gradient (so an in-place change to
// it before backward is detected); a number operand is kept in info and counts as saved:
// a second backward through a freed graph throws.
const mulOp = defineOp({
  name: 'MulBackward0',
  forward: (ctx, a: Tensor, b: TensorOrScalar) => {
    const [needA, needB] = ctx.needsInputGrad;
    ctx.info = typeof b === 'number' ? b : undefined;
    // Saved: [b, if a needs a gradient] then [a, if b does].
    ctx.saveForBackward(...(needA && b instanceof Tensor ? [b] : []), ...(needB ? [a] : []));
    return binaryOut('mul', BinaryOp.Mul, a, b, a.dtype);
  },
  backward: (ctx, g) => {
    const [needA, needB] = ctx.needsInputGrad;
    const saved = ctx.saved;
    const b = (ctx.info as number | undefined) ?? saved[0];
    return [needA ? g.mul(b) : null, needB ? g.mul(saved[saved.length - 1]) : null];
  },
});

export function mul(a: Tensor, b: TensorOrScalar): Tensor {
  const [x, y] = prepare('mul', a, b);
  return mulOp(x, y);
}

const divOp = defineOp({
  name: 'DivBackward0',
  forward: (ctx, a: Tensor, b: TensorOrScalar) => {
    // Saved as in PyTorch: other for either gradient, self for other's (see mulOp).
    ctx.info = typeof b === 'number' ? b : undefined;
    ctx.saveForBackward(...(b instanceof Tensor ? [b] : []), ...(ctx.needsInputGrad[1] ? [a] : []));
    return binaryOut('div', BinaryOp.Div, a, b, a.dtype);
  },
  backward: (ctx, g) => {
    const [b, a] = ctx.saved;
    const other = (ctx.info as number | undefined) ?? b;
    const ga = ctx.needsInputGrad[0] ? g.div(other) : null;
    const gb = ctx.needsInputGrad[1] ? g.neg().mul(a).div(b.mul(b)) : null;
    return [ga, gb];
  },
});

/** True division (integer tensors give float32). */
export function div(a: Tensor, b: TensorOrScalar): Tensor {
  const [x, y] = prepare('div', a, b, 'float');
  return divOp(x, y);
}

// PyTorch computes these powers exactly as these kernels do (pow_tensor_scalar_kernel),
// and pow(x, 0) and pow(x, 1) as fill(1) and copy.
const POW_SPECIAL: Record<number, number> = { 2: UnaryOp.Square, 3: UnaryOp.Cube, 0.5: UnaryOp.Sqrt, [-1]: UnaryOp.Reciprocal };

const powScalarOp = defineOp({
  name: 'PowBackward0',
  forward: (ctx, x: Tensor, e: number) => {
    ctx.info = e;
    ctx.saveForBackward(x);
    const out = Tensor._output(x.shape.slice(), x.dtype);
    const special = POW_SPECIAL[e];
    if (special !== undefined && isFloating(x.dtype)) kernels.unary(special, out, x);
    else if (e === 2) kernels.unary(UnaryOp.Square, out, x);
    else if (e === 1) kernels.copy(out, x);
    else if (e === 0) kernels.fill(out, 1);
    else kernels.binary(BinaryOp.Pow, out, x, e);
    return out;
  },
  backward: (ctx, g) => {
    const e = ctx.info as number;
    const [x] = ctx.saved;
    if (e === 0) return [zerosLike(g)];
    return [g.mul(x.pow(e - 1).mul(e))];
  },
});

const powTensorOp = defineOp({
  name: 'PowBackward1',
  forward: (ctx, x: Tensor, e: Tensor) => {
    const out = binaryOut('pow', BinaryOp.Pow, x, e, x.dtype);
    ctx.saveForBackward(x, e, out);
    return out;
  },
  backward: (ctx, g) => {
    const [x, e, out] = ctx.saved;
    let gx: Tensor | null = null;
    let ge: Tensor | null = null;
    if (ctx.needsInputGrad[0]) gx = where(e.eq(0), 0, g.mul(e.mul(x.pow(e.sub(1)))));
    if (ctx.needsInputGrad[1]) {
      // d/de x^e = x^e log x, taken as 0 where x == 0 and e >= 0 (PyTorch's convention).
      gx ??= null;
      ge = where(x.eq(0).logicalAnd(e.ge(0)), 0, g.mul(out.mul(x.log())));
    }
    return [gx, ge];
  },
});

const powBaseOp = defineOp({
  name: 'PowBackward2',
  forward: (ctx, base: number, e: Tensor) => {
    ctx.info = base;
    const out = Tensor._output(e.shape.slice(), e.dtype);
    kernels.binary(BinaryOp.Pow, out, base, e);
    ctx.saveForBackward(...(base === 0 ? [e] : []), out);
    return out;
  },
  backward: (ctx, g) => {
    const saved = ctx.saved;
    const out = saved[saved.length - 1];
    const base = ctx.info as number;
    // d/de 0^e is taken as 0 where e >= 0 (PyTorch's pow_backward_exponent; 0^0·log 0 is -inf).
    return [base === 0 ? g.mul(where(saved[0].ge(0), 0, out.mul(-Infinity))) : g.mul(out).mul(Math.log(base))];
  },
});

/** x ** e: e a number or a tensor; tg.pow(number, tensor) for a number base. */
export function pow(x: TensorOrScalar, e: TensorOrScalar): Tensor {
  if (typeof x === 'number') {
    const et = checkTensor('pow', e, 'exponent');
    const dtype = isFloating(et.dtype) ? et.dtype : 'float32';
    return powBaseOp(x, castTo(et, dtype) as Tensor);
  }
  const [a, b, dtype] = prepare('pow', x, e);
  if (!isFloating(dtype)) {
    // Integer powers: computed in float64, exact for results below 2^53.
    return toDType(pow(toDType(a, 'float64'), typeof b === 'number' ? b : toDType(b, 'float64')), dtype);
  }
  return typeof b === 'number' ? powScalarOp(a, b) : powTensorOp(a, b);
}

function extremeOp(op: string, name: string, code: number, loses: 'lt' | 'gt') {
  return defineOp({
    name,
    forward: (ctx, a: Tensor, b: Tensor) => {
      ctx.saveForBackward(a, b);
      return binaryOut(op, code, a, b, a.dtype);
    },
    backward: (ctx, g) => {
      // Ties split the gradient evenly; the losing side gets 0 (NaN compares false: both get g).
      const [a, b] = ctx.saved;
      const shared = where(a.eq(b), g.div(2), g);
      const other = loses === 'lt' ? 'gt' : 'lt';
      return [
        ctx.needsInputGrad[0] ? where(a[loses](b), 0, shared) : null,
        ctx.needsInputGrad[1] ? where(a[other](b), 0, shared) : null,
      ];
    },
  });
}
const maximumOp = extremeOp('maximum', 'MaximumBackward0', BinaryOp.Maximum, 'lt');
const minimumOp = extremeOp('minimum', 'MinimumBackward0', BinaryOp.Minimum, 'gt');

export function maximum(a: Tensor, b: TensorOrScalar): Tensor {
  const [x, y, dtype] = prepare('maximum', a, b);
  return maximumOp(x, y instanceof Tensor ? y : full0d(y, dtype));
}

export function minimum(a: Tensor, b: TensorOrScalar): Tensor {
  const [x, y, dtype] = prepare('minimum', a, b);
  return minimumOp(x, y instanceof Tensor ? y : full0d(y, dtype));
}

function full0d(value: number, dtype: DType): Tensor {
  const t = Tensor._empty([], dtype);
  kernels.fill(t, value);
  return t;
}

export function zerosLike(x: Tensor): Tensor {
  return Tensor._empty(x.shape.slice(), x.dtype);
}

// ---- unary ----------------------------------------------------------------------------

export interface UnarySpec {
  name: string; // grad_fn name
  code: number; // UnaryOp opcode
  /** What backward needs: the input x, the output, or nothing. */
  save: 'x' | 'out' | null;
  /** The gradient given g and the saved tensor. */
  grad: (g: Tensor, saved: Tensor, params: [number, number]) => Tensor;
}

/** The public name of a unary opcode: 'LeakyRelu' -> 'leakyRelu'. */
function unaryName(code: number): string {
  const n = UNARY_OPS[code];
  return n[0].toLowerCase() + n.slice(1);
}

/** An elementwise unary op (floating inputs; integer inputs are promoted to float32). */
export function unaryOp(spec: UnarySpec) {
  const op = defineOp({
    name: spec.name,
    forward: (ctx, x: Tensor, p0: number, p1: number) => {
      ctx.info = [p0, p1];
      const out = Tensor._output(x.shape.slice(), x.dtype);
      kernels.unary(spec.code, out, x, p0, p1);
      if (spec.save) ctx.saveForBackward(spec.save === 'x' ? x : out);
      return out;
    },
    backward: (ctx, g) => [spec.grad(g, ctx.saved[0], ctx.info as [number, number])],
  });
  return (x: Tensor, p0 = 0, p1 = 0): Tensor => {
    checkTensor(unaryName(spec.code), x);
    return op(isFloating(x.dtype) ? x : toDType(x, 'float32'), p0, p1);
  };
}

/** Integer-preserving unary ops (neg, abs, ...): the same, without the float promotion. */
function intUnaryOp(spec: UnarySpec) {
  const float = unaryOp(spec);
  const op = defineOp({
    name: spec.name,
    forward: (ctx, x: Tensor) => {
      const out = Tensor._output(x.shape.slice(), x.dtype);
      kernels.unary(spec.code, out, x);
      return out;
    },
    backward: () => [],
  });
  return (x: Tensor): Tensor => {
    checkTensor(unaryName(spec.code), x);
    if (x.dtype === 'bool') return op(toDType(x, 'int32'));
    return isFloating(x.dtype) ? float(x) : op(x);
  };
}

export const neg = intUnaryOp({ name: 'NegBackward0', code: UnaryOp.Neg, save: null, grad: (g) => g.neg() });
export const abs = intUnaryOp({ name: 'AbsBackward0', code: UnaryOp.Abs, save: 'x', grad: (g, x) => g.mul(x.sign()) });
export const sign = intUnaryOp({ name: 'SignBackward0', code: UnaryOp.Sign, save: null, grad: (g) => zerosLike(g) });
export const exp = unaryOp({ name: 'ExpBackward0', code: UnaryOp.Exp, save: 'out', grad: (g, y) => g.mul(y) });
export const log = unaryOp({ name: 'LogBackward0', code: UnaryOp.Log, save: 'x', grad: (g, x) => g.div(x) });
export const sqrt = unaryOp({ name: 'SqrtBackward0', code: UnaryOp.Sqrt, save: 'out', grad: (g, y) => g.div(y.mul(2)) });
export const sin = unaryOp({ name: 'SinBackward0', code: UnaryOp.Sin, save: 'x', grad: (g, x) => g.mul(x.cos()) });
export const cos = unaryOp({ name: 'CosBackward0', code: UnaryOp.Cos, save: 'x', grad: (g, x) => g.mul(x.sin().neg()) });
export const tanh = unaryOp({
  name: 'TanhBackward0',
  code: UnaryOp.Tanh,
  save: 'out',
  grad: (g, y) => g.mul(y.mul(y).neg().add(1)),
});
export const sigmoid = unaryOp({
  name: 'SigmoidBackward0',
  code: UnaryOp.Sigmoid,
  save: 'out',
  grad: (g, y) => g.mul(y.neg().add(1)).mul(y),
});
export const reciprocal = unaryOp({
  name: 'ReciprocalBackward0',
  code: UnaryOp.Reciprocal,
  save: 'out',
  grad: (g, y) => g.neg().mul(y.mul(y)),
});
export const log1p = unaryOp({ name: 'Log1PBackward0', code: UnaryOp.Log1p, save: 'x', grad: (g, x) => g.div(x.add(1)) });
export const expm1 = unaryOp({ name: 'Expm1Backward0', code: UnaryOp.Expm1, save: 'out', grad: (g, y) => g.mul(y.add(1)) });
export const erf = unaryOp({
  name: 'ErfBackward0',
  code: UnaryOp.Erf,
  save: 'x',
  grad: (g, x) => g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI))),
});

function scaledBy(g: Tensor, s: number): TensorOrScalar {
  return s === 1 ? g : s === 0 ? 0 : g.mul(s);
}

/** The gradient of a threshold-like op: g·ifTrue where `mask`, g·ifFalse elsewhere. It is an
 * op of its own that also takes the op's input (or output) x, with derivative zero, as
 * PyTorch's threshold_backward: under createGraph the gradient then requires grad, and a
 * grad-of-grad gives zeros instead of "does not require grad". */
export function maskedGradOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, g: Tensor, x: Tensor, mask: Tensor, ifTrue: number, ifFalse: number) => {
      ctx.info = [ifTrue, ifFalse];
      ctx.saveForBackward(mask);
      return where(mask, scaledBy(g, ifTrue), scaledBy(g, ifFalse));
    },
    backward: (ctx, gg) => {
      const [ifTrue, ifFalse] = ctx.info as number[];
      const [mask] = ctx.saved;
      return [where(mask, scaledBy(gg, ifTrue), scaledBy(gg, ifFalse)), ctx.needsInputGrad[1] ? zerosLike(gg) : null];
    },
  });
}
const thresholdBackward = maskedGradOp('ThresholdBackwardBackward0');

const reluFloat = unaryOp({
  name: 'ReluBackward0',
  code: UnaryOp.Relu,
  save: 'out',
  grad: (g, y) => thresholdBackward(g, y, y.le(0), 0, 1), // threshold_backward: NaN passes the gradient
});
export const relu = (x: Tensor): Tensor => (x.dtype === 'int32' ? clampInt(x, 0, null) : reluFloat(x));

/** x ** 2 (PyTorch records it as pow: PowBackward0). */
export function square(x: Tensor): Tensor {
  return pow(checkTensor('square', x), 2);
}

const clampFloat = unaryOp({
  name: 'ClampBackward1',
  code: UnaryOp.Clamp,
  save: 'x',
  // The gradient passes where min <= x <= max (boundaries included).
  grad: (g, x, [lo, hi]) => where(x.ge(lo).logicalAnd(x.le(hi)), g, 0),
});

function clampInt(x: Tensor, min: number | null, max: number | null): Tensor {
  const out = Tensor._output(x.shape.slice(), x.dtype);
  kernels.unary(UnaryOp.Clamp, out, x, min ?? -Infinity, max ?? Infinity);
  return out;
}

export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor('clamp', x);
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null) throw opTypeError('clamp', "At least one of 'min' or 'max' must not be None");
  for (const [name, v] of [['min', lo], ['max', hi]] as const) {
    if (v !== null && typeof v !== 'number') throw opTypeError('clamp', `${name} must be a number or null, got ${fmtValue(v)}`);
  }
  if (x.dtype === 'int32' && (lo === null || Number.isInteger(lo)) && (hi === null || Number.isInteger(hi))) return clampInt(x, lo, hi);
  return clampFloat(x, lo ?? -Infinity, hi ?? Infinity);
}

// ---- comparisons and where --------------------------------------------------------------

function compare(op: string, code: number) {
  return (a: Tensor, b: TensorOrScalar): Tensor => {
    const [x, y] = prepare(op, a, b, 'logical');
    return binaryOut(op, code, x, y, 'bool');
  };
}
export const gt = compare('gt', BinaryOp.Gt);
export const lt = compare('lt', BinaryOp.Lt);
export const ge = compare('ge', BinaryOp.Ge);
export const le = compare('le', BinaryOp.Le);
export const eq = compare('eq', BinaryOp.Eq);
export const ne = compare('ne', BinaryOp.Ne);
export const logicalAnd = compare('logicalAnd', BinaryOp.LogicalAnd);
export const logicalOr = compare('logicalOr', BinaryOp.LogicalOr);
export const logicalNot = (x: Tensor): Tensor => eq(checkTensor('logicalNot', x), 0);

const whereOp = defineOp({
  name: 'WhereBackward0',
  forward: (ctx, cond: Tensor, a: TensorOrScalar, b: TensorOrScalar, dtype: DType) => {
    ctx.info = { aIsTensor: a instanceof Tensor, bIsTensor: b instanceof Tensor };
    ctx.saveForBackward(cond);
    let shape = cond.shape;
    if (a instanceof Tensor) shape = broadcastShapes('where', shape, a.shape);
    if (b instanceof Tensor) shape = broadcastShapes('where', shape, b.shape);
    const out = Tensor._output(shape.slice(), dtype);
    kernels.where(out, cond, a, b);
    return out;
  },
  backward: (ctx, g) => {
    const { aIsTensor, bIsTensor } = ctx.info as { aIsTensor: boolean; bIsTensor: boolean };
    const [cond] = ctx.saved;
    // Gradients are listed per tensor argument: cond (none), then a and b if tensors.
    const grads: (Tensor | null)[] = [null];
    const flags = ctx.needsInputGrad.slice(1);
    if (aIsTensor) grads.push(flags.shift() ? where(cond, g, 0) : null);
    if (bIsTensor) grads.push(flags.shift() ? where(cond, 0, g) : null);
    return grads;
  },
});

/** Elementwise cond ? a : b, broadcasting all three; a or b may be numbers. */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const c = checkTensor('where', cond, 'condition');
  if (c.dtype !== 'bool') {
    throw opTypeError('where', `expected condition to be a boolean tensor, but got a tensor with dtype ${c.dtype}`);
  }
  const x = checkOperand('where', a, 'input');
  const y = checkOperand('where', b, 'other');
  const dtype = resultType([promotion(x), promotion(y)]);
  checkScalarFits('where', x, dtype);
  checkScalarFits('where', y, dtype);
  return whereOp(c, castTo(x, dtype), castTo(y, dtype), dtype);
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** Elementwise |a - b| <= atol + rtol * |b| (equal infinities are close; NaN only with equalNan). */
export function isclose(a: Tensor, b: TensorOrScalar, options: CloseOptions = {}): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  checkTensor('isclose', a);
  const close = a.eq(b).logicalOr(a.sub(b).abs().le(b instanceof Tensor ? b.abs().mul(rtol).add(atol) : Math.abs(b) * rtol + atol));
  if (!equalNan) return close;
  const bIsNan = b instanceof Tensor ? b.ne(b) : Number.isNaN(b);
  return close.logicalOr(typeof bIsNan === 'boolean' ? (bIsNan ? a.ne(a) : a.ne(a).logicalAnd(a.eq(a))) : a.ne(a).logicalAnd(bIsNan));
}

/** Whether every element is close (torch.allclose). */
export function allclose(a: Tensor, b: TensorOrScalar, options: CloseOptions = {}): boolean {
  return isclose(a, b, options).logicalNot().sum().item() === 0;
}
