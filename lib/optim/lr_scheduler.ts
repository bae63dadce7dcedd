// Learning-rate schedulers (torch.optim.lr_scheduler). Each computes the next lr from the
// groups' current lr ("chainable" form, as PyTorch 1.13 does), so schedulers compose and
// an lr changed by hand carries on from there. step() is called once per epoch, after
// optimizer.step().
import { Signature, fmtValue, is, opError, optional, required } from '../check';
import { registerClass } from '../ops/registry';
import { checkOption } from './optimizer';
import type { BaseOptions, Optimizer } from './optimizer';

/** A scheduler's state: every own field except the optimizer. */
export type SchedulerStateDict = Record<string, unknown>;

/** The base of the learning-rate schedulers (torch.optim.lr_scheduler.LRScheduler): step()
 * once per epoch, after optimizer.step(), sets each group's lr. */
export abstract class LRScheduler {
  /** The optimizer whose groups' lr this scheduler sets. */
  readonly optimizer: Optimizer<BaseOptions>;
  /** The index of the last epoch (-1 before the first step). */
  lastEpoch: number;
  /** Each group's lr when the schedule started (its initialLr). */
  baseLrs: number[];
  private stepCount = 0;
  private lastLr: number[] = [];

  constructor(optimizer: Optimizer<BaseOptions>, lastEpoch: number) {
    const op = new.target.name;
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw opError(op, `${fmtValue(optimizer)} is not an Optimizer`);
    checkOption(op, 'lastEpoch', lastEpoch, (v) => Number.isInteger(v) && v >= -1, 'an integer >= -1');
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) {
        throw opError(op, `param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The lr of each group for the current lastEpoch, from the groups' current lr. */
  protected abstract getLr(): number[];

  /** The subclass's constructor calls this last: PyTorch's initial step to epoch 0. */
  protected initialStep(): void {
    this.step();
  }

  /** Advances one epoch and sets each group's lr (torch's scheduler.step()). */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = lrs;
  }

  /** The learning rates the last step() set, one per group (torch's get_last_lr). */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** Whether the scheduler is at its first step after being created (for closed forms). */
  protected get isFirstStep(): boolean {
    return this.stepCount === 1;
  }

  /** Each group's lr as it stands. */
  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The scheduler's state (every field but the optimizer), for save/load (torch's state_dict). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'optimizer') out[key] = Array.isArray(value) ? value.slice() : value;
    }
    return out;
  }

  /** Restores a state from stateDict(); unknown keys and values of another type throw
   * (torch's load_state_dict). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object') throw opError(op, `expected a state dict, got ${fmtValue(stateDict)}`);
    const own = this as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(stateDict)) {
      if (key === 'optimizer' || !(key in own)) throw opError(op, `unexpected key ${JSON.stringify(key)}`);
      if (typeof value !== typeof own[key]) throw opError(op, `${key} is ${fmtValue(value)}, expected a ${typeof own[key]}`);
      own[key] = Array.isArray(value) ? value.slice() : value;
    }
  }
}

// The schedulers' signatures (the optimizer first; then PyTorch's parameters in its order).
const optimizerParam = required('optimizer', is.any);
const lastEpoch = optional('lastEpoch', is.int, -1); // resuming (>= 0) needs initialLr in the groups
const STEP_LR = new Signature('StepLR', [optimizerParam, required('stepSize', is.any, 2), optional('gamma', is.number, 0.1, 0.5), lastEpoch]);
const EXPONENTIAL_LR = new Signature('ExponentialLR', [optimizerParam, required('gamma', is.any, 0.5), lastEpoch]);
const COSINE = new Signature('CosineAnnealingLR', [optimizerParam, required('tMax', is.any, 4), optional('etaMin', is.number, 0, 0.01), lastEpoch]);
/** StepLR's arguments by name (PyTorch's step_size, gamma, last_epoch). */
export interface StepLROptions {
  /** The period of the decay, in epochs (a positive integer). */
  stepSize?: number;
  /** The factor the lr is multiplied by each period (default 0.1). */
  gamma?: number;
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}
/** ExponentialLR's arguments by name (PyTorch's gamma, last_epoch). */
export interface ExponentialLROptions {
  /** The factor the lr is multiplied by every epoch. */
  gamma?: number;
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}
/** CosineAnnealingLR's arguments by name (PyTorch's T_max, eta_min, last_epoch). */
export interface CosineOptions {
  /** The number of epochs of the half cosine (PyTorch's T_max). */
  tMax?: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}

/** Multiplies the lr by gamma every stepSize epochs (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler {
  /** The period of the decay, in epochs. */
  readonly stepSize: number;
  /** The factor the lr is multiplied by each period. */
  readonly gamma: number;
  /** PyTorch's StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1). */
  constructor(optimizer: Optimizer<BaseOptions>, stepSize: number | StepLROptions, gamma?: number | StepLROptions, lastEpoch?: number | StepLROptions, options?: StepLROptions);
  constructor(...args: unknown[]) {
    const [optimizer, stepSize, gamma, lastEpoch] = STEP_LR.bind(args) as [Optimizer<BaseOptions>, number, number, number];
    checkOption('StepLR', 'stepSize', stepSize, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/** Multiplies the lr by gamma every epoch (torch.optim.lr_scheduler.ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  /** The factor the lr is multiplied by every epoch. */
  readonly gamma: number;
  /** PyTorch's ExponentialLR(optimizer, gamma, last_epoch=-1). */
  constructor(optimizer: Optimizer<BaseOptions>, gamma: number | ExponentialLROptions, lastEpoch?: number | ExponentialLROptions, options?: ExponentialLROptions);
  constructor(...args: unknown[]) {
    const [optimizer, gamma, lastEpoch] = EXPONENTIAL_LR.bind(args) as [Optimizer<BaseOptions>, number, number];
    checkOption('ExponentialLR', 'gamma', gamma, Number.isFinite, 'a number');
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.currentLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
}

/** Anneals the lr from its initial value to etaMin along a half cosine over tMax epochs
 * (and back up over the next tMax, as PyTorch's recursive form does)
 * (torch.optim.lr_scheduler.CosineAnnealingLR). */
export class CosineAnnealingLR extends LRScheduler {
  /** The number of epochs of the half cosine (T_max). */
  readonly tMax: number;
  /** The lowest lr (eta_min). */
  readonly etaMin: number;
  /** PyTorch's CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1). */
  constructor(
    optimizer: Optimizer<BaseOptions>, tMax: number | CosineOptions, etaMin?: number | CosineOptions, lastEpoch?: number | CosineOptions, options?: CosineOptions,
  );
  constructor(...args: unknown[]) {
    const [optimizer, tMax, etaMin, lastEpoch] = COSINE.bind(args) as [Optimizer<BaseOptions>, number, number, number];
    checkOption('CosineAnnealingLR', 'tMax', tMax, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
    super(optimizer, lastEpoch);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const lrs = this.currentLrs();
    if (e === 0) return lrs;
    if (this.isFirstStep && e > 0) {
      // Resuming at a later epoch: the closed form.
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }
}

registerClass('optim.lrScheduler.StepLR', 'scheduler', STEP_LR, StepLR);
registerClass('optim.lrScheduler.ExponentialLR', 'scheduler', EXPONENTIAL_LR, ExponentialLR);
registerClass('optim.lrScheduler.CosineAnnealingLR', 'scheduler', COSINE, CosineAnnealingLR);
