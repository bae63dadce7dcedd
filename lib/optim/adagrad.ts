// Adagrad, with learning-rate decay and an initial accumulator value.
import type { Tensor } from '../tensor';
import { fullLike } from '../ops/creation';
import { Optimizer, nonNegative, type ParamGroup, type ParamState, type Params } from './optimizer';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, options);
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
