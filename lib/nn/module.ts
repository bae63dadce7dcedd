// nn.Module: the base class of layers and models. As in PyTorch, assigning a Parameter or
// a Module to a property registers it: the registry *is* the object's own properties,
// read in insertion order, so `this.fc1 = new Linear(...)` in a constructor is all it
// takes, and stateDict() keys ("fc1.weight") are PyTorch's for the same attribute names.
//
// Calling convention: `model.forward(x)`. JS cannot make class instances callable
// without returning a function from the constructor, which breaks properties such as
// `name` and `length` and the prototype chain; one explicit idiom is used everywhere.
import { inspectCustom } from '../inspect';
import { Tensor } from '../tensor';
import { fmtShape, fmtValue, opError, opTypeError } from '../check';
import { sameShape } from '../layout';
import { noGrad } from '../autograd/grad_mode';
import { isFloating, type DTypeLike } from '../dtype';
import { toTarget, type Device } from '../device';
import { Parameter, zeroGrads } from './parameter';
import * as moduleHooks from './module-hooks';
import type { RemovableHandle } from '../autograd/hooks';

/** Called before forward with the inputs; may return replacement inputs (an array, or one value). */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
/** Called after forward with the inputs and the output; may return a replacement output. */
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
/** Called during backward with the gradients of the module's tensor inputs and outputs
 * (null where there is none); may return replacement input gradients when exactly one
 * input requires grad. */
export type FullBackwardHook = (module: Module, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;

/** Parameter and buffer tensors by dotted name ("fc1.weight"), in registration order. */
export type StateDict = Record<string, Tensor>;

/** What loadStateDict returns: the keys it did not find and those it did not use. Prints
 * as PyTorch's: <All keys matched successfully>, or _IncompatibleKeys(missing_keys=[...], ...). */
export class LoadStateDictResult {
  constructor(
    /** The module's keys that the state dict lacked (PyTorch's missing_keys). */
    readonly missingKeys: string[],
    /** The state dict's keys that the module has no place for (PyTorch's unexpected_keys). */
    readonly unexpectedKeys: string[],
  ) {}
  /** PyTorch's printout: `<All keys matched successfully>` or `_IncompatibleKeys(...)`. */
  toString(): string {
    if (this.missingKeys.length === 0 && this.unexpectedKeys.length === 0) return '<All keys matched successfully>';
    const list = (keys: string[]): string => `[${keys.map((k) => `'${k}'`).join(', ')}]`;
    return `_IncompatibleKeys(missing_keys=${list(this.missingKeys)}, unexpected_keys=${list(this.unexpectedKeys)})`;
  }
  /** What console.log prints: the same as toString(). */
  [inspectCustom](): string {
    return this.toString();
  }
}

/** A deep copy of a state dict, a module's or an optimizer's (PyTorch's
 * copy.deepcopy(model.state_dict())): every tensor is cloned (detached), records and arrays
 * are copied, other values kept. Use it to keep a snapshot, e.g. of the best model so far:
 * stateDict() returns the live parameters, which training goes on changing. */
export function cloneStateDict<T>(stateDict: T): T {
  const copy = (v: unknown): unknown => {
    if (v instanceof Tensor) return v.detach().clone();
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
  };
  return copy(stateDict) as T;
}

// The buffer registry's key: a symbol, so Object.keys (which finds parameters and
// children) never sees it.
const BUFFER_NAMES = Symbol('bufferNames');

function checkName(op: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw opTypeError(op, `name must be a non-empty string without ".", got ${fmtValue(name)}`);
  }
  return name;
}

/** The base class of layers and models (torch.nn.Module). Parameters, buffers and child
 * modules assigned to properties are registered by name; forward() computes. */
export class Module {
  /** Training mode (train()/eval()): layers such as Dropout behave differently in each. */
  training = true;
  /** Names of own properties that hold buffers; persistent ones are in stateDict(). */
  private [BUFFER_NAMES] = new Map<string, { persistent: boolean }>();

  /** The computation of the module; subclasses define it (torch.nn.Module.forward). */
  forward(...inputs: unknown[]): unknown {
    throw opError(this.constructor.name, 'forward() is not implemented: a Module subclass must define forward()');
  }

  // ---- registration ---------------------------------------------------------------------

  /** Registers `param` under `name`, the same as assigning it to the property (torch.nn.Module.register_parameter). */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('registerParameter', name);
    if (param !== null && !(param instanceof Parameter)) {
      throw opTypeError('registerParameter', `cannot assign ${fmtValue(param)} as parameter "${name}" (nn.Parameter or null expected)`);
    }
    (this as Record<string, unknown>)[name] = param;
  }

  /** Registers a child module under `name`, the same as assigning it to the property (torch.nn.Module.register_module). */
  registerModule(name: string, module: Module | null): void {
    checkName('registerModule', name);
    if (module !== null && !(module instanceof Module)) {
      throw opTypeError('registerModule', `${fmtValue(module)} is not a Module (child "${name}")`);
    }
    (this as Record<string, unknown>)[name] = module;
  }

  /** Registers a tensor that is state but not a parameter (e.g. a running mean, a class
   * weight). Persistent buffers are part of stateDict(). */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    checkName('registerBuffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw opTypeError('registerBuffer', `cannot assign ${fmtValue(tensor)} as buffer "${name}" (Tensor or null expected)`);
    }
    if (tensor instanceof Parameter) throw opTypeError('registerBuffer', `"${name}" is a Parameter; use registerParameter`);
    (this as Record<string, unknown>)[name] = tensor;
    this[BUFFER_NAMES].set(name, { persistent: options.persistent ?? true });
  }

  // ---- traversal ------------------------------------------------------------------------

  private ownEntries<T>(pick: (name: string, value: unknown) => T | null): [string, T][] {
    const out: [string, T][] = [];
    for (const name of Object.keys(this)) {
      const v = pick(name, (this as Record<string, unknown>)[name]);
      if (v !== null) out.push([name, v]);
    }
    return out;
  }

  private ownParameters(): [string, Parameter][] {
    return this.ownEntries((_, v) => (v instanceof Parameter ? v : null));
  }

  private ownBuffers(persistentOnly: boolean): [string, Tensor][] {
    const registered = this[BUFFER_NAMES];
    return this.ownEntries((name, v) => {
      const info = registered.get(name);
      return info && v instanceof Tensor && !(v instanceof Parameter) && (info.persistent || !persistentOnly) ? v : null;
    });
  }

  /** Immediate child modules with their names (torch.nn.Module.named_children). */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this.ownEntries((_, v) => (v instanceof Module && !seen.has(v) ? (seen.add(v), v) : null));
  }

  /** The immediate child modules (torch.nn.Module.children). */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all below it, depth first, each once ("" is this module) (torch.nn.Module.named_modules). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [childName, child] of m.ownEntries((_, v) => (v instanceof Module ? v : null))) {
        visit(child, name ? `${name}.${childName}` : childName);
      }
    };
    visit(this, prefix);
    return out;
  }

  /** This module and every module below it, depth first, each once (torch.nn.Module.modules). */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  private namedTensors<T extends Tensor>(prefix: string, recurse: boolean, own: (m: Module) => [string, T][]): [string, T][] {
    const out: [string, T][] = [];
    const seen = new Set<Tensor>();
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [moduleName, m] of modules) {
      for (const [name, t] of own(m)) {
        if (seen.has(t)) continue; // shared (tied) tensors are listed once
        seen.add(t);
        out.push([moduleName ? `${moduleName}.${name}` : name, t]);
      }
    }
    return out;
  }

  /** [name, parameter] pairs ("fc1.weight"), each parameter once (torch.nn.Module.named_parameters). */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    return this.namedTensors(prefix, recurse, (m) => m.ownParameters());
  }

  /** The parameters of this module and (recurse) every module below it, each once, in
   * registration order: what an optimizer takes (torch.nn.Module.parameters). */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** [name, buffer] pairs ("bn.running_mean"), each buffer once (torch.nn.Module.named_buffers). */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this.namedTensors(prefix, recurse, (m) => m.ownBuffers(false));
  }

  /** The buffers (state that is not a parameter, e.g. running statistics) of this module and
   * (recurse) those below it (torch.nn.Module.buffers). */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Calls fn on every submodule (children first) and then on this module; returns this (torch.nn.Module.apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Moves the parameters, their gradients and the buffers to shared memory, in place
   * (Tensor.shareMemory_), so that worker threads train or read them without copies
   * (PyTorch's share_memory). Returns this. */
  shareMemory(): this {
    for (const p of this.parameters()) {
      p.shareMemory_();
      p.grad?.shareMemory_();
    }
    for (const b of this.buffers()) b.shareMemory_();
    return this;
  }

  // ---- modes and gradients ----------------------------------------------------------------

  /** Sets training mode on this module and all below it; returns this (torch.nn.Module.train). */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw opTypeError('train', `mode must be a boolean, got ${fmtValue(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** PyTorch's module.to: to('cpu') or to(tg.device('cpu')) checks the device (the CPU is
   * the only one in this build); to('float64') or to({dtype}) casts the floating-point
   * parameters (and their gradients) in place, keeping the Parameter objects an optimizer
   * holds, and the floating-point buffers. Returns this. */
  to(target: DTypeLike | Device | string | { dtype?: DTypeLike; device?: Device | string }): this {
    const dtype = toTarget('Module.to', target);
    if (dtype === undefined) return this;
    if (!isFloating(dtype)) {
      throw opTypeError('Module.to', `nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    }
    noGrad(() => {
      for (const p of this.parameters()) {
        if (!isFloating(p.dtype) || p.dtype === dtype) continue;
        const grad = p.grad;
        p._adopt(p.detach().to(dtype));
        if (grad !== null) p.grad = grad.to(dtype);
      }
      for (const m of this.modules()) {
        for (const [name, b] of m.ownBuffers(false)) if (isFloating(b.dtype)) (m as unknown as Record<string, Tensor>)[name] = b.to(dtype);
      }
    });
    return this;
  }

  /** Evaluation mode: train(false) (torch.nn.Module.eval). */
  eval(): this {
    return this.train(false);
  }

  /** Clears the parameters' gradients. setToNone defaults to false, as in PyTorch 1.13. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    zeroGrads(this.parameters(), options.setToNone ?? false);
  }

  /** Parameters and persistent buffers of the whole tree by dotted name (detached aliases
   * of their storage, as PyTorch returns; clone them to keep a snapshot). */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    for (const [moduleName, m] of this.namedModules(options.prefix ?? '')) {
      for (const [name, t] of [...m.ownParameters(), ...m.ownBuffers(true)]) {
        out[moduleName ? `${moduleName}.${name}` : name] = options.keepVars ? t : t.detach();
      }
    }
    return out;
  }

  /** Copies a state dict into the parameters and buffers (casting dtypes as PyTorch's
   * copy_ does). Nothing is copied unless every key and shape checks out. With strict
   * (the default), missing and unexpected keys are errors; shape mismatches always are.
   * With assign (PyTorch's assign=True), nothing is copied: each parameter and buffer
   * takes the state dict tensor's storage (same dtype required), so a state dict of
   * shared tensors received in a worker makes the module train the shared memory. */
  loadStateDict(stateDict: StateDict, options: { strict?: boolean; assign?: boolean } = {}): LoadStateDictResult {
    const op = 'loadStateDict';
    if (stateDict === null || typeof stateDict !== 'object' || stateDict instanceof Tensor) {
      throw opTypeError(op, `expected a record of tensors (from stateDict() or tg.load), got ${fmtValue(stateDict)}`);
    }
    const strict = options.strict ?? true;
    const targets = this.stateDict({ keepVars: true });
    const missingKeys = Object.keys(targets).filter((k) => !(k in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !(k in targets));
    const errors: string[] = [];
    const quoted = (keys: string[]): string => keys.map((k) => `"${k}"`).join(', ');
    if (strict && missingKeys.length) errors.push(`Missing key(s) in state_dict: ${quoted(missingKeys)}.`);
    if (strict && unexpectedKeys.length) errors.push(`Unexpected key(s) in state_dict: ${quoted(unexpectedKeys)}.`);
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(targets)) {
      if (!(key in stateDict)) continue;
      const src = stateDict[key];
      if (!(src instanceof Tensor)) {
        errors.push(`"${key}" is ${fmtValue(src)}, not a Tensor.`);
      } else if (!sameShape(src.shape, target.shape)) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, ` +
            `the shape in current model is ${fmtShape(target.shape)}.`,
        );
      } else if (options.assign && src.dtype !== target.dtype) {
        errors.push(`dtype mismatch for ${key}: assigning a ${src.dtype} tensor to a ${target.dtype} one (assign shares memory, it cannot cast).`);
      } else {
        copies.push([target, src]);
      }
    }
    if (errors.length) {
      throw opError(op, `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    }
    if (options.assign) {
      for (const [target, src] of copies) target.data = src;
    } else {
      noGrad(() => {
        for (const [target, src] of copies) target.copy_(src);
      });
    }
    return new LoadStateDictResult(missingKeys, unexpectedKeys);
  }

  // ---- hooks ------------------------------------------------------------------------------

  /** Registers hook(module, args), called before each forward; it may return replacement
   * inputs, an array or a single value (PyTorch's register_forward_pre_hook). */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    return moduleHooks.registerForwardPreHook(this, hook);
  }

  /** Registers hook(module, args, output), called after each forward; it may return a
   * replacement output (PyTorch's register_forward_hook). */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    return moduleHooks.registerForwardHook(this, hook);
  }

  /** Registers hook(module, gradInput, gradOutput), called during backward once the
   * gradients of the module's tensor inputs are computed (null for inputs without grad);
   * gradOutput holds the gradients of its tensor outputs (PyTorch's
   * register_full_backward_hook). It may return replacement gradInput when exactly one
   * input requires grad. */
  registerFullBackwardHook(hook: FullBackwardHook): RemovableHandle {
    return moduleHooks.registerFullBackwardHook(this, hook);
  }

  // ---- printing ---------------------------------------------------------------------------

  /** The text inside the parentheses of this module's repr, e.g. "in_features=3, ..." (torch.nn.Module.extra_repr). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's module repr: the class name, extraRepr() and the children, indented. */
  toString(): string {
    const children = this.namedChildren().map(([name, m]) => `(${name}): ${String(m).replace(/\n/g, '\n  ')}`);
    const extra = this.extraRepr();
    const lines = [...(extra ? extra.split('\n') : []), ...children];
    if (lines.length === 0) return `${this.constructor.name}()`;
    if (children.length === 0 && lines.length === 1) return `${this.constructor.name}(${extra})`;
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** What console.log prints: the same as toString(). */
  [inspectCustom](): string {
    return this.toString();
  }
}
