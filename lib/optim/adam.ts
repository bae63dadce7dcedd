// Adam and AdamW (decoupled weight decay), with the AMSGrad variant.
import type { Tensor } from '../tensor';
import { fmtValue, opTypeError } from '../check';
import { zerosLike } from '../ops/creation';
import { Optimizer, checkOption, defaultsOf, nonNegative, optimizerSignature, optionsOf, type OptimizerArgs, type ParamGroup, type ParamState, type Params } from './optimizer';
import { registerClass } from '../ops/registry';

/** Adam's and AdamW's options (PyTorch's lr, betas, eps, weight_decay, amsgrad, maximize). */
export interface AdamOptions {
  /** The learning rate (default 1e-3). */
  lr: number;
  /** The decay rates of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay: an L2 penalty added to the gradient for Adam (default 0), a decoupled shrink
   * p *= 1 - lr·weightDecay for AdamW (default 0.01). */
  weightDecay: number;
  /** Whether to use the AMSGrad variant (the maximum of past squared-gradient averages) (default false). */
  amsgrad: boolean;
  /** Whether to maximise the objective instead of minimising it (default false; keyword-only). */
  maximize: boolean;
}

const inUnitInterval = (v: number): boolean => v >= 0 && v < 1;

abstract class AdamBase extends Optimizer<AdamOptions> {
  /** Whether weight decay shrinks the parameter (AdamW) rather than adding to the gradient (Adam). */
  protected abstract readonly decoupled: boolean;

  protected checkGroup(g: ParamGroup<AdamOptions>): void {
    nonNegative(this.name, g, ['lr', 'eps', 'weightDecay']);
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw opTypeError(this.name, `betas must be [beta1, beta2], got ${fmtValue(g.betas)}`);
    checkOption(this.name, 'betas[0]', g.betas[0], inUnitInterval, 'in [0, 1)');
    checkOption(this.name, 'betas[1]', g.betas[1], inUnitInterval, 'in [0, 1)');
  }

  protected updateParam(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>): void {
    const step = state.step as number;
    const [beta1, beta2] = g.betas;
    const buffers = [(state.expAvg ??= zerosLike(p)) as Tensor, (state.expAvgSq ??= zerosLike(p)) as Tensor];
    if (g.amsgrad) buffers.push((state.maxExpAvgSq ??= zerosLike(p)) as Tensor);
    const stepSize = g.lr / (1 - beta1 ** step);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const decay = this.decoupled ? 1 - g.lr * g.weightDecay : 1;
    const weightDecay = this.decoupled ? 0 : g.weightDecay;
    const { eps, amsgrad, maximize } = g;
    this.nativeStep('Adam', { stepSize, beta1, beta2, eps, weightDecay, biasCorrection2Sqrt, amsgrad, maximize, decay }, p, grad, buffers);
  }
}

// PyTorch's Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *, maximize=False).
const adamSignature = (name: string, weightDecay: number) =>
  optimizerSignature(
    name,
    [['lr', 1e-3, 0.01], ['betas', [0.9, 0.999], [0.8, 0.99]], ['eps', 1e-8, 1e-6], ['weightDecay', weightDecay, 0.1], ['amsgrad', false, true], ['maximize', false, true]],
    ['maximize'],
  );
const ADAM_SIG = adamSignature('Adam', 0);
const ADAMW_SIG = adamSignature('AdamW', 1e-2);

/** The Adam optimizer (torch.optim.Adam): Adam(params, lr = 1e-3, betas, eps, weightDecay,
 * amsgrad, {maximize}), options positionally or by name. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Params<AdamOptions>, ...args: OptimizerArgs<AdamOptions>) {
    super(params, defaultsOf(ADAM_SIG), optionsOf(ADAM_SIG, [params, ...args]));
  }
}

/** Adam with decoupled weight decay (default 0.01): p *= 1 - lr * weightDecay, then Adam
 * (torch.optim.AdamW). */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Params<AdamOptions>, ...args: OptimizerArgs<AdamOptions>) {
    super(params, defaultsOf(ADAMW_SIG), optionsOf(ADAMW_SIG, [params, ...args]));
  }
}

registerClass('optim.Adam', 'optimizer', ADAM_SIG, Adam);
registerClass('optim.AdamW', 'optimizer', ADAMW_SIG, AdamW);
