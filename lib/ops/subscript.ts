// Indexing with PyTorch's semantics: t.index(...specs) is PyTorch's t[specs], t.indexPut_
// (specs, value) its t[specs] = value. Basic specs (integers, tg.slice, null for a new axis,
// '...') make a view sharing storage (SelectBackward0, SliceBackward0, UnsqueezeBackward0,
// AliasBackward0); index tensors and bool masks then index that view by copy (PyTorch's
// aten::index, IndexBackward0, and index_put, IndexPutBackward0). A string such as
// ':, 1:3, ..., None' is parsed once (and cached) into the same specs.
import { Tensor } from '../tensor';
import { checkInt, fmtShape, fmtValue, is, objectCheck, opError, opRangeError, opTypeError, required } from '../check';
import { broadcastShapes, contiguousStrides, numelOf } from '../layout';
import * as kernels from '../backend';
import { Group, IndexOp } from '../native/table';
import { asIndex } from './indices';
import { defineMethods, defineSpec, type Op } from './registry';
import { checkTensor, cloneDetached, contiguousData } from './movement';
import { inPlace } from './inplace';
import { full, tensor } from './creation';
import { bool, int32, int64 } from '../dtype';

/** PyTorch's `start:stop:step` (Python's slice): omitted bounds are null; out-of-range
 * bounds clamp as in Python; step > 0. Made by tg.slice. */
export class Slice {
  constructor(
    /** The first position (negative: from the end), or null for the start. */
    readonly start: number | null,
    /** The position to stop before (negative: from the end), or null for the end. */
    readonly stop: number | null,
    /** The distance between positions, > 0. */
    readonly step: number,
  ) {}
  /** Python's notation, e.g. `1:4:2`. */
  toString(): string {
    return `${this.start ?? ''}:${this.stop ?? ''}${this.step === 1 ? '' : `:${this.step}`}`;
  }
}

/** PyTorch's `start:stop:step` as an index spec (`x[1:3]` is `x.index(tg.slice(1, 3))`,
 * `x[:, ::2]` is `x.index(tg.slice(), tg.slice(null, null, 2))`). Omitted or null bounds are
 * open; negative ones count from the end; step > 0. */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  const bound = (v: number | null | undefined, name: string) => (v == null ? null : checkInt('slice', name, v));
  const s = step == null ? 1 : checkInt('slice', 'step', step);
  if (s <= 0) throw opError('slice', `step must be greater than zero, got ${s}`);
  return new Slice(bound(start, 'start'), bound(stop, 'stop'), s);
}

/** One index spec: an integer, a tg.slice, null (a new axis, PyTorch's None), '...'
 * (Ellipsis), an int32 index tensor, a bool mask, an array of integers or of booleans (as
 * PyTorch's x[[0, 2]]: an index tensor or a mask), or a string of specs in PyTorch's syntax
 * (':, 1:3, ..., None'). */
export type IndexSpec = number | Slice | null | '...' | Tensor | string | number[] | boolean[];

type Parsed = number | Slice | null | '...' | Tensor;

// ---- the string shorthand ------------------------------------------------------------

const INT = '[+-]?\\d+';
const SLICE_RE = new RegExp(`^(${INT})?\\s*:\\s*(${INT})?\\s*(?::\\s*(${INT})?)?$`);
const INT_RE = new RegExp(`^${INT}$`);
const parsedStrings = new Map<string, Parsed[]>();

/** The specs of an index string such as ':, 1:3, ..., None' (cached). */
export function parseIndexString(text: string, op = 'index'): Parsed[] {
  const cached = parsedStrings.get(text);
  if (cached) return cached;
  const bad = (why: string) => opError(op, `malformed index string '${text}': ${why}`);
  const specs = text.split(',').map((raw, i): Parsed => {
    const part = raw.trim();
    if (part === '...') return '...';
    if (part === 'None') return null;
    if (INT_RE.test(part)) return Number(part);
    const m = SLICE_RE.exec(part);
    if (!m) throw bad(part === '' ? `part ${i} is empty` : `'${part}' is not an integer, a slice, '...' or None`);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (step <= 0) throw bad(`slice step must be greater than zero in '${part}'`);
    return new Slice(m[1] === undefined ? null : Number(m[1]), m[2] === undefined ? null : Number(m[2]), step);
  });
  parsedStrings.set(text, specs);
  return specs;
}

function parseSpecs(op: string, specs: readonly unknown[]): Parsed[] {
  const out: Parsed[] = [];
  for (const s of specs) {
    if (typeof s === 'string' && s !== '...') out.push(...parseIndexString(s, op));
    else if (s === null || s === undefined) out.push(null);
    else if (s === '...' || s instanceof Slice || s instanceof Tensor) out.push(s);
    else if (typeof s === 'number' && Number.isInteger(s)) out.push(s);
    else if (Array.isArray(s) && s.length > 0 && s.every((v) => typeof v === 'boolean')) out.push(tensor(s, { dtype: bool }));
    else if (Array.isArray(s) && s.every((v) => Number.isInteger(v))) out.push(tensor(s, { dtype: int32 }));
    else throw opTypeError(op, `an index must be an integer, tg.slice(...), null, '...', an index string, an int32 tensor, a bool mask or an array of integers or booleans, got ${fmtValue(s)}`);
  }
  return out;
}

// ---- the basic (view) specs ------------------------------------------------------------

function sliceBounds(s: Slice, size: number): [number, number] {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const start = s.start === null ? 0 : clamp(s.start);
  const stop = s.stop === null ? size : clamp(s.stop);
  return [start, Math.max(0, Math.ceil((stop - start) / s.step))];
}

interface SliceArgs {
  dim: number;
  start: number;
  length: number;
  step: number;
}

function sliceView(x: Tensor, { dim, start, length, step }: SliceArgs): Tensor {
  const shape = x._shape.slice();
  const strides = x._strides.slice();
  shape[dim] = length;
  strides[dim] *= step;
  return x._view(shape, strides, x._offset + (length > 0 ? start * x._strides[dim] : 0));
}

// The gradient of a slice: zeros of the input's shape with g in the sliced positions.
const sliceBackward: Op<(g: Tensor, shape: number[], args: SliceArgs) => Tensor> = defineSpec<
  (g: Tensor, shape: number[], args: SliceArgs) => Tensor, [Tensor, number[], SliceArgs], { args: SliceArgs }
>({
  name: 'sliceBackward',
  gradFn: 'SliceBackwardBackward0',
  params: [required('grad', is.any), required('shape', is.any), required('args', objectCheck(is.any))],
  forward: (g, shape, args) => {
    const out = Tensor._empty(shape.slice(), g.dtype);
    kernels.copy(sliceView(out, args), g);
    return out;
  },
  save: (out, g, shape, args) => ({ args }),
  backward: (gg, { args }) => [sliceOp.call(gg, args)],
});

// x[start:stop:step] along one dim, as a view (PyTorch's slice, SliceBackward0).
const sliceOp: Op<(x: Tensor, args: SliceArgs) => Tensor> = defineSpec<(x: Tensor, args: SliceArgs) => Tensor, [Tensor, SliceArgs], { shape: number[]; args: SliceArgs }>({
  name: 'slice',
  gradFn: 'SliceBackward0',
  params: [required('input', is.any), required('args', objectCheck(is.any))],
  forward: (x, args) => sliceView(x, args),
  save: (out, x, args) => ({ shape: x._shape, args }),
  backward: (g, { shape, args }) => [sliceBackward.call(g, shape, args)],
});

// x[...]: a view of all of x (AliasBackward0).
const alias = defineSpec<(x: Tensor) => Tensor, [Tensor]>({
  name: 'alias',
  gradFn: 'AliasBackward0',
  params: [required('input', is.any)],
  forward: (x) => x._view(x._shape.slice(), x._strides.slice(), x._offset),
  backward: (g) => [g],
});

/** The index tensors of an advanced index, one per dim of the indexed tensor (null: that
 * dim is taken whole). A class, not an array: its tensors are not the op's inputs. */
export class Indices {
  constructor(readonly tensors: (Tensor | null)[]) {}
}

/** PyTorch's applySlicing: the view that the basic specs select, and the index tensors
 * (bool masks turned into their nonzero positions) for the dims of that view, or null. */
function applyBasic(op: string, x: Tensor, specs: Parsed[]): { view: Tensor; advanced: Indices | null } {
  let consumed = 0;
  let ellipses = 0;
  for (const s of specs) {
    if (s === '...') ellipses++;
    else if (s instanceof Tensor) consumed += s.dtype === bool ? Math.max(s.ndim, 1) : 1;
    else if (s !== null) consumed++;
  }
  if (ellipses > 1) throw opError(op, "an index can only have a single ellipsis ('...')");
  if (consumed > x.ndim) throw opError(op, `too many indices for tensor of dimension ${x.ndim} (got ${consumed}: ${fmtSpecs(specs)})`);
  let view = x;
  let dim = 0;
  const tensors: (Tensor | null)[] = [];
  for (const s of specs) {
    if (typeof s === 'number') {
      const size = view._shape[dim];
      if (s < -size || s >= size) throw opRangeError(op, `index ${s} is out of bounds for dimension ${dim} with size ${size}`);
      view = view.select(dim, s);
    } else if (s instanceof Slice) {
      const [start, length] = sliceBounds(s, view._shape[dim]);
      view = sliceOp.call(view, { dim, start, length, step: s.step });
      dim++;
    } else if (s === null) {
      view = view.unsqueeze(dim);
      tensors[dim] = null;
      dim++;
    } else if (s === '...') {
      dim += x.ndim - consumed;
    } else if (s.dtype === bool) {
      const masked = view._shape.slice(dim, dim + s.ndim);
      if (s.ndim === 0) throw opError(op, 'a 0-d bool index (PyTorch x[True]) is not supported; use unsqueeze(0) instead');
      if (masked.length < s.ndim || masked.some((n, i) => n !== s._shape[i])) {
        throw opError(op, `The shape of the mask ${fmtShape(s._shape)} at index ${dim} does not match the shape of the indexed tensor ${fmtShape(view._shape)} at index ${dim}`);
      }
      for (const positions of nonzeroColumns(s)) tensors[dim++] = positions;
    } else if (s.dtype === int32 || s.dtype === int64) {
      tensors[dim++] = asIndex(op, s); // as int32
    } else {
      throw opTypeError(op, `tensors used as indices must be int32, int64 or bool tensors, got ${s.dtype}`);
    }
  }
  if (view === x && tensors.every((t) => t === null)) view = alias.call(x);
  if (!tensors.some((t) => t instanceof Tensor)) return { view, advanced: null };
  while (tensors.length < view.ndim) tensors.push(null);
  return { view, advanced: new Indices(Array.from(tensors, (t) => t ?? null)) };
}

function fmtSpecs(specs: Parsed[]): string {
  return specs.map((s) => (s === null ? 'None' : s instanceof Tensor ? `tensor${fmtShape(s._shape)}` : String(s))).join(', ');
}

/** The positions of the true elements of a bool tensor, one int32 tensor per dim. */
export function nonzeroColumns(mask: Tensor): Tensor[] {
  const data = contiguousData(mask, 'nonzero');
  const hits: number[] = [];
  for (let i = 0; i < data.length; ++i) if (data[i]) hits.push(i);
  const strides = contiguousStrides(mask._shape);
  return mask._shape.map((size, d) => {
    const col = Tensor._output([hits.length], int32);
    const out = col._storage.view(0, hits.length);
    hits.forEach((flat, k) => (out[k] = Math.floor(flat / strides[d]) % size));
    return col;
  });
}

/** nonzero(input): the indices of the non-zero elements, an int32 [count, ndim] tensor. */
export function nonzeroIndices(x: Tensor): Tensor {
  const bools = x.dtype === bool ? x : x.ne(0);
  const cols = nonzeroColumns(bools.ndim === 0 ? bools.reshape(1) : bools);
  const n = cols.length ? cols[0]._shape[0] : 0;
  if (x.ndim === 0) return Tensor._empty([n, 0], int32);
  const out = Tensor._output([n, x.ndim], int32);
  cols.forEach((c, d) => kernels.copy(out.select(1, d), c));
  return out;
}

// ---- advanced indexing ----------------------------------------------------------------

/** How an advanced index reads x: the indexed dims are flattened into one (in order) in
 * front of the others; `linear` holds the flat positions, `frontShape` is [...index shape,
 * ...other dims] and `toResult` the permutation that gives PyTorch's result layout (the
 * index dims stay where the indexed dims were when those are adjacent, else go first). */
interface Plan {
  perm: number[];
  flatShape: number[];
  linear: Tensor;
  frontShape: number[];
  toResult: number[] | null;
  resultShape: number[];
}

function planIndex(op: string, x: Tensor, { tensors }: Indices): Plan {
  const advDims = tensors.flatMap((t, d) => (t ? [d] : []));
  const restDims = tensors.flatMap((t, d) => (t ? [] : [d]));
  const idx = advDims.map((d) => tensors[d]!);
  let bshape: number[] = idx[0]._shape.slice();
  for (const t of idx.slice(1)) {
    try {
      bshape = broadcastShapes(op, bshape, t._shape);
    } catch {
      throw opError(op, `shape mismatch: indexing tensors could not be broadcast together with shapes ${idx.map((i) => fmtShape(i._shape)).join(', ')}`);
    }
  }
  const n = numelOf(bshape);
  const linear = Tensor._output([n], int32);
  const flat = linear._storage.view(0, n) as Int32Array;
  flat.fill(0);
  let multiplier = 1;
  const flatSize = advDims.reduce((p, d) => p * x._shape[d], 1);
  if (flatSize > 2 ** 31 - 1) throw opError(op, `the indexed dims of ${fmtShape(x._shape)} have more than 2^31 - 1 positions`);
  for (let k = advDims.length - 1; k >= 0; --k) {
    const d = advDims[k];
    const size = x._shape[d];
    const values = contiguousData(idx[k].expand(bshape), op) as Int32Array; // index tensors are int32 here
    for (let j = 0; j < n; ++j) {
      const i = values[j];
      if (i < -size || i >= size) throw opRangeError(op, `index ${i} is out of bounds for dimension ${d} with size ${size}`);
      flat[j] += (i < 0 ? i + size : i) * multiplier;
    }
    multiplier *= size;
  }
  const rest = restDims.map((d) => x._shape[d]);
  const frontShape = [...bshape, ...rest];
  const adjacent = advDims.every((d, k) => d === advDims[0] + k);
  const at = adjacent ? advDims[0] : 0;
  let toResult: number[] | null = null;
  if (at > 0) {
    const b = bshape.map((_, i) => i);
    const r = rest.map((_, i) => bshape.length + i);
    toResult = [...r.slice(0, at), ...b, ...r.slice(at)];
  }
  const resultShape = toResult ? toResult.map((i) => frontShape[i]) : frontShape;
  return { perm: [...advDims, ...restDims], flatShape: [flatSize, ...rest], linear, frontShape, toResult, resultShape };
}

/** A bool tensor goes through the index kernels as int32 (they take no bool). */
export function kernelDType(t: Tensor): Tensor {
  return t.dtype === bool ? t.to(int32) : t;
}

function readIndexed(op: string, x: Tensor, indices: Indices): Tensor {
  const plan = planIndex(op, x, indices);
  const src = kernelDType(x).permute(plan.perm).contiguous().reshape(plan.flatShape);
  const out = Tensor._empty([plan.linear._shape[0], ...plan.flatShape.slice(1)], src.dtype);
  kernels.run(Group.Index, IndexOp.IndexSelect, [out, src, plan.linear, 0]);
  const front = out.reshape(plan.frontShape);
  const result = plan.toResult ? front.permute(plan.toResult).contiguous() : front;
  return x.dtype === bool ? result.to(bool) : result;
}

/** Writes (or adds) values, broadcast to the indexed region, into x in place. */
function writeIndexed(op: string, x: Tensor, indices: Indices, values: Tensor, accumulate: boolean): void {
  const plan = planIndex(op, x, indices);
  const lead = plan.resultShape.length - values.ndim;
  if (lead < 0 || values._shape.some((s, i) => s !== 1 && s !== plan.resultShape[lead + i])) {
    throw opError(op, `shape mismatch: value tensor of shape ${fmtShape(values._shape)} cannot be broadcast to indexing result of shape ${fmtShape(plan.resultShape)}`);
  }
  let front = values.to(x.dtype).expand(plan.resultShape);
  if (plan.toResult) {
    const inverse = new Array<number>(plan.toResult.length);
    plan.toResult.forEach((d, i) => (inverse[d] = i));
    front = front.permute(inverse);
  }
  const rows = kernelDType(front.contiguous().reshape([plan.linear._shape[0], ...plan.flatShape.slice(1)]));
  const target = x.permute(plan.perm);
  const direct = target.isContiguous() && x.dtype !== bool;
  const flat = direct ? target._view(plan.flatShape, contiguousStrides(plan.flatShape), target._offset) : kernelDType(target).contiguous().reshape(plan.flatShape);
  kernels.run(Group.Index, accumulate ? IndexOp.IndexAdd : IndexOp.IndexCopy, [flat, rows, plan.linear, 0]);
  if (!direct) kernels.copy(target, flat.reshape(target._shape).to(x.dtype));
}

/** PyTorch's aten::index (IndexBackward0): x read at index tensors, by copy. Its gradient
 * adds g into zeros at the indexed positions (repeated positions accumulate). */
export const indexTensors: Op<(x: Tensor, indices: Indices) => Tensor> = defineSpec<(x: Tensor, indices: Indices) => Tensor, [Tensor, Indices], { shape: number[]; indices: Indices }>({
  name: 'index',
  gradFn: 'IndexBackward0',
  params: [required('input', is.any), required('indices', is.any)],
  forward: (x, indices) => readIndexed('index', x, indices),
  save: (out, x, indices) => ({ shape: x._shape, indices }),
  backward: (g, { shape, indices }) => [indexPutOp.call(Tensor._empty(shape.slice(), g.dtype), indices, g, true)],
});

/** PyTorch's index_put (IndexPutBackward0): a copy of x with values (broadcast) written at
 * (or, with accumulate, added to) the indexed positions. x's gradient is g, zero where
 * written; the values' gradient is g read at the indexed positions. */
export const indexPutOp: Op<(x: Tensor, indices: Indices, values: Tensor, accumulate: boolean) => Tensor> = defineSpec<
  (x: Tensor, indices: Indices, values: Tensor, accumulate: boolean) => Tensor, [Tensor, Indices, Tensor, boolean], { indices: Indices; accumulate: boolean }
>({
  name: 'indexPut',
  gradFn: 'IndexPutBackward0',
  params: [required('input', is.any), required('indices', is.any), required('values', is.any), required('accumulate', is.bool)],
  forward: (x, indices, values, accumulate) => {
    const out = cloneDetached(x);
    writeIndexed('indexPut', out, indices, values, accumulate);
    return out;
  },
  save: (out, x, indices, values, accumulate) => ({ indices, accumulate }),
  backward: (g, { indices, accumulate }, [needX, needValues]) => [
    needX ? (accumulate ? g : indexPutOp.call(g, indices, Tensor._empty([], g.dtype), false)) : null,
    needValues ? indexTensors.call(g, indices) : null,
  ],
});

// ---- the public functions ------------------------------------------------------------

/** PyTorch's `x[specs]`: `x.index(0)`, `x.index(tg.slice(1, 3), null, '...')`,
 * `x.index(':, 1:3')`, `x.index(idx)`, `x.index(mask)`. Integers, slices, null and '...'
 * give a view sharing x's storage; index tensors and masks give a copy. */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  checkTensor('index', x);
  const { view, advanced } = applyBasic('index', x, parseSpecs('index', specs));
  return advanced ? indexTensors.call(view, advanced) : view;
}

function valueTensor(op: string, value: unknown, like: Tensor): Tensor {
  if (typeof value === 'number' || typeof value === 'boolean') return full([], Number(value), { dtype: like.dtype });
  return checkTensor(op, value, 'value');
}

function specList(op: string, specs: unknown): Parsed[] {
  return parseSpecs(op, Array.isArray(specs) ? specs : [specs]);
}

/** PyTorch's `x[specs] = value` (in place; returns x): `specs` is an array of index specs
 * (as for index) or one spec; `value` a number or a tensor that broadcasts to the indexed
 * region. With `accumulate`, values are added (repeated positions add up, PyTorch's
 * index_put_(..., accumulate=True)). */
export function indexPut_(x: Tensor, specs: IndexSpec | IndexSpec[], value: Tensor | number, accumulate = false): Tensor {
  const op = 'indexPut_';
  checkTensor(op, x, 'self');
  const { view, advanced } = applyBasic(op, x, specList(op, specs));
  const v = valueTensor(op, value, x);
  if (advanced === null) {
    if (accumulate) view.add_(v);
    else if (typeof value === 'number' || typeof value === 'boolean') view.fill_(Number(value));
    else view.copy_(v);
    return x;
  }
  const values = v.dtype === x.dtype ? v : v.to(x.dtype);
  inPlace(view, op, values, (self) => indexPutOp.call(self, advanced, values, accumulate), (self) => writeIndexed(op, self, advanced, values, accumulate));
  return x;
}

/** Out of place indexPut_: a copy of x with `value` written at `specs`. */
export function indexPut(x: Tensor, specs: IndexSpec | IndexSpec[], value: Tensor | number, accumulate = false): Tensor {
  checkTensor('indexPut', x);
  return indexPut_(x.clone(), specs, value, accumulate);
}

defineMethods({
  index(this: Tensor, ...specs: IndexSpec[]) {
    return index(this, ...specs);
  },
  indexPut_(this: Tensor, specs: IndexSpec | IndexSpec[], value: Tensor | number, accumulate = false) {
    return indexPut_(this, specs, value, accumulate);
  },
  indexPut(this: Tensor, specs: IndexSpec | IndexSpec[], value: Tensor | number, accumulate = false) {
    return indexPut(this, specs, value, accumulate);
  },
});
declare module '../tensor' {
  interface Tensor {
    /** PyTorch's `x[specs]`: integers (negative from the end), tg.slice(start, stop, step),
     * null (a new axis), '...', int32 index tensors, bool masks, or a string such as
     * ':, 1:3, ..., None'. Integers, slices, null and '...' give a view sharing storage;
     * index tensors and masks a copy (several broadcast together, as in PyTorch). */
    index(...specs: IndexSpec[]): Tensor;
    /** PyTorch's `x[specs] = value`, in place (returns this): specs as for index (an array, or
     * one spec), value a number or a tensor broadcast to the indexed region; `accumulate`
     * adds instead (index_put_(..., accumulate=True)). */
    indexPut_(specs: IndexSpec | IndexSpec[], value: Tensor | number, accumulate?: boolean): this;
    /** indexPut_ on a copy: `x.clone()` with `x[specs] = value`. */
    indexPut(specs: IndexSpec | IndexSpec[], value: Tensor | number, accumulate?: boolean): Tensor;
  }
}
