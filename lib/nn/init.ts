// tg.nn.init: PyTorch's torch/nn/init.py. Bounds and stds are computed in double exactly
// as init.py computes them, then the in-place fills run without recording the graph
// (init.py's torch.no_grad()), so parameters that require grad can be initialised.
import type { Tensor } from '../tensor';
import { fmtShape, fmtValue, opError, opTypeError } from '../check';
import { noGrad } from '../autograd/grad_mode';
import { checkTensor } from '../ops/movement';
import type { RandomOptions } from '../ops/random';

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

const LINEAR_FNS = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];

/** The recommended gain for a nonlinearity; `param` is leaky_relu's negative slope
 * (default 0.01; 0 is a slope of 0). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
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
export function uniform_<T extends Tensor>(t: T, a = 0, b = 1, options?: RandomOptions): T {
  checkTensor('uniform_', t, 'tensor');
  return noGrad(() => t.uniform_(a, b, options));
}

/** normal_ on `t`, not recorded. */
export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, options?: RandomOptions): T {
  checkTensor('normal_', t, 'tensor');
  return noGrad(() => t.normal_(mean, std, options));
}

export function constant_<T extends Tensor>(t: T, value: number): T {
  checkTensor('constant_', t, 'tensor');
  return noGrad(() => t.fill_(value));
}
export const zeros_ = <T extends Tensor>(t: T): T => constant_(t, 0);
export const ones_ = <T extends Tensor>(t: T): T => constant_(t, 1);

/** gain / sqrt(fan) of the kaiming inits; null for a tensor with no elements, which they
 * return untouched, without drawing. */
function kaimingStd(op: string, t: Tensor, a: number, mode: FanMode, nonlinearity: Nonlinearity): number | null {
  checkTensor(op, t, 'tensor');
  if (t.numel() === 0) return null;
  return calculateGain(nonlinearity, a) / Math.sqrt(fanOf(op, t, mode));
}

/** Kaiming/He uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform_<T extends Tensor>(
  t: T, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', options?: RandomOptions,
): T {
  const std = kaimingStd('kaimingUniform_', t, a, mode, nonlinearity);
  if (std === null) return t;
  const bound = Math.sqrt(3.0) * std;
  return uniform_(t, -bound, bound, options);
}

/** Kaiming/He normal: N(0, std²) with std = gain / sqrt(fan). */
export function kaimingNormal_<T extends Tensor>(
  t: T, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', options?: RandomOptions,
): T {
  const std = kaimingStd('kaimingNormal_', t, a, mode, nonlinearity);
  return std === null ? t : normal_(t, 0, std, options);
}

function xavierStd(op: string, t: Tensor, gain: number): number {
  const [fanIn, fanOut] = fans(op, t);
  return gain * Math.sqrt(2.0 / (fanIn + fanOut));
}

/** Xavier/Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_<T extends Tensor>(t: T, gain = 1, options?: RandomOptions): T {
  const a = Math.sqrt(3.0) * xavierStd('xavierUniform_', t, gain);
  return uniform_(t, -a, a, options);
}

/** Xavier/Glorot normal: N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_<T extends Tensor>(t: T, gain = 1, options?: RandomOptions): T {
  return normal_(t, 0, xavierStd('xavierNormal_', t, gain), options);
}

/** nn.Linear's reset_parameters(): the weight [out, in] with kaimingUniform_(a = sqrt(5)),
 * then the bias (if any) with U(-1/sqrt(in), 1/sqrt(in)) (bound 0 when in = 0). Linear
 * modules call this so that a seeded Linear has PyTorch's initial values. */
export function resetLinear_(weight: Tensor, bias?: Tensor | null, options?: RandomOptions): void {
  kaimingUniform_(weight, Math.sqrt(5), 'fan_in', 'leaky_relu', options);
  if (bias == null) return;
  const [fanIn] = fans('resetLinear_', weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, -bound, bound, options);
}
