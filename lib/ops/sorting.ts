// Sorting and scans along a dim: sort, argsort, topk, cumsum, cumprod. The Sort and Scan
// kernel groups (native/src/scan.cpp) compute forward; indices are int32, as the other
// index-returning ops (PyTorch: int64). The values of sort/topk are a gather of the input
// by the indices, so their gradient is a scatter-add of g back to where each value came from.
import { Tensor } from '../tensor';
import { checkInt, is, keyword, normDim, opRangeError, optional, required } from '../check';
import * as kernels from '../backend';
import { Group, IndexOp, ScanOp, SortOp } from '../native/table';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';
import { input, toDType, where } from './arith';
import { cat, scatterAddInto } from './indexing';
import { valuesIndices, type ValuesIndices } from './reduce';
import { triangleMask } from './rearrange';
import { bool, float32, float64, int32, type DType, type DTypeLike } from '../dtype';

/** Runs a row kernel on x viewed as at least 1-d; the outputs come back in x's shape. */
function asRows<T extends Tensor[]>(x: Tensor, dim: number, run: (x: Tensor, dim: number) => T): T {
  if (x.ndim > 0) return run(x, dim);
  return run(x.reshape(1), 0).map((t) => t.reshape([])) as T;
}

/** Stable sort along dim: [values, int32 indices], without recording. Bool sorts as int32. */
function sortKernel(x: Tensor, dim: number, descending: boolean): [Tensor, Tensor] {
  if (x.dtype === bool) {
    const [v, i] = sortKernel(toDType(x, int32), dim, descending);
    return [toDType(v, bool), i];
  }
  return asRows(x, dim, (x1, d) => {
    const values = Tensor._output(x1._shape.slice(), x1.dtype);
    const indices = Tensor._output(x1._shape.slice(), int32);
    kernels.run(Group.Sort, SortOp.Stable, [values, indices, x1, d, descending ? 1 : 0]);
    return [values, indices] as [Tensor, Tensor];
  });
}

interface Selected {
  indices: Tensor;
  dim: number;
  shape: number[];
}

/** The values of x at `indices` along dim (sort's and topk's values), recorded as `gradFn`. */
function valuesAtSpec(gradFn: string) {
  return defineSpec<(x: Tensor, dim: number, indices: Tensor) => Tensor, [Tensor, number, Tensor], Selected>({
    name: 'valuesAt',
    gradFn,
    params: [input, required('dim', is.int), required('indices', is.any)],
    forward: (x, dim, indices) =>
      asRows(x, dim, (x1, d) => {
        const idx = x.ndim === 0 ? indices.reshape(1) : indices;
        const out = Tensor._output(idx._shape.slice(), x1.dtype);
        kernels.run(Group.Index, IndexOp.Gather, [out, x1, idx, d]);
        return [out];
      })[0],
    save: (out, x, dim, indices) => ({ indices, dim, shape: x._shape.slice() }),
    // PyTorch's value_selecting_reduction_backward: g scattered back to where each value came from.
    backward: (g, { indices, dim, shape }) => [g.ndim === 0 ? g.clone() : scatterAddInto(g, shape, dim, indices)],
  }).call;
}

const sortValues = valuesAtSpec('SortBackward0');
const stableSortValues = valuesAtSpec('SortBackward1');
const topkValues = valuesAtSpec('TopkBackward0');

function checkSortable(op: string, x: Tensor, dim: unknown): number {
  return normDim(op, dim, x.ndim);
}

/** sort's and argsort's keyword arguments. */
export type SortOptions = {
  /** The dim to work along. */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /** Accepted for PyTorch's signature: the sort is always stable. */
  stable?: boolean | null;
};
/** topk's keyword arguments. */
export type TopkOptions = {
  /** How many elements to select. */
  k?: number;
  /** The dim to work along. */
  dim?: number;
  /** The largest (default) or the smallest elements. */
  largest?: boolean;
  /** Accepted: the result is always sorted. */
  sorted?: boolean;
};
/** cumsum's and cumprod's keyword arguments (`dtype`: cast the input first). */
export type ScanOptions = {
  /** The dim to work along. */
  dim?: number;
  /** Cast the input to this dtype first: float32, float64 or int32 (or its name). */
  dtype?: DTypeLike | null;
};

export interface SortingFns {
  /** Sorts along `dim` (default the last), ascending unless `descending`: [values, indices]
   * with `.values` and `.indices` (PyTorch's sort). The sort is always stable (equal elements
   * keep their order; `stable` is accepted for PyTorch's signature); NaN sorts as the
   * largest value. Indices are int32. Shapes: both as the input. */
  sort: (input: Tensor, dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions) => ValuesIndices;
  /** The int32 indices that sort `input` along `dim` (PyTorch's argsort; stable, as sort). */
  argsort: (input: Tensor, dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions) => Tensor;
  /** The `k` largest (smallest unless `largest`) elements along `dim` (default the last):
   * [values, indices] with `.values` and `.indices` (PyTorch's topk), in sorted order (also
   * when `sorted` is false); of ties, the first ones. Shapes: the input's, `k` along dim. */
  topk: (
    input: Tensor,
    k: number | TopkOptions,
    dim?: number | TopkOptions,
    largest?: boolean | TopkOptions,
    sorted?: boolean | TopkOptions,
    options?: TopkOptions,
  ) => ValuesIndices;
  /** Inclusive cumulative sum along `dim` (PyTorch's cumsum; floats accumulate in double;
   * `dtype` casts first; int32 and bool give int32, wrapping on overflow, where PyTorch
   * gives int64). Shape: the input's. */
  cumsum: (input: Tensor, dim: number | ScanOptions, options?: ScanOptions) => Tensor;
  /** Inclusive cumulative product along `dim` (PyTorch's cumprod; its gradient is exact with
   * zeros in the input). Shape: the input's. */
  cumprod: (input: Tensor, dim: number | ScanOptions, options?: ScanOptions) => Tensor;
}

const dimParam = optional('dim', is.int, -1, 0);
const descendingParam = optional('descending', is.bool, false, true);
const stableParam = keyword('stable', is.nullable(is.bool), null, true);
const dtypeParam = keyword('dtype', is.nullable(is.dtypeIn(float32, float64, int32)), null, float64);

function sortImpl(x: Tensor, dim: number, descending: boolean, stable: boolean | null): ValuesIndices {
  const d = checkSortable('sort', x, dim);
  const [, indices] = sortKernel(x, d, descending);
  const values = (stable === null ? sortValues : stableSortValues)(x, d, indices);
  return valuesIndices(values, indices, 'sort');
}

function topkImpl(x: Tensor, k: number, dim: number, largest: boolean): ValuesIndices {
  const d = checkSortable('topk', x, dim);
  const size = x.ndim === 0 ? 1 : x._shape[d];
  if (k < 0 || k > size) throw opRangeError('topk', `selected index k out of range (k = ${k}, size ${size} along dim ${d})`);
  const [, order] = sortKernel(x, d, largest);
  const indices = x.ndim === 0 ? order : order.narrow(d, 0, k).contiguous();
  return valuesIndices(topkValues(x, d, indices), indices, 'topk');
}

// ---- scans ------------------------------------------------------------------------------

function scanKernel(code: number, x: Tensor, dim: number): Tensor {
  return asRows(x, dim, (x1, d) => {
    const out = Tensor._output(x1._shape.slice(), x1.dtype);
    kernels.run(Group.Scan, code, [out, x1, d]);
    return [out];
  })[0];
}

/** A scan's input: cast to `dtype` if given; bool counts as int32 (PyTorch: int64). */
function scanInput(op: string, x: Tensor, dim: number, dtype: DType | null): [Tensor, number] {
  const d = normDim(op, dim, x.ndim);
  const target = dtype ?? (x.dtype === bool ? int32 : x.dtype);
  return [x.dtype === target ? x : toDType(x, target), d];
}

/** Reversed cumulative sum along dim: out[i] = sum_{j >= i} g[j]. */
function reverseCumsum(g: Tensor, dim: number): Tensor {
  return g.ndim === 0 ? g.clone() : g.flip([dim]).cumsum(dim).flip([dim]);
}

const cumsumOp = defineSpec<(x: Tensor, dim: number) => Tensor, [Tensor, number], { dim: number }>({
  name: 'cumsum',
  gradFn: 'CumsumBackward0',
  params: [input, required('dim', is.int)],
  forward: (x, dim) => scanKernel(ScanOp.Cumsum, x, dim),
  save: (out, x, dim) => ({ dim }),
  backward: (g, { dim }) => [reverseCumsum(g, dim)],
}).call;

/** d cumprod / dx, exact with zeros (never divides by an input). For position k:
 * sum_{i >= k} g_i · prod_{j <= i, j != k} x_j = P_k · sum_{i >= k} g_i · Q_{k,i}, with
 * P_k = prod_{j < k} x_j (the output shifted by one) and Q_{k,i} = prod_{k < j <= i} x_j,
 * the cumprod along i of x with the entries j <= k replaced by 1. O(n²) along dim. */
function cumprodGradWithZeros(g: Tensor, x: Tensor, out: Tensor, dim: number): Tensor {
  const last = x.ndim - 1;
  const [gt, xt, yt] = [g, x, out].map((t) => t.transpose(dim, last));
  const n = xt._shape[last];
  const after = triangleMask(n, n, 1, 'upper'); // [k, j]: j > k
  const fromK = triangleMask(n, n, 0, 'upper'); // [k, i]: i >= k
  const rows = xt.unsqueeze(-2).expand([...xt._shape.slice(0, -1), n, n]);
  const q = where(after, rows, 1).cumprod(-1);
  const s = where(fromK, gt.unsqueeze(-2).mul(q), 0).sum(-1);
  const ones = Tensor._onesLike(yt.narrow(-1, 0, 1));
  const p = cat([ones, yt.narrow(-1, 0, n - 1)], -1);
  return p.mul(s).transpose(dim, last);
}

const cumprodOp = defineSpec<(x: Tensor, dim: number) => Tensor, [Tensor, number], { x: Tensor; out: Tensor; dim: number }>({
  name: 'cumprod',
  gradFn: 'CumprodBackward0',
  params: [input, required('dim', is.int)],
  forward: (x, dim) => scanKernel(ScanOp.Cumprod, x, dim),
  save: (out, x, dim) => ({ x, out, dim }),
  // Without zeros: reverse-cumsum(g · out) / x (as PyTorch); with zeros the exact form.
  backward: (g, { x, out, dim }) => {
    if (x.ndim === 0) return [g.clone()];
    if (x.eq(0).sum().item() === 0) return [reverseCumsum(g.mul(out), dim).div(x)];
    return [cumprodGradWithZeros(g, x, out, dim)];
  },
}).call;

const sortingOps: SpecsFor<SortingFns> = {
  sort: defineSpec({
    name: 'sort',
    params: [input, dimParam, descendingParam, stableParam],
    // A spec without gradFn returns forward's value as it is: here the [values, indices] pair.
    forward: (x: Tensor, dim: number, descending: boolean, stable: boolean | null) => sortImpl(x, dim, descending, stable) as unknown as Tensor,
  }),
  argsort: defineSpec({
    name: 'argsort',
    params: [input, dimParam, descendingParam, stableParam],
    forward: (x: Tensor, dim: number, descending: boolean) => sortKernel(x, checkSortable('argsort', x, dim), descending)[1],
  }),
  topk: defineSpec({
    name: 'topk',
    params: [
      input,
      required('k', (v, op, name) => checkInt(op, name, v), 1),
      dimParam,
      optional('largest', is.bool, true, false),
      optional('sorted', is.bool, true, false),
    ],
    forward: (x: Tensor, k: number, dim: number, largest: boolean) => topkImpl(x, k, dim, largest) as unknown as Tensor,
  }),
  cumsum: defineSpec({
    name: 'cumsum',
    params: [input, required('dim', is.any, 0), dtypeParam],
    forward: (x: Tensor, dim: number, dtype: DType | null) => cumsumOp(...scanInput('cumsum', x, dim, dtype)),
  }),
  cumprod: defineSpec({
    name: 'cumprod',
    params: [input, required('dim', is.any, 0), dtypeParam],
    forward: (x: Tensor, dim: number, dtype: DType | null) => cumprodOp(...scanInput('cumprod', x, dim, dtype)),
  }),
};
installMethods(sortingOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<SortingFns> {}
}
export const { sort, argsort, topk, cumsum, cumprod } = functionsOf(sortingOps);
