// The one place for argument checks and their messages. Every message starts with the
// op's name and shows the offending shapes, dtypes or values.
import { asDType, DTYPE_CHOICES, float32, float64, scalarTypeName, type DType } from './dtype';

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

/** A JS number (truncated toward zero, as PyTorch converts a float) or bigint as an int64
 * element; out of int64's range (or NaN) is PyTorch's overflow error. */
export function int64Value(op: string, v: number | bigint): bigint {
  const b = typeof v === 'bigint' ? v : Number.isFinite(v) ? BigInt(Math.trunc(v)) : null;
  if (b === null || b < -(2n ** 63n) || b >= 2n ** 63n) {
    throw opRangeError(op, `value cannot be converted to type int64 without overflow (got ${v})`);
  }
  return b;
}

/** An int64 element as a JS number, when the number is exactly that value (every integer up
 * to 2^53 in magnitude, and larger ones that are doubles); otherwise a clear error. */
export function exactNumber(op: string, v: bigint): number {
  const n = Number(v);
  if (BigInt(n) !== v) {
    throw opRangeError(op, `int64 value ${v} is not exactly representable as a JS number (beyond 2^53); read the exact values with typedArray() (a BigInt64Array)`);
  }
  return n;
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

/** The dtype `v` is or names (tg.float32 or 'float32'): how every public input taking a
 * dtype normalizes it. A TypeError naming the op otherwise. */
export function checkDType(op: string, v: unknown, what = 'dtype'): DType {
  const dtype = asDType(v);
  if (dtype === undefined) throw opTypeError(op, `unknown ${what} ${fmtValue(v)} (expected a dtype such as tg.float32, or one of ${DTYPE_CHOICES})`);
  return dtype;
}

export function checkFloatDType(op: string, dtype: DType, what = 'input'): void {
  if (!dtype.isFloatingPoint) {
    throw opTypeError(op, `expected a floating point ${what} (float32 or float64), got ${dtype}`);
  }
}

// ---- signatures: PyTorch's positional and keyword arguments -----------------------------

/** Checks (and may normalise) one argument; throws an error naming the op and the parameter. */
export type Check<T = unknown> = (value: unknown, op: string, name: string) => T;

/** A parameter: its name (camelCase of PyTorch's), check and default. */
export interface Param {
  readonly name: string;
  readonly check: Check;
  /** The default value; absent for a required parameter. */
  readonly default?: unknown;
  readonly required: boolean;
  /** PyTorch's keyword-only parameters (after `*`) are only accepted by name. */
  readonly kwOnly: boolean;
  /** A valid value that differs from the default (for the generated keyword test). */
  readonly example?: unknown;
  /** PyTorch's `*size`: the remaining positional arguments, or one array, as one list. */
  readonly variadic?: boolean;
}

/** A plain object given as the last argument: the keyword arguments. */
export function isOptionsObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  // A class instance (a Tensor: the last argument of most op calls) is told by its
  // constructor, a property load; Object.getPrototypeOf is a runtime call in V8 unless the
  // object's map is known, and this runs on every op call. (A plain object whose own
  // `constructor` is something else is then no options object: no parameter has that name.)
  const c = (x as { constructor?: unknown }).constructor;
  if (c !== Object && c !== undefined) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** A function's parameters in PyTorch's order and with PyTorch's defaults. bind() takes
 * the arguments as Python would: positionally, by name in a trailing options object, or
 * mixed; an unknown or repeated name, a missing required argument or a value of the wrong
 * type throws, naming the op and the parameter. */
export class Signature {
  readonly positional: number;
  /** The index of the variadic parameter (the last positional one), or -1. */
  private readonly variadicAt: number;
  /** Whether the last positional parameter is variadic (PyTorch's `*size`). */
  get variadic(): boolean {
    return this.variadicAt >= 0;
  }
  // The params' facts as arrays, for arg(): it runs on every op call, for every op, and
  // arrays of one element kind keep its loads monomorphic (Params come in several shapes).
  private readonly checks: Check[];
  private readonly names: string[];
  private readonly defaults: unknown[];
  private readonly required: boolean[];
  constructor(
    readonly op: string,
    readonly params: readonly Param[],
  ) {
    this.positional = params.findIndex((p) => p.kwOnly);
    if (this.positional < 0) this.positional = params.length;
    this.variadicAt = params.findIndex((p) => p.variadic);
    if (this.variadicAt >= 0 && this.variadicAt !== this.positional - 1) throw new Error(`${op}: only the last positional parameter can be variadic`);
    this.checks = params.map((p) => p.check);
    this.names = params.map((p) => p.name);
    this.defaults = params.map((p) => p.default);
    this.required = params.map((p) => p.required);
  }

  /** Whether arguments bind positionally, one at a time with arg() (bind's fast path): none
   * is given past the positional parameters (but to a variadic last one), and the last
   * given one is no options object.
   * (The arguments one by one rather than an array: this runs on every op call.) */
  isPositional(a0: unknown, a1: unknown, a2: unknown, a3: unknown, a4: unknown, a5: unknown, a6: unknown, a7: unknown): boolean {
    const last = a7 !== undefined ? 7 : a6 !== undefined ? 6 : a5 !== undefined ? 5 : a4 !== undefined ? 4 : a3 !== undefined ? 3 : a2 !== undefined ? 2 : a1 !== undefined ? 1 : a0 !== undefined ? 0 : -1;
    if (last < 0) return true;
    if (last >= this.positional && this.variadicAt < 0) return false;
    return !isOptionsObject(last === 0 ? a0 : last === 1 ? a1 : last === 2 ? a2 : last === 3 ? a3 : last === 4 ? a4 : last === 5 ? a5 : last === 6 ? a6 : a7);
  }

  /** The variadic parameter's value in a call isPositional accepts, given the arguments
   * from its position on: one list as it is, else the arguments gathered into an array
   * (x.view(2, 3); x.view(6) views as [6]). */
  variadicValue(v0: unknown, v1?: unknown, v2?: unknown, v3?: unknown, v4?: unknown, v5?: unknown, v6?: unknown, v7?: unknown): unknown {
    const last = v7 !== undefined ? 7 : v6 !== undefined ? 6 : v5 !== undefined ? 5 : v4 !== undefined ? 4 : v3 !== undefined ? 3 : v2 !== undefined ? 2 : v1 !== undefined ? 1 : 0;
    if (last === 0) return typeof v0 === 'number' ? [v0] : v0;
    return [v0, v1, v2, v3, v4, v5, v6, v7].slice(0, last + 1);
  }

  /** Parameter i's value given positional argument v (undefined: its default), checked;
   * undefined past the parameters. For calls that isPositional accepts. */
  arg(i: number, v: unknown): unknown {
    if (i >= this.checks.length) return undefined;
    if (v !== undefined) return this.checks[i](v, this.op, this.names[i]);
    if (this.required[i]) throw opTypeError(this.op, `missing required argument '${this.names[i]}'`);
    return this.defaults[i];
  }

  /** The argument values in parameter order, defaults filled in. */
  bind(args: ArrayLike<unknown>): unknown[] {
    if (this.variadicAt >= 0) args = this.packVariadic(args);
    const { params, op } = this;
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    // The common call, positional only: no options object, nothing to look up by name.
    if (n <= this.positional && (n === 0 || !isOptionsObject(args[n - 1]))) {
      const values = new Array<unknown>(params.length);
      for (let i = 0; i < params.length; ++i) values[i] = this.arg(i, i < n ? args[i] : undefined);
      return values;
    }
    let named: Record<string, unknown> | null = null;
    // A trailing plain object is the keyword arguments, unless the parameter at its
    // position takes objects itself (declared with check.accepts objects).
    if (n > 0 && isOptionsObject(args[n - 1]) && !(n - 1 < this.positional && acceptsObjects(params[n - 1].check))) {
      named = args[n - 1] as Record<string, unknown>;
      n--;
    }
    if (n > this.positional) {
      throw opTypeError(op, `takes ${this.positional} positional argument${this.positional === 1 ? '' : 's'} but ${n} were given`);
    }
    const values = new Array<unknown>(params.length);
    const given = new Array<boolean>(params.length).fill(false);
    for (let i = 0; i < n; ++i) if (args[i] !== undefined) (values[i] = args[i]), (given[i] = true);
    if (named !== null) {
      for (const key of Object.keys(named)) {
        const i = params.findIndex((p) => p.name === key);
        if (i < 0) {
          const known = params.map((p) => p.name);
          throw opTypeError(op, `unexpected keyword argument '${key}'${known.length ? ` (expected one of: ${known.join(', ')})` : ' (it takes none)'}`);
        }
        if (i < n && args[i] !== undefined) throw opTypeError(op, `got multiple values for argument '${key}'`);
        if (named[key] !== undefined) (values[i] = named[key]), (given[i] = true);
      }
    }
    for (let i = 0; i < params.length; ++i) {
      const p = params[i];
      if (!given[i]) {
        if (p.required) throw opTypeError(op, `missing required argument '${p.name}'`);
        values[i] = p.default;
      } else {
        values[i] = p.check(values[i], op, p.name);
      }
    }
    return values;
  }

  /** The arguments with the variadic parameter's ones gathered into one array: x.view(2, 3)
   * as x.view([2, 3]) (one array argument is taken as the list itself). */
  private packVariadic(args: ArrayLike<unknown>): ArrayLike<unknown> {
    const at = this.variadicAt;
    let n = args.length;
    while (n > 0 && args[n - 1] === undefined) n--;
    const options = n > 0 && isOptionsObject(args[n - 1]);
    const end = options ? n - 1 : n;
    if (end <= at + 1 && !(end === at + 1 && typeof args[at] === 'number')) return args;
    const packed = new Array<unknown>(at + (options ? 2 : 1));
    for (let i = 0; i < at; ++i) packed[i] = args[i];
    packed[at] = Array.prototype.slice.call(args, at, end);
    if (options) packed[at + 1] = args[n - 1];
    return packed;
  }
}

const OBJECT_CHECKS = new WeakSet<Check>();
function acceptsObjects(check: Check): boolean {
  return OBJECT_CHECKS.has(check);
}
/** Marks a check whose values may be plain objects (so a trailing one is not taken for options). */
export function objectCheck<T>(check: Check<T>): Check<T> {
  const marked: Check<T> = (v, op, name) => check(v, op, name); // a new function: `check` itself stays unmarked
  OBJECT_CHECKS.add(marked);
  return marked;
}

/** A required parameter. */
export function required(name: string, check: Check, example?: unknown): Param {
  return { name, check, required: true, kwOnly: false, example };
}
/** An optional parameter with PyTorch's default. */
export function optional(name: string, check: Check, defaultValue: unknown, example?: unknown): Param {
  return { name, check, default: defaultValue, required: false, kwOnly: false, example };
}
/** PyTorch's `*size` parameter (view, reshape, permute, expand): the remaining positional
 * arguments as one list, or one array given in their place, or the list by name. */
export function variadic(name: string, check: Check, example?: unknown): Param {
  return { name, check, required: true, kwOnly: false, example, variadic: true };
}
/** `p` with an example made on first use: a tensor, which cannot be made while the ops load. */
export function lazyExample(p: Param, make: () => unknown): Param {
  let value: unknown;
  return Object.defineProperty({ ...p }, 'example', { get: () => (value ??= make()), enumerable: true });
}
/** A keyword-only parameter (after PyTorch's `*`). */
export function keyword(name: string, check: Check, defaultValue: unknown, example?: unknown): Param {
  return { name, check, default: defaultValue, required: false, kwOnly: true, example };
}

// The checks parameters use; null/undefined mean "not given" and never reach them.
export const is = {
  any: ((v: unknown) => v) as Check,
  number: ((v, op, name) => checkNumber(op, name, v)) as Check<number>,
  numberOrNull: ((v, op, name) => {
    if (v !== null && typeof v !== 'number') throw opTypeError(op, `${name} must be a number or null, got ${fmtValue(v)}`);
    return v;
  }) as Check<number | null>,
  int: ((v, op, name) => checkInt(op, name, v)) as Check<number>,
  bool: ((v, op, name) => checkBool(op, name, v)) as Check<boolean>,
  /** A dtype or its name, normalized to the dtype. */
  dtype: ((v, op, name) => checkDType(op, v, name)) as Check<DType>,
  /** One of the dtypes `allowed`, or its name, normalized to the dtype. */
  dtypeIn(...allowed: DType[]): Check<DType> {
    return (v, op, name) => {
      const dtype = checkDType(op, v, name);
      if (!allowed.includes(dtype)) throw opError(op, `${dtype} is not a valid value for ${name} (expected ${allowed.join(', ')})`);
      return dtype;
    };
  },
  /** A dim or a list of dims (normalised later, against the tensor's ndim). */
  dims: ((v, op, name) => {
    if (typeof v === 'number' || (Array.isArray(v) && v.every((d) => typeof d === 'number'))) return v;
    throw opTypeError(op, `${name} must be an integer or an array of integers, got ${fmtValue(v)}`);
  }) as Check<number | number[]>,
  oneOf<T extends string>(...allowed: T[]): Check<T> {
    return (v, op, name) => {
      if (typeof v !== 'string' || !(allowed as string[]).includes(v)) {
        throw opError(op, `${fmtValue(v)} is not a valid value for ${name} (expected ${allowed.map((a) => `'${a}'`).join(', ')})`);
      }
      return v as T;
    };
  },
  /** A value that may also be null (PyTorch's None). */
  nullable<T>(check: Check<T>): Check<T | null> {
    return (v, op, name) => (v === null ? null : check(v, op, name));
  },
};

/** The `dtype=` keyword of module constructors (their parameters' dtype): a dtype or its
 * name, default float32. */
export const dtypeKeyword: Param = keyword('dtype', is.dtype, float32, float64);
/** An op PyTorch runs on floating tensors only: an integer or bool input raises PyTorch's
 * "<kernel>" not implemented message (instead of being promoted). */
export function checkKernelDType(op: string, kernel: string, dtype: DType): void {
  if (dtype.isFloatingPoint) return;
  throw opTypeError(op, `"${kernel}" not implemented for '${scalarTypeName(dtype)}'\nHint: convert the input to a floating dtype first, e.g. x.float()`);
}
