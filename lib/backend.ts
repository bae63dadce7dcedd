// The seam between ops and kernels. Ops (lib/ops/) call the entry points below with
// strided views; each call goes to the kernels of the device that holds the output's
// storage (its Backend). Only 'cpu' is built (lib/native/kernels.ts: the C++ addon, and
// JS for tiny tensors); another device registers a Backend of its own for the same
// opcodes (native/ops.table) without any op spec changing.
import type { DType, TypedArray } from './dtype';

/** What native code receives for a storage's memory: its ArrayBuffer, or for shared
 * memory a Uint8Array over the whole SharedArrayBuffer (see binding/views.h). */
export type NativeMemory = ArrayBuffer | Uint8Array;

/** What a kernel needs of a storage: its memory and the backend that computes on it. */
export interface StorageLike {
  /** Element i of the storage is data[start + i]. */
  readonly data: TypedArray;
  readonly start: number;
  /** The memory native code receives, and where element 0 is in it (in elements). */
  readonly buffer: NativeMemory;
  readonly origin: number;
  /** The dtype code (native/ops.table). */
  readonly code: number;
  readonly backend: Backend;
}

/** A strided view: what every kernel takes (a Tensor is one). Kernels read nothing else. */
export interface StridedView {
  /** The plain shape array (Tensor's `shape` is a Size made for users; kernels read this). */
  readonly _shape: readonly number[];
  readonly dtype: DType;
  readonly ndim: number;
  readonly _strides: readonly number[];
  readonly _offset: number;
  readonly _storage: StorageLike;
  numel(): number;
  isContiguous(): boolean;
}

/** A number operand is a 0-d value of the other operand's dtype. */
export type Operand = StridedView | number;
/** An argument of a generic kernel group: a view, an absent view, or a number. */
export type RunArg = StridedView | null | number;

/** The kernel entry points of one device (the opcodes are native/ops.table's). */
export interface Backend {
  readonly device: string;
  unary(op: number, out: StridedView, x: StridedView, p0: number, p1: number): void;
  /** out = a op b; a and b broadcast to out's shape. */
  binary(op: number, out: StridedView, a: Operand, b: Operand): void;
  where(out: StridedView, cond: StridedView, a: Operand, b: Operand): void;
  /** out = x cast to out's dtype; x broadcasts to out's shape. */
  copy(out: StridedView, x: StridedView): void;
  fill(out: StridedView, value: number): void;
  /** out has x's ndim with size 1 in the reduced dims. */
  reduce(op: number, out: StridedView, x: StridedView): void;
  /** out[..., M, N] = a[..., M, K] @ b[..., K, N]; a and b broadcast to out's batch shape. */
  matmul(out: StridedView, a: StridedView, b: StridedView): void;
  /** A kernel of a generic group (native/ops.table), args by position. */
  run(group: number, op: number, args: readonly RunArg[]): void;
  optimStep(op: number, hyper: Float64Array, param: StridedView, grad: StridedView, state: readonly StridedView[]): void;
  /** Draws into `out` (null for Seed) from the generator whose state words are `state`. */
  random(op: number, state: Uint32Array, out: StridedView | null, p0: number, p1: number): void;
}

// ---- dispatch: by the device of the output's storage ---------------------------------

export function unary(op: number, out: StridedView, x: StridedView, p0 = 0, p1 = 0): void {
  out._storage.backend.unary(op, out, x, p0, p1);
}
export function binary(op: number, out: StridedView, a: Operand, b: Operand): void {
  out._storage.backend.binary(op, out, a, b);
}
export function where(out: StridedView, cond: StridedView, a: Operand, b: Operand): void {
  out._storage.backend.where(out, cond, a, b);
}
export function copy(out: StridedView, x: StridedView): void {
  out._storage.backend.copy(out, x);
}
export function fill(out: StridedView, value: number): void {
  out._storage.backend.fill(out, value);
}
export function reduce(op: number, out: StridedView, x: StridedView): void {
  out._storage.backend.reduce(op, out, x);
}
export function matmul(out: StridedView, a: StridedView, b: StridedView): void {
  out._storage.backend.matmul(out, a, b);
}
/** A kernel of a generic group; args[0] is the output view. */
export function run(group: number, op: number, args: [StridedView, ...RunArg[]]): void {
  args[0]._storage.backend.run(group, op, args);
}
export function optimStep(op: number, hyper: Float64Array, param: StridedView, grad: StridedView, state: readonly StridedView[]): void {
  param._storage.backend.optimStep(op, hyper, param, grad, state);
}
export function random(op: number, state: Uint32Array, out: StridedView, p0 = 0, p1 = 0): void {
  out._storage.backend.random(op, state, out, p0, p1);
}
