// Shape and stride arithmetic (strides and offsets are in elements).
import { inspectCustom } from './inspect';
import { fmtShape, opError } from './check';

/** What tensor.shape and tensor.size() return: an array of the sizes (index it, spread it,
 * compare it like any array) that prints as PyTorch's torch.Size([8, 4]), in console.log
 * and in String(...) or a template string. Arrays derived from it (slice, map) are plain. */
export class Size extends Array<number> {
  /** Arrays derived from a Size (slice, map, filter) are plain Arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  /** The number of elements of a tensor of this shape (PyTorch's Size.numel()). */
  numel(): number {
    return numelOf(this);
  }
  /** 'torch.Size([8, 4])', as PyTorch prints it. */
  override toString(): string {
    return `torch.Size([${this.join(', ')}])`;
  }
  /** What console.log prints: torch.Size([...]). */
  [inspectCustom](): string {
    return this.toString();
  }
}

/** A Size with the given sizes. */
export function toSize(shape: readonly number[]): Size {
  const size = new Size(shape.length);
  for (let i = 0; i < shape.length; ++i) size[i] = shape[i];
  return size;
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; --i) {
    strides[i] = s;
    s *= shape[i] || 1;
  }
  return strides;
}

/** PyTorch's is_contiguous: row-major, size-1 dims ignored. */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; --i) {
    if (shape[i] === 1) continue;
    if (shape[i] === 0) return true;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy/PyTorch broadcasting of two shapes. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  if (sameShape(a, b)) return a as number[];
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; ++i) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw opError(
        op,
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i} ` +
          `(shapes ${fmtShape(a)} and ${fmtShape(b)} are not broadcastable)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** The stride with which a (shape, strides) view is read at dim i of the broadcast shape
 * `target`: 0 for a missing or broadcast dim (the one broadcasting rule of the kernels). */
export function broadcastStrideAt(shape: readonly number[], strides: readonly number[], target: readonly number[], i: number): number {
  const j = i - (target.length - shape.length);
  return j < 0 || (shape[j] === 1 && target[i] !== 1) ? 0 : strides[j];
}

/** Reduces a list of shape arguments given as `f(2, 3)` or `f([2, 3])`. */
export function shapeArgs(args: readonly unknown[]): unknown[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0] as unknown[];
  return args as unknown[];
}
