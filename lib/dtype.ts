// The dtype registry (its rows come from native/ops.table, which the addon was built
// from too: lib/native/binding.ts checks both agree at load) and PyTorch's type
// promotion.
import { DTYPE_ROWS, dtypeBytes, dtypeIsFloating } from './native/table';

/** The element types: 'float32', 'float64', 'int32' and 'bool' (torch.dtype; PyTorch's
 * default integer type is int64, this build's is int32).
 * @useDeclaredType */
export type DType = (typeof DTYPE_ROWS)[number]['name'];
/** The typed array that holds each dtype's elements: Float32Array, Float64Array, Int32Array,
 * Uint8Array (bool, 0 or 1). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Everything known about a dtype, in one place. */
export interface DTypeInfo {
  readonly name: DType;
  /** The code native views carry. */
  readonly code: number;
  /** PyTorch's promotion category. */
  readonly kind: 'bool' | 'int' | 'float';
  readonly bytes: number;
  readonly array: { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): TypedArray; BYTES_PER_ELEMENT: number };
  /** The names PyTorch prints, and the safetensors and .npy formats use. */
  readonly torch: string;
  /** PyTorch's ScalarType name ('Float', 'Int'), as its kernel and type messages spell it. */
  readonly scalarType: string;
  readonly safetensors: string;
  readonly npy: string;
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = Object.fromEntries(DTYPE_ROWS.map((r) => [r.name, r as DTypeInfo])) as Record<DType, DTypeInfo>;
/** The dtype names, in code order (for messages). */
export const DTYPE_NAMES: readonly DType[] = DTYPE_ROWS.map((r) => r.name);

/** The 32-bit float dtype, the default (torch.float32). */
export const float32: DType = 'float32';
/** The 64-bit float dtype (torch.float64). */
export const float64: DType = 'float64';
/** The 32-bit integer dtype (torch.int32): what integer data and indices are here. */
export const int32: DType = 'int32';
/** The boolean dtype of masks and comparisons (torch.bool). */
export const bool: DType = 'bool';

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, x);
}

export function isFloating(d: DType): boolean {
  return dtypeIsFloating(d); // DTYPES[d].kind === 'float', generated as comparisons: it runs on every op
}

/** PyTorch's ScalarType name ('Float', 'Int'), as its kernel and type messages spell it. */
export function scalarTypeName(d: DType): string {
  return DTYPES[d].scalarType;
}

export function itemSize(d: DType): number {
  return dtypeBytes(d); // DTYPES[d].bytes (see isFloating)
}

export function dtypeOfArray(a: ArrayBufferView): DType | null {
  return DTYPE_ROWS.find((r) => a instanceof r.array)?.name ?? null;
}

// PyTorch's categories: bool < integer < floating. Within a category the wider type wins.
const CATEGORY = { bool: 0, int: 1, float: 2 } as const;
function category(d: DType): number {
  return CATEGORY[DTYPES[d].kind];
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
  if (higher === 'bool' || (lower && isFloating(lower))) {
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
  return combine(state.dim, combine(state['zero-dim'], state.number)) ?? 'float32';
}

export function numberDType(x: number | boolean): DType {
  if (typeof x === 'boolean') return 'bool';
  return Number.isInteger(x) ? 'int32' : 'float32';
}
