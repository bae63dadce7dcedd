// Masked and scattered reads and writes: maskedFill(_), maskedSelect, nonzero, scatter(_),
// scatterAdd(_), indexAdd(_), indexFill(_), take, takeAlongDim. One spec per PyTorch
// grad_fn (a number value and a tensor value are two: MaskedFillBackward0 / 1, ...); the
// public op picks one. The in-place forms write with the kernel when nothing is recorded.
import { Tensor, type TensorOrScalar } from '../tensor';
import { fmtShape, is, lazyExample, normDim, opError, opRangeError, opTypeError, optional, required, keyword, type Check } from '../check';
import { broadcastShapes, sameShape } from '../layout';
import * as kernels from '../backend';
import { Group, IndexOp } from '../native/table';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type Op, type SpecsFor } from './registry';
import { checkTensor, cloneDetached } from './movement';
import { input, where } from './arith';
import { inPlace } from './inplace';
import { full, tensor } from './creation';
import { asIndex, checkedIndexValues, firstOutside, indexTensor } from './indices';
import { Indices, indexPutOp, indexTensors, kernelDType, nonzeroColumns, nonzeroIndices } from './subscript';
import { bool, int32 } from '../dtype';

const tensorCheck: Check = (v, op, n) => checkTensor(op, v, n);
/** A tensor parameter; `example` makes the value test/kwargs.test.ts passes (the input
 * there is a [2, 3] float tensor). */
const tensorParam = (name: string, example?: () => Tensor) => (example ? lazyExample(required(name, tensorCheck), example) : required(name, tensorCheck));
const int32Tensor = (v: number[] | number[][]) => tensor(v, { dtype: int32 });
const valueCheck: Check<TensorOrScalar> = (v, op, name) => {
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  const t = checkTensor(op, v, name);
  if (t.ndim !== 0) throw opError(op, `only supports a 0-dimensional ${name} tensor, but got tensor with ${t.ndim} dimension(s)`);
  return t;
};

const dimParam = required('dim', is.int, 1);
const valueParam = required('value', valueCheck, -1.5);
const maskParam = tensorParam('mask', () => tensor([[true, false, true], [false, false, true]]));
const indexParam = tensorParam('index', () => int32Tensor([[2], [0]]));
const indexVectorParam = tensorParam('index', () => int32Tensor([2, 0]));
const srcParam = required('src', valueCheckAny, 2.5);

function checkMask(op: string, x: Tensor, mask: Tensor, resultIsInput: boolean): number[] {
  if (mask.dtype !== bool) throw opTypeError(op, `expected a bool mask, got mask with dtype ${mask.dtype}`);
  let shape: number[];
  try {
    shape = broadcastShapes(op, x._shape, mask._shape);
  } catch {
    throw opError(op, `the mask of shape ${fmtShape(mask._shape)} does not broadcast with the input of shape ${fmtShape(x._shape)}`);
  }
  if (resultIsInput && !sameShape(shape, x._shape)) {
    throw opError(op, `the mask of shape ${fmtShape(mask._shape)} must broadcast to the input's shape ${fmtShape(x._shape)}`);
  }
  return shape;
}


/** A copy of x with `write(out)` applied by an index kernel (bool viewed as int32). */
function writtenCopy(x: Tensor, write: (out: Tensor) => void): Tensor {
  const out = cloneDetached(kernelDType(x));
  write(out);
  return x.dtype === bool ? out.to(bool) : out;
}

function indexKernel(code: number, out: Tensor, src: Tensor, index: Tensor, dim: number): void {
  const s = src.dtype === out.dtype ? src : src.to(out.dtype);
  kernels.run(Group.Index, code, [out.ndim === 0 ? out.reshape(1) : out, s.ndim === 0 ? s.reshape(1) : s, index.ndim === 0 ? index.reshape(1) : index, dim]);
}

/** Every value must address dim (size `size`); negative ones are refused, as in PyTorch's
 * scatter/gather family, except with allowNegative (indexFill), which counts them from the
 * end: the index then comes back as a fresh int32 tensor with them wrapped. */
function checkIndexRange(op: string, index: Tensor, dim: number, size: number, allowNegative = false): Tensor {
  const outOfRange = (bad: number | bigint) => `index ${bad} is out of bounds for dimension ${dim} with size ${size}`;
  if (!allowNegative) {
    const bad = firstOutside(op, index, 0, size);
    if (bad !== undefined) throw opRangeError(op, outOfRange(bad));
    return index;
  }
  const values = checkedIndexValues(op, index, -size, size, outOfRange);
  const wrapped = Tensor._output(index._shape.slice(), int32);
  const out = wrapped._storage.view(0, values.length) as Int32Array;
  for (let k = 0; k < values.length; ++k) out[k] = values[k] < 0 ? values[k] + size : values[k];
  return wrapped;
}

// ---- maskedFill, maskedSelect ---------------------------------------------------------

const maskedFillNumber = defineSpec<(x: Tensor, mask: Tensor, value: number) => Tensor, [Tensor, Tensor, number], { mask: Tensor }>({
  name: 'maskedFill',
  gradFn: 'MaskedFillBackward0',
  params: [tensorParam('input'), tensorParam('mask'), required('value', is.number)],
  forward: (x, mask, value) => where(mask, value, x),
  save: (out, x, mask) => ({ mask }),
  backward: (g, { mask }) => [where(mask, 0, g)],
});

const maskedFillTensor = defineSpec<(x: Tensor, mask: Tensor, value: Tensor) => Tensor, [Tensor, Tensor, Tensor], { mask: Tensor }>({
  name: 'maskedFill',
  gradFn: 'MaskedFillBackward1',
  params: [tensorParam('input'), tensorParam('mask'), tensorParam('value')],
  forward: (x, mask, value) => where(mask, value.to(x.dtype), x),
  save: (out, x, mask) => ({ mask }),
  backward: (g, { mask }, [needX, , needValue]) => [needX ? where(mask, 0, g) : null, null, needValue ? where(mask, g, 0).sum() : null],
});

function runMaskedFill(x: Tensor, mask: Tensor, value: TensorOrScalar): Tensor {
  checkMask('maskedFill', x, mask, true);
  return typeof value === 'number' ? maskedFillNumber.call(x, mask, value) : maskedFillTensor.call(x, mask, value);
}

const maskedSelectOp = defineSpec<(x: Tensor, mask: Tensor) => Tensor, [Tensor, Tensor], { mask: Tensor; shape: number[] }>({
  name: 'maskedSelect',
  gradFn: 'MaskedSelectBackward0',
  params: [tensorParam('input'), maskParam],
  forward: (x, mask) => {
    const shape = broadcastShapes('maskedSelect', x._shape, mask._shape);
    return indexTensors.call(x.expand(shape).reshape(-1), new Indices([nonzeroColumns(mask.expand(shape).reshape(-1))[0]]));
  },
  save: (out, x, mask) => ({ mask, shape: broadcastShapes('maskedSelect', x._shape, mask._shape) }),
  // g into zeros of the broadcast shape at the true positions (the engine sums it to x's shape).
  backward: (g, { mask, shape }) => [indexPutOp.call(Tensor._empty([shape.reduce((a, b) => a * b, 1)], g.dtype), new Indices([nonzeroColumns(mask.expand(shape).reshape(-1))[0]]), g, false).reshape(shape)],
});

// ---- scatter, scatterAdd, indexAdd, indexFill ----------------------------------------

/** PyTorch's checks of scatter/gather shapes: index has x's ndim, and fits src everywhere
 * and x outside dim. Returns the normalised dim. */
function checkScatter(op: string, x: Tensor, dimArg: number, index: Tensor, src: Tensor | null): number {
  const dim = normDim(op, dimArg, Math.max(x.ndim, 1));
  if (index.ndim !== x.ndim && !(index.ndim <= 1 && x.ndim <= 1)) {
    throw opError(op, `Index tensor must have the same number of dimensions as self tensor (index ${fmtShape(index._shape)}, self ${fmtShape(x._shape)})`);
  }
  if (src && src.ndim !== index.ndim && !(src.ndim <= 1 && index.ndim <= 1)) {
    throw opError(op, `Index tensor must have the same number of dimensions as src tensor (index ${fmtShape(index._shape)}, src ${fmtShape(src._shape)})`);
  }
  index._shape.forEach((s, d) => {
    if (d !== dim && s > (x._shape[d] ?? 1)) {
      throw opError(op, `Expected index ${fmtShape(index._shape)} to be smaller than self ${fmtShape(x._shape)} apart from dimension ${dim}`);
    }
    if (src && s > (src._shape[d] ?? 1)) throw opError(op, `Expected index ${fmtShape(index._shape)} to be smaller than src ${fmtShape(src._shape)}`);
  });
  checkIndexRange(op, index, dim, x.ndim === 0 ? 1 : x._shape[dim]);
  return dim;
}

/** scatter / scatterAdd of a src tensor: the kernel `code` writes or adds src where index
 * points; src's gradient is g read there (gather), x's is `gradX`. */
function scatterSrcSpec(name: string, gradFn: string, code: number, gradX: (g: Tensor, dim: number, index: Tensor) => Tensor) {
  return defineSpec<(x: Tensor, dim: number, index: Tensor, src: Tensor) => Tensor, [Tensor, number, Tensor, Tensor], { dim: number; index: Tensor }>({
    name,
    gradFn,
    params: [tensorParam('input'), required('dim', is.int), tensorParam('index'), tensorParam('src')],
    forward: (x, dim, index, src) => writtenCopy(x, (out) => indexKernel(code, out, kernelDType(src), index, dim)),
    save: (out, x, dim, index) => ({ dim, index }),
    backward: (g, { dim, index }, [needX, , needSrc]) => [needX ? gradX(g, dim, index) : null, null, needSrc ? g.gather(dim, index) : null],
  });
}

const scatterSrc = scatterSrcSpec('scatter', 'ScatterBackward0', IndexOp.Scatter, (g, dim, index) => scatterValue.call(g, dim, index, 0));

const scatterValue: Op<(x: Tensor, dim: number, index: Tensor, value: number) => Tensor> = defineSpec<
  (x: Tensor, dim: number, index: Tensor, value: number) => Tensor, [Tensor, number, Tensor, number], { dim: number; index: Tensor }
>({
  name: 'scatter',
  gradFn: 'ScatterBackward1',
  params: [tensorParam('input'), required('dim', is.int), tensorParam('index'), required('value', is.number)],
  forward: (x, dim, index, value) => writtenCopy(x, (out) => indexKernel(IndexOp.Scatter, out, full(index._shape.slice(), value, { dtype: out.dtype }), index, dim)),
  save: (out, x, dim, index) => ({ dim, index }),
  backward: (g, { dim, index }) => [scatterValue.call(g, dim, index, 0)],
});

function runScatter(x: Tensor, dim: number, indexArg: Tensor, src: TensorOrScalar): Tensor {
  const index = indexTensor('scatter', indexArg);
  const d = checkScatter('scatter', x, dim, index, src instanceof Tensor ? src : null);
  return src instanceof Tensor ? scatterSrc.call(x, d, index, src) : scatterValue.call(x, d, index, src);
}

const scatterAddOp = scatterSrcSpec('scatterAdd', 'ScatterAddBackward0', IndexOp.ScatterAdd, (g) => g);

function runScatterAdd(x: Tensor, dim: number, indexArg: Tensor, src: Tensor): Tensor {
  const index = indexTensor('scatterAdd', indexArg);
  const d = checkScatter('scatterAdd', x, dim, index, src);
  return scatterAddOp.call(x, d, index, src);
}

/** The checks of indexAdd/indexFill: a 1-d int32 or int64 index of positions along dim. */
function checkIndexAlong(op: string, x: Tensor, dimArg: number, indexArg: Tensor, allowNegative: boolean): [number, Tensor] {
  const index = indexTensor(op, indexArg);
  if (index.ndim > 1) throw opError(op, `Index is supposed to be a vector, got shape ${fmtShape(index._shape)}`);
  const dim = normDim(op, dimArg, Math.max(x.ndim, 1));
  return [dim, checkIndexRange(op, index.reshape(-1), dim, x.ndim === 0 ? 1 : x._shape[dim], allowNegative)];
}

/** x's shape with `dim` of size n (the region indexAdd/indexFill address). */
function alongShape(x: Tensor, dim: number, n: number): number[] {
  const shape = x._shape.slice();
  if (shape.length) shape[dim] = n;
  return shape;
}

const indexAddOp = defineSpec<(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number) => Tensor, [Tensor, number, Tensor, Tensor, number], { dim: number; index: Tensor; alpha: number }>({
  name: 'indexAdd',
  gradFn: 'IndexAddBackward0',
  params: [tensorParam('input'), required('dim', is.int), tensorParam('index'), tensorParam('source'), required('alpha', is.number)],
  forward: (x, dim, index, source, alpha) => writtenCopy(x, (out) => indexKernel(IndexOp.IndexAdd, out, kernelDType(alpha === 1 ? source : source.mul(alpha)), index, dim)),
  save: (out, x, dim, index, source, alpha) => ({ dim, index, alpha }),
  backward: (g, { dim, index, alpha }, [needX, , needSource]) => {
    const gs = needSource ? (g.ndim === 0 ? g.reshape(1) : g).indexSelect(dim, index) : null;
    return [needX ? g : null, null, gs === null ? null : alpha === 1 ? gs : gs.mul(alpha)];
  },
});

function runIndexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha: number): Tensor {
  const [d, idx] = checkIndexAlong('indexAdd', x, dim, index, false);
  const expected = alongShape(x, d, idx.numel());
  if (!sameShape(source._shape, expected) && !(source.ndim === 0 && x.ndim <= 1 && idx.numel() === 1)) {
    throw opError('indexAdd', `source of shape ${fmtShape(source._shape)} does not match ${fmtShape(expected)} (self ${fmtShape(x._shape)} with dim ${d} of the index's size ${idx.numel()})`);
  }
  return indexAddOp.call(x, d, idx, source.reshape(expected), alpha);
}

function indexFillGradX(g: Tensor, dim: number, index: Tensor): Tensor {
  return indexFillNumber.call(g, dim, index, 0);
}

const indexFillNumber: Op<(x: Tensor, dim: number, index: Tensor, value: number) => Tensor> = defineSpec<
  (x: Tensor, dim: number, index: Tensor, value: number) => Tensor, [Tensor, number, Tensor, number], { dim: number; index: Tensor }
>({
  name: 'indexFill',
  gradFn: 'IndexFillBackward0',
  params: [tensorParam('input'), required('dim', is.int), tensorParam('index'), required('value', is.number)],
  forward: (x, dim, index, value) => writtenCopy(x, (out) => indexKernel(IndexOp.IndexCopy, out, full(alongShape(out, dim, index.numel()), value, { dtype: out.dtype }), index, dim)),
  save: (out, x, dim, index) => ({ dim, index }),
  backward: (g, { dim, index }) => [indexFillGradX(g, dim, index)],
});

const indexFillTensor = defineSpec<(x: Tensor, dim: number, index: Tensor, value: Tensor) => Tensor, [Tensor, number, Tensor, Tensor], { dim: number; index: Tensor }>({
  name: 'indexFill',
  gradFn: 'IndexFillBackward1',
  params: [tensorParam('input'), required('dim', is.int), tensorParam('index'), tensorParam('value')],
  forward: (x, dim, index, value) => writtenCopy(x, (out) => indexKernel(IndexOp.IndexCopy, out, kernelDType(value.to(x.dtype)).expand(alongShape(out, dim, index.numel())), index, dim)),
  save: (out, x, dim, index) => ({ dim, index }),
  backward: (g, { dim, index }, [needX, , needValue]) => [
    needX ? indexFillGradX(g, dim, index) : null,
    null,
    needValue ? (g.ndim === 0 ? g.reshape(1) : g).indexSelect(dim, index).sum() : null,
  ],
});

function runIndexFill(x: Tensor, dim: number, index: Tensor, value: TensorOrScalar): Tensor {
  const [d, idx] = checkIndexAlong('indexFill', x, dim, index, true);
  return value instanceof Tensor ? indexFillTensor.call(x, d, idx, value) : indexFillNumber.call(x, d, idx, value);
}

// ---- take, takeAlongDim ---------------------------------------------------------------

const takeOp = defineSpec<(x: Tensor, index: Tensor) => Tensor, [Tensor, Tensor], { shape: number[]; index: Tensor }>({
  name: 'take',
  gradFn: 'TakeBackward0',
  params: [tensorParam('input'), tensorParam('index')],
  forward: (x, index) => indexTensors.call(x.reshape(-1), new Indices([index])),
  save: (out, x, index) => ({ shape: x._shape, index }),
  // PyTorch's take_backward: g added into zeros at the taken positions.
  backward: (g, { shape, index }) => [indexPutOp.call(Tensor._empty([shape.reduce((a, b) => a * b, 1)], g.dtype), new Indices([index]), g, true).reshape(shape)],
});

function runTakeAlongDim(x: Tensor, indicesArg: Tensor, dim: number | null): Tensor {
  const indices = indexTensor('takeAlongDim', indicesArg, 'indices');
  if (dim === null) return x.reshape(-1).gather(0, indices.reshape(-1));
  const d = normDim('takeAlongDim', dim, Math.max(x.ndim, 1));
  if (indices.ndim !== x.ndim) {
    throw opError('takeAlongDim', `input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`);
  }
  // As PyTorch: input and indices broadcast against each other except along dim.
  const xShape = x._shape.slice();
  const iShape = indices._shape.slice();
  xShape[d] = iShape[d] = 1;
  let shape: number[];
  try {
    shape = broadcastShapes('takeAlongDim', xShape, iShape);
  } catch {
    throw opError('takeAlongDim', `input ${fmtShape(x._shape)} and indices ${fmtShape(indices._shape)} do not broadcast outside dim ${d}`);
  }
  const xs = shape.slice();
  const is_ = shape.slice();
  xs[d] = x._shape[d];
  is_[d] = indices._shape[d];
  return x.expand(xs).gather(d, indices.expand(is_));
}

// ---- the public ops -------------------------------------------------------------------

/** The public signatures (Tensor methods and tg.* functions); their specs follow. */
export interface ScatterFns {
  /** PyTorch's masked_fill: x with `value` (a number or a 0-d tensor) where the bool `mask`
   * (broadcast to x's shape) is true. */
  maskedFill: (input: Tensor, mask: Tensor, value: TensorOrScalar) => Tensor;
  /** In-place maskedFill (PyTorch's masked_fill_); returns input. */
  maskedFill_: (input: Tensor, mask: Tensor, value: TensorOrScalar) => Tensor;
  /** PyTorch's masked_select: the elements of input where the bool mask is true (both
   * broadcast together), as a 1-d tensor. */
  maskedSelect: (input: Tensor, mask: Tensor) => Tensor;
  /** PyTorch's nonzero: the indices of the non-zero elements, an int32 [count, ndim]
   * tensor, or with asTuple one int32 [count] tensor per dim (as tg.where(cond)). */
  nonzero: (input: Tensor, options?: { asTuple?: boolean }) => Tensor | Tensor[];
  /** PyTorch's scatter: a copy of input with out[..index[i][j]..] = src[i][j] along dim
   * (src a tensor, or a number written everywhere index points). int32 or int64 index of input's ndim. */
  scatter: (input: Tensor, dim: number, index: Tensor, src: TensorOrScalar) => Tensor;
  /** In-place scatter (PyTorch's scatter_); returns input. */
  scatter_: (input: Tensor, dim: number, index: Tensor, src: TensorOrScalar) => Tensor;
  /** PyTorch's scatter_add: a copy of input with src added at the positions index gives along dim. */
  scatterAdd: (input: Tensor, dim: number, index: Tensor, src: Tensor) => Tensor;
  /** In-place scatterAdd (PyTorch's scatter_add_); returns input. */
  scatterAdd_: (input: Tensor, dim: number, index: Tensor, src: Tensor) => Tensor;
  /** PyTorch's index_add: a copy of input with alpha·source[i] added at position index[i]
   * along dim (index 1-d int32 or int64; source is input's shape with dim of index's size). */
  indexAdd: (input: Tensor, dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }) => Tensor;
  /** In-place indexAdd (PyTorch's index_add_); returns input. */
  indexAdd_: (input: Tensor, dim: number, index: Tensor, source: Tensor, options?: { alpha?: number }) => Tensor;
  /** PyTorch's index_fill: a copy of input with `value` (a number or 0-d tensor) at the
   * positions index (1-d int32 or int64, negative from the end) gives along dim. */
  indexFill: (input: Tensor, dim: number, index: Tensor, value: TensorOrScalar) => Tensor;
  /** In-place indexFill (PyTorch's index_fill_); returns input. */
  indexFill_: (input: Tensor, dim: number, index: Tensor, value: TensorOrScalar) => Tensor;
  /** PyTorch's take: input read as 1-d at int32 or int64 index (negative from the end); the result
   * has index's shape. */
  take: (input: Tensor, index: Tensor) => Tensor;
  /** PyTorch's take_along_dim: gather along dim with input and indices broadcast outside
   * dim; without dim, input flattened and read at indices (flattened). */
  takeAlongDim: (input: Tensor, indices: Tensor, dim?: number | null) => Tensor;
}


/** The in-place form of an op: write into input with the op's kernel, or rebase on the
 * recorded out-of-place op (`compute`). */
function inPlaceOf<A extends unknown[]>(op: string, outOfPlace: (x: Tensor, ...args: A) => Tensor, other: (...args: A) => TensorOrScalar) {
  return (x: Tensor, ...args: A): Tensor =>
    inPlace(x, op, other(...args), (self) => outOfPlace(self, ...args), (self) => kernels.copy(self, outOfPlace(self.detach(), ...args)));
}

const scatterOps: SpecsFor<ScatterFns> = {
  maskedFill: defineSpec({ name: 'maskedFill', params: [input, maskParam, valueParam], forward: runMaskedFill }),
  maskedFill_: defineSpec({
    name: 'maskedFill_',
    params: [input, maskParam, valueParam],
    forward: inPlaceOf('maskedFill_', runMaskedFill, (mask: Tensor, value: TensorOrScalar) => value),
  }),
  maskedSelect: defineSpec({
    name: 'maskedSelect',
    params: [input, maskParam],
    forward: (x: Tensor, mask: Tensor) => {
      checkMask('maskedSelect', x, mask, false);
      return maskedSelectOp.call(x, mask);
    },
  }),
  nonzero: defineSpec({
    name: 'nonzero',
    params: [input, keyword('asTuple', is.bool, false, true)],
    forward: ((x: Tensor, asTuple: boolean) => (asTuple ? nonzeroTuple(x) : nonzeroIndices(x))) as unknown as (x: Tensor) => Tensor,
  }),
  scatter: defineSpec({ name: 'scatter', params: [input, dimParam, indexParam, srcParam], forward: runScatter }),
  scatter_: defineSpec({
    name: 'scatter_',
    params: [input, dimParam, indexParam, srcParam],
    forward: inPlaceOf('scatter_', runScatter, (dim: number, index: Tensor, src: TensorOrScalar) => src),
  }),
  scatterAdd: defineSpec({ name: 'scatterAdd', params: [input, dimParam, indexParam, tensorParam('src', () => tensor([[1], [2]]))], forward: runScatterAdd }),
  scatterAdd_: defineSpec({
    name: 'scatterAdd_',
    params: [input, dimParam, indexParam, tensorParam('src', () => tensor([[1], [2]]))],
    forward: inPlaceOf('scatterAdd_', runScatterAdd, (dim: number, index: Tensor, src: Tensor) => src),
  }),
  indexAdd: defineSpec({
    name: 'indexAdd',
    params: [input, dimParam, indexVectorParam, tensorParam('source', () => tensor([[1, 2], [3, 4]])), keyword('alpha', is.number, 1, 2)],
    forward: runIndexAdd,
  }),
  indexAdd_: defineSpec({
    name: 'indexAdd_',
    params: [input, dimParam, indexVectorParam, tensorParam('source', () => tensor([[1, 2], [3, 4]])), keyword('alpha', is.number, 1, 2)],
    forward: inPlaceOf('indexAdd_', runIndexAdd, (dim: number, index: Tensor, source: Tensor) => source),
  }),
  indexFill: defineSpec({ name: 'indexFill', params: [input, dimParam, indexVectorParam, valueParam], forward: runIndexFill }),
  indexFill_: defineSpec({
    name: 'indexFill_',
    params: [input, dimParam, indexVectorParam, valueParam],
    forward: inPlaceOf('indexFill_', runIndexFill, (dim: number, index: Tensor, value: TensorOrScalar) => value),
  }),
  take: defineSpec({
    name: 'take',
    params: [input, tensorParam('index', () => int32Tensor([5, 0, -2]))],
    forward: (x: Tensor, index: Tensor) => takeOp.call(x, asIndex('take', index)),
  }),
  takeAlongDim: defineSpec({
    name: 'takeAlongDim',
    params: [input, tensorParam('indices', () => int32Tensor([[2], [0]])), optional('dim', is.nullable(is.int), null, 1)],
    forward: runTakeAlongDim,
  }),
};

function valueCheckAny(v: unknown, op: string, name: string): TensorOrScalar {
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  return checkTensor(op, v, name);
}

/** nonzero(x, {asTuple: true}) and tg.where(cond): one int32 [count] tensor per dim. */
export function nonzeroTuple(x: Tensor): Tensor[] {
  const t = checkTensor('nonzero', x);
  return nonzeroColumns(t.ndim === 0 ? (t.dtype === bool ? t : t.ne(0)).reshape(1) : t.dtype === bool ? t : t.ne(0));
}

installMethods(scatterOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<ScatterFns> {}
}
export const {
  maskedFill, maskedFill_, maskedSelect, nonzero, scatter, scatter_, scatterAdd, scatterAdd_, indexAdd, indexAdd_, indexFill, indexFill_, take, takeAlongDim,
} = functionsOf(scatterOps);
