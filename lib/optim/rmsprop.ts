// RMSprop, optionally centered and with momentum.
import type { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { Optimizer, defaultsOf, nonNegative, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { registerClass } from '../ops/registry';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

// PyTorch's RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, *, maximize=False).
const RMSPROP_SIG = optimizerSignature(
  'RMSprop',
  [['lr', 1e-2, 0.05], ['alpha', 0.99, 0.9], ['eps', 1e-8, 1e-6], ['weightDecay', 0, 0.1], ['momentum', 0, 0.5], ['centered', false, true], ['maximize', false, true]],
  ['maximize'],
);

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
