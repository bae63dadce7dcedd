// NAdam: Adam with Nesterov momentum and a momentum schedule (Dozat, 2016).
import type { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { Optimizer, defaultsOf, nonNegative, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { checkAdamOptions } from './adam';
import { registerClass } from '../ops/registry';

/** NAdam's options (PyTorch's lr, betas, eps, weight_decay, momentum_decay). */
export interface NAdamOptions {
  /** The learning rate (default 2e-3). */
  lr: number;
  /** The decay rates of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** An L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** The momentum schedule: mu_t = beta1 (1 - 0.96^(t·momentumDecay) / 2) (default 4e-3). */
  momentumDecay: number;
}

// PyTorch's NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, foreach=None).
const NADAM_SIG = optimizerSignature('NAdam', [
  ['lr', 2e-3, 0.01], ['betas', [0.9, 0.999], [0.8, 0.99]], ['eps', 1e-8, 1e-6], ['weightDecay', 0, 0.1], ['momentumDecay', 4e-3, 0.05],
]);

/** PyTorch's torch.optim.NAdam, with the arithmetic of 1.13's foreach implementation and
 * of PyTorch 2 (1.13's default single-tensor loop multiplied mu into the next momentum
 * product twice; the golden file follows the foreach one). State: step, mu_product (the product of the momentum
 * schedule so far, a float32 scalar as in PyTorch), exp_avg, exp_avg_sq. */
export class NAdam extends Optimizer<NAdamOptions> {
  protected override readonly scalarState = ['muProduct'];
  constructor(params: Params<NAdamOptions>, ...args: OptimizerArgs<NAdamOptions>) {
    super(params, defaultsOf(NADAM_SIG), optionsOf(NADAM_SIG, [params, ...args]));
  }

  protected checkGroup(g: ParamGroup<NAdamOptions>): void {
    checkAdamOptions(this.name, g);
    nonNegative(this.name, g, ['momentumDecay']);
  }

  protected updateParam(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<NAdamOptions>): void {
    const step = state.step as number;
    const [beta1, beta2] = g.betas;
    const buffers = [(state.expAvg ??= zerosLike(p)) as Tensor, (state.expAvgSq ??= zerosLike(p)) as Tensor];
    // The momentum at this step and the next; PyTorch multiplies mu into its float32
    // mu_product tensor (a float32 product: Math.fround).
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * g.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * g.momentumDecay));
    const muProduct = Math.fround(Math.fround((state.muProduct ?? 1) as number) * Math.fround(mu));
    state.muProduct = muProduct;
    this.nativeStep(
      'Nadam',
      {
        beta1,
        beta2,
        eps: g.eps,
        weightDecay: g.weightDecay,
        sqrtBiasCorrection2: Math.sqrt(1 - beta2 ** step),
        gradStep: ((g.lr * (1 - mu)) / (1 - muProduct)) * -1,
        avgStep: ((g.lr * muNext) / (1 - muProduct * muNext)) * -1,
      },
      p, grad, buffers,
    );
  }
}

registerClass('optim.NAdam', 'optimizer', NADAM_SIG, NAdam);
