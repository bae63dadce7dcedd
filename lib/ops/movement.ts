// Views and shape ops. Views share storage (free); ops that cannot be a view copy.
// Each op's backward is the inverse movement of the gradient.
import { Tensor } from '../tensor';
import type { TypedArray } from '../dtype';
import { defineOp } from '../autograd/function';
import { sumToShape } from '../autograd/engine';
import { checkInt, checkShape, fmtShape, fmtValue, normDim, normDims, normInsertDim, opError, opTypeError } from '../check';
import { contiguousStrides, numelOf, sameShape, shapeArgs } from '../layout';
import * as kernels from '../backend';

export function checkTensor(op: string, x: unknown, name = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw opTypeError(op, `${name} must be a Tensor, got ${fmtValue(x)}`);
  return checkMemory(op, x);
}

/** Checks that t's memory is still there before `op` reads it (see Storage.lost). */
export function checkMemory(op: string, t: Tensor): Tensor {
  if (t._storage.lost) {
    throw opError(op, "the tensor's memory was detached (transferred to another thread?) or shrunk (a resized ArrayBuffer)");
  }
  return t;
}

/** The elements in row-major order: the storage itself when contiguous, else a copy;
 * `op` names the caller in an error. */
export function contiguousData(t: Tensor, op = 'contiguousData'): TypedArray {
  checkMemory(op, t);
  if (t.isContiguous()) return t._storage.view(t._offset, t.numel());
  const copy = cloneDetached(t);
  return copy._storage.view(0, copy.numel());
}

/** A contiguous copy that is not part of any graph. */
export function cloneDetached(t: Tensor): Tensor {
  const out = Tensor._output(t._shape.slice(), t.dtype);
  kernels.copy(out, t);
  return out;
}

export const clone = defineOp({
  name: 'CloneBackward0',
  forward: (ctx, x: Tensor) => cloneDetached(checkMemory('clone', x)),
  backward: (ctx, g) => [g],
});

export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

// PyTorch's infer_size: resolves one -1 and checks the element count.
function inferShape(op: string, args: readonly unknown[], numel: number): number[] {
  const shape = shapeArgs(args).slice() as number[];
  let infer = -1;
  let known = 1;
  shape.forEach((s, i) => {
    if (s === -1) {
      if (infer >= 0) throw opError(op, 'only one dimension can be inferred');
      infer = i;
    } else {
      checkInt(op, 'size', s, 0);
      known *= s;
    }
  });
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw opError(op, `shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    }
    shape[infer] = numel / known;
  } else if (known !== numel) {
    throw opError(op, `shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
  }
  return checkShape(op, shape);
}

// PyTorch's computeStride: strides that let `shape` view the old layout, or null.
function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], shape: number[]): number[] | null {
  if (oldShape.length === 0) return shape.map(() => 1);
  const numel = numelOf(oldShape);
  if (numel === 0) return sameShape(oldShape, shape) ? oldStrides.slice() : contiguousStrides(shape);
  const strides = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; --d) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        strides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBaseStride = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? strides : null;
}

function makeViewOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, x: Tensor, shape: number[], strides: number[]) => x._view(shape, strides, x._offset),
    backward: (ctx, g) => [g.reshape(ctx.inputShapes[0] as number[])],
  });
}
const viewOp = makeViewOp('ViewBackward0');
const reshapeAlias = makeViewOp('ReshapeAliasBackward0');
const unsafeView = makeViewOp('UnsafeViewBackward0');
const squeezeAll = makeViewOp('SqueezeBackward0');
const squeezeDim = makeViewOp('SqueezeBackward1');
const unsqueezeOp = makeViewOp('UnsqueezeBackward0');

export function view(x: Tensor, args: readonly unknown[]): Tensor {
  checkTensor('view', x);
  const shape = inferShape('view', args, x.numel());
  const strides = viewStrides(x._shape, x._strides, shape);
  if (strides === null) {
    throw opError(
      'view',
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two ` +
        `contiguous subspaces). Use .reshape(...) instead. (shape ${fmtShape(x._shape)} -> ${fmtShape(shape)})`,
    );
  }
  return viewOp(x, shape, strides);
}

export function reshape(x: Tensor, args: readonly unknown[]): Tensor {
  checkTensor('reshape', x);
  const shape = inferShape('reshape', args, x.numel());
  const strides = viewStrides(x._shape, x._strides, shape);
  if (strides !== null) return reshapeAlias(x, shape, strides);
  return unsafeView(clone(x), shape, contiguousStrides(shape));
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor('flatten', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim('flatten', startDim, x.ndim);
  const e = normDim('flatten', endDim, x.ndim);
  if (s > e) throw opError('flatten', `start_dim (${startDim}) cannot come after end_dim (${endDim})`);
  if (s === e) return x;
  const shape = [...x._shape.slice(0, s), numelOf(x._shape.slice(s, e + 1)), ...x._shape.slice(e + 1)];
  return reshape(x, shape);
}

export const transposeOp = defineOp({
  name: 'TransposeBackward0',
  forward: (ctx, x: Tensor, d0: number, d1: number) => {
    ctx.info = [d0, d1];
    if (x.ndim === 0) return x._view([], [], x._offset); // dims 0 and -1 of a 0-d tensor: itself
    const shape = x._shape.slice();
    const strides = x._strides.slice();
    [shape[d0], shape[d1]] = [shape[d1], shape[d0]];
    [strides[d0], strides[d1]] = [strides[d1], strides[d0]];
    return x._view(shape, strides, x._offset);
  },
  backward: (ctx, g) => {
    const [d0, d1] = ctx.info as number[];
    return [g.transpose(d0, d1)];
  },
});

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor('transpose', x);
  return transposeOp(x, normDim('transpose', dim0, x.ndim), normDim('transpose', dim1, x.ndim));
}

const permuteOp = defineOp({
  name: 'PermuteBackward0',
  forward: (ctx, x: Tensor, dims: number[]) => {
    ctx.info = dims;
    return x._view(
      dims.map((d) => x._shape[d]),
      dims.map((d) => x._strides[d]),
      x._offset,
    );
  },
  backward: (ctx, g) => {
    const dims = ctx.info as number[];
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => (inverse[d] = i));
    return [g.permute(inverse)];
  },
});

export function permute(x: Tensor, args: readonly unknown[]): Tensor {
  checkTensor('permute', x);
  const dims = shapeArgs(args);
  if (dims.length !== x.ndim) {
    throw opError('permute', `number of dims don't match in permute (got ${fmtValue(dims)} for a ${x.ndim}-d tensor)`);
  }
  return permuteOp(x, normDims('permute', dims, x.ndim));
}

export function squeeze(x: Tensor, dim?: number | null): Tensor {
  checkTensor('squeeze', x);
  if (dim === undefined || dim === null) {
    const keep = x._shape.map((s, i) => i).filter((i) => x._shape[i] !== 1);
    return squeezeAll(x, keep.map((i) => x._shape[i]), keep.map((i) => x._strides[i]));
  }
  const d = normDim('squeeze', dim, x.ndim);
  if (x.ndim === 0 || x._shape[d] !== 1) return squeezeDim(x, x._shape.slice(), x._strides.slice());
  return squeezeDim(x, x._shape.filter((_, i) => i !== d), x._strides.filter((_, i) => i !== d));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', x);
  const d = normInsertDim('unsqueeze', dim, x.ndim);
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  const stride = d < x.ndim ? x._shape[d] * x._strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return unsqueezeOp(x, checkShape('unsqueeze', shape), strides);
}

const expandOp = defineOp({
  name: 'ExpandBackward0',
  forward: (ctx, x: Tensor, shape: number[]) => {
    const lead = shape.length - x.ndim;
    const strides = shape.map((s, i) => (i < lead || (x._shape[i - lead] === 1 && s !== 1) ? 0 : x._strides[i - lead]));
    return x._view(shape, strides, x._offset);
  },
  backward: (ctx, g) => [sumToShape(g, ctx.inputShapes[0])],
});

export function expand(x: Tensor, args: readonly unknown[]): Tensor {
  checkTensor('expand', x);
  const req = shapeArgs(args) as number[];
  if (req.length < x.ndim) {
    throw opError(
      'expand',
      `the number of sizes provided (${req.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const lead = req.length - x.ndim;
  const shape = req.map((s, i) => {
    const own = i < lead ? null : x._shape[i - lead];
    if (s === -1) {
      if (own === null) throw opError('expand', `-1 is not allowed in a leading, non-existing dimension (${fmtValue(req)})`);
      return own;
    }
    checkInt('expand', 'size', s, 0);
    if (own !== null && own !== 1 && own !== s) {
      throw opError(
        'expand',
        `The expanded size of the tensor (${s}) must match the existing size (${own}) at non-singleton dimension ${i}. ` +
          `Target sizes: ${fmtShape(req)}. Tensor sizes: ${fmtShape(x._shape)}`,
      );
    }
    return s;
  });
  checkShape('expand', shape);
  return expandOp(x, shape);
}

// The gradient of a slice: zeros of the input's shape with g written into the slice
// (also of split pieces, lib/ops/rearrange.ts).
export const embedSlice = defineOp({
  name: 'SliceBackwardBackward0',
  forward: (ctx, g: Tensor, shape: number[], dim: number, start: number) => {
    ctx.info = [dim, start];
    const out = Tensor._empty(shape, g.dtype);
    kernels.copy(narrowView(out, dim, start, g._shape[dim]), g);
    return out;
  },
  backward: (ctx, gg) => {
    const [dim, start] = ctx.info as number[];
    return [gg.narrow(dim, start, ctx.inputShapes[0][dim])];
  },
});

function narrowView(x: Tensor, dim: number, start: number, length: number): Tensor {
  const shape = x._shape.slice();
  shape[dim] = length;
  return x._view(shape, x._strides.slice(), x._offset + (length > 0 ? start * x._strides[dim] : 0));
}

const narrowOp = defineOp({
  name: 'SliceBackward0',
  forward: (ctx, x: Tensor, dim: number, start: number, length: number) => {
    ctx.info = [dim, start];
    return narrowView(x, dim, start, length);
  },
  backward: (ctx, g) => {
    const [dim, start] = ctx.info as number[];
    return [embedSlice(g, ctx.inputShapes[0] as number[], dim, start)];
  },
});

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor('narrow', x);
  if (x.ndim === 0) throw opError('narrow', 'narrow() cannot be applied to a 0-dim tensor.');
  const d = normDim('narrow', dim, x.ndim);
  const size = x._shape[d];
  checkInt('narrow', 'start', start, -size, size);
  const s = start < 0 ? start + size : start;
  checkInt('narrow', 'length', length, 0);
  if (s + length > size) {
    throw opError('narrow', `start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  }
  return narrowOp(x, d, s, length);
}

const selectOp = defineOp({
  name: 'SelectBackward0',
  forward: (ctx, x: Tensor, dim: number, index: number) => {
    ctx.info = [dim, index];
    return x._view(
      x._shape.filter((_, i) => i !== dim),
      x._strides.filter((_, i) => i !== dim),
      x._offset + index * x._strides[dim],
    );
  },
  backward: (ctx, g) => {
    const [dim, index] = ctx.info as number[];
    return [embedSlice(g.unsqueeze(dim), ctx.inputShapes[0] as number[], dim, index)];
  },
});

export function select(x: Tensor, dim: number, index: number): Tensor {
  checkTensor('select', x);
  if (x.ndim === 0) throw opError('select', 'select() cannot be applied to a 0-dim tensor.');
  const d = normDim('select', dim, x.ndim);
  const size = x._shape[d];
  if (typeof index !== 'number' || !Number.isInteger(index) || index < -size || index >= size) {
    throw opError('select', `index ${fmtValue(index)} out of range for tensor of size ${fmtShape(x._shape)} at dimension ${d}`);
  }
  return selectOp(x, d, index < 0 ? index + size : index);
}
