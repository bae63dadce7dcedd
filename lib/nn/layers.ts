// Layers: Linear, Sequential, activations as modules. Their reprs are PyTorch's
// (`Linear(in_features=3, out_features=2, bias=True)`), so printed models read the same.
import type { Tensor } from '../tensor';
import type { DType, DTypeLike } from '../dtype';
import { Signature, checkInt, checkShape, fmtValue, is, keyword, opError, opTypeError, optional, required, dtypeKeyword } from '../check';
import { registerClass } from '../ops/registry';
import { checkDevice, type Device } from '../device';
import { empty } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import * as F from './functional';
import { resetLinear_ } from './init';
import { activationModule, fmtFloat, inPlaceIf, inplace, inplaceRepr } from './activations';

/** Linear's arguments by name (PyTorch's in_features, out_features, bias, device=, dtype=). */
export interface LinearOptions {
  /** The size of each input sample: the input's last dim. */
  inFeatures?: number;
  /** The size of each output sample: the output's last dim. */
  outFeatures?: number;
  /** Whether the layer adds a learnable bias (default true). */
  bias?: boolean;
  /** The parameters' dtype (default float32). */
  dtype?: DTypeLike;
  /** 'cpu', the only device of this build (others are errors, as for tensors). */
  device?: string | Device;
}

const LINEAR = new Signature('Linear', [
  required('inFeatures', is.any, 3),
  required('outFeatures', is.any, 2),
  optional('bias', is.bool, true, false),
  keyword('device', is.any, undefined),
  dtypeKeyword,
]);

/** y = x W^T + b, W of shape [outFeatures, inFeatures], initialised as PyTorch does. */
/** The affine map y = x Wᵀ + b (torch.nn.Linear): input `(*, inFeatures)` → output `(*, outFeatures)`. */
export class Linear extends Module {
  /** The size of each input sample (in_features). */
  readonly inFeatures: number;
  /** The size of each output sample (out_features). */
  readonly outFeatures: number;
  /** The weight W, of shape [outFeatures, inFeatures]. */
  weight: Parameter;
  /** The bias b, of shape [outFeatures], or null when made without one. */
  bias: Parameter | null;

  /** PyTorch's Linear(in_features, out_features, bias=True, *, device, dtype): positionally,
   * by name in a trailing options object, or mixed. */
  constructor(inFeatures: number | LinearOptions, outFeatures?: number | LinearOptions, bias?: boolean | LinearOptions, options?: LinearOptions);
  constructor(...args: unknown[]) {
    super();
    const [inFeatures, outFeatures, bias, device, dtype] = LINEAR.bind(args) as [number, number, boolean, string | Device | undefined, DType];
    this.inFeatures = checkInt('Linear', 'inFeatures', inFeatures, 0);
    this.outFeatures = checkInt('Linear', 'outFeatures', outFeatures, 0);
    checkShape('Linear', [outFeatures, inFeatures]); // the weight's shape, checked here to name Linear
    if (device !== undefined) checkDevice('Linear', device);
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = bias ? new Parameter(empty([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming-uniform weight (a = √5), uniform(±1/√in) bias,
   * drawn from the global generator (so tg.manualSeed gives PyTorch's values). */
  resetParameters(): void {
    resetLinear_(this.weight, this.bias);
  }

  /** x Wᵀ + b for x of shape `(*, inFeatures)`: `(*, outFeatures)`. */
  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  /** "in_features=3, out_features=2, bias=True", as PyTorch prints it. */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/** Modules applied in order; children are named "0", "1", ... and indexable: seq[0]. */
/** Modules applied in order, each to the previous one's output (torch.nn.Sequential);
 * children are named "0", "1", ... and indexable: seq[0]. */
export class Sequential extends Module {
  [index: number]: Module;

  /** A Sequential of `modules`, in order. */
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  /** The number of modules (len(seq) in PyTorch). */
  get length(): number {
    return this.children().length;
  }

  /** Adds a module at the end; returns this (torch.nn.Sequential.append). */
  append(module: Module): this {
    if (!(module instanceof Module)) throw opTypeError('Sequential', `${fmtValue(module)} is not a Module`);
    this.registerModule(String(this.length), module);
    return this;
  }

  /** The input through every module in turn. */
  override forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this.children()) x = m.forward(x) as Tensor;
    return x;
  }
}

/** max(x, 0) elementwise, as a module (torch.nn.ReLU): any shape, the same shape out. */
export class ReLU extends Module {
  /** max(input, 0), elementwise. */
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

/** 1 / (1 + e^-x) elementwise, as a module (torch.nn.Sigmoid): any shape, the same shape out. */
export class Sigmoid extends Module {
  /** sigmoid(input), elementwise. */
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** tanh x elementwise, as a module (torch.nn.Tanh): any shape, the same shape out. */
export class Tanh extends Module {
  /** tanh(input), elementwise. */
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

const GELU_SIG = new Signature('GELU', [optional('approximate', is.oneOf('none', 'tanh'), 'none', 'tanh')]);
/** The Gaussian error linear unit x·Φ(x) elementwise (torch.nn.GELU); approximate 'tanh'
 * uses the tanh approximation. Any shape, the same shape out. */
export class GELU extends Module {
  /** 'none' (the exact erf form, default) or 'tanh'. */
  readonly approximate: 'none' | 'tanh';
  /** GELU(approximate = 'none'), positionally or by name. */
  constructor(approximate?: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' });
  constructor(...args: unknown[]) {
    super();
    [this.approximate] = GELU_SIG.bind(args) as ['none' | 'tanh'];
  }
  /** gelu(input), elementwise. */
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  /** "approximate='none'", as PyTorch prints it. */
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

const DROPOUT = new Signature('Dropout', [optional('p', is.any, 0.5, 0.2), optional('inplace', is.bool, false, true)]);
/** Zeroes each element with probability p in training mode (scaling the others by
 * 1 / (1 - p)); the identity in eval mode. Any shape in, the same shape out (torch.nn.Dropout). */
export class Dropout extends Module {
  /** The probability of zeroing an element (default 0.5). */
  readonly p: number;
  /** Whether forward overwrites its input (default false). */
  readonly inplace: boolean;
  /** Dropout(p = 0.5, inplace = false), positionally or by name. */
  constructor(p?: number | { p?: number; inplace?: boolean }, inplace?: boolean | { inplace?: boolean }, options?: { inplace?: boolean });
  constructor(...args: unknown[]) {
    super();
    const [p, inplace] = DROPOUT.bind(args) as [number, boolean];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw opError('Dropout', `dropout probability has to be between 0 and 1, but got ${fmtValue(p)}`);
    }
    this.p = p;
    this.inplace = inplace;
  }
  /** In training mode, the input with elements zeroed with probability p and the rest scaled
   * by 1 / (1 - p); in eval mode, the input. */
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
  /** "p=0.5, inplace=False", as PyTorch prints it. */
  override extraRepr(): string {
    return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}

const SOFTMAX = new Signature('Softmax', [required('dim', is.any, 0)]);
/** Softmax along `dim`: each slice along dim sums to 1; the input's shape (torch.nn.Softmax). */
export class Softmax extends Module {
  /** The dim along which the outputs sum to 1. */
  readonly dim: number;
  /** Softmax(dim), positionally or by name. */
  constructor(dim: number | { dim: number });
  constructor(...args: unknown[]) {
    super();
    this.dim = checkInt('Softmax', 'dim', SOFTMAX.bind(args)[0]);
  }
  /** softmax(input, dim): the input's shape. */
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  /** "dim=1", as PyTorch prints it. */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

registerClass('nn.Linear', 'module', LINEAR, Linear);
registerClass('nn.GELU', 'module', GELU_SIG, GELU);
registerClass('nn.Dropout', 'module', DROPOUT, Dropout);
registerClass('nn.Softmax', 'module', SOFTMAX, Softmax);

// The activation modules of the F activations defined in lib/nn/functional.ts (the others
// are in ./activations); `inplace` as PyTorch's, reprs as PyTorch 1.13 prints them.
/** nn.LeakyReLU(negativeSlope = 0.01, inplace = false): F.leakyRelu as a module. */
export const LeakyReLU = activationModule('LeakyReLU', [optional('negativeSlope', is.number, 0.01, 0.2), inplace],
  (x, slope: number, ip: boolean) => inPlaceIf(ip, x, (y) => F.leakyRelu(y, slope)),
  ([slope, ip]) => [`negative_slope=${slope}`, inplaceRepr(ip)].filter(Boolean).join(', '));
/** nn.SiLU(inplace = false): F.silu (x·sigmoid(x)) as a module. */
export const SiLU = activationModule('SiLU', [inplace], (x, ip: boolean) => inPlaceIf(ip, x, F.silu), ([ip]) => inplaceRepr(ip));
/** nn.Softplus(beta = 1, threshold = 20): F.softplus as a module. */
export const Softplus = activationModule('Softplus', [optional('beta', is.number, 1, 2), optional('threshold', is.number, 20, 10)],
  (x, beta: number, threshold: number) => F.softplus(x, beta, threshold),
  ([beta, threshold]) => `beta=${beta}, threshold=${threshold}`);
/** nn.ELU(alpha = 1, inplace = false): F.elu as a module. */
export const ELU = activationModule('ELU', [optional('alpha', is.number, 1, 0.5), inplace],
  (x, alpha: number, ip: boolean) => inPlaceIf(ip, x, (y) => F.elu(y, alpha)),
  ([alpha, ip]) => [`alpha=${fmtFloat(alpha)}`, inplaceRepr(ip)].filter(Boolean).join(', '));
/** nn.LogSoftmax(dim): F.logSoftmax along dim as a module. */
export const LogSoftmax = activationModule('LogSoftmax', [required('dim', is.int, 1)], (x, dim: number) => F.logSoftmax(x, dim), ([dim]) => `dim=${dim}`);
