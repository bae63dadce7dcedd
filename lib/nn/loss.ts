// Loss modules: each holds its options (the reduction, checked when it is constructed;
// class weights as buffers, as in PyTorch) and calls the functional form in forward.
import type { Tensor } from '../tensor';
import { Module } from './module';
import { Signature, is, keyword } from '../check';
import { registerClass } from '../ops/registry';
import * as F from './functional';
import type { Reduction } from './functional';

export interface LossOptions {
  reduction?: Reduction;
}

// A loss module's options are PyTorch's keyword arguments (its deprecated positional
// size_average/reduce are left out): each class lists its names, and an unknown one throws.
const LOSS_OPTIONS: Record<string, string[]> = {
  MSELoss: [], L1Loss: [], HuberLoss: ['delta'], SmoothL1Loss: ['beta'], NLLLoss: ['weight', 'ignoreIndex'],
  CrossEntropyLoss: ['weight', 'ignoreIndex', 'labelSmoothing'], BCELoss: ['weight'], BCEWithLogitsLoss: ['weight', 'posWeight'],
};
const LOSS_EXAMPLES: Record<string, unknown> = { reduction: 'sum', delta: 0.5, beta: 0.5, ignoreIndex: 1, labelSmoothing: 0.1 };
export const LOSS_SIGNATURES: Record<string, Signature> = Object.fromEntries(
  Object.entries(LOSS_OPTIONS).map(([name, keys]) => [
    name,
    new Signature(name, ['reduction', ...keys].map((k) => keyword(k, is.any, undefined, LOSS_EXAMPLES[k]))),
  ]),
);

abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    super();
    LOSS_SIGNATURES[new.target.name]?.bind([options]);
    this.reduction = F.checkReduction(new.target.name, options.reduction);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** Losses with an optional per-class (or per-element) weight, registered as a buffer. */
abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(options: LossOptions & { weight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
}

/** Mean squared error. */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error. */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export interface NLLLossOptions extends LossOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
}

/** Negative log likelihood of log-probabilities at int32 class targets. */
export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  constructor(options: NLLLossOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** logSoftmax + nllLoss over logits, with optional label smoothing. */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options: NLLLossOptions & { labelSmoothing?: number } = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Binary cross entropy of probabilities. */
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/** Sigmoid + binary cross entropy in the numerically stable form. */
export class BCEWithLogitsLoss extends WeightedLoss {
  declare posWeight: Tensor | null;
  constructor(options: LossOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('posWeight', options.posWeight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, weight: this.weight, posWeight: this.posWeight });
  }
}

for (const cls of [MSELoss, L1Loss, HuberLoss, SmoothL1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss]) {
  registerClass(`nn.${cls.name}`, 'module', LOSS_SIGNATURES[cls.name], cls);
}
