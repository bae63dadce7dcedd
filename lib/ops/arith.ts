// The binary arithmetic ops with broadcasting and PyTorch's type promotion, one spec each
// (lib/ops/registry.ts): the public signatures with their JSDoc, then the specs; and the
// pieces the elementwise specs (./elementwise) share: operand promotion, the unary
// kernel-op shape, where, casts. Backward is written in Tensor ops (so it is
// differentiable again); the engine sums gradients back to input shapes.
import { Tensor, type TensorOrScalar } from '../tensor';
import { bool, float32, float64, int32, int64, isFloating, isIntegral, numberDType, resultType, type DType, type DTypeLike, type PromotionOperand } from '../dtype';
import { toTarget, type Device } from '../device';
import { gradMode } from '../autograd/grad_mode';
import { checkInt32Value, checkKernelDType, fmtValue, int64Value, is, keyword, opError, opTypeError, optional, required, type Check, type Param } from '../check';
import { broadcastShapes } from '../layout';
import * as kernels from '../backend';
import { BinaryOp, Trait, UNARY_OPS, UNARY_TRAITS, UnaryOp } from '../native/table';
import { defineMethods, defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';
import { checkMemory, checkTensor, cloneDetached } from './movement';

function promotion(x: TensorOrScalar): PromotionOperand {
  return x instanceof Tensor ? { dtype: x.dtype, rank: x.ndim === 0 ? 'zero-dim' : 'dim' } : { dtype: numberDType(x), rank: 'number' };
}

/** A binary op's second operand: a tensor or a number (a boolean counts as 0 or 1). */
export const operand: Check<TensorOrScalar> = (x, op, name) => {
  if (x instanceof Tensor) return checkMemory(op, x);
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  throw opTypeError(op, `${name} must be a Tensor or a number, got ${fmtValue(x)}`);
};

/** The tensor a method is called on (every op's first parameter). */
export const input = required('input', (v, op, name) => checkTensor(op, v, name));
const other = required('other', operand);

const toCopy = defineSpec<(x: Tensor, dtype: DType) => Tensor, [Tensor, DType]>({
  name: 'to',
  gradFn: 'ToCopyBackward0',
  params: [input, required('dtype', is.any)],
  forward: (x, dtype) => {
    const out = Tensor._output(x._shape.slice(), dtype);
    kernels.copy(out, x);
    return out;
  },
  backward: (g) => [g], // the engine casts g back to the input's dtype
}).call;

/** x converted to dtype (a copy); differentiable between float types. */
export function toDType(x: Tensor, dtype: DType): Tensor {
  const mode = gradMode();
  if (!isFloating(dtype) && mode.enabled && x.requiresGrad) {
    mode.enabled = false;
    try {
      return toCopy(x, dtype);
    } finally {
      mode.enabled = true;
    }
  }
  return toCopy(x, dtype);
}

// The Tensor's cast methods (here rather than in lib/tensor.ts, which imports no op).
defineMethods({
  to(this: Tensor, target: DTypeLike | Device | string | { dtype?: DTypeLike; device?: Device | string }): Tensor {
    const dtype = toTarget('to', target);
    return dtype === undefined || dtype === this.dtype ? this : toDType(this, dtype);
  },
  float(this: Tensor): Tensor {
    return this.to(float32);
  },
  double(this: Tensor): Tensor {
    return this.to(float64);
  },
  long(this: Tensor): Tensor {
    return this.to(int64);
  },
  int(this: Tensor): Tensor {
    return this.to(int32);
  },
  bool(this: Tensor): Tensor {
    return this.to(bool);
  },
});
declare module '../tensor' {
  interface Tensor {
    /** A tensor with another dtype, or on another device; this tensor if nothing changes (torch.Tensor.to). */
    to(target: DTypeLike | Device | string | { dtype?: DTypeLike; device?: Device | string }): Tensor;
    /** This tensor as float32 (torch.Tensor.float); the same tensor if it is float32 already. */
    float(): Tensor;
    /** This tensor as float64 (torch.Tensor.double). */
    double(): Tensor;
    /** This tensor as int64 (torch.Tensor.long). */
    long(): Tensor;
    /** This tensor as int32, truncating toward zero (torch.Tensor.int; PyTorch's int is int32 too). */
    int(): Tensor;
    /** This tensor as bool: nonzero is true (torch.Tensor.bool). */
    bool(): Tensor;
  }
}

function castTo(x: TensorOrScalar, dtype: DType): TensorOrScalar {
  return x instanceof Tensor && x.dtype !== dtype ? toDType(x, dtype) : x;
}

/** A number operand of an integer op must fit (the kernels would otherwise saturate it). */
function checkScalarFits(op: string, x: TensorOrScalar, dtype: DType): void {
  if (typeof x === 'number' && dtype === int32) checkInt32Value(op, x);
  if (typeof x === 'number' && dtype === int64) int64Value(op, x);
}

/** Casts a binary op's (checked) operands to their common dtype, the output's: 'arith' ops
 * compute in it (not for two bools), 'float' ops (true division) in at least float32,
 * 'logical' ops (comparisons) compare in it. */
export function promote(op: string, x: Tensor, y: TensorOrScalar, kind: 'arith' | 'float' | 'logical' = 'arith'): [Tensor, TensorOrScalar] {
  // Fast path (most calls): same dtypes, or a number with a float tensor.
  const xd = x.dtype;
  const keepsDType = isFloating(xd) || kind === 'logical' || (kind === 'arith' && isIntegral(xd));
  if ((y instanceof Tensor ? y.dtype === xd : isFloating(xd)) && keepsDType) return [x, y];
  let dtype = resultType([promotion(x), promotion(y)]);
  if (kind === 'float' && !isFloating(dtype)) dtype = float32;
  if (kind === 'arith' && dtype === bool) {
    throw opTypeError(op, 'arithmetic on bool tensors is not supported; convert first, e.g. x.int() or x.float()');
  }
  checkScalarFits(op, y, dtype);
  return [castTo(x, dtype) as Tensor, castTo(y, dtype)];
}

export function binaryOut(op: string, code: number, a: Tensor, b: TensorOrScalar, dtype: DType): Tensor {
  // Shape arrays are never mutated in place, so the output may share its input's.
  // typeof, not instanceof: V8 compiled this instanceof as its generic builtin (callgrind).
  const shape = typeof b === 'number' ? a._shape : broadcastShapes(op, a._shape, b._shape);
  const out = Tensor._output(shape as number[], dtype);
  kernels.binary(code, out, a, b);
  return out;
}

// ---- arithmetic -----------------------------------------------------------------------

/** An elementwise binary op with broadcasting.
 * @inline */
type Binary = (input: Tensor, other: TensorOrScalar) => Tensor;
/** add and sub: PyTorch's keyword-only alpha scales other.
 * @inline */
type AddSub = (input: Tensor, other: TensorOrScalar, options?: { alpha?: number }) => Tensor;

/** The public signatures of the binary arithmetic ops (Tensor methods and tg.* functions);
 * their specs follow. */
export interface ArithFns {
  /** input + alpha·other, elementwise with broadcasting (torch.add). */
  add: AddSub;
  /** input - alpha·other, elementwise with broadcasting; refused for a bool operand, as PyTorch does (torch.sub). */
  sub: AddSub;
  /** input · other, elementwise with broadcasting (torch.mul). */
  mul: Binary;
  /** input / other, true division elementwise with broadcasting; integer tensors give float32 (torch.div). */
  div: Binary;
  /** input ** exponent, elementwise with broadcasting; tg.pow(number, tensor) for a number
   * base. The result dtype is PyTorch's promotion of both (an integer base and exponent
   * stay integer) (torch.pow). */
  pow: (input: TensorOrScalar, exponent: TensorOrScalar) => Tensor;
  /** The larger of input and other, elementwise with broadcasting; NaN wins (torch.maximum). */
  maximum: Binary;
  /** The smaller of input and other, elementwise with broadcasting; NaN wins (torch.minimum). */
  minimum: Binary;
  /** Elementwise |input - other| <= atol + rtol·|other|, a bool tensor of the broadcast shape
   * (equal infinities are close; NaN only with equalNan) (torch.isclose). */
  isclose: (input: Tensor, other: TensorOrScalar, rtol?: number | CloseOptions, atol?: number | CloseOptions, equalNan?: boolean | CloseOptions, options?: CloseOptions) => Tensor;
  /** Whether every element of input is close to other's, as isclose (torch.allclose). */
  allclose: (input: Tensor, other: TensorOrScalar, rtol?: number | CloseOptions, atol?: number | CloseOptions, equalNan?: boolean | CloseOptions, options?: CloseOptions) => boolean;
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

/** alpha, checked against the output's dtype. */
function checkAlpha(op: string, alpha: number, dtype: DType): number {
  if (alpha !== 1 && !Number.isInteger(alpha) && !isFloating(dtype)) {
    throw opTypeError(op, `For integral input tensors, argument alpha must not be a floating point number.\nHint: convert a tensor to float first, e.g. x.float().${op}(y, {alpha: ${alpha}})`);
  }
  return alpha;
}

/** a + alpha·b or a - alpha·b. b's gradient is (±g)·alpha, as PyTorch computes it; alpha
 * is an attribute of the node, not a saved tensor (a second backward works). */
function addSubSpec(name: 'add' | 'sub', gradFn: string, code: number) {
  return defineSpec<AddSub, [Tensor, TensorOrScalar, number], { alpha?: number }>({
    name,
    gradFn,
    params: [input, other, keyword('alpha', is.number, 1, 2)],
    prepare: (a: Tensor, b: TensorOrScalar, alpha: number) => {
      if (name === 'sub') refuseBoolSub(a, b);
      const [x, y] = promote(name, a, b);
      return [x, y, checkAlpha(name, alpha, x.dtype)];
    },
    forward: (a, b, alpha) => {
      const scaled = alpha === 1 ? b : typeof b === 'number' ? b * alpha : binaryOut(name, BinaryOp.Mul, b, alpha, b.dtype);
      return binaryOut(name, code, a, scaled, a.dtype);
    },
    save: (out, a, b, alpha) => (alpha === 1 ? undefined! : { alpha }),
    backward: (g, { alpha = 1 }, [, needB]) => {
      if (!needB) return [g, null]; // sub's neg is a kernel call
      const gb = name === 'sub' ? g.neg() : g;
      return [g, alpha === 1 ? gb : mulRun(gb, alpha)];
    },
  });
}

function refuseBoolSub(a: Tensor, b: TensorOrScalar): void {
  const boolOther = b instanceof Tensor && b.dtype === bool;
  if (a.dtype !== bool && !boolOther) return;
  throw opTypeError(
    'sub',
    a.dtype === bool && boolOther
      ? 'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.\nHint: a.logicalAnd(b.logicalNot()) or a.ne(b) combines masks.'
      : 'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.\nHint: x.logicalNot() inverts a mask; x.float() converts it to numbers.',
  );
}

// PyTorch computes these powers exactly as these kernels do (pow_tensor_scalar_kernel),
// and pow(x, 0) and pow(x, 1) as fill(1) and copy.
const POW_SPECIAL: Record<number, number> = { 2: UnaryOp.Square, 3: UnaryOp.Cube, 0.5: UnaryOp.Sqrt, [-1]: UnaryOp.Reciprocal };

// pow's three forms are three nodes in PyTorch: tensor ** number, tensor ** tensor, number ** tensor.
const powScalar = defineSpec<(x: Tensor, e: number) => Tensor, [Tensor, number], { x: Tensor; e: number }>({
  name: 'pow',
  gradFn: 'PowBackward0',
  params: [input, required('exponent', is.number)],
  forward: (x, e) => {
    const out = Tensor._output(x._shape.slice(), x.dtype);
    const special = POW_SPECIAL[e];
    if (special !== undefined && isFloating(x.dtype)) kernels.unary(special, out, x);
    else if (e === 2) kernels.unary(UnaryOp.Square, out, x);
    else if (e === 1) kernels.copy(out, x);
    else if (e === 0) kernels.fill(out, 1);
    else kernels.binary(BinaryOp.Pow, out, x, e);
    return out;
  },
  save: (out, x, e) => ({ x, e }),
  backward: (g, { x, e }) => (e === 0 ? [zerosLike(g)] : [g.mul(x.pow(e - 1).mul(e))]),
}).call;

const powTensor = defineSpec<(x: Tensor, e: Tensor) => Tensor, [Tensor, Tensor], { x: Tensor; e: Tensor; out: Tensor }>({
  name: 'pow',
  gradFn: 'PowBackward1',
  params: [input, required('exponent', is.any)],
  forward: (x, e) => binaryOut('pow', BinaryOp.Pow, x, e, x.dtype),
  save: (out, x, e) => ({ x, e, out }),
  backward: (g, { x, e, out }, [needX, needE]) => [
    needX ? where(e.eq(0), 0, g.mul(e.mul(x.pow(e.sub(1))))) : null,
    // d/de x^e = x^e log x, taken as 0 where x == 0 and e >= 0 (PyTorch's convention).
    needE ? where(x.eq(0).logicalAnd(e.ge(0)), 0, g.mul(out.mul(x.log()))) : null,
  ],
}).call;

const powBase = defineSpec<(base: TensorOrScalar, e: Tensor) => Tensor, [number, Tensor], { base: number; e?: Tensor; out: Tensor }>({
  name: 'pow',
  gradFn: 'PowBackward2',
  params: [required('input', is.number), required('exponent', is.any)],
  forward: (base, e) => {
    const out = Tensor._output(e._shape.slice(), e.dtype);
    kernels.binary(BinaryOp.Pow, out, base, e);
    return out;
  },
  save: (out, base, e) => (base === 0 ? { base, e, out } : { base, out }),
  // d/de 0^e is taken as 0 where e >= 0 (PyTorch's pow_backward_exponent; 0^0·log 0 is -inf).
  backward: (g, { base, e, out }) => [base === 0 ? g.mul(where(e!.ge(0), 0, out.mul(-Infinity))) : g.mul(out).mul(Math.log(base))],
}).call;

function powOf(x: TensorOrScalar, e: TensorOrScalar): Tensor {
  if (typeof x === 'number') {
    const et = checkTensor('pow', e, 'exponent');
    const dtype = resultType([promotion(et), promotion(x)]);
    if (!isFloating(dtype)) return integerPow(x, et, dtype);
    return powBase(x, castTo(et, dtype) as Tensor);
  }
  const [a, b] = promote('pow', x, e);
  if (!isFloating(a.dtype)) {
    if (typeof b === 'number' && b < 0) {
      throw opError('pow', 'Integers to negative integer powers are not allowed.\nHint: convert the base to a float tensor first, e.g. x.float().pow(-1)');
    }
    return integerPow(a, b, a.dtype);
  }
  return typeof b === 'number' ? powScalar(a, b) : powTensor(a, b);
}

/** Integer powers, computed in float64 (exact for results below 2^53). As PyTorch's integer
 * pow, a negative exponent gives 0 except for a base of ±1: 0 ** -1 is 0 (float64 gives inf). */
function integerPow(a: TensorOrScalar, b: TensorOrScalar, dtype: DType): Tensor {
  const asFloat64 = (v: TensorOrScalar) => (typeof v === 'number' ? v : toDType(v, float64));
  const r = powOf(asFloat64(a), asFloat64(b));
  return toDType(where(r.abs().lt(Infinity), r, 0), dtype);
}

/** maximum or minimum: two bool tensors are or/and, computed on int32 (bool arithmetic is
 * refused by promote); a number operand becomes a 0-d tensor. */
function extremeSpec(name: 'maximum' | 'minimum', gradFn: string, code: number, loses: 'lt' | 'gt') {
  const wins = loses === 'lt' ? 'gt' : 'lt';
  return defineSpec<Binary, [Tensor, Tensor], { a: Tensor; b: Tensor }>({
    name,
    gradFn,
    params: [input, other],
    prepare: (a: Tensor, b: TensorOrScalar) => {
      if (a.dtype === bool && b instanceof Tensor && b.dtype === bool) return [a, b];
      const [x, y] = promote(name, a, b);
      return [x, y instanceof Tensor ? y : full0d(y, x.dtype)];
    },
    forward: (a, b) =>
      a.dtype === bool ? toDType(binaryOut(name, code, toDType(a, int32), toDType(b, int32), int32), bool) : binaryOut(name, code, a, b, a.dtype),
    save: (out, a, b) => ({ a, b }),
    // Ties split the gradient evenly; the losing side gets 0 (NaN compares false: both get g).
    backward: (g, { a, b }, [needA, needB]) => {
      const shared = where(a.eq(b), g.div(2), g);
      return [needA ? where(a[loses](b), 0, shared) : null, needB ? where(a[wins](b), 0, shared) : null];
    },
  });
}

function full0d(value: number, dtype: DType): Tensor {
  const t = Tensor._empty([], dtype);
  kernels.fill(t, value);
  return t;
}

export function zerosLike(x: Tensor): Tensor {
  return Tensor._empty(x._shape.slice(), x.dtype);
}

/** isclose, with errors naming `op` (the call the user made: isclose or allclose). */
function closeness(op: string, a: Tensor, b: TensorOrScalar, rtol: number, atol: number, equalNan: boolean): Tensor {
  if (b instanceof Tensor) broadcastShapes(op, a._shape, b._shape);
  const close = a.eq(b).logicalOr(a.sub(b).abs().le(b instanceof Tensor ? b.abs().mul(rtol).add(atol) : Math.abs(b) * rtol + atol));
  if (!equalNan) return close;
  const bIsNan = b instanceof Tensor ? b.ne(b) : Number.isNaN(b);
  return close.logicalOr(typeof bIsNan === 'boolean' ? (bIsNan ? a.ne(a) : a.ne(a).logicalAnd(a.eq(a))) : a.ne(a).logicalAnd(bIsNan));
}

const closeParams = [input, other, optional('rtol', is.number, 1e-5, 1), optional('atol', is.number, 1e-8, 3), optional('equalNan', is.bool, false, true)];

// As PyTorch, each operand is saved only for the other's gradient (an in-place change
// to it before backward is detected); a number operand is saved too (PyTorch wraps it in
// a tensor), so a second backward through a freed graph throws.
const mulSpec = defineSpec<Binary, [Tensor, TensorOrScalar], { a?: Tensor; b?: TensorOrScalar }>({
  name: 'mul',
  gradFn: 'MulBackward0',
  params: [input, other],
  prepare: (a: Tensor, b: TensorOrScalar) => promote('mul', a, b),
  forward: (a, b) => binaryOut('mul', BinaryOp.Mul, a, b, a.dtype),
  save(out, a, b) {
    const [needA, needB] = this.needsInputGrad;
    return { a: needB ? a : undefined, b: needA ? b : undefined };
  },
  savesNumbersAsTensors: true,
  backward: (g, { a, b }, [needA, needB]) => [needA ? mulGrad(g, b!) : null, needB ? mulGrad(g, a!) : null],
});
const divSpec = defineSpec<Binary, [Tensor, TensorOrScalar], { a?: Tensor; b: TensorOrScalar }>({
  name: 'div',
  gradFn: 'DivBackward0',
  params: [input, other],
  prepare: (a: Tensor, b: TensorOrScalar) => promote('div', a, b, 'float'),
  forward: (a, b) => binaryOut('div', BinaryOp.Div, a, b, a.dtype),
  // Saved as in PyTorch: other for either gradient, self for other's (see mul).
  save(out, a, b) {
    return { a: this.needsInputGrad[1] ? a : undefined, b };
  },
  savesNumbersAsTensors: true,
  backward: (g, { a, b }, [needA, needB]) => [
    needA ? divGrad(g, b) : null,
    needB ? divGrad(mulGrad(g.neg(), a!), mulRun(b as Tensor, b)) : null,
  ],
});
const mulRun: (a: Tensor, b: TensorOrScalar) => Tensor = mulSpec.run;
const divRun: (a: Tensor, b: TensorOrScalar) => Tensor = divSpec.run;

// Backward formulas multiply and divide a gradient g by saved operands. g has its node's
// output dtype (the engine casts what it delivers; a hook may not change it), which is the
// operands' promoted dtype: then mul's and div's runs skip the argument checks and
// promotion. (An in-place op's node gets self's dtype, which may differ: then promote.)
function mulGrad(g: Tensor, v: TensorOrScalar): Tensor {
  return typeof v === 'number' || v.dtype === g.dtype ? mulRun(g, v) : mulSpec.call(g, v);
}
function divGrad(g: Tensor, v: TensorOrScalar): Tensor {
  return typeof v === 'number' || v.dtype === g.dtype ? divRun(g, v) : divSpec.call(g, v);
}

const addSpec = addSubSpec('add', 'AddBackward0', BinaryOp.Add);

/** a + b for two gradients of one shape and dtype (the engine's sums): add's run. */
export function addGrads(a: Tensor, b: Tensor): Tensor {
  return addSpec.run(a, b, 1);
}

const arithOps: SpecsFor<ArithFns> = {
  add: addSpec,
  sub: addSubSpec('sub', 'SubBackward0', BinaryOp.Sub),
  mul: mulSpec,
  div: divSpec,
  pow: defineSpec({
    name: 'pow',
    params: [required('input', operand), required('exponent', operand, 3)],
    forward: powOf,
  }),
  maximum: extremeSpec('maximum', 'MaximumBackward0', BinaryOp.Maximum, 'lt'),
  minimum: extremeSpec('minimum', 'MinimumBackward0', BinaryOp.Minimum, 'gt'),
  isclose: defineSpec({
    name: 'isclose',
    params: closeParams,
    forward: (a: Tensor, b: TensorOrScalar, rtol: number, atol: number, equalNan: boolean) => closeness('isclose', a, b, rtol, atol, equalNan),
  }),
  allclose: defineSpec({
    name: 'allclose',
    params: closeParams,
    forward: ((a: Tensor, b: TensorOrScalar, rtol: number, atol: number, equalNan: boolean) =>
      closeness('allclose', a, b, rtol, atol, equalNan).logicalNot().sum().item() === 0) as unknown as (a: Tensor) => Tensor,
  }),
};
installMethods(arithOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<ArithFns> {}
}
export const { add, sub, mul, div, pow, maximum, minimum, isclose, allclose } = functionsOf(arithOps);

// ---- unary ----------------------------------------------------------------------------

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
  type Saved = { mask: Tensor; ifTrue: number; ifFalse: number };
  return defineSpec<(g: Tensor, x: Tensor, mask: Tensor, ifTrue: number, ifFalse: number) => Tensor, [Tensor, Tensor, Tensor, number, number], Saved>({
    name,
    gradFn: name,
    params: [required('grad', is.any), required('x', is.any), required('mask', is.any), required('ifTrue', is.number), required('ifFalse', is.number)],
    forward: (g, x, mask, ifTrue, ifFalse) => where(mask, scaledBy(g, ifTrue), scaledBy(g, ifFalse)),
    save: (out, g, x, mask, ifTrue, ifFalse) => ({ mask, ifTrue, ifFalse }),
    backward: (gg, { mask, ifTrue, ifFalse }, [, needX]) => [where(mask, scaledBy(gg, ifTrue), scaledBy(gg, ifFalse)), needX ? zerosLike(gg) : null],
  }).call;
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
    params: [input, other],
    prepare: (a: Tensor, b: TensorOrScalar) => promote(name, a, b, 'logical'),
    forward: (a, b) => binaryOut(name, code, a, b, bool),
  });
}

const whereOp = defineSpec<
  (cond: Tensor, a: TensorOrScalar, b: TensorOrScalar, dtype: DType) => Tensor,
  [Tensor, TensorOrScalar, TensorOrScalar, DType],
  { cond: Tensor; aIsTensor: boolean; bIsTensor: boolean }
>({
  name: 'where',
  gradFn: 'WhereBackward0',
  params: [required('condition', is.any), required('input', is.any), required('other', is.any), required('dtype', is.any)],
  forward: (cond, a, b, dtype) => {
    let shape: readonly number[] = cond._shape;
    if (a instanceof Tensor) shape = broadcastShapes('where', shape, a._shape);
    if (b instanceof Tensor) shape = broadcastShapes('where', shape, b._shape);
    const out = Tensor._output(shape.slice(), dtype);
    kernels.where(out, cond, a, b);
    return out;
  },
  save: (out, cond, a, b) => ({ cond, aIsTensor: a instanceof Tensor, bIsTensor: b instanceof Tensor }),
  backward: (g, { cond, aIsTensor, bIsTensor }, need) => {
    // Gradients are listed per tensor argument: cond (none), then a and b if tensors.
    const grads: (Tensor | null)[] = [null];
    if (aIsTensor) grads.push(need[1] ? where(cond, g, 0) : null);
    if (bIsTensor) grads.push(need[aIsTensor ? 2 : 1] ? where(cond, 0, g) : null);
    return grads;
  },
}).call;

/** torch.where's two forms. */
export interface WhereFn {
  /** Elementwise condition ? input : other, broadcasting all three; input or other may be
   * numbers (torch.where). */
  (condition: Tensor, input: TensorOrScalar, other: TensorOrScalar): Tensor;
  /** PyTorch's where(condition): nonzero(condition, {asTuple: true}), one int32 index tensor per dim. */
  (condition: Tensor): Tensor[];
}

const whereSpec = defineSpec<WhereFn>({
  name: 'where',
  method: false,
  params: [
    required('condition', (v, op, name) => checkTensor(op, v, name)),
    optional('input', operand, undefined, 1),
    optional('other', operand, undefined, 0),
  ],
  forward: ((c: Tensor, a: TensorOrScalar | undefined, b: TensorOrScalar | undefined): Tensor | Tensor[] => {
    if (a === undefined && b === undefined) return c.nonzero({ asTuple: true }) as Tensor[];
    if (a === undefined || b === undefined) throw opTypeError('where', `missing required argument '${a === undefined ? 'input' : 'other'}'`);
    if (c.dtype !== bool) throw opTypeError('where', `expected condition to be a boolean tensor, but got a tensor with dtype ${c.dtype}`);
    const dtype = resultType([promotion(a), promotion(b)]);
    checkScalarFits('where', a, dtype);
    checkScalarFits('where', b, dtype);
    return whereOp(c, castTo(a, dtype), castTo(b, dtype), dtype);
  }) as unknown as (...args: unknown[]) => Tensor,
});
installMethods({ where: whereSpec });

/** Elementwise condition ? input : other, broadcasting all three; input or other may be
 * numbers (torch.where). With condition alone, PyTorch's where(condition):
 * nonzero(condition, {asTuple: true}), one int32 index tensor per dim. */
export const where: WhereFn = whereSpec.call;
