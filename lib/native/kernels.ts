// The CPU backend (lib/backend.ts): each entry point writes its views' metadata into the
// shared scratch buffer and makes one N-API call; tiny tensors are first offered to the
// JS kernels (jskernels.ts), for ops whose table row has the `js` trait. Callers have
// validated shapes and dtypes.
import type { Backend, Operand, RunArg, StridedView } from '../backend';
import { meta, native } from './binding';
import { BINARY_TRAITS, REDUCE_TRAITS, Trait, UNARY_TRAITS } from './table';
import * as js from './jskernels';
import { broadcastStrideAt, numelOf } from '../layout';
import type { NativeMemory } from '../backend';

let pos = 0;

/** A view's memory (see NativeMemory in lib/backend.ts). */
type Buffer = NativeMemory;

// Each view argument travels as its ArrayBuffer, described in the scratch buffer by
// [dtype, ndim, offset, shape..., strides...] (see binding/views.h).

/** Writes the header of an n-dim view of t and reserves its shape and strides: returns where the shape goes. */
function putHeader(t: StridedView, n: number): number {
  const s = t._storage;
  meta[pos] = s.code;
  meta[pos + 1] = n;
  meta[pos + 2] = s.origin + t._offset;
  const at = pos + 3;
  pos = at + 2 * n;
  return at;
}

/** Writes t's own view (without putAs's per-dim broadcast work: every call passes views). */
function put(t: StridedView): Buffer {
  const shape = t._shape, strides = t._strides;
  const n = shape.length;
  const at = putHeader(t, n);
  for (let i = 0; i < n; ++i) {
    meta[at + i] = shape[i];
    meta[at + n + i] = strides[i];
  }
  return t._storage.buffer;
}

/** Writes t's view as read with `shape` (broadcast: missing and size-1 dims get stride 0). */
function putAs(t: StridedView, shape: readonly number[]): Buffer {
  const n = shape.length;
  const at = putHeader(t, n);
  for (let i = 0; i < n; ++i) {
    meta[at + i] = shape[i];
    meta[at + n + i] = broadcastStrideAt(t._shape, t._strides, shape, i);
  }
  return t._storage.buffer;
}

function operand(x: Operand, shape: readonly number[]): Buffer | number {
  return typeof x === 'number' ? x : putAs(x, shape);
}

const tiny = (n: number, traits: number): boolean => n <= js.limit.elements && (traits & Trait.js) !== 0;

export const cpu: Backend = {
  device: 'cpu',

  unary(op, out, x, p0, p1) {
    const n = numelOf(out._shape);
    if (tiny(n, UNARY_TRAITS[op]) && js.unary(op, out, x, p0, p1, n)) return;
    pos = 0;
    native.unary(op, put(out), putAs(x, out._shape), p0, p1);
  },

  binary(op, out, a, b) {
    const n = numelOf(out._shape);
    if (tiny(n, BINARY_TRAITS[op]) && js.binary(op, out, a, b, n)) return;
    pos = 0;
    const o = put(out);
    const da = operand(a, out._shape);
    native.binary(op, o, da, operand(b, out._shape));
  },

  where(out, cond, a, b) {
    const n = numelOf(out._shape);
    if (n <= js.limit.elements && js.where(out, cond, a, b, n)) return;
    pos = 0;
    const o = put(out);
    const c = putAs(cond, out._shape);
    const da = operand(a, out._shape);
    native.where(o, c, da, operand(b, out._shape));
  },

  copy(out, x) {
    const n = numelOf(out._shape);
    if (n <= js.limit.elements && js.copy(out, x, n)) return;
    pos = 0;
    native.copy(put(out), putAs(x, out._shape));
  },

  fill(out, value) {
    const n = numelOf(out._shape);
    if (n <= js.limit.elements && js.fill(out, value, n)) return;
    pos = 0;
    native.fill(put(out), value);
  },

  reduce(op, out, x) {
    const n = numelOf(x._shape);
    if (tiny(n, REDUCE_TRAITS[op]) && js.reduce(op, out, x, n)) return;
    pos = 0;
    native.reduce(op, put(out), put(x));
  },

  matmul(out, a, b) {
    pos = 0;
    const o = put(out);
    if (out.ndim === 2) {
      const da = put(a);
      native.matmul(o, da, put(b));
      return;
    }
    const batch = out._shape.slice(0, out.ndim - 2);
    const da = putAs(a, [...batch, a._shape[a.ndim - 2], a._shape[a.ndim - 1]]);
    native.matmul(o, da, putAs(b, [...batch, b._shape[b.ndim - 2], b._shape[b.ndim - 1]]));
  },

  run(group, op, args) {
    pos = 0;
    const converted = args.map((a: RunArg) => (a === null || typeof a === 'number' ? a : put(a)));
    native.run(group, op, ...converted);
  },

  optimStep(op, hyper, param, grad, state) {
    pos = 0;
    const p = put(param);
    const g = put(grad);
    native.optimStep(op, hyper, p, g, ...state.map(put));
  },

  random(op, state, out, p0, p1) {
    pos = 0;
    native.random(op, state.buffer as ArrayBuffer, out === null ? null : put(out), p0, p1);
  },
};

export const setNumThreads = (n: number): void => native.setNumThreads(n);
export const getNumThreads = (): number => native.getNumThreads();
export const setAllocatorTuning = (on: boolean): boolean => native.setAllocatorTuning(on);
// Process-wide, so only on request (tg.setAllocatorTuning documents it).
if (process.env.TENSORGRAD_MALLOC_TUNING === '1') setAllocatorTuning(true);
export const fmaPeakRounds = (seconds: number): Float64Array => native.fmaPeak(seconds);
export const eventLoopHasIO = (): boolean => native.eventLoopHasIO();
/** Moves the calling thread (and the threads it starts later) to SCHED_IDLE (Linux); false where it did not apply. */
export const setThreadIdleScheduling = (): boolean => native.setThreadIdleScheduling();
/** The OS priority the native pool's threads start with (Linux), null: the starting thread's.
 * The next parallel kernel restarts threads started with another. */
export const setHelperPriority = (priority: number | 'idle' | null): void => native.setHelperPriority(priority);

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
