// Creation functions: tensor, from, zeros/ones/full/empty (+ *Like), arange, linspace, eye.
import { Tensor, type NestedArray } from '../tensor';
import { bool, dtypeOfArray, float32, int32, int64, isFloating, type DType, type DTypeLike, type TypedArray } from '../dtype';
import { Storage } from '../storage';
import { MAX_DIMS, checkBool, checkDType, checkInt32Value, checkShape, checkNumber, fmtShape, fmtValue, int64Value, opError, opTypeError } from '../check';
import { contiguousStrides, numelOf, shapeArgs } from '../layout';
import * as kernels from '../backend';
import { checkMemory, checkTensor, cloneDetached } from './movement';
import { checkDevice, type Device } from '../device';
import { warnOnce } from '../warnings';

/** The keyword options of the creation functions (PyTorch's dtype=, requires_grad=, device=). */
export interface CreationOptions {
  /** The element type, tg.float32 or its name 'float32' (default float32, or what the data
   * implies for tensor()). */
  dtype?: DTypeLike;
  /** Whether autograd tracks the new leaf (default false; floating dtypes only). */
  requiresGrad?: boolean;
  /** 'cpu' (or a tg.Device): the only device of this build; others are errors. */
  device?: string | Device;
}

/** CreationOptions checked, with the dtype normalized (a name given becomes the dtype). */
export interface CheckedCreationOptions extends CreationOptions {
  dtype?: DType;
}

export function checkOptions(op: string, options: unknown): CheckedCreationOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw opTypeError(op, `options must be an object, got ${fmtValue(options)}`);
  const o = options as CreationOptions;
  if (o.requiresGrad !== undefined) checkBool(op, 'requiresGrad', o.requiresGrad);
  if (o.device !== undefined) checkDevice(op, o.device);
  return o.dtype === undefined ? (o as CheckedCreationOptions) : { ...o, dtype: checkDType(op, o.dtype) };
}

export function finish(op: string, t: Tensor, options: CheckedCreationOptions): Tensor {
  if (options.requiresGrad) {
    if (!isFloating(t.dtype)) throw opError(op, `only Tensors of floating point dtype can require gradients (got ${t.dtype})`);
    t.requiresGrad_(true);
  }
  return t;
}

/** Splits `f(2, 3, {opts})` / `f([2, 3], {opts})` into a shape and options. */
export function shapeAndOptions(op: string, args: unknown[]): [number[], CheckedCreationOptions] {
  let opts: unknown;
  let rest = args;
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === 'object' && last !== null && !Array.isArray(last)) {
    opts = last;
    rest = args.slice(0, -1);
  }
  return [checkShape(op, shapeArgs(rest)), checkOptions(op, opts)];
}

function filled(op: string, shape: number[], dtype: DType, value: number): Tensor {
  if (dtype === int32) checkInt32Value(op, value);
  if (dtype === int64) int64Value(op, value);
  const t = Tensor._empty(shape, dtype, op);
  if (value !== 0) kernels.fill(t, value);
  return t;
}

// ---- tensor(data) -----------------------------------------------------------------------

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  const outer: unknown[] = []; // the arrays walked through, to tell a cycle from deep nesting
  let x = data;
  while (Array.isArray(x)) {
    if (outer.includes(x)) throw opError('tensor', `the nested array is cyclic: data${'[0]'.repeat(shape.length)} is data${'[0]'.repeat(outer.indexOf(x))}`);
    outer.push(x);
    shape.push(x.length);
    if (shape.length > MAX_DIMS) break; // too many already: checkShape says so
    x = x[0];
  }
  return shape;
}

/** Flattens nested arrays, checking that they are rectangular and hold numbers, bigints
 * or booleans. */
function flatten(data: unknown, shape: number[]): { values: (number | bigint)[]; allBool: boolean; anyBigInt: boolean } {
  const values: (number | bigint)[] = [];
  let allBool = true;
  let anyBigInt = false;
  const walk = (x: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof x === 'number') allBool = false;
      else if (typeof x === 'bigint') (allBool = false), (anyBigInt = true);
      else if (typeof x !== 'boolean') {
        throw opTypeError('tensor', `element ${path || '(scalar)'} is ${Array.isArray(x) ? 'an array' : fmtValue(x)}; expected a number, a bigint or a boolean`);
      }
      values.push(typeof x === 'bigint' ? x : Number(x));
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw opError('tensor', `expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(x) ? x.length : fmtValue(x)}${path ? ` at ${path}` : ''})`);
    }
    for (let i = 0; i < x.length; ++i) walk(x[i], dim + 1, `${path}[${i}]`);
  };
  walk(data, 0, '');
  return { values, allBool: allBool && values.length > 0, anyBigInt };
}

/** A new tensor of `dtype` holding the values (numbers, or bigints: exact for int64). */
function fromValues(op: string, values: ArrayLike<number | bigint>, shape: number[], dtype: DType): Tensor {
  const n = values.length;
  const num = (i: number): number => Number(values[i]);
  if (dtype === int32) for (let i = 0; i < n; ++i) checkInt32Value(op, num(i));
  const storage = Storage.allocate(dtype, n, false, op, shape);
  const data = storage.view(0, n);
  if (data instanceof BigInt64Array) for (let i = 0; i < n; ++i) data[i] = int64Value(op, values[i]);
  else if (dtype === int32) for (let i = 0; i < n; ++i) data[i] = Math.trunc(num(i));
  else if (dtype === bool) for (let i = 0; i < n; ++i) data[i] = num(i) ? 1 : 0;
  else if (ArrayBuffer.isView(values) && !(values instanceof BigInt64Array)) data.set(values as ArrayLike<number>);
  else for (let i = 0; i < n; ++i) data[i] = num(i);
  return new Tensor(storage, shape, contiguousStrides(shape), 0, dtype);
}

/** A new tensor holding a copy of `data` (nested arrays, a typed array, a number, a Tensor).
 * JS numbers become float32 unless {dtype} says otherwise; all-boolean data becomes bool;
 * data with bigints (or a BigInt64Array) becomes int64, exactly. */
export function tensor(data: NestedArray | TypedArray | ArrayLike<number> | Tensor, options?: CreationOptions): Tensor {
  const opts = checkOptions('tensor', options);
  if (data instanceof Tensor) {
    checkMemory('tensor', data);
    warnOnce(
      'tensor: To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or ' +
        'sourceTensor.clone().detach().requiresGrad_(true), rather than tg.tensor(sourceTensor).',
    );
    return finish('tensor', cloneDetached(opts.dtype ? data.to(opts.dtype) : data), opts);
  }
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw opTypeError('tensor', 'expected a typed array, got a DataView');
    const ta = data as unknown as ArrayLike<number | bigint>;
    const dtype = opts.dtype ?? dtypeOfArray(data as ArrayBufferView) ?? float32;
    return finish('tensor', fromValues('tensor', ta, checkShape('tensor', [ta.length]), dtype === bool && !opts.dtype ? float32 : dtype), opts);
  }
  if (typeof data === 'number' || typeof data === 'boolean' || typeof data === 'bigint') {
    const dtype = opts.dtype ?? (typeof data === 'boolean' ? bool : typeof data === 'bigint' ? int64 : float32);
    return finish('tensor', fromValues('tensor', [typeof data === 'bigint' ? data : Number(data)], [], dtype), opts);
  }
  if (!Array.isArray(data)) throw opTypeError('tensor', `expected nested arrays, a typed array or a number, got ${fmtValue(data)}`);
  const shape = checkShape('tensor', inferShape(data));
  const { values, allBool, anyBigInt } = flatten(data, shape);
  return finish('tensor', fromValues('tensor', values, shape, opts.dtype ?? (allBool ? bool : anyBigInt ? int64 : float32)), opts);
}

/** A tensor over the memory of a typed array (no copy, like torch.from_numpy). */
export function from(array: TypedArray, shape?: number[]): Tensor {
  const dtype = ArrayBuffer.isView(array) ? dtypeOfArray(array) : null;
  if (dtype === null) {
    throw opTypeError('from', `expected a Float32Array, Float64Array, Int32Array, BigInt64Array (int64) or Uint8Array (bool), got ${fmtValue(array)}`);
  }
  if (!(array.buffer instanceof ArrayBuffer)) {
    throw opTypeError('from', 'typed arrays over a SharedArrayBuffer are not supported; copy into an ArrayBuffer-backed array first');
  }
  const s = checkShape('from', shape ?? [array.length]);
  if (numelOf(s) !== array.length) {
    throw opError('from', `shape ${fmtShape(s)} has ${numelOf(s)} elements but the array has ${array.length}`);
  }
  return new Tensor(Storage.wrap(array, dtype), s, contiguousStrides(s), 0, dtype);
}

// ---- filled tensors ----------------------------------------------------------------------

/** A shape as sizes (2, 3) or an array ([2, 3]), optionally followed by CreationOptions.
 * @inline */
type ShapeArgs = (number | number[] | CreationOptions)[];

/** A tensor of zeros: zeros(2, 3) or zeros([2, 3], {dtype}) (torch.zeros). */
export function zeros(...args: ShapeArgs): Tensor {
  const [shape, opts] = shapeAndOptions('zeros', args);
  return finish('zeros', filled('zeros', shape, opts.dtype ?? float32, 0), opts);
}

/** A tensor of ones: ones(2, 3) or ones([2, 3], {dtype}) (torch.ones). */
export function ones(...args: ShapeArgs): Tensor {
  const [shape, opts] = shapeAndOptions('ones', args);
  return finish('ones', filled('ones', shape, opts.dtype ?? float32, 1), opts);
}

/** A new tensor of the given shape (torch.empty): uninitialised in PyTorch, zero-filled here
 * (new ArrayBuffers are zeroed). */
export function empty(...args: ShapeArgs): Tensor {
  const [shape, opts] = shapeAndOptions('empty', args);
  return finish('empty', filled('empty', shape, opts.dtype ?? float32, 0), opts);
}

/** A tensor of `shape` filled with `value`; float32 unless options.dtype says otherwise (torch.full). */
export function full(shape: number[], value: number, options?: CreationOptions): Tensor {
  const opts = checkOptions('full', options);
  checkNumber('full', 'fill value', typeof value === 'boolean' ? Number(value) : value);
  const dtype = opts.dtype ?? (typeof value === 'boolean' ? bool : float32);
  return finish('full', filled('full', checkShape('full', shapeArgs([shape])), dtype, Number(value)), opts);
}

function likeOf(op: string, t: Tensor, value: number, options?: CreationOptions): Tensor {
  checkTensor(op, t);
  const opts = checkOptions(op, options);
  return finish(op, filled(op, t._shape.slice(), opts.dtype ?? t.dtype, value), opts);
}
/** Zeros of t's shape and (unless options.dtype) dtype (torch.zeros_like). */
export const zerosLike = (t: Tensor, options?: CreationOptions): Tensor => likeOf('zerosLike', t, 0, options);
/** Ones of t's shape and (unless options.dtype) dtype (torch.ones_like). */
export const onesLike = (t: Tensor, options?: CreationOptions): Tensor => likeOf('onesLike', t, 1, options);
/** A tensor of t's shape and dtype; zero-filled here, uninitialised in PyTorch (torch.empty_like). */
export const emptyLike = (t: Tensor, options?: CreationOptions): Tensor => likeOf('emptyLike', t, 0, options);
/** `value` everywhere, in t's shape and (unless options.dtype) dtype (torch.full_like). */
export const fullLike = (t: Tensor, value: number, options?: CreationOptions): Tensor =>
  likeOf('fullLike', t, checkNumber('fullLike', 'fill value', value), options);

// ---- ranges -------------------------------------------------------------------------------

/** arange(end), arange(start, end, step?): integer arguments give int32 (PyTorch: int64). */
export function arange(...args: (number | CreationOptions)[]): Tensor {
  let opts: CheckedCreationOptions = {};
  if (args.length && typeof args[args.length - 1] === 'object') opts = checkOptions('arange', args.pop());
  const nums = args.map((a, i) => checkNumber('arange', ['start', 'end', 'step'][i] ?? 'argument', a));
  if (nums.length < 1 || nums.length > 3) throw opTypeError('arange', `expected (end) or (start, end, step?), got ${nums.length} numbers`);
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw opError('arange', 'step must be nonzero');
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw opError('arange', `unsupported range: ${start} -> ${end}`);
  if ((end - start) / step < 0) {
    throw opError('arange', `upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  }
  const n = Math.ceil((end - start) / step);
  const dtype = opts.dtype ?? (nums.every(Number.isInteger) ? int32 : float32);
  const values = new Float64Array(checkShape('arange', [n])[0]);
  for (let i = 0; i < n; ++i) values[i] = start + step * i; // computed in double, as PyTorch does
  return finish('arange', fromValues('arange', values, [n], dtype), opts);
}

/** `steps` points from start to end inclusive (PyTorch's symmetric formula, in the dtype's precision). */
export function linspace(start: number, end: number, steps: number, options?: CreationOptions): Tensor {
  const opts = checkOptions('linspace', options);
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', end);
  const [n] = checkShape('linspace', [steps]);
  const dtype = opts.dtype ?? float32;
  const r = dtype === float32 ? Math.fround : (x: number) => x;
  const s0 = r(start);
  const s1 = r(end);
  const step = n > 1 ? r(r(s1 - s0) / (n - 1)) : 0;
  const half = n === 1 ? 1 : Math.floor(n / 2); // one point is `start`, as PyTorch
  const values = new Float64Array(n);
  for (let i = 0; i < n; ++i) values[i] = i < half ? r(s0 + r(step * i)) : r(s1 - r(step * (n - i - 1)));
  return finish('linspace', fromValues('linspace', values, [n], dtype), opts);
}

/** The n x m identity matrix; m defaults to n (torch.eye). */
export function eye(n: number, m?: number | CreationOptions, options?: CreationOptions): Tensor {
  let cols = m;
  let o = options;
  if (typeof cols === 'object') (o = cols), (cols = undefined);
  const opts = checkOptions('eye', o);
  const [rows, c] = checkShape('eye', [n, cols ?? n]);
  const t = Tensor._empty([rows, c], opts.dtype ?? float32);
  const data = t.typedArray<TypedArray>();
  const diagonal = Math.min(rows, c);
  if (data instanceof BigInt64Array) for (let i = 0; i < diagonal; ++i) data[i * c + i] = 1n;
  else for (let i = 0; i < diagonal; ++i) data[i * c + i] = 1;
  return finish('eye', t, opts);
}
