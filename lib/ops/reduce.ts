// Reductions (sum, mean, extremes, prod, var/std, norm, logsumexp, arg-extremes) and
// softmax/logSoftmax. Forward runs the native reduce kernel (composite forwards run
// without recording); backward expands the gradient back over the reduced dims.
import { inspectCustom } from '../inspect';
import { Tensor } from '../tensor';
import { bool, float32, int32, isFloating, scalarTypeName, type DType } from '../dtype';
import { defineOp } from '../autograd/function';
import { isGradEnabled } from '../autograd/grad_mode';
import { checkFloatDType, checkInt, checkKernelDType, fmtShape, fmtValue, is, keyword, normDim, normDims, opError, opTypeError, optional, required } from '../check';
import { contiguousStrides } from '../layout';
import * as kernels from '../backend';
import { BinaryOp, Group, IndexOp, ReduceOp, SoftmaxOp } from '../native/table';
import { checkTensor } from './movement';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';
import { cat, scatterAddInto } from './indexing';
import { input, toDType, where, zerosLike } from './arith';

/** A dim, a list of dims, or null/undefined for all dims. */
export type ReduceDims = number | number[] | null | undefined;

interface Reduction {
  dims: number[]; // sorted, normalised
  keepShape: number[]; // x's shape with reduced dims set to 1
  outShape: number[];
  count: number; // number of elements folded into each output
}

function reduction(op: string, x: Tensor, dim: ReduceDims, keepdim: boolean): Reduction {
  let dims: number[];
  if (dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0)) dims = x._shape.map((_, i) => i);
  else if (Array.isArray(dim)) dims = normDims(op, dim, x.ndim);
  else dims = [normDim(op, dim, x.ndim)];
  if (x.ndim === 0) dims = [];
  dims.sort((a, b) => a - b);
  const keepShape = x._shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = keepdim ? keepShape.slice() : x._shape.filter((_, i) => !dims.includes(i));
  const count = dims.reduce((n, d) => n * x._shape[d], 1);
  return { dims, keepShape, outShape, count };
}

/** Runs a reduce kernel; the result has r.outShape. */
function runReduce(code: number, x: Tensor, r: Reduction, dtype: DType = x.dtype): Tensor {
  const out = Tensor._output(r.outShape, dtype);
  kernels.reduce(code, out._view(r.keepShape, contiguousStrides(r.keepShape), 0), x);
  return out;
}

/** The gradient of a reduction's output, broadcast back over x's shape. */
function expandBack(g: Tensor, r: Reduction, xShape: readonly number[]): Tensor {
  return g.reshape(r.keepShape).expand(xShape as number[]);
}

function checkKeepdim(op: string, keepdim: unknown): boolean {
  if (keepdim === undefined || keepdim === null) return false;
  if (typeof keepdim !== 'boolean') throw opTypeError(op, `keepdim must be a boolean, got ${fmtValue(keepdim)}`);
  return keepdim;
}

// ---- sum and mean ---------------------------------------------------------------------

function sumOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, x: Tensor, r: Reduction) => {
      ctx.info = r;
      return runReduce(ReduceOp.Sum, x, r);
    },
    backward: (ctx, g) => [expandBack(g, ctx.info as Reduction, ctx.inputShapes[0])],
  });
}
const sumAll = sumOp('SumBackward0');
const sumDim = sumOp('SumBackward1');

export function sum(x: Tensor, dim?: ReduceDims, keepdim?: boolean): Tensor {
  checkTensor('sum', x);
  const kd = checkKeepdim('sum', keepdim);
  const input = x.dtype === bool ? toDType(x, int32) : x;
  const r = reduction('sum', input, dim, kd);
  return (dim === undefined && keepdim === undefined ? sumAll : sumDim)(input, r);
}

function meanOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, x: Tensor, r: Reduction) => {
      ctx.info = r;
      const s = runReduce(ReduceOp.Sum, x, r);
      kernels.binary(BinaryOp.Div, s, s, r.count); // as PyTorch: the sum, rounded, then divided
      return s;
    },
    backward: (ctx, g) => {
      const r = ctx.info as Reduction;
      return [expandBack(g.div(r.count), r, ctx.inputShapes[0])];
    },
  });
}
const meanAll = meanOp('MeanBackward0');
const meanDim = meanOp('MeanBackward1');

export function mean(x: Tensor, dim?: ReduceDims, keepdim?: boolean): Tensor {
  checkTensor('mean', x);
  if (!isFloating(x.dtype)) {
    throw opTypeError(
      'mean',
      `could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x.dtype)}\n` +
        'Hint: convert first, e.g. x.float().mean()',
    );
  }
  const r = reduction('mean', x, dim, checkKeepdim('mean', keepdim));
  return (dim === undefined && keepdim === undefined ? meanAll : meanDim)(x, r);
}

// ---- extremes -------------------------------------------------------------------------

function checkNonEmpty(op: string, x: Tensor, r: Reduction): void {
  for (const d of r.dims) {
    if (x._shape[d] === 0) {
      throw opError(op, `Expected reduction dim ${d} to have non-zero size (shape ${fmtShape(x._shape)}). Hint: the extreme of an empty set is undefined.`);
    }
  }
}

/** The gradient goes evenly to every element equal to the extreme. `select` (max(), min(),
 * norm(inf)): NaN counts as equal to a NaN extreme and the share is selected into place, as
 * PyTorch's evenly_distribute_backward (an infinite gradient stays inf there and 0 elsewhere,
 * not inf·0 = NaN). Otherwise (amax, amin) the share is multiplied by the mask, as PyTorch's
 * scale_grad_by_count does (NaN there in PyTorch too). */
function evenlySplit(g: Tensor, x: Tensor, result: Tensor, r: Reduction, select: boolean): Tensor {
  const extreme = result.reshape(r.keepShape);
  if (select) {
    const isExtreme = x.eq(extreme).logicalOr(x.ne(x).logicalAnd(extreme.ne(extreme)));
    return where(isExtreme, expandBack(g, r, x._shape).div(isExtreme.sum(r.dims, true)), 0);
  }
  const mask = x.eq(extreme).to(g.dtype);
  const count = mask.sum(r.dims, true);
  return expandBack(g, r, x._shape).div(count).mul(mask);
}

function extremeOp(name: string, code: number, select: boolean) {
  return defineOp({
    name,
    forward: (ctx, x: Tensor, r: Reduction) => {
      const out = runReduce(code, x, r);
      ctx.info = r;
      ctx.saveForBackward(x, out);
      return out;
    },
    backward: (ctx, g) => {
      const [x, out] = ctx.saved;
      return [evenlySplit(g, x, out, ctx.info as Reduction, select)];
    },
  });
}
const amaxOp = extremeOp('AmaxBackward0', ReduceOp.Max, false);
const aminOp = extremeOp('AminBackward0', ReduceOp.Min, false);
const maxAllOp = extremeOp('MaxBackward1', ReduceOp.Max, true);
const minAllOp = extremeOp('MinBackward1', ReduceOp.Min, true);

function extreme(op: string, fn: (x: Tensor, r: Reduction) => Tensor, x: Tensor, dim: ReduceDims, keepdim?: boolean): Tensor {
  checkTensor(op, x);
  // Bool extremes are any/all: computed on int32 (the kernels take no bool), as bool.
  if (x.dtype === bool) return toDType(extreme(op, fn, toDType(x, int32), dim, keepdim), bool);
  const r = reduction(op, x, dim, checkKeepdim(op, keepdim));
  checkNonEmpty(op, x, r);
  return fn(x, r);
}

export const amax = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Tensor => extreme('amax', amaxOp, x, dim, keepdim);
export const amin = (x: Tensor, dim?: ReduceDims, keepdim?: boolean): Tensor => extreme('amin', aminOp, x, dim, keepdim);

function checkNonEmptyAll(op: string, x: Tensor): void {
  if (x.numel() === 0) {
    throw opError(
      op,
      `Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`,
    );
  }
}
export function max(x: Tensor): Tensor {
  checkNonEmptyAll('max', checkTensor('max', x));
  return extreme('max', maxAllOp, x, null);
}
export function min(x: Tensor): Tensor {
  checkNonEmptyAll('min', checkTensor('min', x));
  return extreme('min', minAllOp, x, null);
}

/** What max(dim)/min(dim)/sort/topk return: a JS array [values, indices] (so
 * `const [v, i] = x.topk(3)` works, as PyTorch's tuple) with PyTorch's named fields
 * `.values` (the values, of the input's shape without `dim`, or with it as 1 if keepdim;
 * for sort/topk the sorted values along `dim`) and `.indices` (where they are along `dim`,
 * int32; PyTorch: int64), printed as PyTorch's named tuple:
 * torch.return_types.max(values=..., indices=...). (Its `values` is the tensor, not
 * Array.prototype.values.) */
export type ValuesIndices = Omit<[Tensor, Tensor], 'values'> & {
  /** The values (element 0). */
  readonly values: Tensor;
  /** Where they are along the dim, int32 (element 1). */
  readonly indices: Tensor;
};

/** A ValuesIndices pair; `op` ('max', 'min', 'sort', 'topk') is named when it is printed. */
export function valuesIndices(values: Tensor, indices: Tensor, op: string): ValuesIndices {
  const pair = [values, indices];
  const print = () => `torch.return_types.${op}(\nvalues=${values},\nindices=${indices})`;
  Object.defineProperties(pair, {
    values: { value: values },
    indices: { value: indices },
    toString: { value: print },
    [inspectCustom]: { value: print },
  });
  return pair as unknown as ValuesIndices;
}

function selectingOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, x: Tensor, r: Reduction, indices: Tensor) => {
      ctx.info = r;
      ctx.saveForBackward(indices);
      const idx = indices.reshape(r.keepShape);
      const out = Tensor._output(r.keepShape.slice(), x.dtype);
      kernels.run(Group.Index, IndexOp.Gather, [out, x, idx, r.dims[0]]);
      return out.reshape(r.outShape);
    },
    backward: (ctx, g) => {
      // The gradient goes to the selected element only (PyTorch's value_selecting_reduction_backward).
      const r = ctx.info as Reduction;
      const [indices] = ctx.saved;
      return [scatterAddInto(g.reshape(r.keepShape), ctx.inputShapes[0] as number[], r.dims[0], indices.reshape(r.keepShape))];
    },
  });
}
const maxDimOp = selectingOp('MaxBackward0');
const minDimOp = selectingOp('MinBackward0');

function extremeDim(op: string, x: Tensor, dim: number, keepdim: boolean | undefined, isMax: boolean): ValuesIndices {
  checkTensor(op, x);
  if (x.dtype === bool) {
    const { values, indices } = extremeDim(op, toDType(x, int32), dim, keepdim, isMax);
    return valuesIndices(toDType(values, bool), indices, op);
  }
  const r = reduction(op, x, dim, checkKeepdim(op, keepdim));
  checkNonEmpty(op, x, r);
  if (x.ndim === 0) return valuesIndices(x.clone(), Tensor._empty([], int32), op);
  const indices = runReduce(isMax ? ReduceOp.ArgMax : ReduceOp.ArgMin, x, r, int32);
  return valuesIndices((isMax ? maxDimOp : minDimOp)(x, r, indices), indices, op);
}
export const maxDim = (x: Tensor, dim: number, keepdim?: boolean): ValuesIndices => extremeDim('max', x, dim, keepdim, true);
export const minDim = (x: Tensor, dim: number, keepdim?: boolean): ValuesIndices => extremeDim('min', x, dim, keepdim, false);

function argExtreme(op: string, code: number, x: Tensor, dim: number | null | undefined, keepdim?: boolean): Tensor {
  checkTensor(op, x);
  if (x.dtype === bool) checkKernelDType(op, `${op}_cpu`, x.dtype);
  const kd = checkKeepdim(op, keepdim);
  if (dim === null || dim === undefined) {
    checkNonEmptyAll(op, x);
    const flat = x.reshape(-1);
    const out = runReduce(code, flat, reduction(op, flat, 0, false), int32);
    return kd ? out.reshape(x._shape.map(() => 1)) : out;
  }
  const r = reduction(op, x, dim, kd);
  checkNonEmpty(op, x, r);
  return runReduce(code, x, r, int32);
}
export const argmax = (x: Tensor, dim?: number | null, keepdim?: boolean): Tensor => argExtreme('argmax', ReduceOp.ArgMax, x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number | null, keepdim?: boolean): Tensor => argExtreme('argmin', ReduceOp.ArgMin, x, dim, keepdim);

// ---- prod ---------------------------------------------------------------------------------

/** Inclusive cumulative product along dim, in log2(n) differentiable steps (Hillis-Steele). */
function cumprod(x: Tensor, dim: number): Tensor {
  const n = x._shape[dim];
  let y = x;
  for (let k = 1; k < n; k *= 2) y = cat([y.narrow(dim, 0, k), y.narrow(dim, k, n - k).mul(y.narrow(dim, 0, n - k))], dim);
  return y;
}

/** For each element, the product of the others along dim: exclusive prefix times
 * exclusive suffix products (PyTorch's prod_safe_zeros_backward). Exact with zeros, and
 * made of differentiable ops, so higher derivatives at zeros are right too. */
function productOfOthers(x: Tensor, dim: number): Tensor {
  const n = x._shape[dim];
  const ones = Tensor._onesLike(x.narrow(dim, 0, 1));
  const exclusive = (t: Tensor) => cat([ones, cumprod(t.narrow(dim, 0, n - 1), dim)], dim);
  const reversed = Tensor._empty([n], int32);
  reversed.typedArray().forEach((_, i, a) => (a[i] = n - 1 - i));
  return exclusive(x).mul(exclusive(x.indexSelect(dim, reversed)).indexSelect(dim, reversed));
}

function prodOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, x: Tensor, r: Reduction) => {
      const out = runReduce(ReduceOp.Prod, x, r);
      ctx.info = r;
      ctx.saveForBackward(x, out);
      return out;
    },
    backward: (ctx, g) => {
      // d/dx_i is result / x_i, which is 0/0 at a zero: with zeros, the product of the others.
      const [x, out] = ctx.saved;
      const r = ctx.info as Reduction;
      let local: Tensor;
      if (x.eq(0).sum().item() === 0) local = out.reshape(r.keepShape).div(x);
      else if (r.dims.length === 1) local = productOfOthers(x, r.dims[0]);
      else local = productOfOthers(x.reshape(-1), 0).reshape(x._shape as number[]);
      return [expandBack(g, r, x._shape).mul(local)];
    },
  });
}
const prodAll = prodOp('ProdBackward0');
const prodDim = prodOp('ProdBackward1');

export function prod(x: Tensor, dim?: number | null, keepdim?: boolean): Tensor {
  checkTensor('prod', x);
  const input = x.dtype === bool ? toDType(x, int32) : x;
  if (dim === null || dim === undefined) {
    const r = reduction('prod', input, null, checkKeepdim('prod', keepdim));
    return prodAll(input, r);
  }
  return prodDim(input, reduction('prod', input, checkInt('prod', 'dim', dim), checkKeepdim('prod', keepdim)));
}

// ---- var, std ------------------------------------------------------------------------------

interface VarInfo {
  r: Reduction;
  divisor: number;
}

function centered(x: Tensor, r: Reduction): Tensor {
  return x.sub(x.mean(r.dims, true));
}

const varOp = defineOp({
  name: 'VarBackward0',
  forward: (ctx, x: Tensor, r: Reduction, divisor: number) => {
    ctx.info = { r, divisor };
    ctx.saveForBackward(x);
    const d = centered(x, r);
    return d.mul(d).sum(r.dims, r.outShape.length === r.keepShape.length).div(divisor).reshape(r.outShape);
  },
  backward: (ctx, g) => {
    const { r, divisor } = ctx.info as VarInfo;
    const [x] = ctx.saved;
    return [expandBack(g, r, x._shape).mul(centered(x, r)).mul(2 / divisor)];
  },
});

const stdOp = defineOp({
  name: 'StdBackward0',
  forward: (ctx, x: Tensor, r: Reduction, divisor: number) => {
    ctx.info = { r, divisor };
    const d = centered(x, r);
    const out = d.mul(d).sum(r.dims, r.outShape.length === r.keepShape.length).div(divisor).sqrt().reshape(r.outShape);
    ctx.saveForBackward(x, out);
    return out;
  },
  backward: (ctx, g) => {
    const { r, divisor } = ctx.info as VarInfo;
    const [x, out] = ctx.saved;
    const scale = where(out.eq(0), 0, g.div(out)).div(divisor);
    return [expandBack(scale, r, x._shape).mul(centered(x, r))];
  },
});

/** var/std: PyTorch's two spellings of the divisor, correction (count - correction) and
 * unbiased (correction 1 or 0); one of them at most. */
function spread(op: string, fn: typeof varOp, x: Tensor, dim: ReduceDims, keepdim: boolean | null, correction?: number, unbiased?: boolean): Tensor {
  checkTensor(op, x);
  checkFloatDType(op, x.dtype);
  if (correction !== undefined && unbiased !== undefined) throw opTypeError(op, 'give either correction or unbiased, not both');
  const c = correction ?? (unbiased === false ? 0 : 1);
  const r = reduction(op, x, dim, checkKeepdim(op, keepdim));
  return fn(x, r, Math.max(0, r.count - c));
}

// ---- norm, logsumexp ---------------------------------------------------------------------

const normOp = defineOp({
  name: 'NormBackward1',
  forward: (ctx, x: Tensor, p: number, r: Reduction) => {
    const kd = r.outShape.length === r.keepShape.length;
    const a = x.abs();
    let out: Tensor;
    if (p === 2) out = x.mul(x).sum(r.dims, kd).sqrt();
    else if (p === 1) out = a.sum(r.dims, kd);
    // The ±inf norm of no elements is 0, as PyTorch's (amax/amin of nothing is an error).
    else if ((p === Infinity || p === -Infinity) && r.count === 0) out = Tensor._empty(r.outShape, x.dtype);
    else if (p === Infinity) out = a.amax(r.dims, kd);
    else if (p === -Infinity) out = a.amin(r.dims, kd);
    else if (p === 0) out = a.ne(0).to(x.dtype).sum(r.dims, kd);
    else out = a.pow(p).sum(r.dims, kd).pow(1 / p);
    ctx.info = { p, r };
    ctx.saveForBackward(x, out);
    return out;
  },
  backward: (ctx, g) => {
    const { p, r } = ctx.info as { p: number; r: Reduction };
    const [x, out] = ctx.saved;
    const gk = g.reshape(r.keepShape);
    const nk = out.reshape(r.keepShape);
    if (p === 0) return [zerosLike(x)];
    if (p === 1) return [x.sign().mul(gk)];
    if (p === Infinity || p === -Infinity) return [x.sign().mul(evenlySplit(g, x.abs(), out, r, true))];
    // PyTorch's norm_backward; the gradient at an all-zero vector is 0. Below p = 2 it is
    // sign(x)·|x|^(p-1), 0 at x = 0 (x·|x|^(p-2) would be 0·inf = NaN there).
    const scaled = p === 2 ? x : p < 2 ? x.sign().mul(p < 1 ? where(x.eq(0), 0, x.abs().pow(p - 1)) : x.abs().pow(p - 1)) : x.mul(x.abs().pow(p - 2));
    const scale = where(nk.eq(0), 0, p === 2 ? gk.div(nk) : gk.div(nk.pow(p - 1)));
    return [scaled.mul(scale)];
  },
});

export function norm(x: Tensor, p?: number | null, dim?: ReduceDims, keepdim?: boolean): Tensor {
  checkTensor('norm', x);
  checkFloatDType('norm', x.dtype);
  const order = p ?? 2;
  if (typeof order !== 'number') throw opTypeError('norm', `p must be a number, got ${fmtValue(order)}`);
  return normOp(x, order, reduction('norm', x, dim, checkKeepdim('norm', keepdim)));
}

const logsumexpOp = defineOp({
  name: 'LogsumexpBackward0',
  forward: (ctx, x: Tensor, r: Reduction) => {
    // Stable: shift by the max (an infinite max is replaced by 0, so -inf rows give -inf).
    const m = x.amax(r.dims, true);
    const shift = where(m.abs().eq(Infinity), 0, m);
    const out = x.sub(shift).exp().sum(r.dims, true).log().add(shift).reshape(r.outShape);
    ctx.info = r;
    // The returned tensor itself: its gradFn makes the backward differentiable again.
    ctx.saveForBackward(x, out);
    return out;
  },
  backward: (ctx, g) => {
    const r = ctx.info as Reduction;
    const [x, out] = ctx.saved;
    return [expandBack(g, r, x._shape).mul(x.sub(out.reshape(r.keepShape)).exp())];
  },
});

export function logsumexp(x: Tensor, dim: number | number[], keepdim?: boolean): Tensor {
  checkTensor('logsumexp', x);
  if (dim === undefined || dim === null) throw opTypeError('logsumexp', 'dim is required (a number or an array of numbers)');
  const input = isFloating(x.dtype) ? x : toDType(x, float32);
  const r = reduction('logsumexp', input, dim, checkKeepdim('logsumexp', keepdim));
  if (x.numel() === 0 && r.count === 0) return input.sum(r.dims, keepdim).log();
  return logsumexpOp(input, r);
}

// ---- softmax ------------------------------------------------------------------------------

// Softmax and logSoftmax run as one fused native pass per row. Backward uses the fused
// kernel too, unless a graph of the gradient is being recorded (createGraph): then it is
// written in differentiable tensor ops.
function softmaxFamily(name: string, forwardOp: number, backwardOp: number, differentiable: (y: Tensor, g: Tensor, dim: number) => Tensor) {
  // The kernel wants at least one dim: a 0-d tensor is viewed as [1].
  const atLeast1d = (t: Tensor): Tensor => (t.ndim === 0 ? t._view([1], [1], t._offset) : t);
  return defineOp({
    name,
    forward: (ctx, x: Tensor, dim: number) => {
      const out = Tensor._output(x._shape as number[], x.dtype);
      kernels.run(Group.Softmax, forwardOp, [atLeast1d(out), atLeast1d(x), null, dim]);
      ctx.info = dim;
      ctx.saveForBackward(out);
      return out;
    },
    backward: (ctx, g) => {
      const [y] = ctx.saved;
      const dim = ctx.info as number;
      if (isGradEnabled()) return [differentiable(y, g, dim)];
      const gradIn = Tensor._output(y._shape as number[], y.dtype);
      kernels.run(Group.Softmax, backwardOp, [atLeast1d(gradIn), atLeast1d(y), atLeast1d(g), dim]);
      return [gradIn];
    },
  });
}

const softmaxOp = softmaxFamily('SoftmaxBackward0', SoftmaxOp.Softmax, SoftmaxOp.SoftmaxBackward, (y, g, dim) =>
  y.mul(g.sub(g.mul(y).sum(dim, true))),
);
const logSoftmaxOp = softmaxFamily('LogSoftmaxBackward0', SoftmaxOp.LogSoftmax, SoftmaxOp.LogSoftmaxBackward, (y, g, dim) =>
  g.sub(y.exp().mul(g.sum(dim, true))),
);

function softmaxLike(op: string, fn: typeof softmaxOp, x: Tensor, dim: number): Tensor {
  checkTensor(op, x);
  if (dim === undefined || dim === null) throw opTypeError(op, 'dim is required');
  const d = normDim(op, dim, x.ndim);
  // PyTorch's kernel names: the last dim has its own kernel per op; any other dim shares one.
  const lastDim = x.ndim === 0 || d === x.ndim - 1;
  checkKernelDType(op, lastDim ? `${op === 'softmax' ? 'softmax' : 'log_softmax'}_lastdim_kernel_impl` : 'softmax_kernel_impl', x.dtype);
  if (x.numel() === 0) return x.clone();
  return fn(x, x.ndim === 0 ? 0 : d);
}

export const softmax = (x: Tensor, dim: number): Tensor => softmaxLike('softmax', softmaxOp, x, dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => softmaxLike('logSoftmax', logSoftmaxOp, x, dim);

// ---- the public reductions: signatures, then specs -------------------------------------

// Each positional parameter also takes the options object (the keyword arguments), which
// ends the positional ones: x.var(0, {unbiased: false}), x.sum({dim: 1, keepdim: true}).
/** A reduction's dim and keepdim by name (PyTorch's dim=, keepdim=). */
export interface DimOptions<D> {
  /** The dim or dims to reduce (all when omitted). */
  dim?: D;
  /** Whether the reduced dims stay, with size 1 (default false: they go). */
  keepdim?: boolean;
}
/** var's and std's options (PyTorch's dim=, correction=, unbiased=, keepdim=). */
export interface VarOptions extends DimOptions<ReduceDims> {
  /** The divisor is N - correction (default 1, Bessel's correction). */
  correction?: number;
  /** The older spelling: true is correction 1, false correction 0. */
  unbiased?: boolean;
}
type VarFn = (input: Tensor, dim?: ReduceDims | VarOptions, keepdim?: boolean | VarOptions, options?: VarOptions) => Tensor;
type ReduceFn = (input: Tensor, dim?: ReduceDims | DimOptions<ReduceDims>, keepdim?: boolean | DimOptions<ReduceDims>, options?: DimOptions<ReduceDims>) => Tensor;
type IndexReduceFn = (
  input: Tensor, dim?: number | null | DimOptions<number | null>, keepdim?: boolean | DimOptions<number | null>, options?: DimOptions<number | null>,
) => Tensor;
/** norm's options (PyTorch's p=, dim=, keepdim=). */
export interface NormOptions extends DimOptions<ReduceDims> {
  /** The order of the norm: a number, Infinity or -Infinity (default 2). */
  p?: number | null;
}

/** The public signatures of the reductions (Tensor methods and tg.* functions). */
export interface ReductionFns {
  /** The sum over `dim` (a dim, a list, or all dims when omitted): the reduced dims go, or
   * stay as 1 with keepdim (torch.sum). */
  sum: ReduceFn;
  /** The mean over `dim` (floating tensors); shapes as sum (torch.mean). */
  mean: ReduceFn;
  /** The largest value over `dim` (the gradient is split evenly among ties); shapes as sum (torch.amax). */
  amax: ReduceFn;
  /** The smallest value over `dim`; shapes as sum (torch.amin). */
  amin: ReduceFn;
  /** The product over one dim, or of all elements (0-d) (torch.prod). */
  prod: IndexReduceFn;
  /** The variance over `dim`, with divisor N - correction (default 1; unbiased: false is
   * correction 0); shapes as sum (torch.var). */
  var: VarFn;
  /** The standard deviation over `dim` (correction / unbiased as var); shapes as sum (torch.std). */
  std: VarFn;
  /** The p-norm (default 2) over `dim`, or of all elements; shapes as sum (torch.norm). */
  norm: (input: Tensor, p?: number | null | NormOptions, dim?: ReduceDims | NormOptions, keepdim?: boolean | NormOptions, options?: NormOptions) => Tensor;
  /** log(sum(exp(x))) over `dim`, computed stably; shapes as sum (torch.logsumexp). */
  logsumexp: (input: Tensor, dim: number | number[] | DimOptions<number | number[]>, keepdim?: boolean | DimOptions<number | number[]>, options?: DimOptions<number | number[]>) => Tensor;
  /** The int32 index of the largest value (the first among ties) over `dim`, or in the
   * flattened tensor (0-d) (torch.argmax). */
  argmax: IndexReduceFn;
  /** The int32 index of the smallest value over `dim`, or in the flattened tensor (torch.argmin). */
  argmin: IndexReduceFn;
  /** exp(x) / sum(exp(x)) along `dim`: the input's shape (torch.softmax). */
  softmax: (input: Tensor, dim: number | { dim: number }) => Tensor;
  /** log(softmax(x)) along `dim`, computed stably: the input's shape (torch.log_softmax). */
  logSoftmax: (input: Tensor, dim: number | { dim: number }) => Tensor;
}

// The implementations check their arguments (with the messages the tests pin down);
// the signatures name them, give PyTorch's order and defaults, and catch unknown names.
const dim = (example: unknown = 0) => optional('dim', is.any, undefined, example);
const keepdim = optional('keepdim', is.any, undefined, true);
type AnyFn = (input: Tensor, ...rest: any[]) => Tensor;
const reduceSpec = <F extends AnyFn>(name: string, forward: (x: Tensor, ...rest: any[]) => Tensor, example?: unknown) =>
  defineSpec<F, any[]>({ name, params: [input, dim(example), keepdim], forward });
const varSpec = <F extends AnyFn>(name: string, fn: typeof varOp) =>
  defineSpec<F, any[]>({
    name,
    params: [input, dim(), keepdim, keyword('correction', is.int, undefined, 0), keyword('unbiased', is.bool, undefined)],
    forward: (x: Tensor, d: ReduceDims, k: boolean | null, correction?: number, unbiased?: boolean) => spread(name, fn, x, d, k, correction, unbiased),
  });

const reductionOps: SpecsFor<ReductionFns> = {
  sum: reduceSpec('sum', sum),
  mean: reduceSpec('mean', mean),
  amax: reduceSpec('amax', amax),
  amin: reduceSpec('amin', amin),
  prod: reduceSpec('prod', prod),
  var: varSpec('var', varOp),
  std: varSpec('std', stdOp),
  norm: defineSpec({ name: 'norm', params: [input, optional('p', is.any, null, 1), dim(), keepdim], forward: norm }),
  logsumexp: defineSpec({ name: 'logsumexp', params: [input, dim(), keepdim], forward: logsumexp }),
  argmax: reduceSpec('argmax', argmax),
  argmin: reduceSpec('argmin', argmin),
  softmax: defineSpec({ name: 'softmax', params: [input, dim()], forward: softmax }),
  logSoftmax: defineSpec({ name: 'logSoftmax', params: [input, dim()], forward: logSoftmax }),
};
installMethods(reductionOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<ReductionFns> {}
}
/** The tg.* reductions (tg.var is the variance). */
export const reductions = functionsOf(reductionOps);
