// RAdam: Adam with the variance of the adaptive lr rectified (Liu et al., 2019).
import type { Tensor } from '../tensor';
import { zerosLike } from '../ops/creation';
import { Optimizer, defaultsOf, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { checkAdamOptions } from './adam';
import { registerClass } from '../ops/registry';

/** RAdam's options (PyTorch's lr, betas, eps, weight_decay). */
export interface RAdamOptions {
  /** The learning rate (default 1e-3). */
  lr: number;
  /** The decay rates of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** An L2 penalty added to the gradient (default 0). */
  weightDecay: number;
}

// PyTorch's RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None).
const RADAM_SIG = optimizerSignature('RAdam', [['lr', 1e-3, 0.01], ['betas', [0.9, 0.999], [0.8, 0.99]], ['eps', 1e-8, 1e-6], ['weightDecay', 0, 0.1]]);

/** PyTorch 1.13's torch.optim.RAdam: while the approximated SMA length rho_t is at most 5
 * the update is the bias-corrected momentum alone (SGD with momentum), after that Adam's
 * with the rectification term. State: step, exp_avg, exp_avg_sq. */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, ...args: OptimizerArgs<RAdamOptions>) {
    super(params, defaultsOf(RADAM_SIG), optionsOf(RADAM_SIG, [params, ...args]));
  }

  protected checkGroup(g: ParamGroup<RAdamOptions>): void {
    checkAdamOptions(this.name, g);
  }

  protected updateParam(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<RAdamOptions>): void {
    const step = state.step as number;
    const [beta1, beta2] = g.betas;
    const buffers = [(state.expAvg ??= zerosLike(p)) as Tensor, (state.expAvgSq ??= zerosLike(p)) as Tensor];
    const biasCorrection2 = 1 - beta2 ** step;
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / biasCorrection2;
    const rectified = rhoT > 5;
    const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    this.nativeStep(
      'Radam',
      {
        beta1, beta2, eps: g.eps, weightDecay: g.weightDecay, biasCorrection1: 1 - beta1 ** step, lr: g.lr, rect, rectified,
        sqrtBiasCorrection2: Math.sqrt(biasCorrection2),
      },
      p, grad, buffers,
    );
  }
}

registerClass('optim.RAdam', 'optimizer', RADAM_SIG, RAdam);
