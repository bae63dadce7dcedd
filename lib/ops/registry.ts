// The op registry. An op is one spec (defineSpec): its public name, its parameters in
// PyTorch's order with PyTorch's defaults (so it takes arguments positionally, by name in
// a trailing options object, or mixed), its forward, what backward needs (`save`, read
// back by name), its backward and its grad_fn name, side by side. The spec makes the
// tg.* function; installMethods() makes the Tensor methods. Every public callable that
// takes keyword arguments (ops, modules, optimizers, schedulers, init functions) is
// listed in API with its Signature, so that one test drives them all by name and by
// position (test/kwargs.test.ts).
import type { Tensor } from '../tensor';
import { MAX_ARGS, recordingMode, runRecorded, type FixedArgs, type OpDef } from '../autograd/function';
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
   * which gradients backward will compute. */
  save?: (this: SaveContext, out: Tensor, ...args: A) => S;
  /** What save keeps are attributes of the node in PyTorch (add's alpha), not saved
   * tensors: they are not freed by backward, so a second backward works. */
  savesAttributes?: boolean;
  /** One gradient per tensor argument of forward, given the output's gradient g. */
  backward?: (g: Tensor, saved: S, needsInputGrad: readonly boolean[]) => Grads;
}

/** A spec's public function; `call` is it, with the signature and name attached. */
export interface Op<F> {
  readonly name: string;
  readonly signature: Signature;
  readonly call: F;
  readonly method: boolean;
  readonly function: boolean;
}

/** Defines an op from its spec (see the file comment). F is the public function's type:
 * the signature a user sees in the editor, with JSDoc on the spec's export. */
export function defineSpec<F extends (input: Tensor, ...rest: any[]) => unknown, A extends unknown[] = unknown[], S = Record<string, never>>(
  spec: OpSpec<A, S>,
): Op<F> {
  const signature = new Signature(spec.name, spec.params);
  const run = recorded(spec);
  const prepare = spec.prepare as FixedArgs<unknown[]> | undefined;
  const method = spec.method ?? true;
  if (spec.params.length >= MAX_ARGS) {
    // More parameters than fixed slots (batchNorm's eight): bound as an array.
    const wide = (...args: unknown[]) => {
      const v = signature.bind(args);
      const p = prepare === undefined ? v : (prepare as (...a: unknown[]) => unknown[])(...v);
      return run(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
    };
    return { name: spec.name, signature, call: wide as unknown as F, method, function: spec.function ?? true };
  }
  // Every call of every op comes through here: fixed parameters rather than rest arrays
  // and spreads, and the positional call checked one argument at a time (no array); only
  // a call with an options object goes through Signature.bind.
  const call = function (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown): Tensor {
    if (arguments.length > MAX_ARGS) throw tooManyArguments(signature, arguments.length);
    if (!signature.isPositional(a0, a1, a2, a3, a4, a5, a6, a7)) {
      const v = signature.bind([a0, a1, a2, a3, a4, a5, a6, a7]);
      (a0 = v[0]), (a1 = v[1]), (a2 = v[2]), (a3 = v[3]), (a4 = v[4]), (a5 = v[5]), (a6 = v[6]);
    } else {
      a0 = signature.arg(0, a0), a1 = signature.arg(1, a1), a2 = signature.arg(2, a2), a3 = signature.arg(3, a3);
      a4 = signature.arg(4, a4), a5 = signature.arg(5, a5), a6 = signature.arg(6, a6);
    }
    if (prepare === undefined) return run(a0, a1, a2, a3, a4, a5, a6);
    const p = prepare(a0, a1, a2, a3, a4, a5, a6);
    return run(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
  };
  return { name: spec.name, signature, call: call as unknown as F, method, function: spec.function ?? true };
}

/** A spec's forward, recorded (when an argument requires grad) as its gradFn. */
function recorded<A extends unknown[], S>(spec: OpSpec<A, S>): FixedArgs<Tensor> {
  const forward = spec.forward as unknown as FixedArgs<Tensor>;
  if (spec.gradFn === undefined) return forward;
  const { save, backward } = spec;
  const attributes = spec.savesAttributes ?? false;
  const saveFixed = save as ((this: SaveContext, out: Tensor, ...a: unknown[]) => S) | undefined;
  const def: OpDef<unknown[]> = {
    name: spec.gradFn,
    forward: (node, a0, a1, a2, a3, a4, a5, a6, a7) => {
      const out = forward(a0, a1, a2, a3, a4, a5, a6, a7);
      const saved = saveFixed?.call(node, out, a0, a1, a2, a3, a4, a5, a6, a7);
      if (saved !== undefined) node.save(saved as Record<string, unknown>, attributes);
      return out;
    },
    backward: (node, g) => (backward ? backward(g, node.restore<S>(), node.needsInputGrad) : []),
  };
  return (a0, a1, a2, a3, a4, a5, a6, a7) => {
    const mode = recordingMode(a0, a1, a2, a3, a4, a5, a6, a7);
    if (mode === null) return forward(a0, a1, a2, a3, a4, a5, a6, a7);
    return runRecorded(mode, def, def.forward, a0, a1, a2, a3, a4, a5, a6, a7);
  };
}

function tooManyArguments(signature: Signature, n: number): TypeError {
  const p = signature.positional;
  return opTypeError(signature.op, `takes ${p} positional argument${p === 1 ? '' : 's'} but ${n} were given`);
}

// The Tensor class, once lib/tensor.ts has defined it (it calls attachMethods): ops
// modules load while tensor.ts is still importing them, so methods wait until then.
let tensorClass: { prototype: object } | null = null;
const pendingMethods: Op<(input: Tensor, ...rest: any[]) => unknown>[] = [];

function addMethod(op: Op<(input: Tensor, ...rest: any[]) => unknown>): void {
  const fn = op.call as FixedArgs<unknown>;
  // Fixed parameters rather than a rest array: this runs on every method call.
  const method = function (this: Tensor, a1?: unknown, a2?: unknown, a3?: unknown, a4?: unknown, a5?: unknown, a6?: unknown, a7?: unknown) {
    if (arguments.length >= MAX_ARGS) throw tooManyArguments(op.signature, arguments.length + 1);
    return fn(this, a1, a2, a3, a4, a5, a6, a7);
  };
  const wide = function (this: Tensor, ...rest: unknown[]) {
    return (fn as (...a: unknown[]) => unknown)(this, ...rest);
  };
  Object.defineProperty(tensorClass!.prototype, op.name, {
    value: op.signature.params.length >= MAX_ARGS ? wide : method,
    writable: true,
    configurable: true,
  });
}

/** Called once by lib/tensor.ts after the class is defined. */
export function attachMethods(cls: { prototype: object }): void {
  tensorClass = cls;
  pendingMethods.splice(0).forEach(addMethod);
}

/** Makes each op a Tensor method (x.op(...rest) is tg.op(x, ...rest)) and registers it
 * and its tg.* function in API. */
export function installMethods(ops: Record<string, Op<(input: Tensor, ...rest: any[]) => unknown>>): void {
  for (const op of Object.values(ops)) {
    if (op.function) registerApi(`tg.${op.name}`, 'op', op.signature, op.call as (...args: unknown[]) => unknown);
    if (!op.method) continue;
    registerApi(`Tensor.${op.name}`, 'method', op.signature, op.call as (...args: unknown[]) => unknown);
    if (tensorClass) addMethod(op);
    else pendingMethods.push(op);
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
