// Views and shape ops. Views share storage (free); ops that cannot be a view copy.
// Each op's backward is the inverse movement of the gradient.
import { Tensor, checkMemory, cloneDetached } from '../tensor';
import { checkInt, checkShape, fmtShape, fmtValue, is, normDim, normDims, normInsertDim, opError, opTypeError, optional, required, variadic } from '../check';
import { contiguousStrides, numelOf, sameShape } from '../layout';
import * as kernels from '../backend';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';

export function checkTensor(op: string, x: unknown, name = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw opTypeError(op, `${name} must be a Tensor, got ${fmtValue(x)}`);
  return checkMemory(op, x);
}

// The memory checks and copies every layer needs live with the Tensor (lib/tensor.ts).
export { checkMemory, cloneDetached, contiguousData } from '../tensor';

/** The tensor a method is called on (every op's first parameter). */
export const input = required('input', (v, op, name) => checkTensor(op, v, name));

// PyTorch's infer_size: resolves one -1 and checks the element count.
function inferShape(op: string, size: unknown, numel: number): number[] {
  const shape = sizeList(op, size).slice();
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


/** A size given as one number or a list (a variadic parameter's value, or a name's). */
function sizeList(op: string, size: unknown): number[] {
  return (Array.isArray(size) ? size : [size]) as number[];
}

// ---- copies ---------------------------------------------------------------------------------

/** The public signatures of the views and shape ops (Tensor methods and tg.* functions).
 * A size or a list of dims is given as separate numbers or as one array: x.view(2, 3),
 * x.view([2, 3]), x.view({size: [2, 3]}). */
export interface MovementFns {
  /** A view of the same elements in another shape (one size may be -1); throws where the
   * strides do not allow a view (torch.Tensor.view). */
  view: (input: Tensor, ...size: (number | readonly number[] | { size: number | readonly number[] })[]) => Tensor;
  /** The same elements in another shape (one size may be -1: inferred); a view when the
   * layout allows, else a copy (torch.reshape). */
  reshape: (input: Tensor, ...shape: (number | readonly number[] | { shape: number | readonly number[] })[]) => Tensor;
  /** The dims startDim..endDim merged into one (torch.flatten); a view where possible. */
  flatten: (input: Tensor, startDim?: number | FlattenOptions, endDim?: number | FlattenOptions, options?: FlattenOptions) => Tensor;
  /** A view with dims dim0 and dim1 swapped (torch.transpose). */
  transpose: (input: Tensor, dim0: number | { dim0: number; dim1: number }, dim1?: number | { dim1: number }) => Tensor;
  /** A view with the dims in the order `dims`: output dim i is input dim dims[i] (torch.permute). */
  permute: (input: Tensor, ...dims: (number | readonly number[] | { dims: readonly number[] })[]) => Tensor;
  /** A view without size-1 dims: all of them, or only `dim` if it has size 1 (torch.squeeze). */
  squeeze: (input: Tensor, dim?: number | null | { dim?: number | null }) => Tensor;
  /** A view with a new size-1 dim at position `dim` (negative counts from the end) (torch.unsqueeze). */
  unsqueeze: (input: Tensor, dim: number | { dim: number }) => Tensor;
  /** A view broadcast to `size` without copying (size-1 dims repeat with stride 0; -1 keeps
   * a size) (torch.Tensor.expand). */
  expand: (input: Tensor, ...size: (number | readonly number[] | { size: number | readonly number[] })[]) => Tensor;
  /** expand(other.shape) (torch.Tensor.expand_as). */
  expandAs: (input: Tensor, other: Tensor | { other: Tensor }) => Tensor;
  /** A view of `length` entries of `dim` from `start` (torch.narrow). */
  narrow: (input: Tensor, dim: number | NarrowOptions, start?: number | NarrowOptions, length?: number | NarrowOptions) => Tensor;
  /** The slice at `index` along `dim`, with that dim removed (x[i] for dim 0): a view (torch.select). */
  select: (input: Tensor, dim: number | { dim: number; index: number }, index?: number | { index: number }) => Tensor;
  /** This tensor if it is contiguous, else a row-major copy (torch.Tensor.contiguous). */
  contiguous: (input: Tensor) => Tensor;
  /** A copy with its own storage, recorded by autograd (CloneBackward0) (torch.clone). */
  clone: (input: Tensor) => Tensor;
}
/** flatten's options (PyTorch's start_dim=, end_dim=). */
export interface FlattenOptions {
  /** The first dim merged (default 0). */
  startDim?: number;
  /** The last dim merged (default -1). */
  endDim?: number;
}
/** narrow's arguments by name (PyTorch's dim=, start=, length=). */
export interface NarrowOptions {
  /** The dim narrowed. */
  dim?: number;
  /** The first entry kept (negative counts from the end). */
  start?: number;
  /** How many entries are kept. */
  length?: number;
}

type ViewArgs = [Tensor, number[], number[]];
type InputShape = { shape: readonly number[] };

/** The forward and backward of a view that only changes the layout, given (x, shape,
 * strides): backward reshapes the gradient back to x's shape. */
const relayout = {
  forward: (x: Tensor, shape: number[], strides: number[]) => x._view(shape, strides, x._offset),
  save: (out: Tensor, x: Tensor): InputShape => ({ shape: x._shape }),
  backward: (g: Tensor, { shape }: InputShape) => [g.reshape(shape as number[])],
};

/** A view of x with the layout (shape, strides), recorded as `gradFn`: the view ops that
 * PyTorch names apart. */
function viewSpec(name: string, gradFn: string) {
  return defineSpec<(input: Tensor, shape: number[], strides: number[]) => Tensor, ViewArgs, InputShape>({
    name,
    gradFn,
    method: false,
    params: [input, required('shape', is.any), required('strides', is.any)],
    ...relayout,
  });
}
const reshapeAlias = viewSpec('reshapeAlias', 'ReshapeAliasBackward0').run;
const unsafeView = viewSpec('unsafeView', 'UnsafeViewBackward0').run;
const squeezeAll = viewSpec('squeezeAll', 'SqueezeBackward0').run;
const squeezeDim = viewSpec('squeezeDim', 'SqueezeBackward1').run;

function reshapeImpl(x: Tensor, size: unknown): Tensor {
  const shape = inferShape('reshape', size, x.numel());
  const strides = viewStrides(x._shape, x._strides, shape);
  if (strides !== null) return reshapeAlias(x, shape, strides);
  return unsafeView(movementOps.clone.run(x), shape, contiguousStrides(shape));
}

function flattenImpl(x: Tensor, startDim: number, endDim: number): Tensor {
  if (x.ndim === 0) return reshapeImpl(x, [1]);
  const s = normDim('flatten', startDim, x.ndim);
  const e = normDim('flatten', endDim, x.ndim);
  if (s > e) throw opError('flatten', `start_dim (${startDim}) cannot come after end_dim (${endDim})`);
  if (s === e) return x;
  return reshapeImpl(x, [...x._shape.slice(0, s), numelOf(x._shape.slice(s, e + 1)), ...x._shape.slice(e + 1)]);
}

function squeezeImpl(x: Tensor, dim: number | null): Tensor {
  if (dim === null) {
    const keep = x._shape.map((s, i) => i).filter((i) => x._shape[i] !== 1);
    return squeezeAll(x, keep.map((i) => x._shape[i]), keep.map((i) => x._strides[i]));
  }
  const d = normDim('squeeze', dim, x.ndim);
  if (x.ndim === 0 || x._shape[d] !== 1) return squeezeDim(x, x._shape.slice(), x._strides.slice());
  return squeezeDim(x, x._shape.filter((_, i) => i !== d), x._strides.filter((_, i) => i !== d));
}

/** PyTorch's expand rules: -1 keeps a size, new dims lead, only size-1 dims grow. */
function expandShape(x: Tensor, size: unknown): number[] {
  const req = sizeList('expand', size);
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
  return checkShape('expand', shape);
}

function narrowView(x: Tensor, dim: number, start: number, length: number): Tensor {
  const shape = x._shape.slice();
  shape[dim] = length;
  return x._view(shape, x._strides.slice(), x._offset + (length > 0 ? start * x._strides[dim] : 0));
}

// The gradient of a slice: zeros of the input's shape with g written into the slice
// (also of split pieces, lib/ops/rearrange.ts).
const embedSliceSpec = defineSpec<
  (g: Tensor, shape: number[], dim: number, start: number) => Tensor, [Tensor, number[], number, number], { dim: number; start: number; length: number }
>({
  name: 'embedSlice',
  gradFn: 'SliceBackwardBackward0',
  method: false,
  params: [input, required('shape', is.any), required('dim', is.int), required('start', is.int)],
  forward: (g, shape, dim, start) => {
    const out = Tensor._empty(shape, g.dtype);
    kernels.copy(narrowView(out, dim, start, g._shape[dim]), g);
    return out;
  },
  save: (out, g, shape, dim, start) => ({ dim, start, length: g._shape[dim] }),
  backward: (gg, { dim, start, length }) => [gg.narrow(dim, start, length)],
});
/** Zeros of `shape` with g written at `start` along `dim` (the gradient of a slice). */
export const embedSlice = embedSliceSpec.run;

const movementOps: SpecsFor<MovementFns> = {
  view: defineSpec<MovementFns['view'], ViewArgs, InputShape>({
    name: 'view',
    function: false, // a Tensor method only, as in PyTorch
    gradFn: 'ViewBackward0',
    params: [input, variadic('size', is.any, [3, 2])],
    prepare: (x: Tensor, size: unknown) => {
      const shape = inferShape('view', size, x.numel());
      const strides = viewStrides(x._shape, x._strides, shape);
      if (strides === null) {
        throw opError(
          'view',
          `view size is not compatible with input tensor's size and stride (at least one dimension spans across two ` +
            `contiguous subspaces). Use .reshape(...) instead. (shape ${fmtShape(x._shape)} -> ${fmtShape(shape)})`,
        );
      }
      return [x, shape, strides];
    },
    ...relayout,
  }),
  reshape: defineSpec({ name: 'reshape', params: [input, variadic('shape', is.any, [3, 2])], forward: reshapeImpl }),
  flatten: defineSpec({ name: 'flatten', params: [input, optional('startDim', is.int, 0, 1), optional('endDim', is.int, -1, 1)], forward: flattenImpl }),
  transpose: defineSpec<MovementFns['transpose'], [Tensor, number, number], { dim0: number; dim1: number }>({
    name: 'transpose',
    gradFn: 'TransposeBackward0',
    params: [input, required('dim0', is.any, 1), required('dim1', is.any, 0)],
    prepare: (x: Tensor, dim0: number, dim1: number) => [x, normDim('transpose', dim0, x.ndim), normDim('transpose', dim1, x.ndim)],
    forward: (x, d0, d1) => {
      if (x.ndim === 0) return x._view([], [], x._offset); // dims 0 and -1 of a 0-d tensor: itself
      const shape = x._shape.slice();
      const strides = x._strides.slice();
      shape[d0] = x._shape[d1];
      shape[d1] = x._shape[d0];
      strides[d0] = x._strides[d1];
      strides[d1] = x._strides[d0];
      return x._view(shape, strides, x._offset);
    },
    save: (out, x, dim0, dim1) => ({ dim0, dim1 }),
    backward: (g, { dim0, dim1 }) => [movementOps.transpose.run(g, dim0, dim1)],
  }),
  permute: defineSpec<MovementFns['permute'], [Tensor, number[]], { dims: number[] }>({
    name: 'permute',
    gradFn: 'PermuteBackward0',
    params: [input, variadic('dims', is.any, [1, 0])],
    prepare: (x: Tensor, dimsArg: unknown) => {
      const dims = sizeList('permute', dimsArg);
      if (dims.length !== x.ndim) {
        throw opError('permute', `number of dims don't match in permute (got ${fmtValue(dims)} for a ${x.ndim}-d tensor)`);
      }
      return [x, normDims('permute', dims, x.ndim)];
    },
    forward: (x, dims) =>
      x._view(
        dims.map((d) => x._shape[d]),
        dims.map((d) => x._strides[d]),
        x._offset,
      ),
    save: (out, x, dims) => ({ dims }),
    backward: (g, { dims }) => {
      const inverse = new Array<number>(dims.length);
      dims.forEach((d, i) => (inverse[d] = i));
      return [g.permute(inverse)];
    },
  }),
  squeeze: defineSpec({ name: 'squeeze', params: [input, optional('dim', is.any, null, 0)], forward: squeezeImpl }),
  unsqueeze: defineSpec<MovementFns['unsqueeze'], ViewArgs, InputShape>({
    name: 'unsqueeze',
    gradFn: 'UnsqueezeBackward0',
    params: [input, required('dim', is.any, 0)],
    prepare: (x: Tensor, dim: number) => {
      const d = normInsertDim('unsqueeze', dim, x.ndim);
      const shape = x._shape.slice();
      const strides = x._strides.slice();
      shape.splice(d, 0, 1);
      strides.splice(d, 0, d < x.ndim ? x._shape[d] * x._strides[d] : 1);
      return [x, checkShape('unsqueeze', shape), strides];
    },
    ...relayout,
  }),
  expand: defineSpec<MovementFns['expand'], [Tensor, number[]], InputShape>({
    name: 'expand',
    function: false, // a Tensor method only, as in PyTorch
    gradFn: 'ExpandBackward0',
    params: [input, variadic('size', is.any, [3, 2, 3])],
    prepare: (x: Tensor, size: unknown) => [x, expandShape(x, size)],
    forward: (x, shape) => {
      const lead = shape.length - x.ndim;
      const strides = shape.map((s, i) => (i < lead || (x._shape[i - lead] === 1 && s !== 1) ? 0 : x._strides[i - lead]));
      return x._view(shape, strides, x._offset);
    },
    save: (out, x) => ({ shape: x._shape }),
    backward: (g, { shape }) => [sumToShape(g, shape)],
  }),
  expandAs: defineSpec({
    name: 'expandAs',
    function: false,
    params: [input, required('other', (v, op, name) => checkTensor(op, v, name))],
    forward: (x: Tensor, other: Tensor) => movementOps.expand.run(x, expandShape(x, other._shape.slice())),
  }),
  narrow: defineSpec<MovementFns['narrow'], [Tensor, number, number, number], { shape: number[]; dim: number; start: number }>({
    name: 'narrow',
    gradFn: 'SliceBackward0',
    params: [input, required('dim', is.any, 1), required('start', is.any, 1), required('length', is.any, 1)],
    prepare: (x: Tensor, dim: number, start: number, length: number) => {
      if (x.ndim === 0) throw opError('narrow', 'narrow() cannot be applied to a 0-dim tensor.');
      const d = normDim('narrow', dim, x.ndim);
      const size = x._shape[d];
      checkInt('narrow', 'start', start, -size, size);
      const s = start < 0 ? start + size : start;
      checkInt('narrow', 'length', length, 0);
      if (s + length > size) throw opError('narrow', `start (${s}) + length (${length}) exceeds dimension size (${size}).`);
      return [x, d, s, length];
    },
    forward: (x, dim, start, length) => narrowView(x, dim, start, length),
    save: (out, x, dim, start) => ({ shape: x._shape, dim, start }),
    backward: (g, { shape, dim, start }) => [embedSlice(g, shape, dim, start)],
    sliceGrad: (g, { dim, start }) => ({ g, dim, start }),
  }),
  select: defineSpec<MovementFns['select'], [Tensor, number, number], { shape: number[]; dim: number; index: number }>({
    name: 'select',
    gradFn: 'SelectBackward0',
    params: [input, required('dim', is.any, 1), required('index', is.any, 1)],
    prepare: (x: Tensor, dim: number, index: number) => {
      if (x.ndim === 0) throw opError('select', 'select() cannot be applied to a 0-dim tensor.');
      const d = normDim('select', dim, x.ndim);
      const size = x._shape[d];
      if (typeof index !== 'number' || !Number.isInteger(index) || index < -size || index >= size) {
        throw opError('select', `index ${fmtValue(index)} out of range for tensor of size ${fmtShape(x._shape)} at dimension ${d}`);
      }
      return [x, d, index < 0 ? index + size : index];
    },
    forward: (x, dim, index) =>
      x._view(
        x._shape.filter((_, i) => i !== dim),
        x._strides.filter((_, i) => i !== dim),
        x._offset + index * x._strides[dim],
      ),
    save: (out, x, dim, index) => ({ shape: x._shape, dim, index }),
    backward: (g, { shape, dim, index }) => [embedSlice(g.unsqueeze(dim), shape, dim, index)],
    sliceGrad: (g, { dim, index }) => ({ g: g.unsqueeze(dim), dim, start: index }),
  }),
  contiguous: defineSpec({ name: 'contiguous',
    function: false, params: [input], forward: (x: Tensor) => (x.isContiguous() ? x : movementOps.clone.run(x)) }),
  clone: defineSpec<MovementFns['clone'], [Tensor]>({
    name: 'clone',
    gradFn: 'CloneBackward0',
    params: [input],
    forward: (x) => cloneDetached(checkMemory('clone', x)),
    backward: (g) => [g],
  }),
};
installMethods(movementOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<MovementFns> {}
}
/** Reduces a gradient to `shape` (which it was broadcast from) by summing over the
 * broadcast dims (PyTorch's sum_to): leading dims are summed away, the others kept as 1. */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad._shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const dims: number[] = [];
  let inner = false;
  for (let i = 0; i < grad.ndim; ++i) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && grad._shape[i] !== 1) dims.push(i), (inner = true);
  }
  // One sum: over the leading dims alone (they go), over inner ones alone (kept as 1), or
  // over both, kept, then reshaped.
  if (dims.length === 0) return reshapeTo(grad, shape.slice());
  if (!inner) return grad.sum(dims);
  const summed = grad.sum(dims, true);
  return lead === 0 ? summed : reshapeTo(summed, shape.slice());
}

/** The tg.* views and shape ops (view, expand, expandAs and contiguous are Tensor methods only, as in PyTorch). */
export const { reshape, flatten, transpose, permute, squeeze, unsqueeze, narrow, select, clone } = functionsOf(movementOps);
/** transpose of dims already normalised (0 <= dim0, dim1 < ndim), unchecked: for backward formulas. */
export const transposeDims = movementOps.transpose.run;
/** reshape and expand on checked arguments (a shape of numbers, no -1): for backward formulas. */
export const reshapeTo: (x: Tensor, shape: number[]) => Tensor = movementOps.reshape.run;
export const expandTo: (x: Tensor, shape: number[]) => Tensor = movementOps.expand.run;
