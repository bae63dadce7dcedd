// Layers: Linear, Sequential, activations as modules. Their reprs are PyTorch's
// (`Linear(in_features=3, out_features=2, bias=True)`), so printed models read the same.
import type { Tensor } from '../tensor';
import type { DType } from '../dtype';
import { checkBool, checkInt, checkShape, fmtValue, opError, opTypeError } from '../check';
import { checkDevice, type Device } from '../device';
import { empty } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import * as F from './functional';
import { resetLinear_ } from './init';

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
  /** 'cpu', the only device of this build (others are errors, as for tensors). */
  device?: string | Device;
}

/** y = x W^T + b, W of shape [outFeatures, inFeatures], initialised as PyTorch does. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = checkInt('Linear', 'inFeatures', inFeatures, 0);
    this.outFeatures = checkInt('Linear', 'outFeatures', outFeatures, 0);
    checkShape('Linear', [outFeatures, inFeatures]); // the weight's shape, checked here to name Linear
    const dtype = options.dtype ?? 'float32';
    if (options.bias !== undefined) checkBool('Linear', 'bias', options.bias);
    if (options.device !== undefined) checkDevice('Linear', options.device);
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias ?? true ? new Parameter(empty([outFeatures], { dtype })) : null;
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

export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
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
export class Dropout extends Module {
  readonly p: number;
  readonly inplace: boolean;
  constructor(p = 0.5, inplace = false) {
    super();
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
export class Softmax extends Module {
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = checkInt('Softmax', 'dim', dim);
  }
  override forward(input: Tensor): Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
