// The dtypes (one frozen singleton per row of native/ops.table, which the addon was built
// from too: lib/native/binding.ts checks both agree at load) and PyTorch's type promotion.
// A dtype is an object, as torch.dtype is, so that it prints as PyTorch's does
// (torch.float32); its facts are fields, so an op reads them without a table lookup.
// Public inputs take the object or its name ('float32'); checkDType (lib/check.ts) normalizes once, at the
// entry. Names are what crosses boundaries: native calls (code), files, postMessage.
import { inspectCustom } from './inspect';
import { DTYPE_ROWS } from './native/table';

/** A dtype's name: 'float32', 'float64', 'int32', 'bool' or 'int64' (what `dtype.name`
 * holds, and what every option taking a dtype accepts in place of the object).
 * @useDeclaredType */
export type DTypeName = (typeof DTYPE_ROWS)[number]['name'];
/** The typed array that holds each dtype's elements: Float32Array, Float64Array, Int32Array,
 * Uint8Array (bool, 0 or 1), BigInt64Array (int64). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | BigInt64Array;
/** The typed arrays of the dtypes whose elements are JS numbers (all but int64). */
export type NumberTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
/** The constructor of a dtype's typed array. */
export interface TypedArrayConstructor {
  /** A view of `length` elements of `buffer` from `byteOffset`. */
  new (buffer: ArrayBuffer, byteOffset?: number, length?: number): TypedArray;
  /** The bytes of one element. */
  readonly BYTES_PER_ELEMENT: number;
}

type DTypeRow = (typeof DTYPE_ROWS)[number];

/** An element type (torch.dtype): one object per dtype, `tg.float32`, `tg.float64`,
 * `tg.int32`, `tg.bool` and `tg.int64`, so compare with `===` (`x.dtype === tg.float32`) or
 * by `x.dtype.name`. It prints as PyTorch's (`torch.float32`) in console.log, String() and
 * template strings, and is its name in JSON. Every option that takes a dtype also takes the
 * name ('float32'). PyTorch's default integer type is int64; integer tensors tensorgrad
 * makes itself, such as arange's and argmax's, are int32 here. */
export class DType {
  /** The name: 'float32', 'float64', 'int32', 'bool' or 'int64'. */
  readonly name: DTypeName;
  /** The code native views and kernels carry (the row's index in native/ops.table). */
  readonly code: number;
  /** PyTorch's promotion category: bool < int < float. */
  readonly kind: 'bool' | 'int' | 'float';
  /** The bytes of one element (torch.dtype.itemsize). */
  readonly itemsize: number;
  /** Whether it is float32 or float64 (torch.dtype.is_floating_point). */
  readonly isFloatingPoint: boolean;
  /** Whether its values can be negative: all but bool (torch.dtype.is_signed). */
  readonly isSigned: boolean;
  /** The typed array its elements live in. */
  readonly array: TypedArrayConstructor;
  /** The name PyTorch prints: 'torch.float32'. */
  readonly torch: string;
  /** PyTorch's ScalarType name ('Float', 'Int'), as its kernel and type messages spell it. */
  readonly scalarType: string;
  /** The .safetensors header's name ('F32'). */
  readonly safetensors: string;
  /** The .npy header's descr ('<f4'). */
  readonly npy: string;

  private constructor(row: DTypeRow) {
    this.name = row.name;
    this.code = row.code;
    this.kind = row.kind;
    this.itemsize = row.bytes;
    this.isFloatingPoint = row.kind === 'float';
    this.isSigned = row.kind !== 'bool';
    this.array = row.array;
    this.torch = row.torch;
    this.scalarType = row.scalarType;
    this.safetensors = row.safetensors;
    this.npy = row.npy;
    Object.freeze(this);
  }

  /** @internal Every dtype, in code order: the only instances there are. */
  static readonly _all: readonly DType[] = DTYPE_ROWS.map((row) => new DType(row));

  /** What PyTorch prints: 'torch.float32' (str(torch.float32)). */
  toString(): string {
    return this.torch;
  }

  /** 'torch.float32' in template strings and string concatenation, as in a Python f-string. */
  [Symbol.toPrimitive](): string {
    return this.torch;
  }

  /** What console.log shows, alone or inside arrays and objects: torch.float32. */
  [inspectCustom](): string {
    return this.torch;
  }

  /** The name ('float32') in JSON. */
  toJSON(): DTypeName {
    return this.name;
  }
}

/** Every dtype, in code order (the index is `dtype.code`). */
export const DTYPES: readonly DType[] = DType._all;
const BY_NAME: ReadonlyMap<string, DType> = new Map(DTYPES.map((d) => [d.name, d]));

/** The 32-bit float dtype, the default (torch.float32). */
export const float32: DType = BY_NAME.get('float32')!;
/** The 64-bit float dtype (torch.float64). */
export const float64: DType = BY_NAME.get('float64')!;
/** The 32-bit integer dtype (torch.int32): what integer data and indices are here. */
export const int32: DType = BY_NAME.get('int32')!;
/** The boolean dtype of masks and comparisons (torch.bool). */
export const bool: DType = BY_NAME.get('bool')!;
/** The 64-bit integer dtype (torch.int64), on BigInt64Array storage. */
export const int64: DType = BY_NAME.get('int64')!;

/** A dtype, or its name: what every public input that takes a dtype accepts. */
export type DTypeLike = DType | DTypeName;

/** The dtype x is or names, or undefined if it is neither. */
export function asDType(x: unknown): DType | undefined {
  if (x instanceof DType) return x;
  return typeof x === 'string' ? BY_NAME.get(x) : undefined;
}

/** The names, quoted, for messages listing what a dtype may be. */
export const DTYPE_CHOICES = DTYPES.map((d) => `'${d.name}'`).join(', ');

export function isFloating(d: DType): boolean {
  return d.isFloatingPoint; // a field read: it runs on every op
}

/** Whether d is an integer dtype (int32 or int64). */
export function isIntegral(d: DType): boolean {
  return d.kind === 'int';
}

/** PyTorch's ScalarType name ('Float', 'Int'), as its kernel and type messages spell it. */
export function scalarTypeName(d: DType): string {
  return d.scalarType;
}

export function itemSize(d: DType): number {
  return d.itemsize;
}

export function dtypeOfArray(a: ArrayBufferView): DType | null {
  return DTYPES.find((d) => a instanceof d.array) ?? null;
}

// PyTorch's categories: bool < integer < floating. Within a category the wider type wins.
const CATEGORY = { bool: 0, int: 1, float: 2 } as const;
function category(d: DType): number {
  return CATEGORY[d.kind];
}

function wider(a: DType, b: DType): DType {
  if (category(a) !== category(b)) return category(a) > category(b) ? a : b;
  return itemSize(a) >= itemSize(b) ? a : b;
}

/** An operand's role in type promotion, as in PyTorch's result_type: tensors with dims
 * outrank 0-d tensors, which outrank JS numbers; a lower rank only matters when it
 * brings a higher category (an int32 tensor times 0.5 is float32). */
export interface PromotionOperand {
  dtype: DType;
  rank: 'dim' | 'zero-dim' | 'number';
}

// PyTorch's combine_categories (c10 result_type).
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher && isFloating(higher)) return higher;
  if (higher === bool || (lower && isFloating(lower))) {
    if (!higher) return lower;
    if (!lower) return higher;
    return wider(higher, lower);
  }
  return higher ?? lower;
}

export function resultType(operands: readonly PromotionOperand[]): DType {
  const state: Record<PromotionOperand['rank'], DType | null> = { dim: null, 'zero-dim': null, number: null };
  for (const o of operands) {
    const prev = state[o.rank];
    state[o.rank] = prev ? wider(prev, o.dtype) : o.dtype;
  }
  return combine(state.dim, combine(state['zero-dim'], state.number)) ?? float32;
}

export function numberDType(x: number | boolean): DType {
  if (typeof x === 'boolean') return bool;
  return Number.isInteger(x) ? int32 : float32;
}
