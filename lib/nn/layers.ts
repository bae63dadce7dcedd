// Layers: Linear, Sequential, activations as modules. Their reprs are PyTorch's
// (`Linear(in_features=3, out_features=2, bias=True)`), so printed models read the same.
import type { Tensor } from '../tensor';
import type { DType } from '../dtype';
import { checkInt, fmtValue, opTypeError } from '../check';
import { empty } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import * as F from './functional';

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
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
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias ?? true ? new Parameter(empty([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming-uniform weight (a = √5), uniform(±1/√in) bias. */
  resetParameters(): void {
    // TODO(rng): nn.init's Linear initialisation.
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
