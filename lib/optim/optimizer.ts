// The Optimizer base: parameter groups with per-group options, per-parameter state,
// zeroGrad, step and state dicts, as in torch.optim.Optimizer. A subclass checks its
// options and updates one parameter; the update itself is one native call
// (native/src/optim.cpp) rather than a chain of tensor ops.
import { inspectCustom } from '../inspect';
import { Tensor } from '../tensor';
import { float32, isFloating } from '../dtype';
import { Signature, fmtShape, fmtValue, is, keyword, objectCheck, opError, opTypeError, optional, required } from '../check';
import { sameShape } from '../layout';
import { enableGrad, noGrad } from '../autograd/grad_mode';
import { cloneDetached } from '../ops/movement';
import { zeroGrads } from '../nn/parameter';
import * as kernels from '../backend';
import { OPTIM_HYPER, OptimOp } from '../native/table';

/** An optimizer kernel (native/ops.table) and the hyperparameters it reads, by name. */
export type OptimKernel = keyof typeof OPTIM_HYPER;
/** The hyperparameters an optimizer kernel reads, by name. */
export type Hyper<K extends OptimKernel> = Record<(typeof OPTIM_HYPER)[K][number], number | boolean>;

/** The options of every optimizer include a learning rate. */
export interface BaseOptions {
  /** The learning rate. */
  lr: number;
}

/** A parameter group: its parameters and its own value of every option. */
export type ParamGroup<O extends BaseOptions> = O & {
  /** The group's parameters. */
  params: Tensor[];
  /** Set by the first LR scheduler attached to the optimizer (PyTorch's initial_lr). */
  initialLr?: number;
};

/** A parameter group as passed in: options it leaves out take the optimizer's defaults. */
export type ParamGroupSpec<O extends BaseOptions> = Partial<O> & {
  /** The group's parameters (e.g. a module's parameters()), or one tensor. */
  params: Iterable<Tensor> | Tensor;
};

/** What an optimizer is given: parameters (e.g. model.parameters()) or parameter groups. */
export type Params<O extends BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

/** Per-parameter state: the step count and the optimizer's buffers (expAvg, ...). */
export type ParamState = Record<string, Tensor | number>;

/** An optimizer's state dict, in PyTorch's data format so that checkpoints move between
 * the two: snake_case keys (`param_groups`, `weight_decay`, `exp_avg_sq`), parameters
 * referred to by their index counted over all groups in order, and `step` as PyTorch keeps
 * it (a 0-d float32 tensor for Adam, AdamW and Adagrad, a number for RMSprop, absent for
 * SGD, whose `momentum_buffer` is null without momentum). The API itself stays camelCase. */
export interface OptimizerStateDict {
  /** Each parameter's state (step, buffers such as exp_avg), by the parameter's index. */
  state: Record<number, Record<string, Tensor | number | null>>;
  /** Each group's options (snake_case) and `params`, the indices of its parameters. */
  param_groups: Record<string, unknown>[];
}

/** How PyTorch 1.13 keeps an optimizer's step count in its state. */
export type StepFormat = 'tensor' | 'number' | 'none';

/** PyTorch's group options that tensorgrad does not have: loading accepts them at their
 * defaults (which is what tensorgrad does), and refuses other values. */
const TORCH_ONLY_OPTIONS: Record<string, unknown> = { foreach: null, capturable: false, differentiable: false, fused: false };

/** Group keys an LR scheduler adds (initial_lr; OneCycleLR's max_lr, min_lr, max_momentum,
 * base_momentum): loading takes them whether or not the optimizer has them yet. */
const SCHEDULER_KEYS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'];

/** An option value as Python prints it: True, None, (0.9, 0.999), 1e-08. */
export function pythonRepr(v: unknown): string {
  if (v === true || v === false) return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `(${v.map(pythonRepr).join(', ')})`;
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  // Python writes a float in exponent form below 1e-4 and from 1e16, with a 2-digit exponent.
  const [mantissa, e] = v.toExponential().split('e');
  const exponent = Number(e);
  if (exponent < -4 || exponent >= 16) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(v);
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camelCase = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Throws unless `ok(value)`; PyTorch's "Invalid ... value" checks. */
export function checkOption(op: string, name: string, value: unknown, ok: (v: number) => boolean, expected: string): void {
  if (typeof value !== 'number' || !ok(value)) throw opError(op, `invalid ${name}: ${fmtValue(value)} (expected ${expected})`);
}

/** Checks that each of the group's options `keys` is a number >= 0. */
export function nonNegative<O>(op: string, group: O, keys: (keyof O & string)[]): void {
  for (const key of keys) checkOption(op, key, group[key], (v) => v >= 0, '>= 0');
}

/** The base of the optimizers (torch.optim.Optimizer): parameter groups with per-group
 * options, per-parameter state, zeroGrad, step and state dicts. */
export abstract class Optimizer<O extends BaseOptions> {
  /** The options a new parameter group starts from (torch.optim.Optimizer.defaults). */
  readonly defaults: Readonly<Partial<O>>;
  /** The parameter groups, each with its own options; change group.lr to change the learning
   * rate (torch.optim.Optimizer.param_groups). */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Each parameter's state (step count, buffers), keyed by the parameter (torch.optim.Optimizer.state). */
  readonly state = new Map<Tensor, ParamState>();
  private hyper = new Float64Array(0);

  /** `defaults` lists every option key (with undefined for required ones, such as SGD's lr). */
  constructor(params: Params<O>, defaults: Partial<O>, options: object) {
    this.checkKeys(options, Object.keys(defaults), 'option');
    this.defaults = { ...defaults, ...options };
    const list = checkIterable(this.name, params);
    if (list.length === 0) throw opError(this.name, 'optimizer got an empty parameter list');
    const groups = list.every((x) => x instanceof Tensor) ? [{ params: list as Tensor[] } as unknown as ParamGroupSpec<O>] : (list as ParamGroupSpec<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** The class name, used in error messages. */
  get name(): string {
    return this.constructor.name;
  }

  /** PyTorch's print of an optimizer: each group's options (snake_case, sorted), in Python's notation. */
  toString(): string {
    const groups = this.paramGroups.map((g, i) => {
      const options = Object.entries(g)
        .filter(([key]) => key !== 'params')
        .map(([key, value]) => [snakeCase(key), pythonRepr(value)])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `\nParameter Group ${i}\n${options.map(([k, v]) => `    ${k}: ${v}\n`).join('')}`;
    });
    return `${this.name} (${groups.join('')})`;
  }
  /** What console.log prints: the same as toString(). */
  [inspectCustom](): string {
    return this.toString();
  }

  /** How PyTorch keeps this optimizer's step count in its state dict. */
  protected readonly stepFormat: StepFormat = 'tensor';

  /** Per-parameter scalars besides the step that PyTorch keeps as 0-d float32 tensors
   * (NAdam's muProduct); kept as numbers here. */
  protected readonly scalarState: readonly string[] = [];

  /** Checks one group's option values (called for new and loaded groups). */
  protected abstract checkGroup(group: ParamGroup<O>): void;

  /** Updates one parameter from its gradient; state.step has been incremented already. */
  protected abstract updateParam(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  private checkKeys(spec: object, known: string[], what: string): void {
    if (spec === null || typeof spec !== 'object') throw opTypeError(this.name, `expected an options object, got ${fmtValue(spec)}`);
    for (const key of Object.keys(spec)) {
      if (!known.includes(key)) {
        throw opTypeError(this.name, `unknown ${what} ${JSON.stringify(key)} (known: ${known.join(', ')})`);
      }
    }
  }

  /** Adds a group of parameters, with options that override the defaults (torch.optim.Optimizer.add_param_group). */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    this.checkKeys(spec, ['params', ...Object.keys(this.defaults)], 'parameter group key');
    const params = spec.params instanceof Tensor ? [spec.params] : checkIterable(this.name, spec.params);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) throw opTypeError(this.name, `optimizer can only optimize Tensors, got ${fmtValue(p)}`);
      if (!p.isLeaf) throw opError(this.name, "can't optimize a non-leaf Tensor (use a Parameter or a leaf created with requiresGrad)");
      if (!isFloating(p.dtype)) throw opTypeError(this.name, `can only optimize float32 or float64 tensors, got ${p.dtype}`);
      if (seen.has(p)) throw opError(this.name, 'some parameters appear more than once (in one or several parameter groups)');
      seen.add(p);
    }
    const group = { ...this.defaults, ...spec, params: params as Tensor[] } as ParamGroup<O>;
    for (const [key, value] of Object.entries(group)) {
      if (value === undefined) throw opError(this.name, `parameter group didn't specify a value of required option ${key}`);
    }
    this.checkGroup(group);
    this.paramGroups.push(group);
  }

  /** Clears the gradients of all parameters (setToNone defaults to false, as in PyTorch 1.13). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    zeroGrads(this.paramGroups.flatMap((g) => g.params), options.setToNone ?? false);
  }

  /** Updates every parameter that has a gradient. A closure, if given, recomputes and
   * returns the loss (run with gradients enabled) before the update. */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          let state = this.state.get(p);
          if (state === undefined) this.state.set(p, (state = { step: 0 }));
          state.step = (state.step as number) + 1;
          this.updateParam(p, grad, state, group);
        }
      }
    });
    return loss;
  }

  /** Runs the native update `op` of `param`, given every hyperparameter the kernel reads by
   * name (native/ops.table's hyper rows), and its state buffers (native/src/optim.cpp). */
  protected nativeStep<K extends OptimKernel>(op: K, hyper: Hyper<K>, param: Tensor, grad: Tensor, state: Tensor[]): void {
    const slots = OPTIM_HYPER[op];
    if (this.hyper.length !== slots.length) this.hyper = new Float64Array(slots.length);
    for (let i = 0; i < slots.length; ++i) this.hyper[i] = +(hyper as Record<string, number | boolean>)[slots[i]];
    const g = grad.isContiguous() ? grad : cloneDetached(grad);
    // The kernel wants contiguous memory; a strided parameter is updated through a copy.
    const target = param.isContiguous() ? param : cloneDetached(param);
    kernels.optimStep(OptimOp[op], this.hyper, target, g, state);
    if (target !== param) kernels.copy(param, target);
    param._version.value++;
  }

  /** The state of every parameter (by index) and the groups' options, in PyTorch's format
   * (see OptimizerStateDict). Tensors in it are the live state, as in PyTorch: save it, or
   * copy it with tg.cloneStateDict, to keep a snapshot. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      const group: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(options)) group[snakeCase(key)] = Array.isArray(value) ? value.slice() : value;
      group.params = params.map((p) => (index.has(p) ? index.get(p)! : index.set(p, index.size).size - 1));
      return group;
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      if (index.has(p)) state[index.get(p)!] = this.exportState(s);
    }
    return { state, param_groups: paramGroups };
  }

  /** One parameter's state as PyTorch keeps it. */
  protected exportState(s: ParamState): Record<string, Tensor | number | null> {
    const out: Record<string, Tensor | number | null> = {};
    for (const [key, value] of Object.entries(s)) {
      if (this.scalarState.includes(key)) out[snakeCase(key)] = scalarTensor(value as number);
      else if (key !== 'step') out[snakeCase(key)] = value;
      else if (this.stepFormat === 'tensor') out.step = scalarTensor(value as number);
      else if (this.stepFormat === 'number') out.step = value;
    }
    return out;
  }

  /** Restores a state dict from stateDict() or from PyTorch (e.g. after tg.save / tg.load):
   * the groups' options and copies of the state, cast to each parameter's dtype. */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    if (stateDict === null || typeof stateDict !== 'object' || !Array.isArray(stateDict.param_groups)) {
      throw opTypeError(op, `expected {state, param_groups} from stateDict(), got ${fmtValue(stateDict)}`);
    }
    const saved = stateDict.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw opError(op, `loaded state dict has ${saved.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groups = saved.map((s, i) => {
      const mine = this.paramGroups[i];
      const ids = s.params;
      if (!Array.isArray(ids) || ids.length !== mine.params.length) {
        throw opError(op, `loaded state dict contains a parameter group (${i}) that doesn't match the size of optimizer's group`);
      }
      ids.forEach((id, k) => byIndex.set(id as number, mine.params[k]));
      const options: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(s)) {
        if (key === 'params') continue;
        if (key in TORCH_ONLY_OPTIONS) {
          if (value !== TORCH_ONLY_OPTIONS[key]) throw opError(op, `option ${key}=${fmtValue(value)} of parameter group ${i} is not supported by tensorgrad`);
          continue;
        }
        const name = camelCase(key);
        if (!(name in mine) && !SCHEDULER_KEYS.includes(name)) throw opError(op, `parameter group ${i} has an unknown option ${JSON.stringify(key)}`);
        options[name] = Array.isArray(value) ? value.slice() : value;
      }
      const group = { ...mine, ...options, params: mine.params } as ParamGroup<O>;
      this.checkGroup(group);
      return group;
    });
    const states = new Map<Tensor, ParamState>();
    for (const [id, s] of Object.entries(stateDict.state ?? {})) {
      const p = byIndex.get(Number(id));
      if (p === undefined) throw opError(op, `state for parameter ${id}, which no parameter group lists`);
      const copy: ParamState = { step: 0 }; // SGD's state has no step (it does not use one)
      for (const [key, v] of Object.entries(s)) {
        const name = camelCase(key);
        if (v === null) continue; // SGD without momentum: momentum_buffer None
        if ((name === 'step' || this.scalarState.includes(name)) && v instanceof Tensor && v.numel() === 1) {
          copy[name] = v.item();
        } else if (v instanceof Tensor) {
          if (!sameShape(v.shape, p.shape)) {
            throw opError(op, `state ${JSON.stringify(key)} of parameter ${id} has shape ${fmtShape(v.shape)}, the parameter ${fmtShape(p.shape)}`);
          }
          copy[name] = cloneDetached(v.to(p.dtype));
        } else if (typeof v === 'number') {
          copy[name] = v;
        } else {
          throw opTypeError(op, `state ${JSON.stringify(key)} of parameter ${id} is ${fmtValue(v)}, expected a Tensor or a number`);
        }
      }
      states.set(p, copy);
    }
    groups.forEach((g, i) => (this.paramGroups[i] = g));
    this.state.clear();
    for (const [p, s] of states) this.state.set(p, s);
  }
}

/** A 0-d float32 tensor holding v (PyTorch's tensor(20.) step). */
function scalarTensor(v: number): Tensor {
  const t = Tensor._output([], float32);
  kernels.fill(t, v);
  return t;
}

function checkIterable<T>(op: string, x: Iterable<T> | unknown): T[] {
  if (x === null || typeof x !== 'object' || typeof (x as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw opTypeError(op, `params must be an iterable of Tensors or of parameter groups, got ${fmtValue(x)}`);
  }
  return [...(x as Iterable<T>)];
}

// ---- constructor signatures: PyTorch's parameters, positionally or by name --------------

/** An optimizer's signature: `params`, then its options in PyTorch's order as [name,
 * default, example] (a default of `undefined` is PyTorch's `required`, as SGD's lr: every
 * parameter group must then give it); the names in keywordOnly are PyTorch's keyword-only
 * ones (after `*`). */
export function optimizerSignature(name: string, options: [string, unknown, unknown][], keywordOnly: string[] = []): Signature {
  return new Signature(name, [
    required('params', objectCheck(is.any)),
    ...options.map(([n, d, example]) =>
      keywordOnly.includes(n) ? keyword(n, is.any, d, example) : optional(n, is.any, d, example),
    ),
  ]);
}

/** The defaults of a signature's options (all but params). */
export function defaultsOf(signature: Signature): Record<string, any> {
  return Object.fromEntries(signature.params.slice(1).map((p) => [p.name, p.default]));
}

/** An optimizer constructor's arguments bound: every option given, by name. */
export function optionsOf(signature: Signature, args: ArrayLike<unknown>): Record<string, any> {
  const values = signature.bind(args);
  const options: Record<string, unknown> = {};
  signature.params.forEach((p, i) => {
    if (i > 0 && values[i] !== undefined) options[p.name] = values[i];
  });
  return options;
}

/** What an optimizer constructor takes after params: its options positionally, or by name
 * in a trailing options object, or mixed. */
/** What an optimizer constructor takes after params: its options positionally, or by name
 * in a trailing options object, or mixed.
 * @inline */
export type OptimizerArgs<O> = (O[keyof O] | Partial<O>)[];
