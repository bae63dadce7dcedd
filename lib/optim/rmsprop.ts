// RMSprop, optionally centered and with momentum.
import type { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { Optimizer, defaultsOf, nonNegative, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { registerClass } from '../ops/registry';

/** RMSprop's options (PyTorch's lr, alpha, eps, weight_decay, momentum, centered, maximize). */
export interface RMSpropOptions {
  /** The learning rate (default 1e-2). */
  lr: number;
  /** The smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** The momentum factor (default 0). */
  momentum: number;
  /** Whether to divide by the estimated variance of the gradient rather than its raw second
   * moment (default false). */
  centered: boolean;
  /** Whether to maximise the objective instead of minimising it (default false; keyword-only). */
  maximize: boolean;
}

// PyTorch's RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *, maximize=False).
const RMSPROP_SIG = optimizerSignature(
  'RMSprop',
  [['lr', 1e-2, 0.05], ['alpha', 0.99, 0.9], ['eps', 1e-8, 1e-6], ['weightDecay', 0, 0.1], ['momentum', 0, 0.5], ['centered', false, true], ['maximize', false, true]],
  ['maximize'],
);

/** The RMSprop optimizer, optionally centered and with momentum (torch.optim.RMSprop). */
export class RMSprop extends Optimizer<RMSpropOptions> {
  protected override readonly stepFormat = 'number';
  constructor(params: Params<RMSpropOptions>, ...args: OptimizerArgs<RMSpropOptions>) {
    super(params, defaultsOf(RMSPROP_SIG), optionsOf(RMSPROP_SIG, [params, ...args]));
  }

  protected checkGroup(g: ParamGroup<RMSpropOptions>): void {
    nonNegative(this.name, g, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum']);
  }

  protected updateParam(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<RMSpropOptions>): void {
    const buffers = [(state.squareAvg ??= zerosLike(p)) as Tensor];
    if (g.centered) buffers.push((state.gradAvg ??= zerosLike(p)) as Tensor);
    if (g.momentum > 0) buffers.push((state.momentumBuffer ??= zerosLike(p)) as Tensor);
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    this.nativeStep('Rmsprop', { lr, alpha, eps, weightDecay, momentum, centered, maximize }, p, grad, buffers);
  }
}

registerClass('optim.RMSprop', 'optimizer', RMSPROP_SIG, RMSprop);
