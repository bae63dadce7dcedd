// tg.nn.init: PyTorch's torch/nn/init.py. Bounds and stds are computed in double exactly
// as init.py computes them, then the in-place fills run without recording the graph
// (init.py's torch.no_grad()), so parameters that require grad can be initialised.
import type { Tensor } from '../tensor';
import { Signature, fmtShape, fmtValue, is, keyword, opError, opTypeError, optional, required, type Param } from '../check';
import { withSignature } from '../ops/registry';
import { noGrad } from '../autograd/grad_mode';
import { checkTensor } from '../ops/movement';
import type { RandomOptions } from '../ops/random';

/** The nonlinearities calculateGain knows (PyTorch's names). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
/** Whether Kaiming initialisation preserves the variance of the forward pass ('fan_in') or
 * of the backward pass ('fan_out'). */
export type FanMode = 'fan_in' | 'fan_out';

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];

/** The recommended gain for a nonlinearity; `param` is leaky_relu's negative slope
 * (default 0.01; 0 is a slope of 0). */
function calculateGainImpl(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_FNS.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh': return 5.0 / 3;
    case 'relu': return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number') throw opTypeError('calculateGain', `negative_slope ${fmtValue(slope)} not a valid number`);
      return Math.sqrt(2.0 / (1 + slope * slope));
    }
    case 'selu': return 3.0 / 4;
  }
  throw opError('calculateGain', `Unsupported nonlinearity ${fmtValue(nonlinearity)}`);
}

/** [fan_in, fan_out] of a weight [out, in, ...kernel]. */
function fans(op: string, t: Tensor): [number, number] {
  checkTensor(op, t, 'tensor');
  if (t.ndim < 2) {
    throw opError(op, `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got ${fmtShape(t.shape)})`);
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fanOf(op: string, t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = fans(op, t);
  if (mode === 'fan_in') return fanIn;
  if (mode === 'fan_out') return fanOut;
  throw opError(op, `Mode ${fmtValue(mode)} not supported, please use one of fan_in, fan_out`);
}

/** uniform_ on `t`, not recorded. */
function uniformImpl<T extends Tensor>(t: T, a = 0, b = 1, options?: RandomOptions): T {
  checkTensor('uniform_', t, 'tensor');
  return noGrad(() => t.uniform_(a, b, options));
}

/** normal_ on `t`, not recorded. */
function normalImpl<T extends Tensor>(t: T, mean = 0, std = 1, options?: RandomOptions): T {
  checkTensor('normal_', t, 'tensor');
  return noGrad(() => t.normal_(mean, std, options));
}

function constantImpl<T extends Tensor>(t: T, value: number): T {
  checkTensor('constant_', t, 'tensor');
  noGrad(() => t.fill_(value));
  return t;
}

/** gain / sqrt(fan) of the kaiming inits; null for a tensor with no elements, which they
 * return untouched, without drawing. */
function kaimingStd(op: string, t: Tensor, a: number, mode: FanMode, nonlinearity: Nonlinearity): number | null {
  checkTensor(op, t, 'tensor');
  if (t.numel() === 0) return null;
  return calculateGainImpl(nonlinearity, a) / Math.sqrt(fanOf(op, t, mode));
}

/** Kaiming/He uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
function kaimingUniformImpl<T extends Tensor>(
  t: T, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', options?: RandomOptions,
): T {
  const std = kaimingStd('kaimingUniform_', t, a, mode, nonlinearity);
  if (std === null) return t;
  const bound = Math.sqrt(3.0) * std;
  return uniformImpl(t, -bound, bound, options);
}

/** Kaiming/He normal: N(0, std²) with std = gain / sqrt(fan). */
function kaimingNormalImpl<T extends Tensor>(
  t: T, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', options?: RandomOptions,
): T {
  const std = kaimingStd('kaimingNormal_', t, a, mode, nonlinearity);
  return std === null ? t : normalImpl(t, 0, std, options);
}

function xavierStd(op: string, t: Tensor, gain: number): number {
  const [fanIn, fanOut] = fans(op, t);
  return gain * Math.sqrt(2.0 / (fanIn + fanOut));
}

/** Xavier/Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
function xavierUniformImpl<T extends Tensor>(t: T, gain = 1, options?: RandomOptions): T {
  const a = Math.sqrt(3.0) * xavierStd('xavierUniform_', t, gain);
  return uniformImpl(t, -a, a, options);
}

/** Xavier/Glorot normal: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)). */
function xavierNormalImpl<T extends Tensor>(t: T, gain = 1, options?: RandomOptions): T {
  return normalImpl(t, 0, xavierStd('xavierNormal_', t, gain), options);
}

/** nn.Linear's reset_parameters(): the weight [out, in] with kaimingUniform_(a = sqrt(5)),
 * then the bias (if any) with U(-1/sqrt(in), 1/sqrt(in)) (bound 0 when in = 0). Linear
 * modules call this so that a seeded Linear has PyTorch's initial values. */
export function resetLinear_(weight: Tensor, bias?: Tensor | null, options?: RandomOptions): void {
  kaimingUniformImpl(weight, Math.sqrt(5), 'fan_in', 'leaky_relu', options);
  if (bias == null) return;
  const [fanIn] = fans('resetLinear_', weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniformImpl(bias, -bound, bound, options);
}

// ---- the public functions: PyTorch's parameters, positionally or by name -------------

/** The generator option of the init functions. @inline */
type Generated = { generator?: RandomOptions['generator'] };
/** A positional argument, or the options object in its place. */
type Opt<T, O> = T | O;
const tensorParam = required('tensor', (v, op, name) => checkTensor(op, v, name));
const generator = keyword('generator', is.any, undefined);
const withGenerator = (g: RandomOptions['generator'] | undefined): RandomOptions | undefined => (g === undefined ? undefined : { generator: g });
const sig = (name: string, params: Param[]) => new Signature(name, params);

/** The recommended gain for a nonlinearity; `param` is leaky_relu's negative slope (default 0.01)
 * (torch.nn.init.calculate_gain). */
export const calculateGain = withSignature<(nonlinearity: Nonlinearity | { nonlinearity: Nonlinearity; param?: number | null }, param?: number | null | { param?: number | null }) => number>(
  'nn.init.calculateGain', 'init',
  sig('calculateGain', [required('nonlinearity', is.any, 'leaky_relu'), optional('param', is.any, null, 0.2)]),
  calculateGainImpl,
);

/** uniform_'s arguments by name. @inline */
type UniformOptions = Generated & { a?: number; b?: number };
/** Fills `tensor` with U(a, b) in place, not recorded; returns it (torch.nn.init.uniform_). */
export const uniform_ = withSignature<<T extends Tensor>(tensor: T, a?: Opt<number, UniformOptions>, b?: Opt<number, UniformOptions>, options?: UniformOptions) => T>(
  'nn.init.uniform_', 'init',
  sig('uniform_', [tensorParam, optional('a', is.number, 0, -2), optional('b', is.number, 1, 3), generator]),
  (t, a, b, g) => uniformImpl(t, a, b, withGenerator(g)),
);

/** normal_'s arguments by name. @inline */
type NormalOptions = Generated & { mean?: number; std?: number };
/** Fills `tensor` with N(mean, std²) in place, not recorded; returns it (torch.nn.init.normal_). */
export const normal_ = withSignature<<T extends Tensor>(tensor: T, mean?: Opt<number, NormalOptions>, std?: Opt<number, NormalOptions>, options?: NormalOptions) => T>(
  'nn.init.normal_', 'init',
  sig('normal_', [tensorParam, optional('mean', is.number, 0, 1), optional('std', is.number, 1, 2), generator]),
  (t, mean, std, g) => normalImpl(t, mean, std, withGenerator(g)),
);

/** Fills `tensor` with `val` in place; returns it (torch.nn.init.constant_). */
export const constant_ = withSignature<<T extends Tensor>(tensor: T, val: number | { val: number }) => T>(
  'nn.init.constant_', 'init', sig('constant_', [tensorParam, required('val', is.number, 2.5)]), constantImpl,
);
/** Fills `tensor` with zeros in place; returns it (torch.nn.init.zeros_). */
export const zeros_ = withSignature<<T extends Tensor>(tensor: T) => T>('nn.init.zeros_', 'init', sig('zeros_', [tensorParam]), (t) => constantImpl(t, 0));
/** Fills `tensor` with ones in place; returns it (torch.nn.init.ones_). */
export const ones_ = withSignature<<T extends Tensor>(tensor: T) => T>('nn.init.ones_', 'init', sig('ones_', [tensorParam]), (t) => constantImpl(t, 1));

/** The Kaiming initialisers' arguments by name. @inline */
type KaimingOptions = Generated & { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity };
/** The signature of kaimingUniform_ and kaimingNormal_. @inline */
type Kaiming = <T extends Tensor>(
  tensor: T, a?: Opt<number, KaimingOptions>, mode?: Opt<FanMode, KaimingOptions>, nonlinearity?: Opt<Nonlinearity, KaimingOptions>, options?: KaimingOptions,
) => T;
const kaimingParams = (name: string) =>
  sig(name, [tensorParam, optional('a', is.number, 0, Math.sqrt(5)), optional('mode', is.any, 'fan_in', 'fan_out'),
    optional('nonlinearity', is.any, 'leaky_relu', 'relu'), generator]);
/** Kaiming/He uniform: U(-b, b) with b = gain * sqrt(3 / fan), in place; fan from the
 * tensor's shape [out, in, ...] (torch.nn.init.kaiming_uniform_). */
export const kaimingUniform_ = withSignature<Kaiming>('nn.init.kaimingUniform_', 'init', kaimingParams('kaimingUniform_'),
  (t, a, mode, nl, g) => kaimingUniformImpl(t, a, mode, nl, withGenerator(g)));
/** Kaiming/He normal: N(0, std²) with std = gain / sqrt(fan), in place; fan from the
 * tensor's shape [out, in, ...] (torch.nn.init.kaiming_normal_). */
export const kaimingNormal_ = withSignature<Kaiming>('nn.init.kaimingNormal_', 'init', kaimingParams('kaimingNormal_'),
  (t, a, mode, nl, g) => kaimingNormalImpl(t, a, mode, nl, withGenerator(g)));

/** The Xavier initialisers' arguments by name. @inline */
type XavierOptions = Generated & { gain?: number };
/** The signature of xavierUniform_ and xavierNormal_. @inline */
type Xavier = <T extends Tensor>(tensor: T, gain?: Opt<number, XavierOptions>, options?: XavierOptions) => T;
const xavierParams = (name: string) => sig(name, [tensorParam, optional('gain', is.number, 1, 2), generator]);
/** Xavier/Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), in place; fan from the
 * tensor's shape [out, in, ...] (torch.nn.init.xavier_uniform_). */
export const xavierUniform_ = withSignature<Xavier>('nn.init.xavierUniform_', 'init', xavierParams('xavierUniform_'),
  (t, gain, g) => xavierUniformImpl(t, gain, withGenerator(g)));
/** Xavier/Glorot normal: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)), in place; fan from the
 * tensor's shape [out, in, ...] (torch.nn.init.xavier_normal_). */
export const xavierNormal_ = withSignature<Xavier>('nn.init.xavierNormal_', 'init', xavierParams('xavierNormal_'),
  (t, gain, g) => xavierNormalImpl(t, gain, withGenerator(g)));
