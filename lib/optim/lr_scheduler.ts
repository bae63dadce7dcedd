// Learning-rate schedulers (torch.optim.lr_scheduler). Each computes the next lr from the
// groups' current lr ("chainable" form, as PyTorch 1.13 does), so schedulers compose and
// an lr changed by hand carries on from there; the few PyTorch computes from the initial
// lr (OneCycleLR, CosineAnnealingWarmRestarts, LambdaLR) do so here too. step() is called
// once per epoch, after optimizer.step() (ReduceLROnPlateau's with the epoch's metric).
import { Tensor } from '../tensor';
import { Signature, fmtValue, is, objectCheck, opError, opTypeError, optional, required } from '../check';
import { registerClass } from '../ops/registry';
import { checkOption } from './optimizer';
import type { BaseOptions, Optimizer } from './optimizer';

/** A scheduler's state: every own field except the optimizer. */
export type SchedulerStateDict = Record<string, unknown>;

/** The state dict of a scheduler object: its own fields but `exclude`d ones, arrays copied. */
function ownState(obj: object, exclude: string[]): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key !== 'optimizer' && !exclude.includes(key)) out[key] = Array.isArray(value) ? value.slice() : value;
  }
  return out;
}

/** Loads a state dict from ownState: each key must be a field of the same type. */
function loadOwnState(obj: object, stateDict: SchedulerStateDict, exclude: string[]): void {
  const op = `${obj.constructor.name}.loadStateDict`;
  if (stateDict === null || typeof stateDict !== 'object') throw opError(op, `expected a state dict, got ${fmtValue(stateDict)}`);
  const own = obj as Record<string, unknown>;
  for (const [key, value] of Object.entries(stateDict)) {
    if (exclude.includes(key)) continue;
    if (key === 'optimizer' || !(key in own)) throw opError(op, `unexpected key ${JSON.stringify(key)}`);
    if (typeof value !== typeof own[key]) throw opError(op, `${key} is ${fmtValue(value)}, expected a ${typeof own[key]}`);
    own[key] = Array.isArray(value) ? value.slice() : value;
  }
}

function checkOptimizer(op: string, optimizer: unknown): asserts optimizer is Optimizer<BaseOptions> {
  if (!optimizer || !Array.isArray((optimizer as Optimizer<BaseOptions>).paramGroups)) throw opTypeError(op, `${fmtValue(optimizer)} is not an Optimizer`);
}

/** A value per parameter group: one value for all, or an array of one per group (PyTorch's
 * _format_param). */
function perGroup<T>(op: string, name: string, optimizer: Optimizer<BaseOptions>, value: T | T[]): T[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(value)) return new Array<T>(n).fill(value);
  if (value.length !== n) throw opError(op, `expected ${n} values for ${name}, got ${value.length}`);
  return value.slice();
}

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
    checkOptimizer(op, optimizer);
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

  /** The lr of each group at lastEpoch computed from baseLrs, for the schedulers PyTorch
   * gives one (_get_closed_form_lr): used when a SequentialLR restarts them at epoch 0. */
  protected closedFormLr?(): number[];

  /** @internal PyTorch's _initial_step: the first step, to epoch 0 (the subclass's
   * constructor calls it last; SequentialLR again on its first scheduler). */
  _initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and sets each group's lr (torch's scheduler.step()). */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    this.setLrs(this.getLr());
  }

  /** @internal PyTorch's (deprecated) step(epoch): jumps to `epoch`, by the closed form
   * where there is one. SequentialLR restarts a scheduler with it at its milestone. */
  _stepTo(epoch: number): void {
    this.stepCount += 1;
    this.lastEpoch = epoch;
    this.setLrs(this.closedFormLr ? this.closedFormLr() : this.getLr());
  }

  protected setLrs(lrs: number[]): void {
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
    return ownState(this, []);
  }

  /** Restores a state from stateDict(); unknown keys and values of another type throw
   * (torch's load_state_dict). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    loadOwnState(this, stateDict, []);
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
    this._initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
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
    this._initialStep();
  }
  protected getLr(): number[] {
    const lrs = this.currentLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
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
    this._initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const lrs = this.currentLrs();
    if (e === 0) return lrs;
    if (this.isFirstStep && e > 0) return this.closedFormLr(); // resuming at a later epoch
    if ((e - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }
  protected override closedFormLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

registerClass('optim.lrScheduler.StepLR', 'scheduler', STEP_LR, StepLR);
registerClass('optim.lrScheduler.ExponentialLR', 'scheduler', EXPONENTIAL_LR, ExponentialLR);
registerClass('optim.lrScheduler.CosineAnnealingLR', 'scheduler', COSINE, CosineAnnealingLR);

// ---- the schedules of train2 (issue 15) -------------------------------------------------

const MULTI_STEP_LR = new Signature('MultiStepLR', [optimizerParam, required('milestones', is.any, [1, 3]), optional('gamma', is.number, 0.1, 0.5), lastEpoch]);
const LINEAR_LR = new Signature('LinearLR', [
  optimizerParam, optional('startFactor', is.number, 1.0 / 3, 0.5), optional('endFactor', is.number, 1.0, 0.9), optional('totalIters', is.int, 5, 3), lastEpoch,
]);
const LAMBDA_LR = new Signature('LambdaLR', [optimizerParam, required('lrLambda', is.any, (epoch: number) => 0.5 ** epoch), lastEpoch]);
const WARM_RESTARTS = new Signature('CosineAnnealingWarmRestarts', [
  optimizerParam, required('t0', is.any, 3), optional('tMult', is.any, 1, 2), optional('etaMin', is.number, 0, 0.01), lastEpoch,
]);
const ONE_CYCLE_LR = new Signature('OneCycleLR', [
  optimizerParam,
  required('maxLr', is.any, 0.5),
  optional('totalSteps', is.any, null, 10),
  optional('epochs', is.any, null, 2),
  optional('stepsPerEpoch', is.any, null, 5),
  optional('pctStart', is.number, 0.3, 0.4),
  optional('annealStrategy', is.oneOf('cos', 'linear'), 'cos', 'linear'),
  optional('cycleMomentum', is.bool, true, false),
  optional('baseMomentum', is.any, 0.85, 0.8),
  optional('maxMomentum', is.any, 0.95, 0.9),
  optional('divFactor', is.number, 25, 10),
  optional('finalDivFactor', is.number, 1e4, 100),
  optional('threePhase', is.bool, false, true),
  lastEpoch,
]);
const SEQUENTIAL_LR = new Signature('SequentialLR', [optimizerParam, required('schedulers', objectCheck(is.any)), required('milestones', is.any, [2]), lastEpoch]);
const PLATEAU = new Signature('ReduceLROnPlateau', [
  optimizerParam,
  optional('mode', is.oneOf('min', 'max'), 'min', 'max'),
  optional('factor', is.number, 0.1, 0.5),
  optional('patience', is.int, 10, 2),
  optional('threshold', is.number, 1e-4, 0.01),
  optional('thresholdMode', is.oneOf('rel', 'abs'), 'rel', 'abs'),
  optional('cooldown', is.int, 0, 1),
  optional('minLr', is.any, 0, 0.001),
  optional('eps', is.number, 1e-8, 1e-6),
]);

const isCount = (v: number) => Number.isInteger(v) && v > 0;

/** MultiStepLR's arguments by name (PyTorch's milestones, gamma, last_epoch). */
export interface MultiStepLROptions {
  /** The epochs at which the lr is multiplied by gamma (a milestone listed k times: gamma^k). */
  milestones?: number[];
  /** The factor at each milestone (default 0.1). */
  gamma?: number;
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}

/** Multiplies the lr by gamma at each milestone epoch (by gamma^k at a milestone listed k times). */
export class MultiStepLR extends LRScheduler {
  /** The milestones in increasing order, with repetitions (PyTorch keeps a Counter). */
  readonly milestones: number[];
  /** The factor at each milestone. */
  readonly gamma: number;
  /** PyTorch's MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1). */
  constructor(optimizer: Optimizer<BaseOptions>, milestones: number[] | MultiStepLROptions, gamma?: number | MultiStepLROptions, lastEpoch?: number | MultiStepLROptions, options?: MultiStepLROptions);
  constructor(...args: unknown[]) {
    const [optimizer, milestones, gamma, lastEpoch] = MULTI_STEP_LR.bind(args) as [Optimizer<BaseOptions>, number[], number, number];
    if (!Array.isArray(milestones) || !milestones.every(Number.isInteger)) {
      throw opTypeError('MultiStepLR', `milestones must be an array of integers, got ${fmtValue(milestones)}`);
    }
    super(optimizer, lastEpoch);
    this.milestones = milestones.slice().sort((a, b) => a - b);
    this.gamma = gamma;
    this._initialStep();
  }
  protected getLr(): number[] {
    const times = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.currentLrs();
    return times === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** times);
  }
  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
}

/** LinearLR's arguments by name (PyTorch's start_factor, end_factor, total_iters, last_epoch). */
export interface LinearLROptions {
  /** The factor of the initial lr at epoch 0, in [0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor reached at totalIters, in [0, 1] (default 1). */
  endFactor?: number;
  /** The epochs over which the factor goes from startFactor to endFactor (default 5). */
  totalIters?: number;
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}

/** Scales the lr by a factor that goes linearly from startFactor to endFactor over
 * totalIters epochs, then stays (a warm-up, typically). */
export class LinearLR extends LRScheduler {
  /** The factor of the initial lr at epoch 0. */
  readonly startFactor: number;
  /** The factor reached at totalIters. */
  readonly endFactor: number;
  /** The epochs of the linear change. */
  readonly totalIters: number;
  /** PyTorch's LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch=-1). */
  constructor(
    optimizer: Optimizer<BaseOptions>, startFactor?: number | LinearLROptions, endFactor?: number | LinearLROptions, totalIters?: number | LinearLROptions,
    lastEpoch?: number | LinearLROptions, options?: LinearLROptions,
  );
  constructor(...args: unknown[]) {
    const [optimizer, startFactor, endFactor, totalIters, lastEpoch] = LINEAR_LR.bind(args) as [Optimizer<BaseOptions>, number, number, number, number];
    const inUnit = (v: number) => v >= 0 && v <= 1;
    checkOption('LinearLR', 'startFactor', startFactor, inUnit, 'between 0 and 1');
    checkOption('LinearLR', 'endFactor', endFactor, inUnit, 'between 0 and 1');
    checkOption('LinearLR', 'totalIters', totalIters, isCount, 'a positive integer');
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this._initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    const lrs = this.currentLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }
  protected override closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + ((f - s) * Math.min(n, e)) / n));
  }
}

/** The factor of the initial lr at an epoch. */
export type LrLambda = (epoch: number) => number;

/** Sets each group's lr to its initial lr times lrLambda(epoch) (one function for all
 * groups, or one per group). The functions are not part of the state dict (PyTorch's
 * state_dict() saves lambdas as None too). */
export class LambdaLR extends LRScheduler {
  /** One function per parameter group. */
  readonly lrLambdas: LrLambda[];
  /** PyTorch's LambdaLR(optimizer, lr_lambda, last_epoch=-1). */
  constructor(optimizer: Optimizer<BaseOptions>, lrLambda: LrLambda | LrLambda[] | { lrLambda?: LrLambda | LrLambda[]; lastEpoch?: number }, lastEpoch?: number | { lastEpoch?: number });
  constructor(...args: unknown[]) {
    const [optimizer, lrLambda, lastEpoch] = LAMBDA_LR.bind(args) as [Optimizer<BaseOptions>, LrLambda | LrLambda[], number];
    checkOptimizer('LambdaLR', optimizer);
    const lambdas = perGroup('LambdaLR', 'lrLambda', optimizer, lrLambda);
    lambdas.forEach((fn, i) => {
      if (typeof fn !== 'function') throw opTypeError('LambdaLR', `lrLambda${Array.isArray(lrLambda) ? `[${i}]` : ''} must be a function, got ${fmtValue(fn)}`);
    });
    super(optimizer, lastEpoch);
    this.lrLambdas = lambdas;
    this._initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => {
      const factor = this.lrLambdas[i](this.lastEpoch);
      if (typeof factor !== 'number') throw opTypeError('LambdaLR', `lrLambda(${this.lastEpoch}) returned ${fmtValue(factor)}, expected a number`);
      return base * factor;
    });
  }
  /** The state without the functions: lrLambdas is a list of nulls, as PyTorch saves lambdas. */
  override stateDict(): SchedulerStateDict {
    return { ...ownState(this, ['lrLambdas']), lrLambdas: this.lrLambdas.map(() => null) };
  }
  /** Restores a state from stateDict() (the functions stay the ones given to the constructor). */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    loadOwnState(this, stateDict, ['lrLambdas']);
  }
}

/** CosineAnnealingWarmRestarts' arguments by name (PyTorch's T_0, T_mult, eta_min, last_epoch). */
export interface WarmRestartsOptions {
  /** The length of the first period, in epochs (a positive integer). */
  t0?: number;
  /** The factor by which each period is longer than the last (an integer >= 1, default 1). */
  tMult?: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}

/** SGDR: the cosine annealing of each group's initial lr down to etaMin over t0 epochs,
 * restarting from the initial lr, each period tMult times the last. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** The length of the first period. */
  readonly t0: number;
  /** The factor by which each period is longer than the last. */
  readonly tMult: number;
  /** The lowest lr. */
  readonly etaMin: number;
  /** The length of the current period. */
  tI: number;
  /** Epochs since the last restart. */
  tCur: number;
  /** PyTorch's CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0, last_epoch=-1). */
  constructor(
    optimizer: Optimizer<BaseOptions>, t0: number | WarmRestartsOptions, tMult?: number | WarmRestartsOptions, etaMin?: number | WarmRestartsOptions,
    lastEpoch?: number | WarmRestartsOptions, options?: WarmRestartsOptions,
  );
  constructor(...args: unknown[]) {
    const [optimizer, t0, tMult, etaMin, lastEpoch] = WARM_RESTARTS.bind(args) as [Optimizer<BaseOptions>, number, number, number, number];
    checkOption('CosineAnnealingWarmRestarts', 't0', t0, isCount, 'a positive integer');
    checkOption('CosineAnnealingWarmRestarts', 'tMult', tMult, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
    super(optimizer, lastEpoch);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this._initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  /** Advances one epoch (PyTorch's step() without an epoch). */
  override step(): void {
    if (this.lastEpoch < 0) return this._stepTo(0);
    this.tCur += 1;
    if (this.tCur >= this.tI) {
      this.tCur -= this.tI;
      this.tI *= this.tMult;
    }
    this.lastEpoch += 1;
    this.setLrs(this.getLr());
  }
  /** @internal PyTorch's step(epoch): the period and the position in it for that epoch. */
  override _stepTo(epoch: number): void {
    checkOption('CosineAnnealingWarmRestarts', 'epoch', epoch, (v) => v >= 0, 'non-negative');
    const { t0, tMult } = this;
    if (epoch >= t0 && tMult === 1) {
      this.tCur = epoch % t0;
    } else if (epoch >= t0) {
      const n = Math.trunc(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));
      this.tCur = epoch - (t0 * (tMult ** n - 1)) / (tMult - 1);
      this.tI = t0 * tMult ** n;
    } else {
      this.tI = t0;
      this.tCur = epoch;
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }
}

/** OneCycleLR's arguments by name (PyTorch's max_lr, total_steps, ..., last_epoch). */
export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. */
  maxLr?: number | number[];
  /** The number of steps of the cycle (or give epochs and stepsPerEpoch). */
  totalSteps?: number | null;
  /** With stepsPerEpoch: totalSteps = epochs · stepsPerEpoch. */
  epochs?: number | null;
  /** With epochs: totalSteps = epochs · stepsPerEpoch. */
  stepsPerEpoch?: number | null;
  /** The fraction of the cycle spent raising the lr (default 0.3). */
  pctStart?: number;
  /** How the lr and momentum move between their ends: 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Whether the momentum (SGD's momentum, Adam's beta1) cycles inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** The momentum at the peak lr (default 0.85). */
  baseMomentum?: number | number[];
  /** The momentum at the start and end (default 0.95). */
  maxMomentum?: number | number[];
  /** The initial lr is maxLr / divFactor (default 25). */
  divFactor?: number;
  /** The final lr is the initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Whether the lr goes back to the initial lr before annealing to the final one (default false). */
  threePhase?: boolean;
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}

/** One phase of OneCycleLR's schedule: the step it ends at and the group keys it anneals
 * between (OneCycleLR keeps them in the groups, as PyTorch). */
export interface Phase {
  /** The last step of the phase. */
  endStep: number;
  /** The group key of the lr at the start of the phase. */
  startLr: 'initialLr' | 'maxLr' | 'minLr';
  /** The group key of the lr at the end of the phase. */
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  /** The group key of the momentum at the start of the phase. */
  startMomentum: 'maxMomentum' | 'baseMomentum';
  /** The group key of the momentum at the end of the phase. */
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

/** The 1cycle policy (Smith & Topor): the lr rises from maxLr / divFactor to maxLr over
 * the first pctStart of totalSteps, then anneals to initial / finalDivFactor (threePhase:
 * back to the initial lr first); the momentum (SGD's momentum, Adam's beta1) cycles
 * inversely between maxMomentum and baseMomentum. Stepped once per batch. */
export class OneCycleLR extends LRScheduler {
  /** The number of steps of the cycle. */
  readonly totalSteps: number;
  /** How the lr and momentum move between their ends. */
  readonly annealStrategy: 'cos' | 'linear';
  /** Whether the momentum cycles. */
  readonly cycleMomentum: boolean;
  /** Whether the momentum cycled is Adam's beta1 (the optimizer has betas) or SGD's momentum. */
  readonly useBeta1: boolean;
  /** The phases of the schedule, in order. */
  readonly phases: Phase[];
  /** PyTorch's OneCycleLR(optimizer, max_lr, total_steps=None, epochs=None,
   * steps_per_epoch=None, pct_start=0.3, anneal_strategy='cos', cycle_momentum=True,
   * base_momentum=0.85, max_momentum=0.95, div_factor=25., final_div_factor=1e4,
   * three_phase=False, last_epoch=-1). */
  constructor(optimizer: Optimizer<BaseOptions>, maxLr: number | number[] | OneCycleLROptions, ...rest: (number | string | boolean | null | OneCycleLROptions)[]);
  constructor(...args: unknown[]) {
    const op = 'OneCycleLR';
    const [optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch] =
      ONE_CYCLE_LR.bind(args) as [Optimizer<BaseOptions>, number | number[], number | null, number | null, number | null, number, 'cos' | 'linear', boolean, number | number[], number | number[], number, number, boolean, number];
    checkOptimizer(op, optimizer);
    let total: number;
    if (totalSteps !== null) {
      checkOption(op, 'totalSteps', totalSteps, isCount, 'a positive integer');
      total = totalSteps;
    } else if (epochs !== null || stepsPerEpoch !== null) {
      checkOption(op, 'epochs', epochs, isCount, 'a positive integer');
      checkOption(op, 'stepsPerEpoch', stepsPerEpoch, isCount, 'a positive integer');
      total = (epochs as number) * (stepsPerEpoch as number);
    } else {
      throw opError(op, 'you must define either totalSteps or (epochs and stepsPerEpoch)');
    }
    checkOption(op, 'pctStart', pctStart, (v) => v >= 0 && v <= 1, 'between 0 and 1');
    const groups = optimizer.paramGroups as unknown as Record<string, unknown>[];
    const maxLrs = perGroup(op, 'maxLr', optimizer, maxLr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const defaults = optimizer.defaults as Record<string, unknown>;
    const useBeta1 = 'betas' in defaults;
    if (cycleMomentum) {
      if (!('momentum' in defaults) && !useBeta1) throw opError(op, 'optimizer must support momentum with `cycleMomentum` option enabled');
      const maxMomentums = perGroup(op, 'maxMomentum', optimizer, maxMomentum);
      const baseMomentums = perGroup(op, 'baseMomentum', optimizer, baseMomentum);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          setMomentum(g, useBeta1, maxMomentums[i]);
          g.maxMomentum = maxMomentums[i];
          g.baseMomentum = baseMomentums[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    const up = pctStart * total - 1;
    this.phases = threePhase
      ? [
          { endStep: up, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: up, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    this._initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
  }

  /** The lr of each group for lastEpoch; sets the group's momentum as it goes (PyTorch's get_lr). */
  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw opError('OneCycleLR', `tried to step ${step + 1} times; the specified number of total steps is ${this.totalSteps}`);
    }
    return (this.optimizer.paramGroups as unknown as Record<string, number>[]).map((g) => {
      let start = 0;
      const last = this.phases.length - 1;
      const i = this.phases.findIndex((p, k) => step <= p.endStep || k === last);
      if (i > 0) start = this.phases[i - 1].endStep;
      const phase = this.phases[i];
      const pct = (step - start) / (phase.endStep - start);
      if (this.cycleMomentum) setMomentum(g, this.useBeta1, this.anneal(g[phase.startMomentum], g[phase.endMomentum], pct));
      return this.anneal(g[phase.startLr], g[phase.endLr], pct);
    });
  }
}

/** Sets a group's momentum: Adam's beta1, or SGD's momentum. */
function setMomentum(group: Record<string, unknown>, useBeta1: boolean, momentum: number): void {
  if (useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
  else group.momentum = momentum;
}

/** SequentialLR's arguments by name (PyTorch's schedulers, milestones, last_epoch). */
export interface SequentialLROptions {
  /** The schedulers, in the order they run (all of the same optimizer). */
  schedulers?: LRScheduler[];
  /** The epochs at which the next scheduler takes over (one fewer than schedulers). */
  milestones?: number[];
  /** The index of the last epoch when resuming (default -1: a new schedule). */
  lastEpoch?: number;
}

/** Runs schedulers one after the other: schedulers[i + 1] takes over (restarted at its
 * epoch 0) at milestones[i]. */
export class SequentialLR extends LRScheduler {
  /** The schedulers, in the order they run. */
  readonly schedulers: LRScheduler[];
  /** The epochs at which the next scheduler takes over. */
  readonly milestones: number[];
  /** PyTorch's SequentialLR(optimizer, schedulers, milestones, last_epoch=-1). */
  constructor(optimizer: Optimizer<BaseOptions>, schedulers: LRScheduler[] | SequentialLROptions, milestones?: number[] | SequentialLROptions, lastEpoch?: number | SequentialLROptions, options?: SequentialLROptions);
  constructor(...args: unknown[]) {
    const op = 'SequentialLR';
    const [optimizer, schedulers, milestones, lastEpoch] = SEQUENTIAL_LR.bind(args) as [Optimizer<BaseOptions>, LRScheduler[], number[], number];
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw opTypeError(op, `schedulers must be a non-empty array of LR schedulers, got ${fmtValue(schedulers)}`);
    }
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw opError(op, `expects all schedulers to belong to the optimizer passed in, but the scheduler at index ${i} does not`);
    });
    if (!Array.isArray(milestones) || !milestones.every(Number.isInteger)) throw opTypeError(op, `milestones must be an array of integers, got ${fmtValue(milestones)}`);
    if (milestones.length !== schedulers.length - 1) {
      throw opError(op, `expects one milestone fewer than schedulers, got ${schedulers.length} schedulers and ${milestones.length} milestones`);
    }
    super(optimizer, lastEpoch);
    this.schedulers = schedulers;
    this.milestones = milestones.slice();
    this.lastEpoch = lastEpoch + 1;
    // Back to the initial lrs, undo the schedulers' initial steps, and start the first.
    optimizer.paramGroups.forEach((g) => (g.lr = g.initialLr as number));
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]._initialStep();
    this.setLrs(schedulers[0].getLastLr());
  }
  /** The current scheduler's lrs (step() delegates to it; this is what it last set). */
  protected getLr(): number[] {
    return this.currentLrs();
  }
  /** Advances one epoch: the scheduler whose span this epoch is in steps (restarted at its milestone). */
  override step(): void {
    this.lastEpoch += 1;
    const i = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this.schedulers[i];
    if (i > 0 && this.milestones[i - 1] === this.lastEpoch) scheduler._stepTo(0);
    else scheduler.step();
    this.setLrs(scheduler.getLastLr());
  }
  /** The state with each scheduler's state dict in place of the scheduler. */
  override stateDict(): SchedulerStateDict {
    return { ...ownState(this, ['schedulers']), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  /** Restores a state from stateDict(), each scheduler's from its own. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    const states = stateDict?.schedulers;
    if (!Array.isArray(states) || states.length !== this.schedulers.length) {
      throw opError('SequentialLR.loadStateDict', `expected the state dicts of ${this.schedulers.length} schedulers, got ${fmtValue(states)}`);
    }
    loadOwnState(this, stateDict, ['schedulers']);
    states.forEach((s, i) => this.schedulers[i].loadStateDict(s as SchedulerStateDict));
  }
}

/** ReduceLROnPlateau's arguments by name (PyTorch's mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps). */
export interface ReduceLROnPlateauOptions {
  /** Whether the metric should go down ('min', default) or up ('max'). */
  mode?: 'min' | 'max';
  /** The factor the lr is multiplied by on a plateau (< 1, default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** How much better than the best a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** Whether threshold is relative to the best ('rel', default) or absolute ('abs'). */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** The lowest lr, one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** A reduction smaller than this is not made (default 1e-8). */
  eps?: number;
}

/** Multiplies the lr by factor when a metric (given to step()) has not improved for
 * `patience` epochs; then waits `cooldown` epochs; never below minLr. */
export class ReduceLROnPlateau {
  /** The optimizer whose lrs are reduced. */
  readonly optimizer: Optimizer<BaseOptions>;
  /** The factor the lr is multiplied by on a plateau. */
  readonly factor: number;
  /** The lowest lr of each group. */
  readonly minLrs: number[];
  /** Epochs without improvement tolerated before reducing. */
  readonly patience: number;
  /** Epochs to wait after a reduction. */
  readonly cooldown: number;
  /** Whether the metric should go down ('min') or up ('max'). */
  readonly mode: 'min' | 'max';
  /** How much better a metric must be to count as an improvement. */
  readonly threshold: number;
  /** Whether threshold is relative ('rel') or absolute ('abs'). */
  readonly thresholdMode: 'rel' | 'abs';
  /** A reduction smaller than this is not made. */
  readonly eps: number;
  /** The best metric so far (starts at the worst value of the mode, ±Infinity). */
  best: number;
  /** Epochs since the last improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** The number of step() calls. */
  lastEpoch = 0;
  private lastLr: number[];
  /** PyTorch's ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10,
   * threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8). */
  constructor(optimizer: Optimizer<BaseOptions>, mode?: 'min' | 'max' | ReduceLROnPlateauOptions, ...rest: (number | string | number[] | ReduceLROnPlateauOptions)[]);
  constructor(...args: unknown[]) {
    const op = 'ReduceLROnPlateau';
    const [optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps] = PLATEAU.bind(args) as [
      Optimizer<BaseOptions>, 'min' | 'max', number, number, number, 'rel' | 'abs', number, number | number[], number,
    ];
    checkOptimizer(op, optimizer);
    checkOption(op, 'factor', factor, (v) => v < 1, '< 1.0');
    this.optimizer = optimizer;
    this.factor = factor;
    this.minLrs = perGroup(op, 'minLr', optimizer, minLr);
    this.patience = patience;
    this.cooldown = cooldown;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.eps = eps;
    this.best = this.worst;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  /** Records the epoch's metric (a number or a 1-element tensor) and reduces the lr on a plateau. */
  step(metrics: number | Tensor): void {
    const current = metrics instanceof Tensor ? metrics.item() : metrics;
    if (typeof current !== 'number') throw opTypeError('ReduceLROnPlateau.step', `metrics must be a number or a Tensor, got ${fmtValue(metrics)}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rates after the last step(), one per group. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The scheduler's state (every field but the optimizer), PyTorch's state_dict(). */
  stateDict(): SchedulerStateDict {
    return ownState(this, []);
  }

  /** Restores a state from stateDict(); PyTorch's load_state_dict(). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    loadOwnState(this, stateDict, []);
  }
}

registerClass('optim.lrScheduler.MultiStepLR', 'scheduler', MULTI_STEP_LR, MultiStepLR);
registerClass('optim.lrScheduler.LinearLR', 'scheduler', LINEAR_LR, LinearLR);
registerClass('optim.lrScheduler.LambdaLR', 'scheduler', LAMBDA_LR, LambdaLR);
registerClass('optim.lrScheduler.CosineAnnealingWarmRestarts', 'scheduler', WARM_RESTARTS, CosineAnnealingWarmRestarts);
registerClass('optim.lrScheduler.OneCycleLR', 'scheduler', ONE_CYCLE_LR, OneCycleLR);
registerClass('optim.lrScheduler.SequentialLR', 'scheduler', SEQUENTIAL_LR, SequentialLR);
registerClass('optim.lrScheduler.ReduceLROnPlateau', 'scheduler', PLATEAU, ReduceLROnPlateau);
