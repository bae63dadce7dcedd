// The one place for argument checks and their messages. Every message starts with the
// op's name and shows the offending shapes, dtypes or values.
import { scalarTypeName, type DType } from './dtype';

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function fmtValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
  return String(v);
}

export function opError(op: string, message: string): Error {
  return new Error(`${op}: ${message}`);
}

export function opTypeError(op: string, message: string): TypeError {
  return new TypeError(`${op}: ${message}`);
}

export function opRangeError(op: string, message: string): RangeError {
  return new RangeError(`${op}: ${message}`);
}

/** Wraps a dim into 0..ndim-1 (PyTorch's maybe_wrap_dim; a 0-d tensor accepts 0 and -1). */
export function normDim(op: string, dim: unknown, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw opTypeError(op, `dim must be an integer, got ${fmtValue(dim)}`);
  }
  if (dim < -n || dim >= n) {
    throw opRangeError(op, `Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/** Like normDim, for a position where a new dim is inserted (unsqueeze, stack): -ndim-1..ndim. */
export function normInsertDim(op: string, dim: unknown, ndim: number): number {
  return normDim(op, dim, ndim + 1);
}

/** A list of distinct dims, wrapped. */
export function normDims(op: string, dims: readonly unknown[], ndim: number): number[] {
  const out = dims.map((d) => normDim(op, d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw opError(op, `dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

export const MAX_DIMS = 8;
const MAX_SIZE = 0x7fffffff; // sizes and element counts travel to native as int32

export function checkShape(op: string, shape: readonly unknown[]): number[] {
  if (shape.length > MAX_DIMS) throw opRangeError(op, `at most ${MAX_DIMS} dims are supported, got ${shape.length}`);
  let numel = 1;
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s)) {
      throw opTypeError(op, `sizes must be non-negative integers, got ${fmtValue(shape)}`);
    }
    if (s < 0) throw opRangeError(op, `sizes must be non-negative integers, got ${fmtValue(shape)}`);
    numel *= s;
  }
  if (numel > MAX_SIZE) throw opRangeError(op, `${fmtShape(shape as number[])} has ${numel} elements; at most ${MAX_SIZE} are supported`);
  return shape as number[];
}

export function checkInt(op: string, name: string, v: unknown, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw opTypeError(op, `${name} must be an integer, got ${fmtValue(v)}`);
  if (v < min || v > max) {
    throw opRangeError(op, `${name} must be ${max === Infinity ? `>= ${min}` : `in ${min}..${max}`}, got ${v}`);
  }
  return v;
}

/** A number about to be stored as int32 (fractions truncate, as in PyTorch). */
export function checkInt32Value(op: string, v: number): number {
  if (!(v > -2147483649 && v < 2147483648)) {
    throw opRangeError(op, `value cannot be converted to type int32 without overflow (got ${v})`);
  }
  return v;
}

/** Flags are booleans: 'yes', 1 or 'false' would be read by truthiness, silently. */
export function checkBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw opTypeError(op, `${name} must be a boolean (true or false), got ${fmtValue(v)}`);
  return v;
}

export function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw opTypeError(op, `${name} must be a number, got ${fmtValue(v)}`);
  return v;
}

export function checkFloatDType(op: string, dtype: DType, what = 'input'): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw opTypeError(op, `expected a floating point ${what} (float32 or float64), got ${dtype}`);
  }
}

/** An op PyTorch runs on floating tensors only: an integer or bool input raises PyTorch's
 * "<kernel>" not implemented message (instead of being promoted). */
export function checkKernelDType(op: string, kernel: string, dtype: DType): void {
  if (dtype === 'float32' || dtype === 'float64') return;
  throw opTypeError(op, `"${kernel}" not implemented for '${scalarTypeName(dtype)}'\nHint: convert the input to a floating dtype first, e.g. x.float()`);
}
