// Reductions (sum, mean, extremes, prod, var/std, norm, logsumexp, arg-extremes) and
// softmax/logSoftmax. Forward runs the native reduce kernel (composite forwards run
// without recording); backward expands the gradient back over the reduced dims.
import { inspectCustom } from '../inspect';
import { Tensor } from '../tensor';
import { bool, float32, int32, isFloating, scalarTypeName, type DType } from '../dtype';
import { isGradEnabled } from '../autograd/grad_mode';
import { checkFloatDType, checkInt, checkKernelDType, fmtShape, fmtValue, is, keyword, normDim, normDims, opError, opTypeError, optional, required } from '../check';
import { contiguousStrides } from '../layout';
import * as kernels from '../backend';
import { BinaryOp, Group, IndexOp, ReduceOp, SoftmaxOp } from '../native/table';
import { checkTensor, expandTo, input, reshapeTo } from './movement';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';
import { cat, scatterAddInto } from './indexing';
import { toDType, where, zerosLike } from './arith';

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
  return expandTo(reshapeTo(g, r.keepShape), xShape.slice());
}

function checkKeepdim(op: string, keepdim: unknown): boolean {
  if (keepdim === undefined || keepdim === null) return false;
  if (typeof keepdim !== 'boolean') throw opTypeError(op, `keepdim must be a boolean, got ${fmtValue(keepdim)}`);
  return keepdim;
}

// ---- sum and mean ---------------------------------------------------------------------

/** What a reduction's backward needs besides saved tensors: the reduction and x's shape. */
type Reduced = { r: Reduction; shape: readonly number[] };
/** The input of a recorded reduction. */
type ReductionArgs = [Tensor, Reduction];
const reductionParams = [input, required('reduction', is.any)];

/** A sum (or, with `divide`, a mean) by one kernel pass recorded as `gradFn`, one per form
 * that PyTorch names apart (sum() is SumBackward0, sum(dim) SumBackward1). */
function linearReduction(name: string, gradFn: string, code: number, divide: boolean) {
  return defineSpec<(x: Tensor, r: Reduction) => Tensor, ReductionArgs, Reduced>({
    name,
    gradFn,
    method: false,
    params: reductionParams,
    forward: (x, r) => {
      const out = runReduce(code, x, r);
      if (divide) kernels.binary(BinaryOp.Div, out, out, r.count); // as PyTorch: the sum, rounded, then divided
      return out;
    },
    save: (out, x, r) => ({ r, shape: x._shape }),
    backward: (g, { r, shape }) => [expandBack(divide ? g.div(r.count) : g, r, shape)],
  }).run;
}
const sumAll = linearReduction('sum', 'SumBackward0', ReduceOp.Sum, false);
const sumDim = linearReduction('sum', 'SumBackward1', ReduceOp.Sum, false);

export function sum(x: Tensor, dim?: ReduceDims, keepdim?: boolean): Tensor {
  checkTensor('sum', x);
  const kd = checkKeepdim('sum', keepdim);
  const ints = x.dtype === bool ? toDType(x, int32) : x;
  const r = reduction('sum', ints, dim, kd);
  return (dim === undefined && keepdim === undefined ? sumAll : sumDim)(ints, r);
}

const meanAll = linearReduction('mean', 'MeanBackward0', ReduceOp.Sum, true);
const meanDim = linearReduction('mean', 'MeanBackward1', ReduceOp.Sum, true);

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

/** What the backward of an extreme, a product or a norm needs: the input, the output and the reduction. */
type InOut = { x: Tensor; out: Tensor; r: Reduction };

function extremeOp(name: string, gradFn: string, code: number, select: boolean) {
  return defineSpec<(x: Tensor, r: Reduction) => Tensor, ReductionArgs, InOut>({
    name,
    gradFn,
    method: false,
    params: reductionParams,
    forward: (x, r) => runReduce(code, x, r),
    save: (out, x, r) => ({ x, out, r }),
    backward: (g, { x, out, r }) => [evenlySplit(g, x, out, r, select)],
  }).run;
}
const amaxOp = extremeOp('amax', 'AmaxBackward0', ReduceOp.Max, false);
const aminOp = extremeOp('amin', 'AminBackward0', ReduceOp.Min, false);
const maxAllOp = extremeOp('max', 'MaxBackward1', ReduceOp.Max, true);
const minAllOp = extremeOp('min', 'MinBackward1', ReduceOp.Min, true);

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

// max(dim)/min(dim): the values at the arg-extreme indices (an input too, not differentiable).
function selectingOp(name: string, gradFn: string) {
  return defineSpec<(x: Tensor, r: Reduction, indices: Tensor) => Tensor, [Tensor, Reduction, Tensor], Reduced & { indices: Tensor }>({
    name,
    gradFn,
    method: false,
    params: [...reductionParams, required('indices', is.any)],
    forward: (x, r, indices) => {
      const idx = indices.reshape(r.keepShape);
      const out = Tensor._output(r.keepShape.slice(), x.dtype);
      kernels.run(Group.Index, IndexOp.Gather, [out, x, idx, r.dims[0]]);
      return out.reshape(r.outShape);
    },
    save: (out, x, r, indices) => ({ r, shape: x._shape, indices }),
    // The gradient goes to the selected element only (PyTorch's value_selecting_reduction_backward).
    backward: (g, { r, shape, indices }) => [scatterAddInto(g.reshape(r.keepShape), shape as number[], r.dims[0], indices.reshape(r.keepShape))],
  }).run;
}
const maxDimOp = selectingOp('max', 'MaxBackward0');
const minDimOp = selectingOp('min', 'MinBackward0');

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

function prodOp(gradFn: string) {
  return defineSpec<(x: Tensor, r: Reduction) => Tensor, ReductionArgs, InOut>({
    name: 'prod',
    gradFn,
    method: false,
    params: reductionParams,
    forward: (x, r) => runReduce(ReduceOp.Prod, x, r),
    save: (out, x, r) => ({ x, out, r }),
    backward: (g, { x, out, r }) => {
      // d/dx_i is result / x_i, which is 0/0 at a zero: with zeros, the product of the others.
      let local: Tensor;
      if (x.eq(0).sum().item() === 0) local = out.reshape(r.keepShape).div(x);
      else if (r.dims.length === 1) local = productOfOthers(x, r.dims[0]);
      else local = productOfOthers(x.reshape(-1), 0).reshape(x._shape as number[]);
      return [expandBack(g, r, x._shape).mul(local)];
    },
  }).run;
}
const prodAll = prodOp('ProdBackward0');
const prodDim = prodOp('ProdBackward1');

export function prod(x: Tensor, dim?: number | null, keepdim?: boolean): Tensor {
  checkTensor('prod', x);
  const ints = x.dtype === bool ? toDType(x, int32) : x;
  if (dim === null || dim === undefined) return prodAll(ints, reduction('prod', ints, null, checkKeepdim('prod', keepdim)));
  return prodDim(ints, reduction('prod', ints, checkInt('prod', 'dim', dim), checkKeepdim('prod', keepdim)));
}

// ---- var, std ------------------------------------------------------------------------------

function centered(x: Tensor, r: Reduction): Tensor {
  return x.sub(x.mean(r.dims, true));
}

/** The sum of squared deviations over r, divided by `divisor`. */
function variance(x: Tensor, r: Reduction, divisor: number): Tensor {
  const d = centered(x, r);
  return d.mul(d).sum(r.dims, r.outShape.length === r.keepShape.length).div(divisor).reshape(r.outShape);
}

/** var/std's arguments: PyTorch's two spellings of the divisor, correction (count -
 * correction) and unbiased (correction 1 or 0); one of them at most. */
function spread(op: string, x: Tensor, dim: ReduceDims, keepdim: boolean | null, correction?: number, unbiased?: boolean): [Tensor, Reduction, number] {
  checkFloatDType(op, x.dtype);
  if (correction !== undefined && unbiased !== undefined) throw opTypeError(op, 'give either correction or unbiased, not both');
  const c = correction ?? (unbiased === false ? 0 : 1);
  const r = reduction(op, x, dim, checkKeepdim(op, keepdim));
  return [x, r, Math.max(0, r.count - c)];
}
type Spread = { x: Tensor; r: Reduction; divisor: number };

// ---- norm, logsumexp ---------------------------------------------------------------------

type NormArgs = [Tensor, number, Reduction];
function normArgs(x: Tensor, p: number | null, dim: ReduceDims, keepdim: boolean | null): NormArgs {
  checkFloatDType('norm', x.dtype);
  const order = p ?? 2;
  if (typeof order !== 'number') throw opTypeError('norm', `p must be a number, got ${fmtValue(order)}`);
  return [x, order, reduction('norm', x, dim, checkKeepdim('norm', keepdim))];
}

function normForward(x: Tensor, p: number, r: Reduction): Tensor {
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
    return out;
}

function normBackward(g: Tensor, { x, out, p, r }: InOut & { p: number }): Tensor[] {
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
}

const logsumexpOp = defineSpec<(x: Tensor, r: Reduction) => Tensor, ReductionArgs, InOut>({
  name: 'logsumexp',
  gradFn: 'LogsumexpBackward0',
  method: false,
  params: reductionParams,
  forward: (x, r) => {
    // Stable: shift by the max (an infinite max is replaced by 0, so -inf rows give -inf).
    const m = x.amax(r.dims, true);
    const shift = where(m.abs().eq(Infinity), 0, m);
    return x.sub(shift).exp().sum(r.dims, true).log().add(shift).reshape(r.outShape);
  },
  // The returned tensor itself: its gradFn makes the backward differentiable again.
  save: (out, x, r) => ({ x, out, r }),
  backward: (g, { x, out, r }) => [expandBack(g, r, x._shape).mul(x.sub(out.reshape(r.keepShape)).exp())],
}).run;

export function logsumexp(x: Tensor, dim: number | number[], keepdim?: boolean): Tensor {
  checkTensor('logsumexp', x);
  if (dim === undefined || dim === null) throw opTypeError('logsumexp', 'dim is required (a number or an array of numbers)');
  const floats = isFloating(x.dtype) ? x : toDType(x, float32);
  const r = reduction('logsumexp', floats, dim, checkKeepdim('logsumexp', keepdim));
  if (x.numel() === 0 && r.count === 0) return floats.sum(r.dims, keepdim).log();
  return logsumexpOp(floats, r);
}

// ---- softmax ------------------------------------------------------------------------------

// Softmax and logSoftmax run as one fused native pass per row. Backward uses the fused
// kernel too, unless a graph of the gradient is being recorded (createGraph): then it is
// written in differentiable tensor ops.
// The kernel wants at least one dim: a 0-d tensor is viewed as [1].
const atLeast1d = (t: Tensor): Tensor => (t.ndim === 0 ? t._view([1], [1], t._offset) : t);

function softmaxFamily(name: string, gradFn: string, forwardOp: number, backwardOp: number, differentiable: (y: Tensor, g: Tensor, dim: number) => Tensor) {
  return defineSpec<(x: Tensor, dim: number) => Tensor, [Tensor, number], { y: Tensor; dim: number }>({
    name,
    gradFn,
    method: false,
    params: [input, required('dim', is.int)],
    forward: (x, dim) => {
      const out = Tensor._output(x._shape as number[], x.dtype);
      kernels.run(Group.Softmax, forwardOp, [atLeast1d(out), atLeast1d(x), null, dim]);
      return out;
    },
    save: (y, x, dim) => ({ y, dim }),
    backward: (g, { y, dim }) => {
      if (isGradEnabled()) return [differentiable(y, g, dim)];
      const gradIn = Tensor._output(y._shape as number[], y.dtype);
      kernels.run(Group.Softmax, backwardOp, [atLeast1d(gradIn), atLeast1d(y), atLeast1d(g), dim]);
      return [gradIn];
    },
  }).run;
}

const softmaxOp = softmaxFamily('softmax', 'SoftmaxBackward0', SoftmaxOp.Softmax, SoftmaxOp.SoftmaxBackward, (y, g, dim) =>
  y.mul(g.sub(g.mul(y).sum(dim, true))),
);
const logSoftmaxOp = softmaxFamily('logSoftmax', 'LogSoftmaxBackward0', SoftmaxOp.LogSoftmax, SoftmaxOp.LogSoftmaxBackward, (y, g, dim) =>
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
const spreadParams = [input, dim(), keepdim, keyword('correction', is.int, undefined, 0), keyword('unbiased', is.bool, undefined)];
const reduceSpec = <F extends AnyFn>(name: string, forward: (x: Tensor, ...rest: any[]) => Tensor, example?: unknown) =>
  defineSpec<F, any[]>({ name, params: [input, dim(example), keepdim], forward });

const reductionOps: SpecsFor<ReductionFns> = {
  sum: reduceSpec('sum', sum),
  mean: reduceSpec('mean', mean),
  amax: reduceSpec('amax', amax),
  amin: reduceSpec('amin', amin),
  prod: reduceSpec('prod', prod),
  var: defineSpec<VarFn, [Tensor, Reduction, number], Spread>({
    name: 'var',
    gradFn: 'VarBackward0',
    params: spreadParams,
    prepare: (x: Tensor, d: ReduceDims, k: boolean | null, correction?: number, unbiased?: boolean) => spread('var', x, d, k, correction, unbiased),
    forward: variance,
    save: (out, x, r, divisor) => ({ x, r, divisor }),
    backward: (g, { x, r, divisor }) => [expandBack(g, r, x._shape).mul(centered(x, r)).mul(2 / divisor)],
  }),
  std: defineSpec<VarFn, [Tensor, Reduction, number], Spread & { out: Tensor }>({
    name: 'std',
    gradFn: 'StdBackward0',
    params: spreadParams,
    prepare: (x: Tensor, d: ReduceDims, k: boolean | null, correction?: number, unbiased?: boolean) => spread('std', x, d, k, correction, unbiased),
    forward: (x, r, divisor) => variance(x, r, divisor).sqrt(),
    save: (out, x, r, divisor) => ({ x, out, r, divisor }),
    backward: (g, { x, out, r, divisor }) => [expandBack(where(out.eq(0), 0, g.div(out)).div(divisor), r, x._shape).mul(centered(x, r))],
  }),
  norm: defineSpec<ReductionFns['norm'], NormArgs, InOut & { p: number }>({
    name: 'norm',
    gradFn: 'NormBackward1',
    params: [input, optional('p', is.any, null, 1), dim(), keepdim],
    prepare: normArgs,
    forward: normForward,
    save: (out, x, p, r) => ({ x, out, p, r }),
    backward: normBackward,
  }),
  logsumexp: defineSpec({ name: 'logsumexp', params: [input, dim(), keepdim], forward: logsumexp }),
  argmax: reduceSpec('argmax', argmax),
  argmin: reduceSpec('argmin', argmin),
  softmax: defineSpec({ name: 'softmax', params: [input, dim()], forward: softmax }),
  logSoftmax: defineSpec({ name: 'logSoftmax', params: [input, dim()], forward: logSoftmax }),
};
installMethods(reductionOps);

/** max and min: the extreme of all elements, or along `dim` with where it is (PyTorch's two
 * overloads; its third, max(input, other), is tg.maximum). */
export interface ExtremeFn {
  /** The largest (smallest) element, 0-d. */
  (input: Tensor): Tensor;
  /** {values, indices} along dim, of the shape without dim (or with it as 1 if keepdim). */
  (input: Tensor, dim: number | DimOptions<number>, keepdim?: boolean | DimOptions<number>, options?: DimOptions<number>): ValuesIndices;
}
const extremeSpec = (name: 'max' | 'min', all: (x: Tensor) => Tensor, along: typeof maxDim) =>
  defineSpec<ExtremeFn, [Tensor, number | undefined, boolean | undefined]>({
    name,
    params: [input, dim(1), keepdim],
    forward: (x, d, k) => {
      if (d !== undefined && d !== null) return along(x, d, k) as unknown as Tensor; // a pair, as PyTorch's named tuple
      if (k !== undefined) throw opTypeError(name, 'keepdim is given without dim (the overall extreme is 0-d)');
      return all(x);
    },
  });
/** tg.max and tg.min (their methods are declared below: overloads). */
export interface ExtremeFns {
  /** max(input): the largest element (0-d); max(input, dim, keepdim): {values, indices}
   * along dim, of the shape without dim (or with it as 1 if keepdim) (torch.max). */
  max: ExtremeFn;
  /** min(input): the smallest element (0-d); min(input, dim, keepdim): {values, indices}
   * along dim, of the shape without dim (or with it as 1 if keepdim) (torch.min). */
  min: ExtremeFn;
}
const extremeOps: SpecsFor<ExtremeFns> = { max: extremeSpec('max', max, maxDim), min: extremeSpec('min', min, minDim) };
installMethods(extremeOps);

declare module '../tensor' {
  interface Tensor extends MethodsFor<ReductionFns> {
    /** max(): the largest element, 0-d (torch.max). */
    max(): Tensor;
    /** max(dim, keepdim): {values, indices} along dim, of the shape without dim (or with it
     * as 1 if keepdim) (torch.max). */
    max(dim: number | DimOptions<number>, keepdim?: boolean | DimOptions<number>, options?: DimOptions<number>): ValuesIndices;
    /** min(): the smallest element, 0-d (torch.min). */
    min(): Tensor;
    /** min(dim, keepdim): {values, indices} along dim, of the shape without dim (or with it
     * as 1 if keepdim) (torch.min). */
    min(dim: number | DimOptions<number>, keepdim?: boolean | DimOptions<number>, options?: DimOptions<number>): ValuesIndices;
  }
}
/** The tg.* reductions (tg.var is the variance; tg.max and tg.min as Tensor.max and Tensor.min). */
export const reductions = { ...functionsOf(reductionOps), ...functionsOf(extremeOps) };
