// One TypeScript function per native entry point: writes the views' metadata into the
// shared scratch buffer and makes the call. Callers have validated shapes and dtypes.
import type { Tensor } from '../tensor';
import { meta, native } from './binding';

let pos = 0;

function put(t: Tensor): void {
  const shape = t.shape;
  const strides = t._strides;
  const n = shape.length;
  meta[pos] = n;
  meta[pos + 1] = t._offset;
  for (let i = 0; i < n; ++i) {
    meta[pos + 2 + i] = shape[i];
    meta[pos + 2 + n + i] = strides[i];
  }
  pos += 2 + 2 * n;
}

/** Writes t's view as read with `shape` (broadcast: missing and size-1 dims get stride 0). */
function putAs(t: Tensor, shape: readonly number[]): void {
  const n = shape.length;
  const tShape = t.shape;
  const tStrides = t._strides;
  const lead = n - tShape.length;
  meta[pos] = n;
  meta[pos + 1] = t._offset;
  for (let i = 0; i < n; ++i) {
    meta[pos + 2 + i] = shape[i];
    const j = i - lead;
    meta[pos + 2 + n + i] = j < 0 || (tShape[j] === 1 && shape[i] !== 1) ? 0 : tStrides[j];
  }
  pos += 2 + 2 * n;
}

function operand(x: Tensor | number, shape: readonly number[]): Tensor['_storage']['data'] | number {
  if (typeof x === 'number') return x;
  putAs(x, shape);
  return x._storage.data;
}

export function unary(op: number, out: Tensor, x: Tensor, p0 = 0, p1 = 0): void {
  pos = 0;
  put(out);
  putAs(x, out.shape);
  native.unary(op, out._storage.data, x._storage.data, p0, p1);
}

/** out = a op b; a and b (tensors or numbers) broadcast to out's shape. */
export function binary(op: number, out: Tensor, a: Tensor | number, b: Tensor | number): void {
  pos = 0;
  put(out);
  const da = operand(a, out.shape);
  const db = operand(b, out.shape);
  native.binary(op, out._storage.data, da, db);
}

export function where(out: Tensor, cond: Tensor, a: Tensor | number, b: Tensor | number): void {
  pos = 0;
  put(out);
  putAs(cond, out.shape);
  const da = operand(a, out.shape);
  const db = operand(b, out.shape);
  native.where(out._storage.data, cond._storage.data, da, db);
}

/** out = x (cast to out's dtype); x broadcasts to out's shape. */
export function copy(out: Tensor, x: Tensor): void {
  pos = 0;
  put(out);
  putAs(x, out.shape);
  native.copy(out._storage.data, x._storage.data);
}

export function fill(out: Tensor, value: number): void {
  pos = 0;
  put(out);
  native.fill(out._storage.data, value);
}

/** Reduces x into `out`, which has x's ndim with size 1 in the reduced dims. */
export function reduce(op: number, out: Tensor, x: Tensor): void {
  pos = 0;
  put(out);
  put(x);
  native.reduce(op, out._storage.data, x._storage.data);
}

/** out[..., M, N] = a[..., M, K] @ b[..., K, N]; a and b broadcast to out's batch shape. */
export function matmul(out: Tensor, a: Tensor, b: Tensor): void {
  pos = 0;
  put(out);
  const n = out.ndim;
  const batch = out.shape.slice(0, n - 2);
  putAs(a, [...batch, a.shape[a.ndim - 2], a.shape[a.ndim - 1]]);
  putAs(b, [...batch, b.shape[b.ndim - 2], b.shape[b.ndim - 1]]);
  native.matmul(out._storage.data, a._storage.data, b._storage.data);
}

export function indexOp(op: number, out: Tensor, x: Tensor, index: Tensor, dim: number): void {
  pos = 0;
  put(out);
  put(x);
  put(index);
  native.indexOp(op, out._storage.data, x._storage.data, index._storage.data, dim);
}

/** One optimizer step for `param` in place; param, grad and state are contiguous, of
 * one dtype and size (the caller guarantees it); `hyper` as listed in ops.def. */
export function optimStep(op: number, hyper: Float64Array, param: Tensor, grad: Tensor, state: Tensor[]): void {
  pos = 0;
  put(param);
  put(grad);
  for (const s of state) put(s);
  native.optimStep(op, hyper, param._storage.data, grad._storage.data, ...state.map((s) => s._storage.data));
}

export const setNumThreads = (n: number): void => native.setNumThreads(n);
export const getNumThreads = (): number => native.getNumThreads();
