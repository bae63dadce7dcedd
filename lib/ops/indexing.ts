// Joining and indexing: cat, stack, indexSelect, gather (and their scatter-add gradients).
import { Tensor } from '../tensor';
import { bool, resultType } from '../dtype';
import { defineOp } from '../autograd/function';
import { checkShape, fmtShape, fmtValue, normDim, normInsertDim, opError, opRangeError, opTypeError } from '../check';
import { sameShape } from '../layout';
import * as kernels from '../backend';
import { Group, IndexOp } from '../native/table';
import { checkTensor, contiguousData } from './movement';
import { asIndex } from './indices';

function checkIndex(op: string, index: unknown): Tensor {
  return asIndex(op, index); // int32 or int64, as int32
}

/** Every index value must address dim (no negative indices, as in PyTorch). */
function checkIndexValues(op: string, index: Tensor, x: Tensor, dim: number): void {
  const size = x._shape[dim];
  for (const i of contiguousData(index)) {
    if (i < 0 || i >= size) {
      throw opRangeError(op, `index ${i} is out of bounds for dimension ${dim} with size ${size} (input shape ${fmtShape(x._shape)})`);
    }
  }
}

function checkTensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw opTypeError(op, `expected a non-empty array of tensors, got ${fmtValue(tensors)}`);
  }
  return tensors.map((t, i) => checkTensor(op, t, `tensors[${i}]`));
}

const catOp = defineOp({
  name: 'CatBackward0',
  forward: (ctx, tensors: Tensor[], dim: number) => {
    ctx.info = dim;
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
  backward: (ctx, g) => {
    const dim = ctx.info as number;
    let offset = 0;
    return ctx.inputShapes.map((shape) => {
      if (shape.length === 1 && shape[0] === 0) return null;
      const part = g.narrow(dim, offset, shape[dim]);
      offset += shape[dim];
      return part;
    });
  },
});

/** Joins tensors along an existing dim: their other sizes must match, the output's `dim` is
 * the sum of theirs (torch.cat). */
export function cat(tensors: Tensor[], dim = 0): Tensor {
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
  return catOp(ts, d);
}

const stackOp = defineOp({
  name: 'StackBackward0',
  forward: (ctx, tensors: Tensor[], dim: number) => {
    ctx.info = dim;
    const dtype = resultType(tensors.map((t) => ({ dtype: t.dtype, rank: 'dim' as const })));
    const shape = tensors[0]._shape.slice();
    shape.splice(dim, 0, tensors.length);
    const out = Tensor._empty(shape, dtype);
    tensors.forEach((t, i) => kernels.copy(out.select(dim, i), t));
    return out;
  },
  backward: (ctx, g) => ctx.inputShapes.map((_, i) => g.select(ctx.info as number, i)),
});

/** Joins tensors of one shape along a new dim inserted at `dim`: n tensors of shape S give
 * S with n inserted at dim (torch.stack). */
export function stack(tensors: Tensor[], dim = 0): Tensor {
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
  return stackOp(ts, d);
}

// Scatter-adds g into zeros of `shape` (the gradient of indexSelect / gather); its own
// gradient is the corresponding select, so higher-order gradients work. These ops save
// their index, as PyTorch does: an in-place change to it before backward is detected.
function scatterIntoOp(name: string, code: number, select: (gg: Tensor, dim: number, index: Tensor) => Tensor) {
  return defineOp({
    name,
    forward: (ctx, g: Tensor, shape: number[], dim: number, index: Tensor) => {
      ctx.info = dim;
      ctx.saveForBackward(index);
      const out = Tensor._empty(shape, g.dtype);
      kernels.run(Group.Index, code, [out, g, index, dim]);
      return out;
    },
    backward: (ctx, gg): Tensor[] => [select(gg, ctx.info as number, ctx.saved[0])],
  });
}
export const indexAddInto = scatterIntoOp('IndexAddBackward0', IndexOp.IndexAdd, (gg, dim, index) => indexSelectOp(gg, dim, index));

const indexSelectOp = defineOp({
  name: 'IndexSelectBackward0',
  forward: (ctx, x: Tensor, dim: number, index: Tensor) => {
    ctx.info = dim;
    ctx.saveForBackward(index);
    const shape = x._shape.slice();
    shape[dim] = index.numel();
    const out = Tensor._empty(shape, x.dtype);
    kernels.run(Group.Index, IndexOp.IndexSelect, [out, x, index.reshape(-1), dim]);
    return out;
  },
  backward: (ctx, g): Tensor[] => {
    const dim = ctx.info as number;
    const [index] = ctx.saved;
    return [indexAddInto(g, ctx.inputShapes[0] as number[], dim, index.reshape(-1))];
  },
});

/** A bool tensor goes through the index kernels as int32 (they take no bool). */
function viaInt32(x: Tensor, fn: (x: Tensor) => Tensor): Tensor {
  return fn(x.to('int32')).to('bool');
}

export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('indexSelect', x);
  if (x.dtype === bool) return viaInt32(x, (xi) => indexSelect(xi, dim, index));
  const idx = checkIndex('indexSelect', index);
  if (idx.ndim > 1) throw opError('indexSelect', `index_select(): Index is supposed to be a vector (got shape ${fmtShape(idx._shape)})`);
  if (x.ndim === 0) {
    // As PyTorch: a 0-d tensor gives its element, 0-d, for any non-empty index of zeros.
    if (idx.numel() === 0) throw opError('indexSelect', 'the index into a 0-d tensor must not be empty');
    return indexSelect(x.reshape(1), 0, idx.reshape(-1).narrow(0, 0, 1)).reshape([]);
  }
  const d = normDim('indexSelect', dim, x.ndim);
  checkIndexValues('indexSelect', idx, x, d);
  return indexSelectOp(x, d, idx);
}

export const scatterAddInto = scatterIntoOp('ScatterAddBackward0', IndexOp.ScatterAdd, (gg, dim, index) => gatherOp(gg, dim, index));

const gatherOp = defineOp({
  name: 'GatherBackward0',
  forward: (ctx, x: Tensor, dim: number, index: Tensor) => {
    ctx.info = dim;
    ctx.saveForBackward(index);
    const out = Tensor._empty(index._shape.slice(), x.dtype);
    kernels.run(Group.Index, IndexOp.Gather, [out, x, index, dim]);
    return out;
  },
  backward: (ctx, g): Tensor[] => {
    const dim = ctx.info as number;
    const [index] = ctx.saved;
    return [scatterAddInto(g, ctx.inputShapes[0] as number[], dim, index)];
  },
});

export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor('gather', x);
  if (x.dtype === bool) return viaInt32(x, (xi) => gather(xi, dim, index));
  const idx = checkIndex('gather', index);
  // A 0-d input takes a 0-d or 1-d index (PyTorch views both as 1-d); the result has the index's shape.
  if (x.ndim === 0 && idx.ndim <= 1) return gather(x.reshape(1), 0, idx.reshape(-1)).reshape(idx._shape.slice());
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
