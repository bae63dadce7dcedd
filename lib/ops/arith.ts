// The binary arithmetic ops with broadcasting and PyTorch's type promotion, and the
// pieces the elementwise specs (./elementwise) share: operand promotion, the unary
// kernel-op shape, where. Each op is one
// defineOp: the kernel call for forward, the gradient formula (in Tensor ops, so it is
// differentiable again) for backward. The engine sums gradients back to input shapes.
import { Tensor, type TensorOrScalar } from '../tensor';
import { bool, float32, float64, int32, int64, isFloating, isIntegral, numberDType, resultType, type DType, type PromotionOperand } from '../dtype';
import { defineOp } from '../autograd/function';
import { gradMode } from '../autograd/grad_mode';
import { checkBool, checkInt32Value, checkKernelDType, checkNumber, fmtValue, int64Value, is, opError, opTypeError, optional, required, type Param } from '../check';
import { broadcastShapes } from '../layout';
import * as kernels from '../backend';
import { BinaryOp, Trait, UNARY_OPS, UNARY_TRAITS, UnaryOp } from '../native/table';
import { defineSpec } from './registry';
import { checkMemory, checkTensor, cloneDetached } from './movement';

function promotion(x: TensorOrScalar): PromotionOperand {
  return x instanceof Tensor ? { dtype: x.dtype, rank: x.ndim === 0 ? 'zero-dim' : 'dim' } : { dtype: numberDType(x), rank: 'number' };
}

function checkOperand(op: string, x: unknown, name: string): TensorOrScalar {
  if (x instanceof Tensor) return checkMemory(op, x);
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  throw opTypeError(op, `${name} must be a Tensor or a number, got ${fmtValue(x)}`);
}

const toDTypeOp = defineOp({
  name: 'ToCopyBackward0',
  forward: (ctx, x: Tensor, dtype: DType) => {
    const out = Tensor._output(x._shape.slice(), dtype);
    kernels.copy(out, x);
    return out;
  },
  backward: (ctx, g) => [g], // the engine casts g back to the input's dtype
});

/** x converted to dtype (a copy); differentiable between float types. */
export function toDType(x: Tensor, dtype: DType): Tensor {
  checkMemory('to', x);
  const mode = gradMode();
  if (!isFloating(dtype) && mode.enabled && x.requiresGrad) {
    mode.enabled = false;
    try {
      return toDTypeOp(x, dtype);
    } finally {
      mode.enabled = true;
    }
  }
  return toDTypeOp(x, dtype);
}

function castTo(x: TensorOrScalar, dtype: DType): TensorOrScalar {
  return x instanceof Tensor && x.dtype !== dtype ? toDType(x, dtype) : x;
}

/** A number operand of an integer op must fit (the kernels would otherwise saturate it). */
function checkScalarFits(op: string, x: TensorOrScalar, dtype: DType): void {
  if (typeof x === 'number' && dtype === int32) checkInt32Value(op, x);
  if (typeof x === 'number' && dtype === int64) int64Value(op, x);
}

/** Validates a binary op's operands and casts them to their common dtype. 'arith' ops
 * compute in it (not for two bools), 'float' ops (true division) in at least float32,
 * 'logical' ops (comparisons) compare in it. */
export function prepare(op: string, a: unknown, b: unknown, kind: 'arith' | 'float' | 'logical' = 'arith'): [Tensor, TensorOrScalar, DType] {
  const x = checkTensor(op, a, 'self');
  const y = checkOperand(op, b, 'other');
  // Fast path (most calls): same dtypes, or a number with a float tensor.
  const xd = x.dtype;
  const keepsDType = isFloating(xd) || kind === 'logical' || (kind === 'arith' && isIntegral(xd));
  if ((y instanceof Tensor ? y.dtype === xd : isFloating(xd)) && keepsDType) return [x, y, xd];
  let dtype = resultType([promotion(x), promotion(y)]);
  if (kind === 'float' && !isFloating(dtype)) dtype = float32;
  if (kind === 'arith' && dtype === bool) {
    throw opTypeError(op, 'arithmetic on bool tensors is not supported; convert first, e.g. x.int() or x.float()');
  }
  checkScalarFits(op, y, dtype);
  return [castTo(x, dtype) as Tensor, castTo(y, dtype), dtype];
}

export function binaryOut(op: string, code: number, a: Tensor, b: TensorOrScalar, dtype: DType): Tensor {
  // Shape arrays are never mutated in place, so the output may share its input's.
  const shape = b instanceof Tensor ? broadcastShapes(op, a._shape, b._shape) : a._shape;
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

function alphaOf(op: string, options: { alpha?: number } | undefined, dtype: DType): number {
  const alpha = options?.alpha ?? 1;
  if (alpha === 1) return alpha;
  if (typeof alpha !== 'number') throw opTypeError(op, `alpha must be a number, got ${fmtValue(alpha)}`);
  if (!Number.isInteger(alpha) && !isFloating(dtype)) {
    throw opTypeError(op, `For integral input tensors, argument alpha must not be a floating point number.\nHint: convert a tensor to float first, e.g. x.float().${op}(y, {alpha: ${alpha}})`);
  }
  return alpha;
}

/** a + alpha * b, elementwise with broadcasting (torch.add). */
export function add(a: Tensor, b: TensorOrScalar, options?: { alpha?: number }): Tensor {
  const [x, y, dtype] = prepare('add', a, b);
  return addOp(x, y, alphaOf('add', options, dtype));
}

/** a - alpha * b, elementwise with broadcasting; refused for a bool operand, as PyTorch does (torch.sub). */
export function sub(a: Tensor, b: TensorOrScalar, options?: { alpha?: number }): Tensor {
  if (a?.dtype === bool || (b instanceof Tensor && b.dtype === bool)) {
    throw opTypeError(
      'sub',
      a?.dtype === bool && b instanceof Tensor && b.dtype === bool
        ? 'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.\nHint: a.logicalAnd(b.logicalNot()) or a.ne(b) combines masks.'
        : 'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.\nHint: x.logicalNot() inverts a mask; x.float() converts it to numbers.',
    );
  }
  const [x, y, dtype] = prepare('sub', a, b);
  return subOp(x, y, alphaOf('sub', options, dtype));
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

/** a · b, elementwise with broadcasting (torch.mul). */
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

/** a / b, true division elementwise with broadcasting; integer tensors give float32 (torch.div). */
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
    const out = Tensor._output(x._shape.slice(), x.dtype);
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
    const out = Tensor._output(e._shape.slice(), e.dtype);
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

/** x ** e: e a number or a tensor; tg.pow(number, tensor) for a number base. The result
 * dtype is PyTorch's promotion of both (an integer base and exponent stay integer). */
export function pow(x: TensorOrScalar, e: TensorOrScalar): Tensor {
  if (typeof x === 'number') {
    const et = checkTensor('pow', e, 'exponent');
    const dtype = resultType([promotion(et), promotion(x)]);
    if (!isFloating(dtype)) return integerPow(x, et, dtype);
    return powBaseOp(x, castTo(et, dtype) as Tensor);
  }
  const [a, b, dtype] = prepare('pow', x, e);
  if (!isFloating(dtype)) {
    if (typeof b === 'number' && b < 0) {
      throw opError('pow', 'Integers to negative integer powers are not allowed.\nHint: convert the base to a float tensor first, e.g. x.float().pow(-1)');
    }
    return integerPow(a, b, dtype);
  }
  return typeof b === 'number' ? powScalarOp(a, b) : powTensorOp(a, b);
}

/** Integer powers, computed in float64 (exact for results below 2^53). As PyTorch's integer
 * pow, a negative exponent gives 0 except for a base of ±1: 0 ** -1 is 0 (float64 gives inf). */
function integerPow(a: TensorOrScalar, b: TensorOrScalar, dtype: DType): Tensor {
  const asFloat64 = (v: TensorOrScalar) => (typeof v === 'number' ? v : toDType(v, float64));
  const r = pow(asFloat64(a), asFloat64(b));
  return toDType(where(r.abs().lt(Infinity), r, 0), dtype);
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

/** Two bool tensors: or/and, computed on int32 (bool arithmetic is refused by prepare). */
function boolExtreme(a: unknown, b: unknown, fn: (a: Tensor, b: Tensor) => Tensor): Tensor | null {
  return a instanceof Tensor && b instanceof Tensor && a.dtype === bool && b.dtype === bool ? toDType(fn(toDType(a, int32), toDType(b, int32)), bool) : null;
}

/** The larger of a and b, elementwise with broadcasting; NaN wins (torch.maximum). */
export function maximum(a: Tensor, b: TensorOrScalar): Tensor {
  const both = boolExtreme(a, b, maximum);
  if (both) return both;
  const [x, y, dtype] = prepare('maximum', a, b);
  return maximumOp(x, y instanceof Tensor ? y : full0d(y, dtype));
}

/** The smaller of a and b, elementwise with broadcasting; NaN wins (torch.minimum). */
export function minimum(a: Tensor, b: TensorOrScalar): Tensor {
  const both = boolExtreme(a, b, minimum);
  if (both) return both;
  const [x, y, dtype] = prepare('minimum', a, b);
  return minimumOp(x, y instanceof Tensor ? y : full0d(y, dtype));
}

function full0d(value: number, dtype: DType): Tensor {
  const t = Tensor._empty([], dtype);
  kernels.fill(t, value);
  return t;
}

export function zerosLike(x: Tensor): Tensor {
  return Tensor._empty(x._shape.slice(), x.dtype);
}

// ---- unary ----------------------------------------------------------------------------

/** The tensor a method is called on (every op's first parameter). */
export const input = required('input', (v, op, name) => checkTensor(op, v, name));

/** A unary kernel op's input: floating tensors as they are; int32 where the op's table row
 * allows int (native/ops.table); float32 otherwise, unless the op is float-only in PyTorch
 * (`floatOnlyKernel`: its error). Bool inputs follow `def.bool`. */
function unaryInput(name: string, def: UnaryDef, x: Tensor): Tensor {
  if (isFloating(x.dtype) || (def.integer === 'identity' && x.dtype === int32)) return x;
  if (def.floatOnlyKernel) checkKernelDType(name, def.floatOnlyKernel, x.dtype);
  if (x.dtype === bool && def.bool === 'identity') return x;
  if (x.dtype === bool && def.bool !== undefined) throw opTypeError(name, def.bool);
  if ((UNARY_TRAITS[def.code] & Trait.int) === 0) return toDType(x, float32);
  return x.dtype === bool ? toDType(x, int32) : x;
}

function unaryKernel(code: number, x: Tensor, p0: number, p1: number): Tensor {
  // An op whose `bool` (or `integer`) is 'identity'.
  if (x.dtype === bool || (x.dtype === int32 && (UNARY_TRAITS[code] & Trait.int) === 0)) return cloneDetached(x);
  const out = Tensor._output(x._shape.slice(), x.dtype);
  kernels.unary(code, out, x, p0, p1);
  return out;
}

export interface UnaryDef {
  gradFn: string;
  code: number; // UnaryOp opcode
  /** What backward needs: the input x, the output, or nothing. */
  save: 'x' | 'out' | null;
  /** The gradient given g, the saved tensor and the op's scalar parameters. */
  grad: (g: Tensor, saved: Tensor, params: [number, number]) => Tensor;
  /** PyTorch's kernel name, for ops it runs on floating tensors only: an integer or bool
   * input is then its error. Without it, integer inputs are promoted to float32 (exp, sigmoid). */
  floatOnlyKernel?: string;
  /** For an int op on a bool tensor: PyTorch's error message, or 'identity' (a copy, as
   * sign); by default bool is computed as int32. */
  bool?: string | 'identity';
  /** 'identity': an int32 input is returned as a copy (floor, ceil, round), instead of
   * being promoted to float32. */
  integer?: 'identity';
}

interface UnarySaved {
  s: Tensor;
  p0: number;
  p1: number;
}

/** The spec of an elementwise unary kernel op; `params` after input map to the kernel's p0, p1. */
export function unarySpec<F extends (input: Tensor, ...rest: any[]) => Tensor>(name: string, def: UnaryDef, params: Param[] = []) {
  return defineSpec<F, [Tensor, number, number], UnarySaved>({
    name,
    gradFn: def.gradFn,
    params: [input, ...params],
    prepare: (x: Tensor, p0 = 0, p1 = 0) => [unaryInput(name, def, x), p0, p1],
    forward: (x, p0, p1) => unaryKernel(def.code, x, p0, p1),
    // An op that saves nothing can run backward twice without retainGraph (as PyTorch's neg).
    save: def.save === null ? undefined : (out, x, p0, p1) => ({ s: def.save === 'x' ? x : out, p0, p1 }),
    backward: (g, { s, p0, p1 }) => [def.grad(g, s, [p0, p1])],
  });
}

/** An activation's unary kernel op for nn.functional: (x, p0, p1) with the kernel's parameters. */
export function unaryOp(def: UnaryDef): (x: Tensor, p0?: number, p1?: number) => Tensor {
  const name = UNARY_OPS[def.code][0].toLowerCase() + UNARY_OPS[def.code].slice(1);
  return unarySpec(name, def, [optional('p0', is.number, 0), optional('p1', is.number, 0)]).call;
}

/** An elementwise function of one tensor: the output has the input's shape. */
export type UnaryFn = (input: Tensor) => Tensor;

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
export const thresholdBackward = maskedGradOp('ThresholdBackwardBackward0');

export function clampInt(x: Tensor, min: number | null, max: number | null): Tensor {
  return unaryKernel(UnaryOp.Clamp, x, min ?? -Infinity, max ?? Infinity);
}

export const clampFloat = unarySpec<(x: Tensor, lo: number, hi: number) => Tensor>('clamp', {
  gradFn: 'ClampBackward1',
  code: UnaryOp.Clamp,
  save: 'x',
  // The gradient passes where min <= x <= max (boundaries included).
  grad: (g, x, [lo, hi]) => where(x.ge(lo).logicalAnd(x.le(hi)), g, 0),
}, [required('min', is.number), required('max', is.number)]).call;

export const reluFloat = unarySpec<UnaryFn>('relu', {
  gradFn: 'ReluBackward0',
  code: UnaryOp.Relu,
  save: 'out',
  grad: (g, y) => thresholdBackward(g, y, y.le(0), 0, 1), // threshold_backward: NaN passes the gradient
}).call;

export function compareSpec(name: string, code: number) {
  return defineSpec<(input: Tensor, other: TensorOrScalar) => Tensor, [Tensor, TensorOrScalar]>({
    name,
    params: [input, required('other', is.any)],
    prepare: (a: Tensor, b: unknown) => prepare(name, a, b, 'logical').slice(0, 2) as [Tensor, TensorOrScalar],
    forward: (a, b) => binaryOut(name, code, a, b, bool),
  });
}


const whereOp = defineOp({
  name: 'WhereBackward0',
  forward: (ctx, cond: Tensor, a: TensorOrScalar, b: TensorOrScalar, dtype: DType) => {
    ctx.info = { aIsTensor: a instanceof Tensor, bIsTensor: b instanceof Tensor };
    ctx.saveForBackward(cond);
    let shape: readonly number[] = cond._shape;
    if (a instanceof Tensor) shape = broadcastShapes('where', shape, a._shape);
    if (b instanceof Tensor) shape = broadcastShapes('where', shape, b._shape);
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

/** Elementwise cond ? a : b, broadcasting all three; a or b may be numbers (torch.where). With cond
 * alone, PyTorch's where(cond): nonzero(cond, {asTuple: true}), one int32 index tensor per dim. */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor;
export function where(cond: Tensor, a?: TensorOrScalar, b?: TensorOrScalar): Tensor | Tensor[] {
  if (a === undefined && b === undefined) return checkTensor('where', cond, 'condition').nonzero({ asTuple: true }) as Tensor[];
  const c = checkTensor('where', cond, 'condition');
  if (c.dtype !== bool) {
    throw opTypeError('where', `expected condition to be a boolean tensor, but got a tensor with dtype ${c.dtype}`);
  }
  const x = checkOperand('where', a!, 'input');
  const y = checkOperand('where', b!, 'other');
  const dtype = resultType([promotion(x), promotion(y)]);
  checkScalarFits('where', x, dtype);
  checkScalarFits('where', y, dtype);
  return whereOp(c, castTo(x, dtype), castTo(y, dtype), dtype);
}

/** The tolerances of isclose and allclose (PyTorch's rtol=, atol=, equal_nan=). */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN is close to NaN (default false). */
  equalNan?: boolean;
}

/** Elementwise |a - b| <= atol + rtol * |b|, a bool tensor of the broadcast shape (equal
 * infinities are close; NaN only with equalNan) (torch.isclose). */
export function isclose(a: Tensor, b: TensorOrScalar, options: CloseOptions = {}): Tensor {
  return closeness('isclose', a, b, options);
}

/** isclose, with errors naming `op` (the call the user made: isclose or allclose). */
function closeness(op: string, a: Tensor, b: TensorOrScalar, options: CloseOptions): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  checkTensor(op, a);
  if (b instanceof Tensor) broadcastShapes(op, a._shape, b._shape);
  else checkNumber(op, 'other', b);
  checkNumber(op, 'rtol', rtol);
  checkNumber(op, 'atol', atol);
  checkBool(op, 'equalNan', equalNan);
  const close = a.eq(b).logicalOr(a.sub(b).abs().le(b instanceof Tensor ? b.abs().mul(rtol).add(atol) : Math.abs(b) * rtol + atol));
  if (!equalNan) return close;
  const bIsNan = b instanceof Tensor ? b.ne(b) : Number.isNaN(b);
  return close.logicalOr(typeof bIsNan === 'boolean' ? (bIsNan ? a.ne(a) : a.ne(a).logicalAnd(a.eq(a))) : a.ne(a).logicalAnd(bIsNan));
}

/** Whether every element is close (torch.allclose). */
export function allclose(a: Tensor, b: TensorOrScalar, options: CloseOptions = {}): boolean {
  return closeness('allclose', a, b, options).logicalNot().sum().item() === 0;
}
