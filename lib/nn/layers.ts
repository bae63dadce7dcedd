// Layers: Linear, Sequential, activations as modules. Their reprs are PyTorch's
// (`Linear(in_features=3, out_features=2, bias=True)`), so printed models read the same.
import type { Tensor } from '../tensor';
import type { DType } from '../dtype';
import { Signature, checkInt, checkShape, fmtValue, is, keyword, opError, opTypeError, optional, required } from '../check';
import { registerClass } from '../ops/registry';
import { checkDevice, type Device } from '../device';
import { empty } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import * as F from './functional';
import { resetLinear_ } from './init';

export interface LinearOptions {
  inFeatures?: number;
  outFeatures?: number;
  bias?: boolean;
  dtype?: DType;
  /** 'cpu', the only device of this build (others are errors, as for tensors). */
  device?: string | Device;
}

const LINEAR = new Signature('Linear', [
  required('inFeatures', is.any, 3),
  required('outFeatures', is.any, 2),
  optional('bias', is.bool, true, false),
  keyword('device', is.any, undefined),
  keyword('dtype', is.any, 'float32', 'float64'),
]);

/** y = x W^T + b, W of shape [outFeatures, inFeatures], initialised as PyTorch does. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
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

  override forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/** Modules applied in order; children are named "0", "1", ... and indexable: seq[0]. */
export class Sequential extends Module {
  [index: number]: Module;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  get length(): number {
    return this.children().length;
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    if (!(module instanceof Module)) throw opTypeError('Sequential', `${fmtValue(module)} is not a Module`);
    this.registerModule(String(this.length), module);
    return this;
  }

  override forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this.children()) x = m.forward(x) as Tensor;
    return x;
  }
}

export class ReLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.relu(input);
  }
}

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

const GELU_SIG = new Signature('GELU', [optional('approximate', is.oneOf('none', 'tanh'), 'none', 'tanh')]);
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(approximate?: 'none' | 'tanh' | { approximate?: 'none' | 'tanh' });
  constructor(...args: unknown[]) {
    super();
    [this.approximate] = GELU_SIG.bind(args) as ['none' | 'tanh'];
  }
  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** Zeroes each element with probability p in training mode (scaling the others by
 * 1 / (1 - p)); the identity in eval mode. */
const DROPOUT = new Signature('Dropout', [optional('p', is.any, 0.5, 0.2), optional('inplace', is.bool, false, true)]);
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;
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
  override forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.inplace);
  }
  override extraRepr(): string {
    return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`;
  }
}

/** Softmax along `dim`. */
const SOFTMAX = new Signature('Softmax', [required('dim', is.any, 0)]);
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim: number | { dim: number });
  constructor(...args: unknown[]) {
    super();
    this.dim = checkInt('Softmax', 'dim', SOFTMAX.bind(args)[0]);
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

registerClass('nn.Linear', 'module', LINEAR, Linear);
registerClass('nn.GELU', 'module', GELU_SIG, GELU);
registerClass('nn.Dropout', 'module', DROPOUT, Dropout);
registerClass('nn.Softmax', 'module', SOFTMAX, Softmax);
