// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.
import type { Tensor } from '../tensor';
import { opError } from '../check';
import { zerosLike } from '../ops/creation';
import { Optimizer, checkOption, defaultsOf, nonNegative, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { registerClass } from '../ops/registry';

/** SGD's options (PyTorch's lr, momentum, dampening, weight_decay, nesterov, maximize). */
export interface SGDOptions {
  /** The learning rate (required). */
  lr: number;
  /** The momentum factor (default 0: none). */
  momentum: number;
  /** How much of each gradient the momentum buffer leaves out (default 0). */
  dampening: number;
  /** L2 penalty: weightDecay·p is added to the gradient (default 0). */
  weightDecay: number;
  /** Whether to use Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Whether to maximise the objective instead of minimising it (default false; keyword-only). */
  maximize: boolean;
}

const SGD_SIG = optimizerSignature(
  'SGD',
  [['lr', undefined, 0.05], ['momentum', 0, 0.9], ['dampening', 0, 0.1], ['weightDecay', 0, 0.01], ['nesterov', false, false], ['maximize', false, true]],
  ['maximize'],
);

/** Stochastic gradient descent, with momentum, dampening, Nesterov momentum and weight decay
 * (torch.optim.SGD). */
export class SGD extends Optimizer<SGDOptions> {
  /** PyTorch's SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
   * maximize=False): lr is required, as in PyTorch. */
  constructor(params: Params<SGDOptions>, ...args: OptimizerArgs<SGDOptions>) {
    super(params, defaultsOf(SGD_SIG), optionsOf(SGD_SIG, [params, ...args]));
  }

  protected override readonly stepFormat = 'none';

  /** PyTorch's SGD state always has a momentum_buffer (None without momentum) and no step. */
  protected override exportState(s: ParamState): Record<string, Tensor | number | null> {
    return { momentum_buffer: null, ...super.exportState(s) };
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

registerClass('optim.SGD', 'optimizer', SGD_SIG, SGD);
