// Adagrad, with learning-rate decay and an initial accumulator value.
import type { Tensor } from '../tensor';
import { fullLike } from '../ops/creation';
import { Optimizer, defaultsOf, nonNegative, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { registerClass } from '../ops/registry';

/** Adagrad's options (PyTorch's lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize). */
export interface AdagradOptions {
  /** The learning rate (default 1e-2). */
  lr: number;
  /** The learning-rate decay: step t uses lr / (1 + (t - 1)·lrDecay) (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** The starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Whether to maximise the objective instead of minimising it (default false; keyword-only). */
  maximize: boolean;
}

// PyTorch's Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, *, maximize=False).
const ADAGRAD_SIG = optimizerSignature(
  'Adagrad',
  [['lr', 1e-2, 0.05], ['lrDecay', 0, 0.1], ['weightDecay', 0, 0.1], ['initialAccumulatorValue', 0, 0.5], ['eps', 1e-10, 1e-6], ['maximize', false, true]],
  ['maximize'],
);

/** The Adagrad optimizer, with learning-rate decay and an initial accumulator value
 * (torch.optim.Adagrad). */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, ...args: OptimizerArgs<AdagradOptions>) {
    super(params, defaultsOf(ADAGRAD_SIG), optionsOf(ADAGRAD_SIG, [params, ...args]));
  }

  protected checkGroup(g: ParamGroup<AdagradOptions>): void {
    nonNegative(this.name, g, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
  }

  protected updateParam(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdagradOptions>): void {
    const sum = (state.sum ??= fullLike(p, g.initialAccumulatorValue)) as Tensor;
    const clr = g.lr / (1 + ((state.step as number) - 1) * g.lrDecay);
    this.nativeStep('Adagrad', { clr, eps: g.eps, weightDecay: g.weightDecay, maximize: g.maximize }, p, grad, [sum]);
  }
}

registerClass('optim.Adagrad', 'optimizer', ADAGRAD_SIG, Adagrad);
