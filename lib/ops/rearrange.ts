// Ops that rearrange elements: flip, roll, repeat/tile, tril/triu, chunk/split, diff.
// Forwards copy through the existing kernels (indexSelect, cat, strided copy, where);
// each backward is the inverse rearrangement of the gradient, in Tensor ops.
import { Tensor } from '../tensor';
import { checkInt, fmtShape, fmtValue, is, normDim, normDims, opError, opRangeError, opTypeError, optional, required } from '../check';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';
import { input, where } from './arith';
import { cat } from './indexing';
import { embedSlice } from './movement';
import { bool, int32 } from '../dtype';

/** A bool [rows, cols] mask of the triangle col - row <= diagonal ('lower') or >= diagonal ('upper'). */
export function triangleMask(rows: number, cols: number, diagonal: number, which: 'lower' | 'upper'): Tensor {
  const mask = Tensor._empty([rows, cols], bool);
  const data = mask.typedArray();
  for (let r = 0; r < rows; ++r) {
    for (let c = 0; c < cols; ++c) data[r * cols + c] = (which === 'lower' ? c - r <= diagonal : c - r >= diagonal) ? 1 : 0;
  }
  return mask;
}

/** A number or an array of numbers, as an array. */
function listOf(op: string, name: string, v: unknown): number[] {
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((d) => typeof d === 'number' && Number.isInteger(d))) {
    throw opTypeError(op, `${name} must be an integer or an array of integers, got ${fmtValue(v)}`);
  }
  return list;
}

const intList = (v: unknown, op: string, name: string) => listOf(op, name, v);

// ---- flip, roll -----------------------------------------------------------------------------

function reversedIndex(n: number): Tensor {
  const index = Tensor._empty([n], int32);
  index.typedArray().forEach((_, i, a) => (a[i] = n - 1 - i));
  return index;
}

const flipOp = defineSpec<(x: Tensor, dims: number[]) => Tensor, [Tensor, number[]], { dims: number[] }>({
  name: 'flip',
  gradFn: 'FlipBackward0',
  params: [input, required('dims', is.any)],
  forward: (x, dims) => (dims.length === 0 ? x.clone() : dims.reduce((t, d) => t.indexSelect(d, reversedIndex(x._shape[d])), x)),
  save: (out, x, dims) => ({ dims }),
  backward: (g, { dims }) => [g.flip(dims)],
});

/** Rolls x by shifts[i] along dims[i] (element j moves to j + shift, mod size). */
function rollAlong(x: Tensor, shifts: number[], dims: number[]): Tensor {
  return dims.reduce((t, d, i) => {
    const n = t._shape[d];
    const s = n === 0 ? 0 : ((shifts[i] % n) + n) % n;
    return s === 0 ? t : cat([t.narrow(d, n - s, s), t.narrow(d, 0, n - s)], d);
  }, x);
}

interface Roll {
  shifts: number[];
  dims: number[];
}

const rollOp = defineSpec<(x: Tensor, shifts: number[], dims: number[]) => Tensor, [Tensor, number[], number[]], Roll>({
  name: 'roll',
  gradFn: 'RollBackward0',
  params: [input, required('shifts', is.any), required('dims', is.any)],
  // No dims: rolled as if flattened, then restored to its shape.
  forward: (x, shifts, dims) => {
    const flat = dims.length === 0;
    const source = flat ? x.reshape(-1) : x;
    const out = rollAlong(source, shifts, flat ? [0] : dims);
    return (out === source ? out.clone() : out).reshape(x._shape.slice());
  },
  save: (out, x, shifts, dims) => ({ shifts, dims }),
  backward: (g, { shifts, dims }) => [g.roll(shifts.map((s) => -s), dims)],
});

function rollImpl(x: Tensor, shifts: unknown, dims: unknown): Tensor {
  const s = listOf('roll', 'shifts', shifts);
  const d = dims === null ? [] : listOf('roll', 'dims', dims).map((dim) => normDim('roll', dim, x.ndim));
  if (d.length === 0 && s.length !== 1) throw opError('roll', `without dims, shifts must be one number, got ${fmtValue(shifts)}`);
  if (d.length > 0 && d.length !== s.length) {
    throw opError('roll', `shifts and dimensions must align. shifts: ${s.length}, dims: ${d.length}`);
  }
  return rollOp.call(x, s, d);
}

// ---- repeat, tile ---------------------------------------------------------------------------

/** repeats[i] copies of each dim, interleaved: [r0, s0, r1, s1, ...] with x's sizes s
 * (padded with leading 1s to repeats.length). */
function interleaved(shape: readonly number[], repeats: number[]): number[] {
  const padded = [...repeats.slice(shape.length).map(() => 1), ...shape].slice(-repeats.length);
  return repeats.flatMap((r, i) => [r, padded[i]]);
}

const repeatOp = defineSpec<(x: Tensor, repeats: number[]) => Tensor, [Tensor, number[]], { repeats: number[]; shape: number[] }>({
  name: 'repeat',
  gradFn: 'RepeatBackward0',
  params: [input, required('repeats', is.any)],
  forward: (x, repeats) => {
    const lead = repeats.length - x.ndim;
    const padded = x.reshape([...repeats.slice(0, lead).map(() => 1), ...x._shape]);
    const strides = padded._strides.flatMap((s) => [0, s]);
    const tiled = padded._view(interleaved(x._shape, repeats), strides, padded._offset);
    return tiled.clone().reshape(repeats.map((r, i) => r * padded._shape[i]));
  },
  save: (out, x, repeats) => ({ repeats, shape: x._shape.slice() }),
  // The sum over the copies: g viewed as [r0, s0, r1, s1, ...], summed over the r dims.
  backward: (g, { repeats, shape }) => [
    g.reshape(interleaved(shape, repeats)).sum(repeats.map((_, i) => 2 * i)).reshape(shape),
  ],
});

function repeatImpl(x: Tensor, repeats: unknown): Tensor {
  const r = listOf('repeat', 'repeats', repeats);
  if (r.length < x.ndim) {
    throw opError('repeat', `Number of dimensions of repeat dims (${r.length}) can not be smaller than number of dimensions of tensor (${x.ndim})`);
  }
  r.forEach((n) => checkInt('repeat', 'each repeat', n, 0));
  return repeatOp.call(x, r);
}

// ---- tril, triu -----------------------------------------------------------------------------

function triangleSpec(name: 'tril' | 'triu', gradFn: string) {
  const which = name === 'tril' ? 'lower' : 'upper';
  return defineSpec<RearrangeFns['tril'], [Tensor, number], { diagonal: number }>({
    name,
    gradFn,
    params: [input, optional('diagonal', is.int, 0, 1)],
    prepare: (x: Tensor, diagonal: number) => {
      if (x.ndim < 2) throw opError(name, `input tensor must have at least 2 dimensions, got shape ${fmtShape(x._shape)}`);
      return [x, diagonal];
    },
    forward: (x, diagonal) => where(triangleMask(x._shape[x.ndim - 2], x._shape[x.ndim - 1], diagonal, which), x, 0),
    save: (out, x, diagonal) => ({ diagonal }),
    backward: (g, { diagonal }) => [g[name](diagonal)],
  });
}

// ---- chunk, split ---------------------------------------------------------------------------

interface Piece {
  shape: number[];
  dim: number;
  start: number;
}

/** One piece of a split: a view of x (length elements from start along dim); its gradient
 * is g in place in zeros of x's shape. */
function pieceSpec(gradFn: string) {
  return defineSpec<(x: Tensor, dim: number, start: number, length: number) => Tensor, [Tensor, number, number, number], Piece>({
    name: 'split',
    gradFn,
    params: [input, required('dim', is.int), required('start', is.int), required('length', is.int)],
    forward: (x, dim, start, length) => x.narrow(dim, start, length),
    save: (out, x, dim, start) => ({ shape: x._shape.slice(), dim, start }),
    backward: (g, { shape, dim, start }) => [embedSlice(g, shape, dim, start)],
    sliceGrad: (g, { dim, start }) => ({ g, dim, start }),
  }).call;
}
const splitPiece = pieceSpec('SplitBackward0');
const splitWithSizesPiece = pieceSpec('SplitWithSizesBackward0');

function checkSplitDim(op: string, x: Tensor, dim: unknown): number {
  if (x.ndim === 0) throw opError(op, 'expects at least a 1-dimensional tensor');
  return normDim(op, dim, x.ndim);
}

function splitImpl(x: Tensor, sizeOrSections: unknown, dim: unknown): Tensor[] {
  const d = checkSplitDim('split', x, dim);
  const n = x._shape[d];
  if (Array.isArray(sizeOrSections)) {
    const sizes = listOf('split', 'split_size_or_sections', sizeOrSections);
    sizes.forEach((s) => checkInt('split', 'each split size', s, 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) {
      throw opError('split', `split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${fmtValue(sizes)}`);
    }
    let start = 0;
    return sizes.map((s) => splitWithSizesPiece(x, d, (start += s) - s, s));
  }
  const size = checkInt('split', 'split_size', sizeOrSections, 0);
  if (size === 0 && n !== 0) throw opRangeError('split', `split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
  const count = size === 0 ? 1 : Math.max(1, Math.ceil(n / size));
  return Array.from({ length: count }, (_, i) => splitPiece(x, d, i * size, Math.min(size, n - i * size)));
}

function chunkImpl(x: Tensor, chunks: unknown, dim: unknown): Tensor[] {
  const c = checkInt('chunk', 'chunks', chunks);
  if (c <= 0) throw opRangeError('chunk', `chunk expects \`chunks\` to be greater than 0, got: ${c}`);
  const d = checkSplitDim('chunk', x, dim);
  const n = x._shape[d];
  // Pieces of ceil(n / chunks): there may be fewer than `chunks` (6 into 4 gives 3 of 2).
  return splitImpl(x, n === 0 ? 0 : Math.ceil(n / c), d);
}

// ---- diff -----------------------------------------------------------------------------------

function diffImpl(x: Tensor, n: number, dim: number, prepend: Tensor | null, append: Tensor | null): Tensor {
  const d = checkSplitDim('diff', x, dim);
  checkInt('diff', 'n', n, 0);
  for (const [name, t] of [['prepend', prepend], ['append', append]] as const) {
    if (t && t.ndim !== x.ndim) throw opError('diff', `${name} must have the same number of dimensions as input (${t.ndim} vs ${x.ndim})`);
  }
  let out = prepend || append ? cat([...(prepend ? [prepend] : []), x, ...(append ? [append] : [])], d) : x;
  for (let i = 0; i < n && out._shape[d] > 0; ++i) {
    const len = out._shape[d] - 1;
    out = out.narrow(d, 1, len).sub(out.narrow(d, 0, len));
  }
  return out;
}

// ---- the public ops -------------------------------------------------------------------------

/** diff's keyword arguments. */
export type DiffOptions = {
  /** How many times to difference (default 1). */
  n?: number;
  /** The dim to work along. */
  dim?: number;
  /** Concatenated before the input along dim. */
  prepend?: Tensor | null;
  /** Concatenated after the input along dim. */
  append?: Tensor | null;
};

export interface RearrangeFns {
  /** The elements in reverse order along each of `dims` (PyTorch's flip; a copy). */
  flip: (input: Tensor, dims: number | number[]) => Tensor;
  /** Rolls along `dims`: element i moves to i + shift (mod size); without dims, as if
   * flattened (PyTorch's roll). shifts/dims: numbers or equal-length arrays. */
  roll: (input: Tensor, shifts: number | number[], dims?: number | number[] | null | { dims?: number | number[] | null }) => Tensor;
  /** Tiles the tensor repeats[i] times along dim i; `repeats` has at least ndim entries, extra
   * ones add leading dims (PyTorch's repeat). Shape: [r0·s0, r1·s1, ...]. */
  repeat: (input: Tensor, repeats: number | number[]) => Tensor;
  /** As repeat, but `dims` shorter than ndim is padded with 1s in front (PyTorch's tile). */
  tile: (input: Tensor, dims: number | number[]) => Tensor;
  /** The lower triangle of the last two dims: elements with col - row <= diagonal, zero elsewhere (PyTorch's tril). */
  tril: (input: Tensor, diagonal?: number | { diagonal?: number }) => Tensor;
  /** The upper triangle of the last two dims: elements with col - row >= diagonal, zero elsewhere (PyTorch's triu). */
  triu: (input: Tensor, diagonal?: number | { diagonal?: number }) => Tensor;
  /** Views of `chunks` pieces along dim of ceil(n / chunks) each, the last smaller; there may
   * be fewer pieces than asked (PyTorch's chunk). */
  chunk: (input: Tensor, chunks: number, dim?: number | { dim?: number }) => Tensor[];
  /** Views of pieces along dim: of `splitSizeOrSections` each (the last smaller), or of the
   * listed sizes, which must sum to the dim's size (PyTorch's split). */
  split: (input: Tensor, splitSizeOrSections: number | number[], dim?: number | { dim?: number }) => Tensor[];
  /** The n-th forward difference x[i+1] - x[i] along dim (default the last), after
   * concatenating `prepend` and `append` (PyTorch's diff). Shape: n fewer along dim. */
  diff: (
    input: Tensor,
    n?: number | DiffOptions,
    dim?: number | DiffOptions,
    prepend?: Tensor | null | DiffOptions,
    append?: Tensor | null | DiffOptions,
    options?: DiffOptions,
  ) => Tensor;
}

const tensorOrNull = (v: unknown, op: string, name: string) => {
  if (v === null || v instanceof Tensor) return v;
  throw opTypeError(op, `${name} must be a Tensor or null, got ${fmtValue(v)}`);
};

// Specs returning several tensors have no gradFn (each piece records its own node): forward's
// array is returned as it is.
const rearrangeOps: SpecsFor<RearrangeFns> = {
  flip: defineSpec({
    name: 'flip',
    params: [input, required('dims', intList, [0])],
    forward: (x: Tensor, dims: number[]) => flipOp.call(x, normDims('flip', dims, x.ndim)),
  }),
  roll: defineSpec({ name: 'roll', params: [input, required('shifts', is.any, 1), optional('dims', is.any, null, 0)], forward: rollImpl }),
  repeat: defineSpec({ name: 'repeat', params: [input, required('repeats', is.any, [2, 1])], forward: repeatImpl }),
  tile: defineSpec({
    name: 'tile',
    params: [input, required('dims', intList, [2])],
    forward: (x: Tensor, dims: number[]) => repeatImpl(x, [...x._shape.slice(dims.length).map(() => 1), ...dims]),
  }),
  tril: triangleSpec('tril', 'TrilBackward0'),
  triu: triangleSpec('triu', 'TriuBackward0'),
  chunk: defineSpec({
    name: 'chunk',
    params: [input, required('chunks', is.int, 2), optional('dim', is.int, 0, 1)],
    forward: (x: Tensor, chunks: number, dim: number) => chunkImpl(x, chunks, dim) as unknown as Tensor,
  }),
  split: defineSpec({
    name: 'split',
    params: [input, required('splitSizeOrSections', is.any, 1), optional('dim', is.int, 0, 1)],
    forward: (x: Tensor, size: unknown, dim: number) => splitImpl(x, size, dim) as unknown as Tensor,
  }),
  diff: defineSpec({
    name: 'diff',
    params: [
      input,
      optional('n', is.int, 1, 0),
      optional('dim', is.int, -1, 0),
      optional('prepend', tensorOrNull, null),
      optional('append', tensorOrNull, null),
    ],
    forward: diffImpl,
  }),
};
installMethods(rearrangeOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<RearrangeFns> {}
}
export const { flip, roll, repeat, tile, tril, triu, chunk, split, diff } = functionsOf(rearrangeOps);
