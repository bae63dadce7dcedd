// Element types and PyTorch's type promotion for them.

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const float32: DType = 'float32';
export const float64: DType = 'float64';
export const int32: DType = 'int32';
export const bool: DType = 'bool';

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

export function itemSize(d: DType): number {
  return d === 'float64' ? 8 : d === 'bool' ? 1 : 4;
}

export function dtypeOfArray(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return null;
}

// PyTorch's categories: bool < integer < floating. Within a category the wider type wins.
function category(d: DType): number {
  return d === 'bool' ? 0 : d === 'int32' ? 1 : 2;
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

/** The name PyTorch prints in a dtype suffix. */
export function torchDTypeName(d: DType): string {
  return `torch.${d}`;
}

/** PyTorch's ScalarType name ('Float', 'Int'), as its kernel and type messages spell it. */
export function scalarTypeName(d: DType): string {
  return { float32: 'Float', float64: 'Double', int32: 'Int', bool: 'Bool' }[d];
}
