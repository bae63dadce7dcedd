// Joining and indexing: cat, stack, indexSelect, gather (and their scatter-add gradients).
import { Tensor } from '../tensor';
import { bool, int32, resultType } from '../dtype';
import { checkShape, fmtShape, fmtValue, is, lazyExample, normDim, normInsertDim, opError, opRangeError, opTypeError, optional, required } from '../check';
import { sameShape } from '../layout';
import * as kernels from '../backend';
import { Group, IndexOp } from '../native/table';
import { checkTensor, input } from './movement';
import { firstOutside, indexTensor } from './indices';
import { tensor } from './creation';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';

/** Every index value must address dim (no negative indices, as in PyTorch). */
function checkIndexValues(op: string, index: Tensor, x: Tensor, dim: number): void {
  const size = x._shape[dim];
  const bad = firstOutside(op, index, 0, size);
  if (bad !== undefined) {
    throw opRangeError(op, `index ${bad} is out of bounds for dimension ${dim} with size ${size} (input shape ${fmtShape(x._shape)})`);
  }
}

function checkTensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw opTypeError(op, `expected a non-empty array of tensors, got ${fmtValue(tensors)}`);
  }
  return tensors.map((t, i) => checkTensor(op, t, `tensors[${i}]`));
}

type Joined = { shapes: (readonly number[])[]; dim: number };

// PyTorch's cat: 1-d empty tensors are skipped (legacy), the others must match except in dim.
function catChecked(tensors: unknown, dim: number): [Tensor[], number] {
  const ts = checkTensorList('cat', tensors);
  const parts = ts.filter((t) => !(t.ndim === 1 && t._shape[0] === 0));
  const ref = parts[0] ?? ts[0];
  if (ref.ndim === 0) throw opError('cat', 'zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normDim('cat', dim, ref.ndim);
  parts.forEach((t) => {
    const ok = t.ndim === ref.ndim && t._shape.every((s, j) => j === d || s === ref._shape[j]);
    if (!ok) {
      throw opError(
        'cat',
        `Sizes of tensors must match except in dimension ${d}. Expected ${fmtShape(ref._shape)} but got ${fmtShape(t._shape)} for tensor number ${ts.indexOf(t)} in the list`,
      );
    }
  });
  return [ts, d];
}

function stackChecked(tensors: unknown, dim: number): [Tensor[], number] {
  const ts = checkTensorList('stack', tensors);
  checkShape('stack', [ts.length, ...ts[0]._shape]);
  const d = normInsertDim('stack', dim, ts[0].ndim);
  ts.forEach((t, i) => {
    if (!sameShape(t._shape, ts[0]._shape)) {
      throw opError(
        'stack',
        `stack expects each tensor to be equal size, but got ${fmtShape(ts[0]._shape)} at entry 0 and ${fmtShape(t._shape)} at entry ${i}`,
      );
    }
  });
  return [ts, d];
}

/** The tensors of a list: a fixed pair made on first use, for test/kwargs.test.ts. */
const tensorList = (name: string) => lazyExample(required(name, is.any), () => [tensor([[1, 2]]), tensor([[3, 4]])]);

// Scatter-adds g into zeros of `shape` (the gradient of indexSelect / gather); its own
// gradient is the corresponding select, so higher-order gradients work. These ops save
// their index, as PyTorch does: an in-place change to it before backward is detected.
function scatterIntoSpec(gradFn: string, code: number, select: (gg: Tensor, dim: number, index: Tensor) => Tensor) {
  return defineSpec<(g: Tensor, shape: number[], dim: number, index: Tensor) => Tensor, [Tensor, number[], number, Tensor], { dim: number; index: Tensor }>({
    name: gradFn,
    gradFn,
    method: false,
    params: [input, required('shape', is.any), required('dim', is.int), required('index', is.any)],
    forward: (g, shape, dim, index) => {
      const out = Tensor._empty(shape, g.dtype);
      kernels.run(Group.Index, code, [out, g, index, dim]);
      return out;
    },
    save: (out, g, shape, dim, index) => ({ dim, index }),
    backward: (gg, { dim, index }) => [select(gg, dim, index)],
  }).run;
}
/** Zeros of `shape` with g's rows added at `index` along dim (the gradient of indexSelect). */
export const indexAddInto = scatterIntoSpec('IndexAddBackward0', IndexOp.IndexAdd, (gg, dim, index) => indexSelectOp(gg, dim, index));
/** Zeros of `shape` with g's elements added at `index` along dim (the gradient of gather). */
export const scatterAddInto = scatterIntoSpec('ScatterAddBackward0', IndexOp.ScatterAdd, (gg, dim, index) => gatherOp(gg, dim, index));

type DimIndex = { shape: readonly number[]; dim: number; index: Tensor };

const indexSelectOp = defineSpec<(x: Tensor, dim: number, index: Tensor) => Tensor, [Tensor, number, Tensor], DimIndex>({
  name: 'indexSelect',
  gradFn: 'IndexSelectBackward0',
  method: false,
  params: [input, required('dim', is.int), required('index', is.any)],
  forward: (x, dim, index) => {
    const shape = x._shape.slice();
    shape[dim] = index.numel();
    const out = Tensor._output(shape, x.dtype); // every element written (the indices are checked first)
    kernels.run(Group.Index, IndexOp.IndexSelect, [out, x, index.reshape(-1), dim]);
    return out;
  },
  save: (out, x, dim, index) => ({ shape: x._shape, dim, index }),
  backward: (g, { shape, dim, index }) => [indexAddInto(g, shape as number[], dim, index.reshape(-1))],
}).run;

const gatherOp = defineSpec<(x: Tensor, dim: number, index: Tensor) => Tensor, [Tensor, number, Tensor], DimIndex>({
  name: 'gather',
  gradFn: 'GatherBackward0',
  method: false,
  params: [input, required('dim', is.int), required('index', is.any)],
  forward: (x, dim, index) => {
    const out = Tensor._output(index._shape.slice(), x.dtype); // every element written, as indexSelect's
    kernels.run(Group.Index, IndexOp.Gather, [out, x, index, dim]);
    return out;
  },
  save: (out, x, dim, index) => ({ shape: x._shape, dim, index }),
  backward: (g, { shape, dim, index }) => [scatterAddInto(g, shape as number[], dim, index)],
}).run;

/** A bool tensor goes through the index kernels as int32 (they take no bool). */
function viaInt32(x: Tensor, fn: (x: Tensor) => Tensor): Tensor {
  return fn(x.to(int32)).to(bool);
}

/** indexSelect of an index already checked (dim normalised, values within x's dim). */
export function indexSelectChecked(x: Tensor, dim: number, index: Tensor): Tensor {
  return x.dtype === bool ? viaInt32(x, (xi) => indexSelectOp(xi, dim, index)) : indexSelectOp(x, dim, index);
}

function indexSelectImpl(x: Tensor, dim: number, index: unknown): Tensor {
  if (x.dtype === bool) return viaInt32(x, (xi) => indexSelectImpl(xi, dim, index));
  const idx = indexTensor('indexSelect', index);
  if (idx.ndim > 1) throw opError('indexSelect', `index_select(): Index is supposed to be a vector (got shape ${fmtShape(idx._shape)})`);
  if (x.ndim === 0) {
    // As PyTorch: a 0-d tensor gives its element, 0-d, for any non-empty index of zeros.
    if (idx.numel() === 0) throw opError('indexSelect', 'the index into a 0-d tensor must not be empty');
    return indexSelectImpl(x.reshape(1), 0, idx.reshape(-1).narrow(0, 0, 1)).reshape([]);
  }
  const d = normDim('indexSelect', dim, x.ndim);
  checkIndexValues('indexSelect', idx, x, d);
  return indexSelectOp(x, d, idx);
}

function gatherImpl(x: Tensor, dim: number, index: unknown): Tensor {
  if (x.dtype === bool) return viaInt32(x, (xi) => gatherImpl(xi, dim, index));
  const idx = indexTensor('gather', index);
  // A 0-d input takes a 0-d or 1-d index (PyTorch views both as 1-d); the result has the index's shape.
  if (x.ndim === 0 && idx.ndim <= 1) return gatherImpl(x.reshape(1), 0, idx.reshape(-1)).reshape(idx._shape.slice());
  const d = normDim('gather', dim, x.ndim);
  if (idx.ndim !== x.ndim) {
    throw opError('gather', `Index tensor must have the same number of dimensions as input tensor (${fmtShape(idx._shape)} vs ${fmtShape(x._shape)})`);
  }
  idx._shape.forEach((s, i) => {
    if (i !== d && s > x._shape[i]) {
      throw opError('gather', `Size does not match at dimension ${i} expected index ${fmtShape(idx._shape)} to be smaller than self ${fmtShape(x._shape)} apart from dimension ${d}`);
    }
  });
  checkIndexValues('gather', idx, x, d);
  return gatherOp(x, d, idx);
}

/** The public signatures of joining and indexing (cat and stack are tg.* functions only). */
export interface IndexingFns {
  /** Joins tensors along an existing dim: their other sizes must match, the output's `dim`
   * is the sum of theirs (torch.cat). */
  cat: (tensors: Tensor[] | { tensors: Tensor[]; dim?: number }, dim?: number | { dim?: number }) => Tensor;
  /** Joins tensors of one shape along a new dim inserted at `dim`: n tensors of shape S give
   * S with n inserted at dim (torch.stack). */
  stack: (tensors: Tensor[] | { tensors: Tensor[]; dim?: number }, dim?: number | { dim?: number }) => Tensor;
  /** The entries of `dim` at the int32 (or int64) 1-D `index`: the output has index.numel()
   * entries along dim (torch.index_select). */
  indexSelect: (input: Tensor, dim: number | { dim: number; index: Tensor }, index?: Tensor | { index: Tensor }) => Tensor;
  /** out[i][j] = input[index[i][j]][j] for dim 0 (likewise for other dims): the output has
   * index's shape (torch.gather). */
  gather: (input: Tensor, dim: number | { dim: number; index: Tensor }, index?: Tensor | { index: Tensor }) => Tensor;
}

const indexParam = (example: number[] | number[][]) => lazyExample(required('index', is.any), () => tensor(example, { dtype: int32 }));

const indexingOps: SpecsFor<IndexingFns> = {
  cat: defineSpec<IndexingFns['cat'], [Tensor[], number], Joined>({
    name: 'cat',
    gradFn: 'CatBackward0',
    method: false,
    params: [tensorList('tensors'), optional('dim', is.any, 0, 1)],
    prepare: catChecked,
    forward: (tensors, dim) => {
      const dtype = resultType(tensors.map((t) => ({ dtype: t.dtype, rank: 'dim' as const })));
      const parts = tensors.filter((t) => !(t.ndim === 1 && t._shape[0] === 0)); // legacy: 1-d empties are skipped
      const shape = (parts[0] ?? tensors[0])._shape.slice();
      shape[dim] = parts.reduce((n, t) => n + t._shape[dim], 0);
      const out = Tensor._empty(shape, dtype);
      let offset = 0;
      for (const t of parts) {
        kernels.copy(out.narrow(dim, offset, t._shape[dim]), t);
        offset += t._shape[dim];
      }
      return out;
    },
    save: (out, tensors, dim) => ({ shapes: tensors.map((t) => t._shape), dim }),
    backward: (g, { shapes, dim }) => {
      let offset = 0;
      return shapes.map((shape) => {
        if (shape.length === 1 && shape[0] === 0) return null;
        const part = g.narrow(dim, offset, shape[dim]);
        offset += shape[dim];
        return part;
      });
    },
  }),
  stack: defineSpec<IndexingFns['stack'], [Tensor[], number], Joined>({
    name: 'stack',
    gradFn: 'StackBackward0',
    method: false,
    params: [tensorList('tensors'), optional('dim', is.any, 0, 1)],
    prepare: stackChecked,
    forward: (tensors, dim) => {
      const dtype = resultType(tensors.map((t) => ({ dtype: t.dtype, rank: 'dim' as const })));
      const shape = tensors[0]._shape.slice();
      shape.splice(dim, 0, tensors.length);
      const out = Tensor._empty(shape, dtype);
      tensors.forEach((t, i) => kernels.copy(out.select(dim, i), t));
      return out;
    },
    save: (out, tensors, dim) => ({ shapes: tensors.map((t) => t._shape), dim }),
    backward: (g, { shapes, dim }) => shapes.map((_, i) => g.select(dim, i)),
  }),
  indexSelect: defineSpec({ name: 'indexSelect', params: [input, required('dim', is.any, 1), indexParam([2, 0])], forward: indexSelectImpl }),
  gather: defineSpec({ name: 'gather', params: [input, required('dim', is.any, 1), indexParam([[2, 0], [1, 1]])], forward: gatherImpl }),
};
installMethods(indexingOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<Omit<IndexingFns, 'cat' | 'stack'>> {}
}
/** The tg.* joining and indexing functions. */
export const { cat, stack, indexSelect, gather } = functionsOf(indexingOps);
