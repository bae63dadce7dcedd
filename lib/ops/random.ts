// Random creation functions (rand, randn, randint, randperm, randLike, randnLike) and
// the in-place fills normal_, uniform_, bernoulli_. Each validates its arguments, then
// one native call draws from the generator (lib/random.ts) exactly as PyTorch 1.13's
// CPU kernels do (test/golden/RNG-NOTES.md).
import { Tensor } from '../tensor';
import { float32, int32, type DType } from '../dtype';
import { checkFloatDType, checkShape, fmtValue, is, keyword, opRangeError, opTypeError, optional } from '../check';
import { RandomOp } from '../native/table';
import * as kernels from '../backend';
import { generatorOf, type Generator } from '../random';
import { checkOptions, finish, shapeAndOptions, type CheckedCreationOptions, type CreationOptions } from './creation';
import { overwriteInPlace, overwriteOp } from './inplace';
import { checkTensor, input } from './movement';
import { defineSpec, installMethods } from './registry';

/** The option of every random function: which generator to draw from (PyTorch's generator=). */
export interface RandomOptions {
  /** The generator to draw from (default: the global one that tg.manualSeed seeds). */
  generator?: Generator | null;
}
/** The options of the random creation functions: dtype, requiresGrad, device and generator. */
export interface RandomCreationOptions extends CreationOptions, RandomOptions {}
type CheckedRandomOptions = CheckedCreationOptions & RandomOptions;

function draw(op: string, kind: number, out: Tensor, options: RandomOptions | undefined, p0 = 0, p1 = 0): void {
  kernels.random(kind, generatorOf(op, options)._state, out, p0, p1);
}

function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw opTypeError(op, `${name} must be a number, got ${fmtValue(v)}`);
  if (!Number.isFinite(v)) throw opRangeError(op, `${name} must be finite, got ${v}`);
  return v;
}

// ---- in-place fills ------------------------------------------------------------------------

const FLOAT_MAX: Record<string, number> = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

const normalNode = overwriteOp('NormalBackward0');
const uniformNode = overwriteOp('UniformBackward0');
const bernoulliNode = overwriteOp('BernoulliBackward2');

/** self.normal_(mean, std): normals drawn in self's memory order. Contiguous float
 * tensors of 16 or more elements take PyTorch's vectorised path (mean and std rounded
 * to the dtype), others the per-element Box-Muller path with the generator's cached normal. */
export function normalInPlace<T extends Tensor>(self: T, mean: number, std: number, options?: RandomOptions): T {
  checkTensor('normal_', self, 'self');
  checkFloatDType('normal_', self.dtype, 'tensor');
  checkFinite('normal_', 'mean', mean);
  if (typeof std !== 'number') throw opTypeError('normal_', `std must be a number, got ${fmtValue(std)}`);
  if (!(std >= 0)) throw opRangeError('normal_', `std must be >= 0, got ${std}`);
  return overwriteInPlace(self, 'normal_', normalNode, (t) => draw('normal_', RandomOp.Normal, t, options, mean, std));
}

/** self.uniform_(from, to): values in [from, to), computed as PyTorch's fused
 * u * (to - from) + from in self's dtype. */
export function uniformInPlace<T extends Tensor>(self: T, from: number, to: number, options?: RandomOptions): T {
  checkTensor('uniform_', self, 'self');
  checkFloatDType('uniform_', self.dtype, 'tensor');
  checkFinite('uniform_', 'from', from);
  checkFinite('uniform_', 'to', to);
  if (from > to) throw opRangeError('uniform_', `expects to return a [from, to) range, but found from=${from} > to=${to}`);
  const max = FLOAT_MAX[self.dtype.name];
  if (Math.abs(from) > max || Math.abs(to) > max || to - from > max) {
    throw opRangeError('uniform_', `from=${from} and to=${to} (and to - from) must lie within the ${self.dtype} range`);
  }
  return overwriteInPlace(self, 'uniform_', uniformNode, (t) => draw('uniform_', RandomOp.Uniform, t, options, from, to));
}

/** self.bernoulli_(p): 1 with probability p, else 0 (any dtype); p = 0 and 1 still draw. */
export function bernoulliInPlace<T extends Tensor>(self: T, p: number, options?: RandomOptions): T {
  checkTensor('bernoulli_', self, 'self');
  if (typeof p !== 'number') throw opTypeError('bernoulli_', `p must be a number, got ${fmtValue(p)}`);
  if (!(p >= 0 && p <= 1)) throw opRangeError('bernoulli_', `p must be in [0, 1], got ${p}`);
  return overwriteInPlace(self, 'bernoulli_', bernoulliNode, (t) => draw('bernoulli_', RandomOp.Bernoulli, t, options, p));
}

// The fills as Tensor methods, with PyTorch's parameters (normal_(mean=0, std=1, *,
// generator=None), ...); their types are declared below, returning `this`.
const generator = keyword('generator', is.any, null);
const fills = {
  normal_: defineSpec({
    name: 'normal_',
    function: false,
    params: [input, optional('mean', is.any, 0, 1), optional('std', is.any, 1, 2), generator],
    forward: (self: Tensor, mean: number, std: number, g: Generator | null) => normalInPlace(self, mean, std, { generator: g }),
  }),
  uniform_: defineSpec({
    name: 'uniform_',
    function: false,
    params: [input, optional('from', is.any, 0, -1), optional('to', is.any, 1, 2), generator],
    forward: (self: Tensor, from: number, to: number, g: Generator | null) => uniformInPlace(self, from, to, { generator: g }),
  }),
  bernoulli_: defineSpec({
    name: 'bernoulli_',
    function: false,
    params: [input, optional('p', is.any, 0.5, 0.25), generator],
    forward: (self: Tensor, p: number, g: Generator | null) => bernoulliInPlace(self, p, { generator: g }),
  }),
};
installMethods(fills);
/** normal_'s options (PyTorch's mean=, std=, generator=). */
export interface NormalOptions extends RandomOptions {
  /** The mean (default 0). */
  mean?: number;
  /** The standard deviation (default 1). */
  std?: number;
}
/** uniform_'s options (PyTorch's from=, to=, generator=). */
export interface UniformOptions extends RandomOptions {
  /** The lower bound (default 0). */
  from?: number;
  /** The upper bound, excluded (default 1). */
  to?: number;
}
/** bernoulli_'s options (PyTorch's p=, generator=). */
export interface BernoulliOptions extends RandomOptions {
  /** The probability of a 1 (default 0.5). */
  p?: number;
}
declare module '../tensor' {
  interface Tensor {
    /** Fills with normal values N(mean, std²) in place, in memory order as PyTorch;
     * options.generator picks the generator (torch.Tensor.normal_). */
    normal_(mean?: number | NormalOptions, std?: number | NormalOptions, options?: NormalOptions): this;
    /** Fills with uniform values in [from, to) in place (torch.Tensor.uniform_). */
    uniform_(from?: number | UniformOptions, to?: number | UniformOptions, options?: UniformOptions): this;
    /** Fills with 1 (probability p) or 0 in place (torch.Tensor.bernoulli_). */
    bernoulli_(p?: number | BernoulliOptions, options?: BernoulliOptions): this;
  }
}

// ---- creation ------------------------------------------------------------------------------

/** shape and options of rand(2, 3, {...}) / rand([2, 3], {...}). */
function randomShapeAndOptions(op: string, args: unknown[]): [number[], CheckedRandomOptions] {
  return shapeAndOptions(op, args) as [number[], CheckedRandomOptions];
}

function floatDType(op: string, options: CheckedCreationOptions): DType {
  const dtype = options.dtype ?? float32;
  checkFloatDType(op, dtype, 'dtype');
  return dtype;
}

/** Uniform values in [0, 1) of the given shape: rand(2, 3), rand([2, 3], {dtype, generator,
 * requiresGrad}) (torch.rand). */
export function rand(...args: (number | number[] | RandomCreationOptions)[]): Tensor {
  const [shape, opts] = randomShapeAndOptions('rand', args);
  const out = Tensor._empty(shape, floatDType('rand', opts), 'rand');
  draw('rand', RandomOp.Uniform, out, opts, 0, 1);
  return finish('rand', out, opts);
}

/** Standard normal values of the given shape: randn(2, 3), randn([2, 3], {dtype, generator,
 * requiresGrad}) (torch.randn). */
export function randn(...args: (number | number[] | RandomCreationOptions)[]): Tensor {
  const [shape, opts] = randomShapeAndOptions('randn', args);
  const out = Tensor._empty(shape, floatDType('randn', opts), 'randn');
  draw('randn', RandomOp.Normal, out, opts, 0, 1);
  return finish('randn', out, opts);
}

/** The layout PyTorch's empty_like(preserve_format) gives a tensor like `t`: t's strides
 * when t is non-overlapping and dense (a transposed tensor stays transposed), else row-major. */
function emptyLike(t: Tensor, dtype: DType): Tensor {
  const out = Tensor._empty(t._shape.slice(), dtype);
  const dims = t._shape.map((_, d) => d).filter((d) => t._shape[d] !== 1);
  dims.sort((a, b) => t._strides[a] - t._strides[b]);
  let expected = 1;
  for (const d of dims) {
    if (t._strides[d] !== expected) return out;
    expected *= t._shape[d];
  }
  return new Tensor(out._storage, t._shape.slice(), t._strides.slice(), 0, dtype);
}

function randomLike(op: string, kind: number, t: Tensor, options?: RandomCreationOptions): Tensor {
  checkTensor(op, t);
  const opts = checkOptions(op, options) as CheckedRandomOptions;
  const dtype = opts.dtype ?? t.dtype;
  checkFloatDType(op, dtype, 'dtype');
  const out = emptyLike(t, dtype);
  draw(op, kind, out, opts, 0, 1);
  return finish(op, out, opts);
}

/** rand with t's shape (and dtype, unless options.dtype), laid out like t as PyTorch does. */
export const randLike = (t: Tensor, options?: RandomCreationOptions): Tensor => randomLike('randLike', RandomOp.Uniform, t, options);
/** randn with t's shape (and dtype, unless options.dtype), laid out like t as PyTorch does. */
export const randnLike = (t: Tensor, options?: RandomCreationOptions): Tensor => randomLike('randnLike', RandomOp.Normal, t, options);

// The integers each dtype of randint holds exactly (PyTorch checks from and to - 1 likewise).
const INT_LIMITS: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31],
  int64: [-(2 ** 63), 2 ** 63],
  float32: [-(2 ** 24), 2 ** 24],
  float64: [-(2 ** 53), 2 ** 53],
};

/** Integers in [low, high): randint(low, high, shape, options) or randint(high, shape,
 * options). int32 by default (PyTorch: int64, same values); float32/float64 on request. */
export function randint(...args: (number | number[] | RandomCreationOptions)[]): Tensor {
  const shapeAt = args.findIndex(Array.isArray);
  if (shapeAt !== 1 && shapeAt !== 2) {
    throw opTypeError('randint', `expected (low, high, shape, options?) or (high, shape, options?), got ${fmtValue(args)}`);
  }
  const [low, high] = shapeAt === 1 ? [0, args[0]] : [args[0], args[1]];
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw opTypeError('randint', `${name} must be an integer, got ${fmtValue(v)}`);
  }
  const lo = low as number;
  const hi = high as number;
  if (lo >= hi) throw opRangeError('randint', `low must be less than high, got low=${lo}, high=${hi}`);
  const shape = checkShape('randint', args[shapeAt] as number[]);
  const opts = checkOptions('randint', args[shapeAt + 1]) as CheckedRandomOptions;
  if (args.length > shapeAt + 2) throw opTypeError('randint', `unexpected arguments after the options: ${fmtValue(args.slice(shapeAt + 2))}`);
  const dtype = opts.dtype ?? int32;
  const limits = INT_LIMITS[dtype.name];
  if (limits === undefined) throw opTypeError('randint', `dtype must be int32, int64, float32 or float64, got ${dtype}`);
  if (lo < limits[0] || hi > limits[1] || hi - lo > 2 ** 53) {
    throw opRangeError('randint', `[${lo}, ${hi}) does not fit ${dtype} (values in [${limits[0]}, ${limits[1]}] only)`);
  }
  const out = Tensor._empty(shape, dtype);
  draw('randint', RandomOp.Randint, out, opts, lo, hi - lo);
  return finish('randint', out, opts);
}

/** A random permutation of 0..n-1 (int32; PyTorch: int64, same values). */
export function randperm(n: number, options?: RandomCreationOptions): Tensor {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw opTypeError('randperm', `n must be an integer, got ${fmtValue(n)}`);
  if (n < 0) throw opRangeError('randperm', `n must be non-negative, got ${n}`);
  const opts = checkOptions('randperm', options) as CheckedRandomOptions;
  if ((opts.dtype ?? int32) !== int32) throw opTypeError('randperm', `only int32 permutations are supported, got dtype ${opts.dtype}`);
  const out = Tensor._empty(checkShape('randperm', [n]), int32);
  draw('randperm', RandomOp.Randperm, out, opts);
  return finish('randperm', out, opts);
}
