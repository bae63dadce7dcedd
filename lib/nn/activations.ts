// More activations of tg.nn.functional (hardtanh, softsign, logSigmoid, mish, hardswish,
// selu, celu, prelu) and their modules. The elementwise ones are unary kernel rows of
// native/ops.table with PyTorch's grad_fn; softsign is a composition, as in PyTorch.
import { Tensor } from '../tensor';
import { Signature, checkFloatDType, fmtShape, is, opError, optional, required, type Param } from '../check';
import { UnaryOp } from '../native/table';
import { defineSpec, functional, registerClass } from '../ops/registry';
import { input, unaryOp, where } from '../ops/arith';
import { checkTensor } from '../ops/movement';
import { Module } from './module';
import { Parameter } from './parameter';
import { copyInPlace } from '../ops/inplace';
import { float32 } from '../dtype';

/** fn(x), written into x if `inplace` (PyTorch's in-place form of an activation; a leaf
 * that requires grad refuses it). In a graph, fn reads a copy: what its backward saved must
 * not be the tensor overwritten. */
export function inPlaceIf(inplace: boolean, x: Tensor, fn: (x: Tensor) => Tensor): Tensor {
  return inplace ? copyInPlace(x, fn(x.requiresGrad ? x.clone() : x)) : fn(x);
}

/** An F activation with PyTorch's parameters (inplace last, if it has one). */
function activation<F extends (...args: any[]) => Tensor>(name: string, params: Param[], fn: (x: Tensor, ...p: any[]) => Tensor): F {
  const withInplace = params.some((p) => p.name === 'inplace');
  return functional<F>(name, [input, ...params], (x: Tensor, ...p: unknown[]) => {
    const options = p.slice(0, withInplace ? -1 : undefined);
    return inPlaceIf(withInplace && p[p.length - 1] === true, x, (y) => fn(y, ...options));
  });
}
export const inplace = optional('inplace', is.bool, false);

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

const hardtanhOp = unaryOp({
  gradFn: 'HardtanhBackward0',
  code: UnaryOp.Clamp,
  floatOnlyKernel: 'hardtanh_cpu',
  save: 'x',
  // Gradient 0 at the bounds (unlike clamp): it passes where min < x < max.
  grad: (g, x, [lo, hi]) => where(x.gt(lo).logicalAnd(x.lt(hi)), g, 0),
});

const logSigmoidOp = unaryOp({
  gradFn: 'LogSigmoidBackward0',
  code: UnaryOp.LogSigmoid,
  floatOnlyKernel: 'log_sigmoid_cpu',
  save: 'x',
  // d/dx log σ(x) = σ(-x), finite everywhere.
  grad: (g, x) => g.mul(x.neg().sigmoid()),
});

const mishOp = unaryOp({
  gradFn: 'MishBackward0',
  code: UnaryOp.Mish,
  floatOnlyKernel: 'mish_cpu',
  save: 'x',
  // PyTorch's mish_backward: t = tanh(softplus(x)); t + x σ(x) (1 - t²).
  grad: (g, x) => {
    const t = x.exp().log1p().tanh();
    return g.mul(t.add(x.mul(x.sigmoid()).mul(t.mul(t).neg().add(1))));
  },
});

const hardswishOp = unaryOp({
  gradFn: 'HardswishBackward0',
  code: UnaryOp.Hardswish,
  floatOnlyKernel: 'hardswish_cpu',
  save: 'x',
  // 0 below -3, x/3 + 1/2 on [-3, 3] (both ends included, as PyTorch), 1 above 3.
  grad: (g, x) => where(x.lt(-3), 0, where(x.gt(3), g, g.mul(x.div(3).add(0.5)))),
});

const seluOp = unaryOp({
  gradFn: 'EluBackward0',
  code: UnaryOp.Selu,
  floatOnlyKernel: 'elu_cpu',
  save: 'x',
  // scale for x > 0, scale·alpha·e^x otherwise (e^min(x, 0): no inf·0 in the unpicked branch).
  grad: (g, x) => where(x.gt(0), g.mul(SELU_SCALE), g.mul(where(x.lt(0), x, 0).exp()).mul(SELU_SCALE * SELU_ALPHA)),
});

const celuOp = unaryOp({
  gradFn: 'CeluBackward0',
  code: UnaryOp.Celu,
  floatOnlyKernel: 'elu_cpu',
  save: 'x',
  // 1 for x > 0, e^(x/alpha) otherwise (1 at 0).
  grad: (g, x, [alpha]) => where(x.gt(0), g, g.mul(where(x.lt(0), x, 0).div(alpha).exp())),
});

interface Prelu {
  x: Tensor;
  w: Tensor;
}

/** prelu's weight viewed to broadcast along dim 1 of x (one element: everywhere). */
function preluWeight(x: Tensor, w: Tensor): Tensor {
  if (w.numel() === 1 || x.ndim < 2) return w.reshape([]);
  return w.reshape([w.numel(), ...x._shape.slice(2).map(() => 1)]);
}

const preluOp = defineSpec<(x: Tensor, w: Tensor) => Tensor, [Tensor, Tensor], Prelu>({
  name: 'prelu',
  gradFn: 'PreluBackward0',
  params: [input, required('weight', is.any)],
  forward: (x, w) => where(x.gt(0), x, x.mul(preluWeight(x, w))),
  save: (out, x, w) => ({ x, w }),
  // x: 1 where x > 0, else the weight (the weight at 0); weight: x where x <= 0, summed per channel.
  backward: (g, { x, w }, [needX, needW]) => {
    const wb = preluWeight(x, w);
    const gw = needW ? where(x.gt(0), 0, g.mul(x)) : null;
    const dims = x._shape.map((_, i) => i).filter((i) => w.numel() === 1 || i !== 1);
    return [
      needX ? where(x.gt(0), g, g.mul(wb)) : null,
      gw ? (dims.length > 0 ? gw.sum(dims) : gw).reshape(w._shape.slice()) : null,
    ];
  },
});

function preluImpl(x: Tensor, weight: Tensor): Tensor {
  checkFloatDType('prelu', x.dtype);
  const channels = x.ndim >= 2 ? x._shape[1] : 1;
  if (weight.numel() !== 1 && weight.numel() !== channels) {
    throw opError(
      'prelu',
      `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${weight.numel()} and channel size = ${channels} ` +
        `(input ${fmtShape(x._shape)}, weight ${fmtShape(weight._shape)}: the weight has 1 element or one per channel, dim 1)`,
    );
  }
  return preluOp.call(x, weight);
}

/** F.hardtanh's keyword arguments. */
export type HardtanhOptions = {
  /** The lower bound (default -1). */
  minVal?: number;
  /** The upper bound (default 1). */
  maxVal?: number;
  /** Write the result into the input (default false). */
  inplace?: boolean;
};
/** max(min_val, min(max_val, x)), with gradient 0 at the bounds (PyTorch's F.hardtanh). Shape: the input's. */
export const hardtanh = activation<
  (input: Tensor, minVal?: number | HardtanhOptions, maxVal?: number | HardtanhOptions, inplace?: boolean | HardtanhOptions, options?: HardtanhOptions) => Tensor
>(
  'hardtanh',
  [optional('minVal', is.number, -1, -0.5), optional('maxVal', is.number, 1, 0.5), inplace],
  (x, lo: number, hi: number) => {
    if (lo > hi) throw opError('hardtanh', `min_val cannot be greater than max_val (got minVal ${lo}, maxVal ${hi})`);
    return hardtanhOp(x, lo, hi);
  },
);
/** x / (1 + |x|) (PyTorch's F.softsign, a composition: DivBackward0). */
export const softsign = activation<(input: Tensor) => Tensor>('softsign', [], (x) => x.div(x.abs().add(1)));
/** log σ(x), stable for large |x| (PyTorch's F.logsigmoid). */
export const logSigmoid = activation<(input: Tensor) => Tensor>('logSigmoid', [], (x) => logSigmoidOp(x));
/** x · tanh(softplus(x)) (PyTorch's F.mish). */
export const mish = activation<(input: Tensor, inplace?: boolean | { inplace?: boolean }) => Tensor>('mish', [inplace], (x) => mishOp(x));
/** x · relu6(x + 3) / 6 (PyTorch's F.hardswish). */
export const hardswish = activation<(input: Tensor, inplace?: boolean | { inplace?: boolean }) => Tensor>('hardswish', [inplace], (x) => hardswishOp(x));
/** scale · (max(0, x) + min(0, alpha (e^x - 1))) with PyTorch's fixed alpha and scale (F.selu). */
export const selu = activation<(input: Tensor, inplace?: boolean | { inplace?: boolean }) => Tensor>('selu', [inplace], (x) => seluOp(x));
/** F.celu's keyword arguments. */
export type CeluOptions = {
  /** The scale of the negative part (default 1). */
  alpha?: number;
  /** Write the result into the input (default false). */
  inplace?: boolean;
};
/** max(0, x) + min(0, alpha (e^(x/alpha) - 1)) (PyTorch's F.celu). Shape: the input's. */
export const celu = activation<(input: Tensor, alpha?: number | CeluOptions, inplace?: boolean | CeluOptions, options?: CeluOptions) => Tensor>('celu', [optional('alpha', is.number, 1, 0.5), inplace], (x, alpha: number) => {
  if (alpha === 0) throw opError('celu', 'ZeroDivisionError: alpha cannot be 0 (celu divides by it)');
  return celuOp(x, alpha);
});
const preluExample = Tensor._empty([1], float32);
preluExample.typedArray()[0] = 0.1;
/** x where x > 0, else weight · x; weight has 1 element or one per channel (dim 1 of x) (PyTorch's F.prelu). */
export const prelu = functional<(input: Tensor, weight: Tensor | { weight: Tensor }) => Tensor>(
  'prelu',
  [input, required('weight', (v, op, name) => checkTensor(op, v, name), preluExample)],
  preluImpl,
);

// ---- modules ------------------------------------------------------------------------------------

/** The activation modules' base: forward applies an F activation with the options the
 * module was constructed with. */
export abstract class ActivationModule extends Module {
  abstract override forward(input: Tensor): Tensor;
}

/** The class of an activation module: constructed with PyTorch's arguments (positionally
 * or as an options object), e.g. `new nn.Hardtanh(-2, 2)` or `new nn.CELU({alpha: 0.5})`. */
export interface ActivationModuleClass {
  /** Binds the arguments with PyTorch's parameters and defaults (an unknown name throws). */
  new (...args: any[]): ActivationModule;
}

/** A module that applies an F activation with the options it was constructed with, printed
 * as PyTorch prints it (`repr`: the options that PyTorch shows). */
export function activationModule(
  name: string,
  params: Param[],
  fn: (x: Tensor, ...o: any[]) => Tensor,
  repr: (o: any[]) => string,
): ActivationModuleClass {
  const signature = new Signature(name, params);
  const cls = class extends ActivationModule {
    /** The constructor's arguments, in PyTorch's order. */
    readonly options: unknown[];
    constructor(...args: unknown[]) {
      super();
      this.options = signature.bind(args);
    }
    override forward(x: Tensor): Tensor {
      return fn(x, ...this.options);
    }
    override extraRepr(): string {
      return repr(this.options);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  registerClass(`nn.${name}`, 'module', signature, cls);
  return cls;
}

export const fmtFloat = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
export const inplaceRepr = (v: boolean) => (v ? 'inplace=True' : '');

/** nn.Hardtanh(minVal = -1, maxVal = 1, inplace = false): F.hardtanh as a module. */
export const Hardtanh = activationModule(
  'Hardtanh',
  [optional('minVal', is.number, -1, -2), optional('maxVal', is.number, 1, 2), inplace],
  hardtanh,
  ([lo, hi, ip]) => [`min_val=${fmtFloat(lo)}, max_val=${fmtFloat(hi)}`, inplaceRepr(ip)].filter(Boolean).join(', '),
);
/** nn.Softsign(): F.softsign as a module. */
export const Softsign = activationModule('Softsign', [], softsign, () => '');
/** nn.LogSigmoid(): F.logSigmoid as a module. */
export const LogSigmoid = activationModule('LogSigmoid', [], logSigmoid, () => '');
/** nn.Mish(inplace = false): F.mish as a module. */
export const Mish = activationModule('Mish', [inplace], mish, ([ip]) => inplaceRepr(ip));
/** nn.Hardswish(inplace = false): F.hardswish as a module (PyTorch prints no options). */
export const Hardswish = activationModule('Hardswish', [inplace], hardswish, () => '');
/** nn.SELU(inplace = false): F.selu as a module. */
export const SELU = activationModule('SELU', [inplace], selu, ([ip]) => inplaceRepr(ip));
/** nn.CELU(alpha = 1, inplace = false): F.celu as a module. */
export const CELU = activationModule('CELU', [optional('alpha', is.number, 1, 0.5), inplace], celu, ([alpha, ip]) =>
  [`alpha=${fmtFloat(alpha)}`, inplaceRepr(ip)].filter(Boolean).join(', '),
);

const PRELU = new Signature('PReLU', [optional('numParameters', is.int, 1, 3), optional('init', is.number, 0.25, 0.1)]);
/** nn.PReLU(numParameters = 1, init = 0.25): F.prelu with a learnable weight of
 * numParameters elements (1, or the number of channels, dim 1 of the input). */
export class PReLU extends Module {
  /** The number of weights: 1, or one per channel. */
  readonly numParameters: number;
  /** The learnable slopes for x <= 0, [numParameters], initialised to `init`. */
  readonly weight: Parameter;
  constructor(numParameters?: number | { numParameters?: number; init?: number }, init?: number | { init?: number });
  constructor(...args: unknown[]) {
    super();
    const [n, init] = PRELU.bind(args) as [number, number];
    if (n < 1) throw opError('PReLU', `numParameters must be >= 1, got ${n}`);
    this.numParameters = n;
    const w = Tensor._empty([n], float32);
    (w.typedArray() as Float32Array).fill(init);
    this.weight = new Parameter(w);
  }
  override forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
registerClass('nn.PReLU', 'module', PRELU, PReLU);
