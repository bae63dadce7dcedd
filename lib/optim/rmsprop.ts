// RMSprop, optionally centered and with momentum.
import type { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { Optimizer, nonNegative, type ParamGroup, type ParamState, type Params } from './optimizer';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, options);
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
