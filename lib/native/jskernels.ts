// Kernels for tiny tensors, in JS. For a few dozen elements the N-API transition costs
// more than the arithmetic, and tutorials and small models are made of such ops. Only
// ops whose JS arithmetic is bit-identical to the C++ kernels run here: IEEE + - * /
// and sqrt (a float32 result computed in double and stored rounds exactly as float32
// arithmetic does), comparisons, clamps, copies and casts, and reductions that
// accumulate in double like native/src/reduce.cpp. So results never depend on the path
// (test/jskernels.test.ts runs every op both ways). Everything else (exp, log, pow,
// matmul, ...) goes to native code. Each function returns false when it does not take
// the case. int64 tensors (BigInt64Array storage, bigint elements) always go native.
import type { StridedView as View } from '../backend';
import { bool, float32, float64, int32, int64, type TypedArray as AnyTypedArray } from '../dtype';
import { BinaryOp, ReduceOp, UnaryOp } from './table';
import { broadcastStrideAt } from '../layout';

/** The storages computed here: every one but int64's. */
type TypedArray = Exclude<AnyTypedArray, BigInt64Array>;
const data = (t: View): TypedArray => t._storage.data as TypedArray;
/** Whether any of the operands is int64 (then the caller goes native). */
const anyInt64 = (...xs: (View | number)[]): boolean => xs.some((x) => typeof x !== 'number' && x.dtype === int64);

/** Largest element count computed here (tests set it to 0 to compare with native). */
export const limit = { elements: 256 };
const CAPACITY = 256; // of the scratch arrays: limit.elements never exceeds it

// ---- element positions ---------------------------------------------------------------

const positions = [new Int32Array(CAPACITY), new Int32Array(CAPACITY), new Int32Array(CAPACITY), new Int32Array(CAPACITY)];
const counter = new Int32Array(8);
const broadcast = new Int32Array(8);

/** Writes into `into` the typed-array index of each element of a view (row-major). */
function place(shape: readonly number[], strides: ArrayLike<number>, first: number, n: number, into: Int32Array): Int32Array {
  const nd = shape.length;
  for (let d = 0; d < nd; ++d) counter[d] = 0;
  let p = first;
  for (let i = 0; i < n; ++i) {
    into[i] = p;
    for (let d = nd - 1; d >= 0; --d) {
      p += strides[d];
      if (++counter[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
  return into;
}

/** Positions of t's elements read with `shape` (broadcast dims repeat). */
function placeAs(t: View, shape: readonly number[], n: number, into: Int32Array): Int32Array {
  for (let i = 0; i < shape.length; ++i) broadcast[i] = broadcastStrideAt(t._shape, t._strides, shape, i);
  return place(shape, broadcast, t._storage.start + t._offset, n, into);
}

/** For a flat loop: t's first typed-array index if its n elements are contiguous, or
 * -1 - index if it is a single element read n times, or null otherwise. */
function flat(t: View, n: number): number | null {
  const first = t._storage.start + t._offset;
  const m = t.numel();
  if (m === n && (n === 1 || t.isContiguous())) return first;
  return m === 1 ? -1 - first : null;
}

// ---- conversions ------------------------------------------------------------------------

// Float to int32 as native/include/tg/dtype.h toInt32 does it (x86 semantics).
function toInt32(x: number): number {
  return x > -2147483649 && x < 2147483648 ? Math.trunc(x) : -2147483648;
}

/** A JS number as the C++ kernels convert it to `t`'s element type. */
function convertFor(t: View, x: number): number {
  switch (t.dtype) {
    case float32: return Math.fround(x);
    case float64: return x;
    case int32: return toInt32(x);
    case bool: return x !== 0 ? 1 : 0;
    default: throw new Error('jskernels: int64 goes native'); // the one left; anyInt64 sends it there first
  }
}

// C++'s std::max / std::min (the first argument wins ties, so signed zeros match).
const max = (x: number, y: number): number => (x < y ? y : x);
const min = (x: number, y: number): number => (y < x ? y : x);

// ---- binary -------------------------------------------------------------------------------

// An operand of a flat loop: the array, the first index, and the step (0 broadcasts).
const scalarBox = new Float64Array(1);
interface Operand {
  d: TypedArray | Float64Array;
  i: number;
  s: number;
}
const opA: Operand = { d: scalarBox, i: 0, s: 0 };
const opB: Operand = { d: scalarBox, i: 0, s: 0 };

function flatOperand(x: View | number, ref: View, n: number, into: Operand, box: Float64Array): boolean {
  if (typeof x === 'number') {
    box[0] = convertFor(ref, x);
    (into.d = box), (into.i = 0), (into.s = 0);
    return true;
  }
  const f = flat(x, n);
  if (f === null) return false;
  (into.d = data(x)), (into.i = f < 0 ? -1 - f : f), (into.s = f < 0 ? 0 : 1);
  return true;
}

const boxB = new Float64Array(1);

/** o[oi + k] = op(A[ai + k*as], B[bi + k*bs]) as native/src/elementwise.cpp defines op
 * (int32 storage wraps like the unsigned arithmetic there; Math.imul for products). */
function binaryLoop(op: number, int: boolean, o: TypedArray, oi: number, a: Operand, b: Operand, n: number): boolean {
  const A = a.d, ai = a.i, as = a.s, B = b.d, bi = b.i, bs = b.s;
  let k = 0;
  switch (op) {
    case BinaryOp.Add: for (; k < n; ++k) o[oi + k] = A[ai + k * as] + B[bi + k * bs]; return true;
    case BinaryOp.Sub: for (; k < n; ++k) o[oi + k] = A[ai + k * as] - B[bi + k * bs]; return true;
    case BinaryOp.Mul:
      if (int) for (; k < n; ++k) o[oi + k] = Math.imul(A[ai + k * as], B[bi + k * bs]);
      else for (; k < n; ++k) o[oi + k] = A[ai + k * as] * B[bi + k * bs];
      return true;
    case BinaryOp.Div:
      if (int) return false;
      for (; k < n; ++k) o[oi + k] = A[ai + k * as] / B[bi + k * bs];
      return true;
    case BinaryOp.Maximum:
    case BinaryOp.Minimum: {
      const pick = op === BinaryOp.Maximum ? max : min;
      for (; k < n; ++k) {
        const x = A[ai + k * as], y = B[bi + k * bs];
        o[oi + k] = x !== x || y !== y ? x + y : pick(x, y);
      }
      return true;
    }
    case BinaryOp.Eq: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] === B[bi + k * bs]); return true;
    case BinaryOp.Ne: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] !== B[bi + k * bs]); return true;
    case BinaryOp.Gt: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] > B[bi + k * bs]); return true;
    case BinaryOp.Ge: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] >= B[bi + k * bs]); return true;
    case BinaryOp.Lt: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] < B[bi + k * bs]); return true;
    case BinaryOp.Le: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] <= B[bi + k * bs]); return true;
    case BinaryOp.LogicalAnd: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] !== 0 && B[bi + k * bs] !== 0); return true;
    case BinaryOp.LogicalOr: for (; k < n; ++k) o[oi + k] = +(A[ai + k * as] !== 0 || B[bi + k * bs] !== 0); return true;
    default: return false;
  }
}

// Non-flat layouts are gathered into contiguous scratch first, then run flat.
const gathered = [new Float64Array(CAPACITY), new Float64Array(CAPACITY), new Float64Array(CAPACITY)];

function gather(x: View, shape: readonly number[], n: number, into: Float64Array, slot: number): Float64Array {
  const d = data(x);
  const p = placeAs(x, shape, n, positions[slot]);
  for (let k = 0; k < n; ++k) into[k] = d[p[k]];
  return into;
}

/** Where a flat loop writes: the output itself when it is contiguous, else scratch that
 * scatter() then copies into it. */
function target(out: View, n: number): [TypedArray | Float64Array, number] {
  const fo = flat(out, n);
  return fo !== null && fo >= 0 ? [data(out), fo] : [gathered[2], 0];
}

function scatter(out: View, written: TypedArray | Float64Array, n: number): true {
  if (written === data(out)) return true;
  const o = data(out);
  const p = place(out._shape, out._strides, out._storage.start + out._offset, n, positions[3]);
  for (let k = 0; k < n; ++k) o[p[k]] = written[k];
  return true;
}

function asOperand(x: View | number, ref: View, shape: readonly number[], n: number, into: Operand, box: Float64Array, slot: number): void {
  if (!flatOperand(x, ref, n, into, box)) {
    (into.d = gather(x as View, shape, n, gathered[slot], slot)), (into.i = 0), (into.s = 1);
  }
}

export function binary(op: number, out: View, a: View | number, b: View | number, n: number): boolean {
  if (anyInt64(out, a, b)) return false;
  const ref = typeof a === 'number' ? (b as View) : a;
  asOperand(a, ref, out._shape, n, opA, scalarBox, 0);
  asOperand(b, ref, out._shape, n, opB, boxB, 1);
  const [o, oi] = target(out, n);
  return binaryLoop(op, ref.dtype === int32, o as TypedArray, oi, opA, opB, n) && scatter(out, o, n);
}

// ---- unary, where, copy, fill --------------------------------------------------------------

function unaryFn(op: number, x: View, p0: number, p1: number): ((v: number) => number) | null {
  const int = x.dtype === int32;
  switch (op) {
    case UnaryOp.Neg: return (v) => -v;
    case UnaryOp.Abs: return Math.abs;
    case UnaryOp.Sqrt: return int ? null : Math.sqrt;
    case UnaryOp.Relu: return (v) => (v > 0 || v !== v ? v : 0);
    case UnaryOp.Square: return int ? (v) => Math.imul(v, v) : (v) => v * v;
    case UnaryOp.Sign: return (v) => +(v > 0) - +(v < 0); // sign(NaN) = 0, as PyTorch
    case UnaryOp.Reciprocal: return int ? null : (v) => 1 / v;
    // float32 rounds x * x before the second product (the store rounds the last one).
    case UnaryOp.Cube: return int ? null : x.dtype === float32 ? (v) => Math.fround(v * v) * v : (v) => v * v * v;
    case UnaryOp.Clamp: {
      // Bounds as native's paramAs converts them.
      const lo = int ? clampBound(p0) : convertFor(x, p0);
      const hi = int ? clampBound(p1) : convertFor(x, p1);
      return (v) => (v !== v ? v : min(max(v, lo), hi));
    }
    default: return null;
  }
}

function clampBound(p: number): number {
  if (p !== p) return 0;
  return Math.max(-2147483648, Math.min(2147483647, p >= 0 ? Math.floor(p) : Math.ceil(p)));
}

export function unary(op: number, out: View, x: View, p0: number, p1: number, n: number): boolean {
  if (anyInt64(out, x)) return false;
  const fn = unaryFn(op, x, p0, p1);
  if (fn === null) return false;
  asOperand(x, x, out._shape, n, opA, scalarBox, 0);
  const [o, oi] = target(out, n);
  const A = opA.d, ai = opA.i, as = opA.s;
  for (let k = 0; k < n; ++k) o[oi + k] = fn(A[ai + k * as]);
  return scatter(out, o, n);
}

export function where(out: View, cond: View, a: View | number, b: View | number, n: number): boolean {
  if (anyInt64(out, a, b)) return false;
  const c = data(cond);
  const pc = placeAs(cond, out._shape, n, positions[2]);
  asOperand(a, out, out._shape, n, opA, scalarBox, 0);
  asOperand(b, out, out._shape, n, opB, boxB, 1);
  const [o, oi] = target(out, n);
  for (let k = 0; k < n; ++k) o[oi + k] = c[pc[k]] !== 0 ? opA.d[opA.i + k * opA.s] : opB.d[opB.i + k * opB.s];
  return scatter(out, o, n);
}

export function copy(out: View, x: View, n: number): boolean {
  if (anyInt64(out, x)) return false;
  const floatToInt = out.dtype === int32 && (x.dtype === float32 || x.dtype === float64);
  const toBool = out.dtype === bool;
  asOperand(x, x, out._shape, n, opA, scalarBox, 0);
  const [o, oi] = target(out, n);
  const A = opA.d, ai = opA.i, as = opA.s;
  if (floatToInt) for (let k = 0; k < n; ++k) o[oi + k] = toInt32(A[ai + k * as]);
  else if (toBool) for (let k = 0; k < n; ++k) o[oi + k] = +(A[ai + k * as] !== 0);
  else for (let k = 0; k < n; ++k) o[oi + k] = A[ai + k * as];
  return scatter(out, o, n);
}

export function fill(out: View, value: number, n: number): boolean {
  if (anyInt64(out)) return false;
  const [o, oi] = target(out, n);
  o.fill(convertFor(out, value), oi, oi + n);
  return scatter(out, o, n);
}

// ---- reductions -------------------------------------------------------------------------

/** Folds the m reduced elements at base + pr[r] as native/src/reduce.cpp does. */
function fold(op: number, d: TypedArray, base: number, pr: Int32Array, m: number, int: boolean): number {
  switch (op) {
    case ReduceOp.Sum: {
      let acc = 0;
      if (int) for (let r = 0; r < m; ++r) acc = (acc + d[base + pr[r]]) | 0;
      else for (let r = 0; r < m; ++r) acc += d[base + pr[r]];
      return acc;
    }
    case ReduceOp.Prod: {
      let acc = 1;
      if (int) for (let r = 0; r < m; ++r) acc = Math.imul(acc, d[base + pr[r]]);
      else for (let r = 0; r < m; ++r) acc *= d[base + pr[r]];
      return acc;
    }
    case ReduceOp.CountNonzero: {
      let count = 0;
      for (let r = 0; r < m; ++r) count += +(d[base + pr[r]] !== 0);
      return count;
    }
    default: {
      // Max/Min/ArgMax/ArgMin: the first extreme; a NaN wins and ends the scan.
      const isMax = op === ReduceOp.Max || op === ReduceOp.ArgMax;
      let best = d[base + pr[0]];
      let at = 0;
      for (let r = 1; r < m && best === best; ++r) {
        const v = d[base + pr[r]];
        if (v !== v || (isMax ? v > best : v < best)) (best = v), (at = r);
      }
      return op === ReduceOp.Max || op === ReduceOp.Min ? best : at;
    }
  }
}

const keptStrides = new Int32Array(8);
const reducedShape: number[] = [];

/** out has x's ndim, size 1 in the reduced dims (as the native reduce). */
export function reduce(op: number, out: View, x: View, n: number): boolean {
  if (anyInt64(out, x)) return false;
  const nOut = out.numel();
  const m = nOut === 0 ? 0 : n / nOut; // elements folded into each output
  const extreme = op === ReduceOp.Max || op === ReduceOp.Min || op === ReduceOp.ArgMax || op === ReduceOp.ArgMin;
  if (x.dtype === bool || (extreme && m === 0)) return false; // native reports these
  // Kept dims: x's strides with the reduced dims collapsed; reduced dims: the rest.
  reducedShape.length = x.ndim;
  for (let d = 0; d < x.ndim; ++d) {
    const kept = out._shape[d] === x._shape[d];
    keptStrides[d] = kept ? x._strides[d] : 0;
    reducedShape[d] = kept ? 1 : x._shape[d];
  }
  const pk = place(out._shape, keptStrides, x._storage.start + x._offset, nOut, positions[1]);
  const pr = place(reducedShape, x._strides, 0, m, positions[2]);
  const po = place(out._shape, out._strides, out._storage.start + out._offset, nOut, positions[0]);
  const o = data(out);
  const d = data(x);
  const int = x.dtype === int32;
  for (let j = 0; j < nOut; ++j) o[po[j]] = fold(op, d, pk[j], pr, m, int);
  return true;
}
