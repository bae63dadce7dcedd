// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
import type { Tensor } from '../tensor';
import { opError } from '../check';
import { zerosLike } from '../ops/creation';
import { Optimizer, checkOption, nonNegative, type ParamGroup, type ParamState, type Params } from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  /** lr is required, as in PyTorch; the other options default to 0 / false. */
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
    super(params, { lr: undefined, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, options);
  }

  protected checkGroup(g: ParamGroup<SGDOptions>): void {
    nonNegative(this.name, g, ['lr', 'momentum', 'weightDecay']);
    checkOption(this.name, 'dampening', g.dampening, Number.isFinite, 'a number');
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw opError(this.name, 'Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected updateParam(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<SGDOptions>): void {
    const buffers: Tensor[] = [];
    // PyTorch starts the momentum buffer as a copy of the first gradient (the kernel's firstStep).
    const first = state.momentumBuffer === undefined;
    if (g.momentum !== 0) buffers.push((state.momentumBuffer ??= zerosLike(p)) as Tensor);
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    this.nativeStep('Sgd', { lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep: first }, p, grad, buffers);
  }
}
