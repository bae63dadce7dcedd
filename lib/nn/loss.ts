// Loss modules: each holds its options (the reduction, checked when it is constructed;
// class weights as buffers, as in PyTorch) and calls the functional form in forward.
import type { Tensor } from '../tensor';
import { Module } from './module';
import { Signature, is, keyword } from '../check';
import { registerClass } from '../ops/registry';
import * as F from './functional';
import type { Reduction } from './functional';

/** The option every loss module takes (PyTorch's reduction=). */
export interface LossOptions {
  /** 'mean' (default) averages the per-element losses, 'sum' adds them, 'none' returns them
   * in the input's shape. */
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
  /** How the per-element losses are reduced: 'mean', 'sum' or 'none'. */
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    super();
    LOSS_SIGNATURES[new.target.name]?.bind([options]);
    this.reduction = F.checkReduction(new.target.name, options.reduction);
  }
  /** The loss of `input` against `target`: a 0-d tensor, or the per-element losses for
   * reduction 'none'. */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** Losses with an optional per-class (or per-element) weight, registered as a buffer. */
abstract class WeightedLoss extends Loss {
  /** The rescaling weight (a buffer), or null. */
  declare weight: Tensor | null;
  constructor(options: LossOptions & { weight?: Tensor | null } = {}) {
    super(options);
    this.registerBuffer('weight', options.weight ?? null);
  }
}

/** The mean squared error (input - target)² (torch.nn.MSELoss); input and target of one
 * shape (or broadcastable). */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** The mean absolute error |input - target| (torch.nn.L1Loss); input and target of one
 * shape (or broadcastable). */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** The Huber loss: quadratic for |input - target| < delta, linear beyond (torch.nn.HuberLoss).
 * Input and target of one shape (or broadcastable). */
export class HuberLoss extends Loss {
  /** Where the loss turns from quadratic to linear (default 1). */
  readonly delta: number;
  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** The smooth L1 loss: 0.5 d²/beta for |d| < beta, |d| - 0.5 beta beyond, d = input - target
 * (torch.nn.SmoothL1Loss). Input and target of one shape. */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from quadratic to linear (default 1; 0 is the L1 loss). */
  readonly beta: number;
  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** The options of NLLLoss and CrossEntropyLoss (PyTorch's weight=, ignore_index=, reduction=). */
export interface NLLLossOptions extends LossOptions {
  /** A weight per class, of shape [C], that rescales each target's loss (default none). */
  weight?: Tensor | null;
  /** A target value whose samples count for nothing, in the loss and the mean (default -100). */
  ignoreIndex?: number;
}

/** The negative log likelihood of log-probabilities at int32 class targets
 * (torch.nn.NLLLoss): input (N, C) or (N, C, d...) and target (N) or (N, d...), or input (C)
 * and a 0-d target. */
export class NLLLoss extends WeightedLoss {
  /** The target value whose samples are ignored (default -100). */
  readonly ignoreIndex: number;
  constructor(options: NLLLossOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** logSoftmax + nllLoss over logits, with optional label smoothing (torch.nn.CrossEntropyLoss):
 * input (N, C) or (N, C, d...) logits and int32 class targets (N) or (N, d...). */
export class CrossEntropyLoss extends WeightedLoss {
  /** The target value whose samples are ignored (default -100). */
  readonly ignoreIndex: number;
  /** How much of each target's probability is spread evenly over the classes (default 0). */
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

/** The binary cross entropy of probabilities in [0, 1] against targets of the same shape
 * (torch.nn.BCELoss). */
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { reduction: this.reduction, weight: this.weight });
  }
}

/** Sigmoid + binary cross entropy in the numerically stable form, on logits and targets of
 * one shape (torch.nn.BCEWithLogitsLoss). */
export class BCEWithLogitsLoss extends WeightedLoss {
  /** A weight of positive examples per class (a buffer), broadcast along the last dim, or null. */
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
