// One TypeScript function per native entry point: writes the views' metadata into the
// shared scratch buffer and makes the call. Callers have validated shapes and dtypes.
import type { Tensor } from '../tensor';
import { meta, native } from './binding';
import * as js from './jskernels';
import { numelOf } from '../layout';
import type { NativeMemory } from '../storage';

let pos = 0;

/** A view's memory (see NativeMemory in lib/storage.ts). */
type Buffer = NativeMemory;

// Each view argument travels as its ArrayBuffer, described in the scratch buffer by
// [dtype, ndim, offset, shape..., strides...] (see binding/views.h).
function put(t: Tensor): Buffer {
  return putAs(t, t._shape);
}

/** Writes t's view as read with `shape` (broadcast: missing and size-1 dims get stride 0). */
function putAs(t: Tensor, shape: readonly number[]): Buffer {
  const n = shape.length;
  const tShape = t._shape;
  const tStrides = t._strides;
  const lead = n - tShape.length;
  const s = t._storage;
  meta[pos] = s.code;
  meta[pos + 1] = n;
  meta[pos + 2] = s.origin + t._offset;
  for (let i = 0; i < n; ++i) {
    meta[pos + 3 + i] = shape[i];
    const j = i - lead;
    meta[pos + 3 + n + i] = j < 0 || (tShape[j] === 1 && shape[i] !== 1) ? 0 : tStrides[j];
  }
  pos += 3 + 2 * n;
  return s.buffer;
}

function operand(x: Tensor | number, shape: readonly number[]): Buffer | number {
  return typeof x === 'number' ? x : putAs(x, shape);
}

// Each entry point first offers tiny tensors to the JS kernels (see jskernels.ts).

export function unary(op: number, out: Tensor, x: Tensor, p0 = 0, p1 = 0): void {
  const n = numelOf(out._shape);
  if (n <= js.limit.elements && js.unary(op, out, x, p0, p1, n)) return;
  pos = 0;
  native.unary(op, put(out), putAs(x, out._shape), p0, p1);
}

/** out = a op b; a and b (tensors or numbers) broadcast to out's shape. */
export function binary(op: number, out: Tensor, a: Tensor | number, b: Tensor | number): void {
  const n = numelOf(out._shape);
  if (n <= js.limit.elements && js.binary(op, out, a, b, n)) return;
  pos = 0;
  const o = put(out);
  const da = operand(a, out._shape);
  native.binary(op, o, da, operand(b, out._shape));
}

export function where(out: Tensor, cond: Tensor, a: Tensor | number, b: Tensor | number): void {
  const n = numelOf(out._shape);
  if (n <= js.limit.elements && js.where(out, cond, a, b, n)) return;
  pos = 0;
  const o = put(out);
  const c = putAs(cond, out._shape);
  const da = operand(a, out._shape);
  native.where(o, c, da, operand(b, out._shape));
}

/** out = x (cast to out's dtype); x broadcasts to out's shape. */
export function copy(out: Tensor, x: Tensor): void {
  const n = numelOf(out._shape);
  if (n <= js.limit.elements && js.copy(out, x, n)) return;
  pos = 0;
  native.copy(put(out), putAs(x, out._shape));
}

export function fill(out: Tensor, value: number): void {
  const n = numelOf(out._shape);
  if (n <= js.limit.elements && js.fill(out, value, n)) return;
  pos = 0;
  native.fill(put(out), value);
}

/** Reduces x into `out`, which has x's ndim with size 1 in the reduced dims. */
export function reduce(op: number, out: Tensor, x: Tensor): void {
  const n = numelOf(x._shape);
  if (n <= js.limit.elements && js.reduce(op, out, x, n)) return;
  pos = 0;
  native.reduce(op, put(out), put(x));
}

/** out[..., M, N] = a[..., M, K] @ b[..., K, N]; a and b broadcast to out's batch shape. */
export function matmul(out: Tensor, a: Tensor, b: Tensor): void {
  pos = 0;
  const o = put(out);
  const batch = out._shape.slice(0, out.ndim - 2);
  const da = putAs(a, [...batch, a._shape[a.ndim - 2], a._shape[a.ndim - 1]]);
  native.matmul(o, da, putAs(b, [...batch, b._shape[b.ndim - 2], b._shape[b.ndim - 1]]));
}

export function indexOp(op: number, out: Tensor, x: Tensor, index: Tensor, dim: number): void {
  pos = 0;
  const o = put(out);
  const dx = put(x);
  native.indexOp(op, o, dx, put(index), dim);
}

/** One optimizer step for `param` in place; param, grad and state are contiguous, of
 * one dtype and size (the caller guarantees it); `hyper` as listed in ops.def. */
export function optimStep(op: number, hyper: Float64Array, param: Tensor, grad: Tensor, state: Tensor[]): void {
  pos = 0;
  const p = put(param);
  const g = put(grad);
  native.optimStep(op, hyper, p, g, ...state.map(put));
}

/** Draws into `out` (null for Seed) from the generator whose state words are `state`. */
export function random(op: number, state: Uint32Array, out: Tensor | null, p0 = 0, p1 = 0): void {
  pos = 0;
  native.random(op, state.buffer as ArrayBuffer, out === null ? null : put(out), p0, p1);
}

export const setNumThreads = (n: number): void => native.setNumThreads(n);
export const getNumThreads = (): number => native.getNumThreads();
export const setAllocatorTuning = (on: boolean): boolean => native.setAllocatorTuning(on);
// Process-wide, so only on request (tg.setAllocatorTuning documents it).
if (process.env.TENSORGRAD_MALLOC_TUNING === '1') setAllocatorTuning(true);
export const fmaPeak = (seconds: number): number => native.fmaPeak(seconds);

/** Softmax family along dim (SoftmaxOp); g, the output gradient, for the backward ops. */
export function softmax(op: number, out: Tensor, a: Tensor, g: Tensor | null, dim: number): void {
  pos = 0;
  const o = put(out);
  const da = putAs(a, out._shape);
  native.softmax(op, o, da, g === null ? null : putAs(g, out._shape), dim);
}

/** Runs `op`, recording its native kernel calls instead of running them, and returns a
 * Promise of the recorded kernels having run, in order, on a libuv thread (tg.async).
 * The JS kernels are off meanwhile: they would compute at once, from inputs that
 * recorded kernels have not written yet. */
export function recorded<T>(op: () => T): Promise<T> {
  const jsLimit = js.limit.elements;
  native.asyncBegin();
  js.limit.elements = -1;
  let result: T;
  try {
    result = op();
  } catch (e) {
    native.asyncEnd(false);
    return Promise.reject(e);
  } finally {
    js.limit.elements = jsLimit;
  }
  return native.asyncEnd(true).then(() => result);
}
