// The op registry. An op is one spec (defineSpec): its public name, its parameters in
// PyTorch's order with PyTorch's defaults (so it takes arguments positionally, by name in
// a trailing options object, or mixed), its forward, what backward needs (`save`, read
// back by name), its backward and its grad_fn name, side by side. The spec makes the
// tg.* function; installMethods() makes the Tensor methods. Every public callable that
// takes keyword arguments (ops, modules, optimizers, schedulers, init functions) is
// listed in API with its Signature, so that one test drives them all by name and by
// position (test/kwargs.test.ts).
//
// A recorded call makes a graph node (Node, below: the output's gradFn). The Tensor and
// the registry import each other (its methods come from here, and every op makes
// Tensors); that pair is the one import cycle of lib/, and lib/tensor.ts imports nothing
// else of the ops or of autograd at run time (test/layering.test.ts).
import { Tensor } from '../tensor';
import type { DType } from '../dtype';
import { inspectCustom } from '../inspect';
import { gradMode } from '../autograd/grad_mode';
import { Signature, opTypeError, type Param } from '../check';

/** What kind of public callable an API entry is. */
export type ApiKind = 'op' | 'method' | 'functional' | 'module' | 'optimizer' | 'scheduler' | 'init';

export interface ApiEntry {
  /** Where a user finds it: 'tg.var', 'Tensor.var', 'nn.Linear', 'optim.SGD', ... */
  readonly path: string;
  readonly kind: ApiKind;
  readonly signature: Signature;
  /** Calls it with these arguments (constructs, for a class). */
  readonly call: (...args: unknown[]) => unknown;
}

/** Every public callable with a signature, in registration order. */
export const API: ApiEntry[] = [];

export function registerApi(path: string, kind: ApiKind, signature: Signature, call: (...args: unknown[]) => unknown): void {
  API.push({ path, kind, signature, call });
}

/** A class whose constructor binds its arguments with `signature` (modules, optimizers, ...). */
export function registerClass(path: string, kind: ApiKind, signature: Signature, cls: new (...args: never[]) => unknown): void {
  registerApi(path, kind, signature, (...args) => new (cls as new (...a: unknown[]) => unknown)(...args));
}

/** The gradients backward returns: one per tensor argument of forward (null: none). */
export type Grads = (Tensor | null | undefined)[];

/** What `save` is called on: the node being recorded. */
export interface SaveContext {
  /** needsInputGrad[i]: whether tensor argument i of forward requires grad (PyTorch saves
   * a tensor only for a gradient that will be computed). */
  readonly needsInputGrad: readonly boolean[];
}

export interface OpSpec<A extends unknown[], S> {
  /** The public name: the Tensor method and the tg.* function. */
  name: string;
  /** PyTorch's grad_fn name, e.g. 'Atan2Backward0' (omit for an op that is never recorded). */
  gradFn?: string;
  /** The parameters, `input` (the tensor a method is called on) first. */
  params: Param[];
  /** Whether it is a Tensor method (default true). */
  method?: boolean;
  /** Whether it is a tg.* function (default true; PyTorch has no torch.add_, say). */
  function?: boolean;
  /** Turns the bound arguments into forward's (checks, type promotion); runs unrecorded
   * by this op (casts it makes record their own nodes, as in PyTorch). */
  prepare?: (...bound: any[]) => A;
  forward: (...args: A) => Tensor;
  /** What backward needs, by name, given the output and forward's arguments (undefined:
   * nothing): tensors are version-checked, other values kept. `this.needsInputGrad` says
   * which gradients backward will compute. Backward frees the saved tensors (a second
   * backward then throws); values alone (shapes, add's alpha) are attributes of the node
   * in PyTorch, which a second backward still has. */
  save?: (this: SaveContext, out: Tensor, ...args: A) => S;
  /** The numbers save keeps stand for tensors in PyTorch (mul's and div's number operand,
   * which it wraps in a tensor): backward frees them as saved tensors. */
  savesNumbersAsTensors?: boolean;
  /** One gradient per tensor argument of forward, given the output's gradient g. */
  backward?: (g: Tensor, saved: S, needsInputGrad: readonly boolean[]) => Grads;
  /** For a view of a slice of its one input (narrow, select, split): backward's gradient as
   * g at `start` along `dim` of zeros of the input's shape, which the engine adds into the
   * input's gradient in place instead (an RNN's L per-step slices of one product would each
   * make a full-size gradient: O(L²)). */
  sliceGrad?: (g: Tensor, saved: S) => SliceGrad;
}

/** A gradient that is g at `start` along `dim`, zeros elsewhere (see OpSpec.sliceGrad). */
export interface SliceGrad {
  g: Tensor;
  dim: number;
  start: number;
}

/** A spec's public function; `call` is it, with the signature and name attached. */
export interface Op<F, A extends unknown[] = any[]> {
  readonly name: string;
  readonly signature: Signature;
  readonly call: F;
  /** The Tensor method: call with `this` as input. */
  readonly asMethod: (this: Tensor, ...rest: unknown[]) => unknown;
  readonly method: boolean;
  /** The op on forward's arguments, already checked and prepared (recorded when it has a
   * gradFn): for other ops, which call it without binding and checking again. */
  readonly run: (...args: A) => Tensor;
  readonly function: boolean;
}

/** Defines an op from its spec (see the file comment). F is the public function's type:
 * the signature a user sees in the editor, with JSDoc on the spec's export. */
export function defineSpec<F extends (...args: any[]) => unknown, A extends unknown[] = unknown[], S = Record<string, never>>(
  spec: OpSpec<A, S>,
): Op<F, A> {
  const signature = new Signature(spec.name, spec.params);
  const { call, method, run } = compileEntryPoints(signature, spec as OpSpec<unknown[], unknown>);
  return {
    name: spec.name, signature, call: call as unknown as F, asMethod: method, method: spec.method ?? true, function: spec.function ?? true,
    run: run as unknown as (...args: A) => Tensor,
  };
}

// ---- the entry points of an op, compiled -------------------------------------------------
//
// Every op call runs an op's entry points: its tg.* function or Tensor method, which binds
// the arguments (checks, defaults; the keyword form through Signature.bind), prepare, and
// the wrapper that records forward when an argument requires grad. V8 keeps type feedback
// per function *code*, and the closures one factory makes share their code: a factory's
// wrapper sees every op's checks, prepares and forwards at the same call sites, which go
// megamorphic, and nothing inlines (about a tenth of the cost of x.add(y) for 3x2 tensors).
// So each op gets the entry points below compiled as code of its own, specialised to its
// number of parameters: its checks, prepare and forward then inline into straight-line
// code, as a hand-written method's would. Fixed parameters throughout, no rest arrays,
// spreads or arguments objects. The template is the one place to read them.

/** The source of an op's entry points for k parameters, the one at `variadicAt` (-1:
 * none) variadic, `recorded` if it has a gradFn (the environment: compileEntryPoints). */
function entryPointsSource(k: number, prepared: boolean, variadicAt: number, recorded: boolean): string {
  const list = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(', ');
  const slots = list(MAX_ARGS, (i) => `a${i}`);
  const invoke = prepared
    ? `function invoke(${list(k, (i) => `v${i}`)}) { const p = prepare(${list(k, (i) => `v${i}`)}); return run(${list(MAX_ARGS, (i) => `p[${i}]`)}); }`
    : 'const invoke = run;';
  // Parameter i's value from positional argument `x`: checked here, by the op's own call
  // site of its check (which V8 then inlines; Signature.arg's one call site for every
  // op's checks is megamorphic); not given, Signature.arg's default or error.
  const checked = (i: number, x: string) => `const x${i} = ${x} === undefined ? signature.arg(${i}, undefined) : checks[${i}](${x}, signature.op, names[${i}]);`;
  const bound = `const v = signature.bind(${variadicAt < 0 ? `[${list(k + 1, (i) => `a${i}`)}]` : 'Array.prototype.slice.call(arguments)'});
      return invoke(${list(k, (i) => `v[${i}]`)});`;
  // A variadic op takes any number of arguments: the fixed slots hold the common calls
  // (x.view(2, 3), x.reshape(shape)), more go through bind (the branch V8 leaves out of
  // the optimised code until it runs).
  const entries =
    variadicAt < 0
      ? `function call(${list(k + 1, (i) => `a${i}`)}) {
      if (arguments.length > ${k + 1}) throw tooManyArguments(signature, arguments.length);
      if (signature.isPositional(${list(k + 1, (i) => `a${i}`)}${k + 1 < MAX_ARGS ? `, ${list(MAX_ARGS - k - 1, () => 'undefined')}` : ''})) {
        ${Array.from({ length: k }, (_, i) => checked(i, `a${i}`)).join(' ')}
        return invoke(${list(k, (i) => `x${i}`)});
      }
      ${bound}
    }
    function method(${list(k, (i) => `a${i + 1}`)}) {
      if (arguments.length > ${k}) throw tooManyArguments(signature, arguments.length + 1);
      return call(this, ${list(k, (i) => `a${i + 1}`)});
    }`
      : `function call(${slots}) {
      if (arguments.length <= ${MAX_ARGS} && signature.isPositional(${slots})) {
        const packed = signature.variadicValue(${list(MAX_ARGS - variadicAt, (j) => `a${variadicAt + j}`)});
        ${Array.from({ length: k }, (_, i) => checked(i, i < variadicAt ? `a${i}` : i === variadicAt ? 'packed' : 'undefined')).join(' ')}
        return invoke(${list(k, (i) => `x${i}`)});
      }
      ${bound}
    }
    function method(${list(MAX_ARGS - 1, (i) => `a${i + 1}`)}) {
      if (arguments.length >= ${MAX_ARGS}) return call.apply(undefined, [this, ...arguments]);
      return call(this, ${list(MAX_ARGS - 1, (i) => `a${i + 1}`)});
    }`;
  return `'use strict';
    ${recorded ? runSource(false) : 'const run = forward;'}
    ${invoke}
    ${entries}
    return { call, method, run };`;
}

/** The source of `run`, which runs an op on its (checked) arguments, and records it when
 * one of them requires grad and grad mode is on (`record`): it creates the node, whose
 * inputs are the tensor arguments (Tensors, and the Tensors inside array arguments, as
 * cat's, in order), runs forward (and save) without recording, so that a composite
 * forward stays one node, and makes the node the output's gradFn. Each op (and each
 * defineOp) gets a copy of its own, so that its forward and save inline into it (a shared
 * recording function calls every op's forward from one call site, which V8 cannot inline);
 * the node is made by newNode, shared. `passesNode`: forward takes the node first
 * (defineOp's ctx; NOT_RECORDING when not recorded), and saves through it. */
function runSource(passesNode: boolean): string {
  const slots = Array.from({ length: MAX_ARGS }, (_, i) => `a${i}`).join(', ');
  const forward = (node: string) => `forward(${passesNode ? `${node}, ` : ''}${slots})`;
  const save = passesNode
    ? ''
    : `if (save !== undefined) {
          const saved = save.call(node, out, ${slots});
          if (saved !== undefined) node.save(saved, savesNumbersAsTensors);
        }`;
  return `function run(${slots}) {
      if (!(${Array.from({ length: MAX_ARGS }, (_, i) => `(a${i} !== undefined && requiresGrad(a${i}))`).join(' || ')})) return ${forward('NOT_RECORDING')};
      const mode = gradMode();
      if (!mode.enabled) return ${forward('NOT_RECORDING')};
      return record(mode, ${slots});
    }
    function record(mode, ${slots}) {
      const node = newNode(def, ${slots});
      mode.enabled = false;
      let out;
      try {
        out = ${forward('node')};
        ${save}
      } finally {
        mode.enabled = true;
      }
      out._setGradFn(node);
      node.markOutput(out);
      return out;
    }`;
}

/** Compiles runSource for an op definition whose forward takes the node first (defineOp). */
export function compileRun<Info>(def: OpDef<any[], Info>): FixedArgs<Tensor> {
  const make = new Function('forward', 'def', 'requiresGrad', 'gradMode', 'newNode', 'NOT_RECORDING', `// ${def.name} #${compiledCount++}\n'use strict';\n${runSource(true)}\nreturn run;`);
  return make(def.forward, def, requiresGrad, gradMode, newNode, NOT_RECORDING) as FixedArgs<Tensor>;
}

const SOURCES: Record<string, string> = {};
let compiledCount = 0;

type EntryPoints = { call: FixedArgs<unknown>; method: (this: Tensor, ...rest: unknown[]) => unknown; run: FixedArgs<Tensor> };
/** Compiles the entry points of an op (see above); an op with more parameters than fixed
 * slots (batchNorm's eight) binds them as an array. */
function compileEntryPoints(signature: Signature, spec: OpSpec<unknown[], unknown>): EntryPoints {
  const k = spec.params.length;
  const { backward, sliceGrad } = spec;
  const def: OpDef<unknown[]> = {
    name: spec.gradFn ?? spec.name,
    forward: () => {
      throw new Error('unreachable: run calls the spec\'s forward');
    },
    backward: (node, g) => (backward ? backward(g, node.restore(), node.needsInputGrad) : []),
    sliceGrad: sliceGrad && ((node, g) => sliceGrad(g, node.restore())),
  };
  const env = {
    forward: spec.forward, save: spec.save, savesNumbersAsTensors: spec.savesNumbersAsTensors ?? false,
    prepare: spec.prepare, def, signature, requiresGrad, gradMode, newNode, NOT_RECORDING, tooManyArguments,
    checks: spec.params.map((p) => p.check), names: spec.params.map((p) => p.name),
  };
  const wide = k >= MAX_ARGS;
  const variadicAt = signature.variadic ? signature.positional - 1 : -1;
  const recorded = spec.gradFn !== undefined;
  const key = `${wide ? 0 : k}${spec.prepare !== undefined}${variadicAt}${recorded}`;
  const source = (SOURCES[key] ??= entryPointsSource(wide ? 0 : k, spec.prepare !== undefined, wide ? -1 : variadicAt, recorded));
  // The first line makes each op's source unique: V8 caches compiled code (and its
  // feedback) by source text.
  const make = new Function(...Object.keys(env), `// ${spec.name} #${compiledCount++}\n${source}`);
  const compiled = make(...Object.values(env)) as EntryPoints;
  if (!wide) return compiled;
  const invoke = (v: unknown[]) => {
    const p: unknown[] = spec.prepare === undefined ? v : spec.prepare(...v);
    return compiled.run(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
  };
  const call = (...args: unknown[]) => invoke(signature.bind(args));
  return { call, run: compiled.run, method: function (this: Tensor, ...args: unknown[]) { return call(this, ...args); } };
}

function tooManyArguments(signature: Signature, n: number): TypeError {
  const p = signature.positional;
  return opTypeError(signature.op, `takes ${p} positional argument${p === 1 ? '' : 's'} but ${n} were given`);
}

function putMethod(name: string, value: (...args: any[]) => unknown): void {
  Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true });
}

/** Tensor methods that are no op spec, defined by the module that implements them (the
 * autograd engine's backward, the hooks, subscripting), so that lib/tensor.ts imports none
 * of those modules: their types are declared there too (`declare module '../tensor'`). */
export function defineMethods(methods: Record<string, (this: Tensor, ...args: any[]) => unknown>): void {
  for (const name of Object.keys(methods)) putMethod(name, methods[name]);
}

/** Makes each op a Tensor method (x.op(...rest) is tg.op(x, ...rest)) and registers it
 * and its tg.* function in API. */
export function installMethods(ops: Record<string, Op<(...args: any[]) => unknown>>): void {
  for (const op of Object.values(ops)) {
    if (op.function) registerApi(`tg.${op.name}`, 'op', op.signature, op.call as (...args: unknown[]) => unknown);
    if (!op.method) continue;
    registerApi(`Tensor.${op.name}`, 'method', op.signature, op.call as (...args: unknown[]) => unknown);
    putMethod(op.name, op.asMethod);
  }
}

/** The specs of a set of ops, given their public signatures (an interface whose JSDoc the
 * editor shows): the compiler checks that every op has a spec of its signature. */
export type SpecsFor<T> = { [K in keyof T]: Op<T[K]> };
/** The Tensor methods of a set of ops, from their public signatures. */
export type MethodsFor<T> = { [K in keyof T]: MethodOf<T[K]> };

/** The method form of a spec's function: without its first (input) parameter. */
export type MethodOf<F> = F extends (input: Tensor, ...rest: infer R) => infer Ret ? (...rest: R) => Ret : never;
/** The Tensor methods a record of ops adds. */
export type MethodsOf<T extends Record<string, Op<any>>> = { [K in keyof T]: T[K] extends Op<infer F> ? MethodOf<F> : never };
/** The tg.* functions of a record of ops. */
export type FunctionsOf<T extends Record<string, Op<any>>> = { [K in keyof T]: T[K] extends Op<infer F> ? F : never };

/** The tg.* functions of a record of ops, by name. */
export function functionsOf<T extends Record<string, Op<any>>>(ops: T): FunctionsOf<T> {
  return Object.fromEntries(Object.entries(ops).map(([k, op]) => [k, op.call])) as FunctionsOf<T>;
}

/** Binds `args` with `signature` and names the values ({param: value}, defaults filled in),
 * for the constructors that keep their options as an object. */
export function bindNamed(signature: Signature, args: ArrayLike<unknown>): Record<string, any> {
  const values = signature.bind(args);
  return Object.fromEntries(signature.params.map((p, i) => [p.name, values[i]]));
}

/** Lists specs' functions in API as tg.nn.functional.* (PyTorch's F.*), for ops that are
 * F functions rather than tg.* functions and Tensor methods (their specs say method: false). */
export function registerFunctionals(specs: readonly Op<(...a: any[]) => unknown>[]): void {
  for (const spec of specs) registerApi(`nn.functional.${spec.name}`, 'functional', spec.signature, spec.call as (...args: unknown[]) => unknown);
}

/** An F function (tg.nn.functional.NAME, in API) with PyTorch's parameters: impl receives the bound values. */
export function functional<F extends (...args: any[]) => unknown>(name: string, params: Param[], impl: (...values: any[]) => unknown): F {
  return withSignature<F>(`nn.functional.${name}`, 'functional', new Signature(name, params), impl);
}

/** A function with `signature` (registered in API as `path`): impl receives the bound values. */
export function withSignature<F extends (...args: any[]) => unknown>(
  path: string, kind: ApiKind, signature: Signature, impl: (...values: any[]) => unknown,
): F {
  const fn = (...args: unknown[]) => impl(...signature.bind(args));
  registerApi(path, kind, signature, fn);
  return fn as unknown as F;
}

// ---- the graph node a recorded call makes ------------------------------------------------

/** Where a gradient flowing out of a node goes: another node, or a leaf tensor. */
export type Edge = Node | Tensor;

let nextSequenceNr = 0;

export class Node<Info = unknown> {
  /** PyTorch's class name of the grad_fn, e.g. 'AddBackward0'. */
  readonly name: string;
  /** Creation order; descending order is a topological order of the graph (assigned after
   * reading the inputs' gradFn, which may create a node: a view's, after an in-place change). */
  readonly seq: number;
  /** One entry per tensor argument of the op: where its gradient goes (null: nowhere). */
  readonly next: (Edge | null)[];
  /** Shape and dtype of each tensor argument: the engine sums and casts gradients to them. */
  readonly inputShapes: (readonly number[])[];
  readonly inputDTypes: DType[];
  /** needsInputGrad[i]: whether tensor argument i requires grad. */
  readonly needsInputGrad: boolean[];
  /** Op-specific values stashed by forward for backward (shapes, dims, scalars). */
  info!: Info;
  /** Non-leaf tensors whose .grad should be kept (retainGrad). */
  retained: Tensor[] | null = null;
  /** @internal The engine's state during a backward pass: the last pass that reached this
   * node, and the gradient of its output gathered so far. */
  _pass = 0;
  _grad: Tensor | null = null;

  private savedTensors: Tensor[] | null = null;
  private savedValues: Record<string, unknown> | null = null;
  // null until something is saved (a node that saves nothing, as add's, allocates no arrays).
  private savedVersions: number[] | null = null;
  /** Which saved tensors are this node's output (for the version error's wording). */
  private savedIsOutput: boolean[] | null = null;
  private released = false;
  private readonly def: OpDef<any[], Info>;

  /** `inputs`: the op's tensor arguments, in order. (Each array is made at its final
   * size, all four in one loop: this runs for every recorded op.) */
  constructor(def: OpDef<any[], Info>, name: string, inputs: readonly Tensor[]) {
    this.def = def;
    this.name = name;
    const n = inputs.length;
    const next = (this.next = new Array<Edge | null>(n));
    const needs = (this.needsInputGrad = new Array<boolean>(n));
    const shapes = (this.inputShapes = new Array<readonly number[]>(n));
    const dtypes = (this.inputDTypes = new Array<DType>(n));
    for (let i = 0; i < n; ++i) {
      const t = inputs[i];
      const needed = t.requiresGrad;
      next[i] = needed ? (t.gradFn ?? t) : null;
      needs[i] = needed;
      shapes[i] = t._shape;
      dtypes[i] = t.dtype;
    }
    this.seq = nextSequenceNr++;
  }

  /** Saves tensors for backward, remembering their versions (to detect in-place edits). */
  saveForBackward(...tensors: Tensor[]): void {
    if (this === (NOT_RECORDING as Node)) return;
    this.savedTensors = tensors;
    this.savedVersions = tensors.map((t) => t._version.value);
  }

  /** Saves named values for backward (an op spec's `save`): tensors are version-checked
   * as by saveForBackward, other values are kept as they are; `numbersAreTensors`: the
   * numbers count as saved tensors, freed by backward (see OpSpec.savesNumbersAsTensors).
   * (Loops, not keys/filter/map: this runs for every recorded op.) */
  save(values: Record<string, unknown>, numbersAreTensors = false): void {
    if (this === (NOT_RECORDING as Node)) return;
    this.savedValues = values;
    const tensors: Tensor[] = [];
    let numbers = false;
    for (const k in values) {
      const v = values[k];
      if (v instanceof Tensor) tensors.push(v);
      else if (typeof v === 'number') numbers = true;
    }
    // Values only (shapes, dims): nothing to free, so a second backward works (as PyTorch's).
    if (tensors.length === 0 && !(numbersAreTensors && numbers)) return;
    this.savedTensors = tensors;
    this.savedVersions = tensors.map((t) => t._version.value);
  }

  /** What save() kept, after the same checks as `saved` (freed graph, in-place changes).
   * (The values themselves: preserveSaved and savedOutputBecomes replace tensors in both.) */
  restore<S>(): S {
    void this.saved; // its checks
    return (this.savedValues ?? NOTHING_SAVED) as S;
  }

  /** The saved tensors; throws if the graph was freed or a saved tensor changed in place. */
  get saved(): Tensor[] {
    if (this.released) {
      throw new Error(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have ' +
          'already been freed). Saved intermediate values of the graph are freed when you call .backward() or ' +
          'autograd.grad(). Specify retainGraph: true if you need to backward through the graph a second time or ' +
          'if you need to access saved tensors after calling backward.\n' +
          'Hint: pass {retainGraph: true} to the first backward() call.',
      );
    }
    const tensors = this.savedTensors ?? [];
    for (let i = 0; i < tensors.length; ++i) {
      const now = tensors[i]._version.value;
      if (now !== this.savedVersions![i]) {
        const t = tensors[i];
        // As PyTorch: a saved output names this node, a saved input its current gradFn,
        // a leaf or constant nothing.
        const origin = this.savedIsOutput?.[i] ? this.name : t.gradFn?.name;
        throw new Error(
          `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
            `[${torchTypeName(t.dtype)} [${t._shape.join(', ')}]]${origin ? `, which is output 0 of ${origin},` : ''} ` +
            `is at version ${now}; expected version ${this.savedVersions![i]} instead.\n` +
            `Hint: the backward of ${this.name} needs that tensor unchanged; use an out-of-place op ` +
            `(e.g. add instead of add_) or clone() it before modifying it.`,
        );
      }
    }
    return tensors;
  }

  /** @internal Called by defineOp once forward has returned `out`. */
  markOutput(out: Tensor): void {
    if (this.savedTensors) this.savedIsOutput = this.savedTensors.map((t) => t === out);
  }

  /** Frees what forward saved (after a backward without retainGraph). */
  release(): void {
    if (this.savedTensors !== null) {
      this.savedTensors = null;
      this.savedValues = null;
      this.released = true;
    }
  }

  /** Before an in-place write into `t`: if this node saved `t`, keep a copy of its
   * current value instead (as PyTorch saves self.clone() for in-place ops). */
  preserveSaved(t: Tensor, copy: (t: Tensor) => Tensor): void {
    if (!this.savedTensors) return;
    this.savedTensors.forEach((s, i) => {
      if (s !== t) return;
      const c = copy(t);
      this.savedTensors![i] = c;
      this.savedVersions![i] = c._version.value;
      this.replaceSavedValue(t, c);
    });
  }

  /** Replaces `from` by `to` among the named values (see restore). */
  private replaceSavedValue(from: Tensor, to: Tensor): void {
    const values = this.savedValues;
    if (values !== null) for (const k in values) if (values[k] === from) values[k] = to;
  }

  /** After an in-place op wrote `out` (this node's output) into `self`: if the node saved
   * its output, it saved `self` now, at its current version (as PyTorch, where relu_ saves
   * self itself), so a later in-place change to self makes backward throw. */
  savedOutputBecomes(out: Tensor, self: Tensor): void {
    if (!this.savedTensors) return;
    this.savedTensors.forEach((s, i) => {
      if (s !== out) return;
      this.savedTensors![i] = self;
      this.savedVersions![i] = self._version.value;
      this.replaceSavedValue(out, self);
    });
  }

  /** Gradients of the op's tensor arguments given the gradient of its output. */
  apply(grad: Tensor): (Tensor | null | undefined)[] {
    return this.def.backward(this, grad);
  }

  /** @internal The gradient of input 0 as a slice, for ops that can give it so (else null). */
  applySlice(grad: Tensor): SliceGrad | null {
    return this.def.sliceGrad ? this.def.sliceGrad(this, grad) : null;
  }

  /** Printed as PyTorch prints a grad_fn, without its address: <AddBackward0 object>. */
  toString(): string {
    return `<${this.name} object>`;
  }
  [inspectCustom](): string {
    return this.toString();
  }

  /** PyTorch's next_functions: for each input, its node, or null for leaves/constants. */
  get nextFunctions(): (Node | null)[] {
    return this.next.map((e) => (e instanceof Node ? e : null));
  }
}

function torchTypeName(d: DType): string {
  return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor', int64: 'torch.LongTensor' }[d.name];
}

/** A differentiable op for autograd.defineOp (torch.autograd.Function): its name, forward
 * and backward. */
export interface OpDef<Args extends any[], Info = unknown> {
  /** The grad_fn name, e.g. "AddBackward0" (call forms PyTorch names differently are separate ops). */
  name: string;
  /** Computes the output from the arguments; ctx.save(...) keeps what backward needs. */
  forward(ctx: Node<Info>, ...args: Args): Tensor;
  /** One gradient per tensor argument, in order (null/undefined: none). */
  backward(ctx: Node<Info>, grad: Tensor): (Tensor | null | undefined)[];
  /** @internal The gradient as a slice (OpSpec.sliceGrad): the library's view ops only. */
  sliceGrad?(ctx: Node<Info>, grad: Tensor): SliceGrad;
}

/** What restore() gives a node that saved nothing. */
const NOTHING_SAVED = Object.freeze({});

// The ctx handed to forward when nothing is recorded: saving is a no-op.
export const NOT_RECORDING = new Node<any>({ name: '', forward: () => undefined as never, backward: () => [] }, '', []);

/** Whether an op argument requires grad: a tensor that does, or an array holding one (cat's). */
export function requiresGrad(x: unknown): boolean {
  if (x instanceof Tensor) return x._requiresGrad;
  return Array.isArray(x) && someRequiresGrad(x); // apart: the common case stays small enough to inline
}

function someRequiresGrad(xs: unknown[]): boolean {
  for (const t of xs) if (t instanceof Tensor && t._requiresGrad) return true;
  return false;
}

/** Appends the tensors of one argument: a tensor, or the tensors in an array argument. */
function collectTensors(into: Tensor[], a: unknown): void {
  if (a instanceof Tensor) into.push(a);
  else if (Array.isArray(a)) for (const t of a) if (t instanceof Tensor) into.push(t);
}

/** The most arguments an op takes. Ops are called with this many fixed parameters rather
 * than rest arrays and spreads: this path runs on every op call. */
export const MAX_ARGS = 8;

/** A function of an op's (at most MAX_ARGS) arguments. */
export type FixedArgs<R> = (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown) => R;
/** The node of an op call, whose inputs are its tensor arguments. (A function apart,
 * shared by every op, which inlines the constructor: a `new` in each op's record is not
 * inlined there and goes through V8's generic construct stub.) */
function newNode<Info>(def: OpDef<any[], Info>, a0: unknown, a1: unknown, a2: unknown, a3: unknown, a4: unknown, a5: unknown, a6: unknown, a7: unknown): Node<Info> {
  return new Node<Info>(def, def.name, tensorArguments(a0, a1, a2, a3, a4, a5, a6, a7));
}

/** The tensor arguments of an op call, its node's inputs: the Tensors, and the Tensors
 * inside array arguments (cat's), in order. */
function tensorArguments(a0: unknown, a1: unknown, a2: unknown, a3: unknown, a4: unknown, a5: unknown, a6: unknown, a7: unknown): Tensor[] {
  // Most calls: one or two tensors first, then only numbers, booleans or undefined (an
  // array literal: pushing into [] grows it, a runtime call).
  if (typeof a2 !== 'object' && typeof a3 !== 'object' && typeof a4 !== 'object' && typeof a5 !== 'object' && typeof a6 !== 'object' && typeof a7 !== 'object' && a0 instanceof Tensor) {
    if (a1 instanceof Tensor) return [a0, a1];
    if (typeof a1 !== 'object') return [a0];
  }
  const inputs: Tensor[] = [];
  // Tensors pushed here, arrays' tensors (cat's) by collectTensors: this runs for every recorded op.
  if (a0 instanceof Tensor) inputs.push(a0);
  else if (Array.isArray(a0)) collectTensors(inputs, a0);
  if (a1 instanceof Tensor) inputs.push(a1);
  else if (Array.isArray(a1)) collectTensors(inputs, a1);
  if (a2 instanceof Tensor) inputs.push(a2);
  else if (Array.isArray(a2)) collectTensors(inputs, a2);
  if (a3 instanceof Tensor) inputs.push(a3);
  else if (Array.isArray(a3)) collectTensors(inputs, a3);
  if (a4 !== undefined || a5 !== undefined || a6 !== undefined || a7 !== undefined) {
    collectTensors(inputs, a4), collectTensors(inputs, a5), collectTensors(inputs, a6), collectTensors(inputs, a7);
  }
  return inputs;
}
