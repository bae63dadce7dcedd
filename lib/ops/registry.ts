// The op registry. An op is one spec (defineSpec): its public name, its parameters in
// PyTorch's order with PyTorch's defaults (so it takes arguments positionally, by name in
// a trailing options object, or mixed), its forward, what backward needs (`save`, read
// back by name), its backward and its grad_fn name, side by side. The spec makes the
// tg.* function; installMethods() makes the Tensor methods. Every public callable that
// takes keyword arguments (ops, modules, optimizers, schedulers, init functions) is
// listed in API with its Signature, so that one test drives them all by name and by
// position (test/kwargs.test.ts).
import type { Tensor } from '../tensor';
import { MAX_ARGS, requiresGrad, runRecorded, type FixedArgs, type OpDef } from '../autograd/function';
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
 * none) variadic (the environment: compileEntryPoints). */
function entryPointsSource(k: number, prepared: boolean, variadicAt: number): string {
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
    const run = !recorded ? forward : function run(${slots}) {
      if (!(${Array.from({ length: MAX_ARGS }, (_, i) => `(a${i} !== undefined && requiresGrad(a${i}))`).join(' || ')})) return forward(${slots});
      const mode = gradMode();
      if (!mode.enabled) return forward(${slots});
      return runRecorded(mode, def, recordedForward, ${slots});
    };
    function recordedForward(node, ${slots}) {
      const out = forward(${slots});
      const saved = save === undefined ? undefined : save.call(node, out, ${slots});
      if (saved !== undefined) node.save(saved, savesNumbersAsTensors);
      return out;
    }
    ${invoke}
    ${entries}
    return { call, method, run };`;
}

const SOURCES: Record<string, string> = {};
let compiledCount = 0;

type EntryPoints = { call: FixedArgs<unknown>; method: (this: Tensor, ...rest: unknown[]) => unknown; run: FixedArgs<Tensor> };
/** Compiles the entry points of an op (see above); an op with more parameters than fixed
 * slots (batchNorm's eight) binds them as an array. */
function compileEntryPoints(signature: Signature, spec: OpSpec<unknown[], unknown>): EntryPoints {
  const k = spec.params.length;
  const { backward } = spec;
  const def: OpDef<unknown[]> = {
    name: spec.gradFn ?? spec.name,
    forward: () => {
      throw new Error('unreachable: runRecorded calls recordedForward');
    },
    backward: (node, g) => (backward ? backward(g, node.restore(), node.needsInputGrad) : []),
  };
  const env = {
    recorded: spec.gradFn !== undefined, forward: spec.forward, save: spec.save, savesNumbersAsTensors: spec.savesNumbersAsTensors ?? false,
    prepare: spec.prepare, def, signature, requiresGrad, gradMode, runRecorded, tooManyArguments,
    checks: spec.params.map((p) => p.check), names: spec.params.map((p) => p.name),
  };
  const wide = k >= MAX_ARGS;
  const variadicAt = signature.variadic ? signature.positional - 1 : -1;
  const key = `${wide ? 0 : k}${spec.prepare !== undefined}${variadicAt}`;
  const source = (SOURCES[key] ??= entryPointsSource(wide ? 0 : k, spec.prepare !== undefined, wide ? -1 : variadicAt));
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

// The Tensor class, once lib/tensor.ts has defined it (it calls attachMethods). Methods
// that modules add before then (while tensor.ts is still loading) wait until then.
let tensorClass: { prototype: object } | null = null;
const pendingMethods: [string, (...args: any[]) => unknown][] = [];

function putMethod(name: string, value: (...args: any[]) => unknown): void {
  if (!tensorClass) {
    pendingMethods.push([name, value]);
    return;
  }
  Object.defineProperty(tensorClass.prototype, name, { value, writable: true, configurable: true });
}

/** Called once by lib/tensor.ts after the class is defined. */
export function attachMethods(cls: { prototype: object }): void {
  tensorClass = cls;
  for (const [name, value] of pendingMethods.splice(0)) putMethod(name, value);
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
