// Adamax: Adam with the infinity norm in place of the second moment.
import type { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { Optimizer, defaultsOf, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { checkAdamOptions } from './adam';
import { registerClass } from '../ops/registry';

/** Adamax's options (PyTorch's lr, betas, eps, weight_decay, maximize). */
export interface AdamaxOptions {
  /** The learning rate (default 2e-3). */
  lr: number;
  /** The decay rates of the running average of the gradient and of the infinity norm (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** An L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Whether to maximise the objective instead of minimising it (default false; keyword-only). */
  maximize: boolean;
}

// PyTorch's Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *, maximize=False).
const ADAMAX_SIG = optimizerSignature(
  'Adamax',
  [['lr', 2e-3, 0.01], ['betas', [0.9, 0.999], [0.8, 0.99]], ['eps', 1e-8, 1e-6], ['weightDecay', 0, 0.1], ['maximize', false, true]],
  ['maximize'],
);

/** PyTorch's torch.optim.Adamax: expAvg as Adam's, expInf = max(beta2 · expInf, |g| + eps),
 * p -= lr / (1 - beta1^step) · expAvg / expInf. State: step, exp_avg, exp_inf. */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, ...args: OptimizerArgs<AdamaxOptions>) {
    super(params, defaultsOf(ADAMAX_SIG), optionsOf(ADAMAX_SIG, [params, ...args]));
  }

  protected checkGroup(g: ParamGroup<AdamaxOptions>): void {
    checkAdamOptions(this.name, g);
  }

  protected updateParam(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamaxOptions>): void {
    const [beta1, beta2] = g.betas;
    const buffers = [(state.expAvg ??= zerosLike(p)) as Tensor, (state.expInf ??= zerosLike(p)) as Tensor];
    const clr = g.lr / (1 - beta1 ** (state.step as number));
    this.nativeStep('Adamax', { clr, beta1, beta2, eps: g.eps, weightDecay: g.weightDecay, maximize: g.maximize }, p, grad, buffers);
  }
}

registerClass('optim.Adamax', 'optimizer', ADAMAX_SIG, Adamax);
