// The golden conformance cases (../shared/golden, generated from PyTorch 1.13): loading,
// the expression DSL of its README, and the allclose comparison. One runner for all files.
import * as fs from 'fs';
import * as path from 'path';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';

// The cases are vendored, unmodified, in test/golden/ (CI runs on a bare clone);
// golden.test.ts checks them against the project's shared copy when it is present.
export const GOLDEN_DIR = process.env.TG_GOLDEN_DIR ?? path.resolve(__dirname, '..', 'golden');
export const SHARED_GOLDEN_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'golden');

/** Every case file, in the order the suite runs them. */
export const GOLDEN_FILES = ['elementwise.json', 'reductions.json', 'linalg.json', 'shape.json', 'nn-functional.json', 'composite.json', 'indexing.json', 'layers.json', 'printing.json', 'train.json', 'train2.json', 'rng.json'];

export interface TensorSpec {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  data: (number | string | boolean)[];
  requiresGrad?: boolean;
}

export interface Tol {
  rtol: number;
  atol: number;
}

export type Expr = unknown;

export function loadCases<T = Record<string, unknown>>(file: string): T[] {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, file), 'utf8')) as T[];
}

export function decode(v: number | string | boolean): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** A fresh leaf tensor from a spec (requiresGrad as the spec says). */
export function makeTensor(spec: TensorSpec): Tensor {
  const values = spec.data.map(decode);
  const array =
    spec.dtype === 'float64'
      ? Float64Array.from(values)
      : spec.dtype === 'int32'
        ? Int32Array.from(values)
        : spec.dtype === 'bool'
          ? Uint8Array.from(values)
          : Float32Array.from(values);
  const t = tg.from(array, spec.shape);
  if (spec.requiresGrad) t.requiresGrad_(true);
  return t;
}

const namespaces: Record<string, unknown> = {
  tg,
  F: tg.nn.functional,
  nn: tg.nn,
};

function resolveFunction(name: string): { fn: (...a: unknown[]) => unknown; isClass: boolean } {
  const parts = name.split('.');
  let target: unknown = namespaces[parts[0]];
  for (const p of parts.slice(1)) target = (target as Record<string, unknown> | undefined)?.[p];
  if (typeof target !== 'function') throw new Error(`golden DSL: unknown function ${name}`);
  const isClass = /^[A-Z]/.test(parts[parts.length - 1]);
  return { fn: target as (...a: unknown[]) => unknown, isClass };
}

/** Evaluates an expression of the golden DSL against named inputs. */
export function evaluate(expr: Expr, inputs: Record<string, unknown>): unknown {
  if (typeof expr === 'string') {
    if (!expr.startsWith('$')) return expr; // a literal: an einsum equation, a mode, '...'
    const name = expr.slice(1);
    if (!(name in inputs)) throw new Error(`golden DSL: unknown input ${expr}`);
    return inputs[name];
  }
  if (Array.isArray(expr)) {
    if (expr.length > 0 && typeof expr[0] === 'string' && !expr[0].startsWith('$') && expr[0] !== '...') {
      const [name, ...rawArgs] = expr as [string, ...unknown[]];
      const special = SPECIAL_FORMS[name];
      if (special) return special(rawArgs, inputs);
      const args = rawArgs.map((a) => evaluate(a, inputs));
      if (name.includes('.')) {
        const { fn, isClass } = resolveFunction(name);
        return isClass ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args);
      }
      return callMethod(name, args[0], args.slice(1));
    }
    return expr.map((a) => evaluate(a, inputs));
  }
  if (expr === null) return undefined; // an omitted optional argument
  if (typeof expr === 'object') {
    // An options object: its values are evaluated like arguments.
    return Object.fromEntries(Object.entries(expr as Record<string, unknown>).map(([k, v]) => [k, evaluate(v, inputs)]));
  }
  return expr;
}

function callMethod(name: string, self: unknown, args: unknown[]): unknown {
  const method = (self as Record<string, unknown> | undefined)?.[name];
  if (typeof method !== 'function') throw new Error(`golden DSL: ${name} is not a method of ${String(self)}`);
  return (method as (...a: unknown[]) => unknown).apply(self, args);
}

/** One spec of an `index`/`indexPut` list: `null` is None (a new axis), `{slice: [start, stop,
 * step]}` a slice (null = omitted), `"..."` Ellipsis; anything else is evaluated. */
function evaluateIndexSpec(spec: unknown, inputs: Record<string, unknown>): unknown {
  if (spec === null || spec === '...') return spec;
  if (typeof spec === 'object' && !Array.isArray(spec) && 'slice' in (spec as object)) {
    const bounds = (spec as { slice: (number | null)[] }).slice.map((b) => (b === null ? undefined : b));
    return (tg as unknown as { slice: (...b: (number | undefined)[]) => unknown }).slice(...bounds);
  }
  return evaluate(spec, inputs);
}

const SPECIAL_FORMS: Record<string, (args: unknown[], inputs: Record<string, unknown>) => unknown> = {
  getitem: ([x, i], inputs) => (evaluate(x, inputs) as unknown[])[i as number],
  index: ([a, specs], inputs) =>
    callMethod('index', evaluate(a, inputs), (specs as unknown[]).map((s) => evaluateIndexSpec(s, inputs))),
  indexPut: ([a, specs, value], inputs) =>
    callMethod('indexPut', evaluate(a, inputs), [(specs as unknown[]).map((s) => evaluateIndexSpec(s, inputs)), evaluate(value, inputs)]),
};

/** Problems found comparing a tensor with a spec (empty when they match). */
export function compareTensor(actual: unknown, spec: TensorSpec, tol: Tol, what: string): string[] {
  if (!(actual instanceof tg.Tensor)) return [`${what}: expected a Tensor, got ${String(actual)}`];
  if (JSON.stringify(actual.shape) !== JSON.stringify(spec.shape)) {
    return [`${what}: shape ${JSON.stringify(actual.shape)} != expected ${JSON.stringify(spec.shape)}`];
  }
  if (actual.dtype.name !== spec.dtype) return [`${what}: dtype ${actual.dtype.name} != expected ${spec.dtype}`]; // specs name dtypes
  const got = actual.toTypedArray();
  const problems: string[] = [];
  // A float32 value is written as the shortest decimal that rounds to it (bit-exact cases need the float32 itself).
  const exact = spec.dtype === 'float32' ? Math.fround : (x: number) => x;
  spec.data.forEach((raw, i) => {
    const e = exact(decode(raw));
    const a = Number(got[i]);
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else if (spec.dtype === 'int32' || spec.dtype === 'bool') ok = a === e;
    else ok = Number.isFinite(a) && Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok && problems.length < 5) problems.push(`${what}[${i}]: ${a} != expected ${e}`);
  });
  return problems;
}

// ---- random-number cases (rng.json) ---------------------------------------------------------

export interface RngCall {
  call: Expr;
  /** A tensor spec, or {weight, bias?} for an nn.Linear. */
  out: TensorSpec | { weight: TensorSpec; bias?: TensorSpec };
  tol?: Tol;
}

export interface RngCase {
  id: string;
  kind: 'rng';
  seed: number;
  calls: RngCall[];
  tol: Tol;
}

// tg.nn.Linear is being built on branch nn; until it lands, an "nn.Linear" call builds the
// parameters through nn.init.resetLinear_, the initialisation Linear runs.
function linearParameters(inFeatures: number, outFeatures: number, options: { bias?: boolean } = {}) {
  const weight = tg.empty([outFeatures, inFeatures]);
  const bias = options.bias === false ? null : tg.empty([outFeatures]);
  tg.nn.init.resetLinear_(weight, bias);
  return { weight, bias };
}

function evaluateRngCall(expr: Expr): unknown {
  if (Array.isArray(expr) && expr[0] === 'nn.Linear' && !('Linear' in tg.nn)) {
    return linearParameters(...(expr.slice(1) as Parameters<typeof linearParameters>));
  }
  return evaluate(expr, {});
}

/** Runs the calls after tg.manualSeed(seed), each continuing the stream the last one left;
 * returns the problems found (empty when every result matches). */
export function runRngCase(c: RngCase): string[] {
  tg.manualSeed(c.seed);
  const problems: string[] = [];
  c.calls.forEach((call, i) => {
    const result = evaluateRngCall(call.call);
    const tol = call.tol ?? c.tol;
    const what = `call ${i} ${JSON.stringify(call.call).slice(0, 60)}`;
    if ('weight' in call.out) {
      const { weight, bias } = result as { weight: Tensor; bias: Tensor | null };
      problems.push(...compareTensor(weight, call.out.weight, tol, `${what} weight`));
      if (call.out.bias) problems.push(...compareTensor(bias, call.out.bias, tol, `${what} bias`));
      else if (bias != null) problems.push(`${what}: unexpected bias`);
    } else {
      problems.push(...compareTensor(result, call.out, tol, what));
    }
  });
  return problems;
}

// ---- op and train cases -------------------------------------------------------------------

export interface OpCase {
  id: string;
  kind?: string;
  expr: Expr;
  tol: Tol;
  inputs: Record<string, TensorSpec>;
  output: TensorSpec;
  cotangent?: TensorSpec;
  grads?: Record<string, TensorSpec>;
  inputsAfter?: Record<string, TensorSpec>;
}

export interface PrintCase {
  id: string;
  kind: 'print';
  expr: Expr | null;
  inputs: Record<string, TensorSpec>;
  repr: string;
  gradFn: string | null;
}

export interface TrainCase {
  id: string;
  kind: 'train';
  optimizer: { name: string; options: Record<string, unknown> };
  steps: number;
  tol: Tol;
  loss: Expr;
  params: Record<string, TensorSpec>;
  data: Record<string, TensorSpec>;
  batches?: Record<string, TensorSpec>[];
  scheduler?: { name: string; args?: unknown[]; options?: Record<string, unknown> };
  clipGrad?: { name: string; args: unknown[] };
  expected: { losses: (number | string)[]; lrs?: number[]; gradNorms?: number[]; params: Record<string, TensorSpec> };
}

export function makeInputs(specs: Record<string, TensorSpec>): Record<string, tg.Tensor> {
  return Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, makeTensor(v)]));
}

export function runOpCase(c: OpCase): string[] {
  const inputs = makeInputs(c.inputs);
  const out = evaluate(c.expr, inputs) as tg.Tensor;
  const problems = compareTensor(out, c.output, c.tol, 'output');
  if (c.cotangent) {
    out.backward(makeTensor(c.cotangent));
    for (const [name, spec] of Object.entries(c.grads ?? {})) {
      const g = inputs[name].grad;
      if (g === null) problems.push(`grad ${name}: missing`);
      else problems.push(...compareTensor(g, spec, c.tol, `grad ${name}`));
    }
  }
  for (const [name, spec] of Object.entries(c.inputsAfter ?? {})) {
    problems.push(...compareTensor(inputs[name], spec, c.tol, `${name} after the call`));
  }
  return problems;
}

/** The README's "Train cases" loop: per step, zero the gradients, evaluate the loss,
 * backward, update (a tg.optim optimizer, or the manual update under noGrad). */
export function runTrainCase(c: TrainCase): string[] {
  const params = makeInputs(c.params);
  const data = makeInputs(c.data);
  const batches = c.batches?.map(makeInputs);
  const list = Object.values(params);
  const { name, options } = c.optimizer;
  let zeroGrad: () => void;
  let update: () => void;
  let optimizer: tg.optim.Optimizer<tg.optim.BaseOptions> | undefined;
  if (name === 'manual') {
    const lr = options.lr as number;
    zeroGrad = () => list.forEach((p) => p.grad?.zero_());
    update = () => tg.noGrad(() => list.forEach((p) => p.sub_(p.grad!.mul(lr))));
  } else {
    const Optim = (tg.optim as unknown as Record<string, new (p: tg.Tensor[], o: unknown) => tg.optim.Optimizer<tg.optim.BaseOptions>>)[name];
    if (typeof Optim !== 'function') throw new Error(`golden runner: no optimizer tg.optim.${name}`);
    const opt = new Optim(list, options);
    optimizer = opt;
    zeroGrad = () => opt.zeroGrad();
    update = () => opt.step();
  }
  // train2.json: a scheduler made right after the optimizer, stepped after each update
  // (ReduceLROnPlateau with that step's loss); gradient clipping between backward and update.
  let scheduler: { step: (metric?: number) => void } | undefined;
  if (c.scheduler) {
    const Sched = (tg.optim.lrScheduler as unknown as Record<string, new (...a: unknown[]) => { step: (m?: number) => void }>)[c.scheduler.name];
    if (typeof Sched !== 'function') throw new Error(`golden runner: no scheduler tg.optim.lrScheduler.${c.scheduler.name}`);
    scheduler = new Sched(optimizer, ...(c.scheduler.args ?? []), ...(c.scheduler.options ? [c.scheduler.options] : []));
  }
  const clip = c.clipGrad && (tg.nn as unknown as { utils?: Record<string, (...a: unknown[]) => unknown> }).utils?.[c.clipGrad.name];
  if (c.clipGrad && typeof clip !== 'function') throw new Error(`golden runner: no tg.nn.utils.${c.clipGrad.name}`);
  const losses: number[] = [];
  const lrs: number[] = [];
  const gradNorms: number[] = [];
  for (let i = 0; i < c.steps; ++i) {
    const inputs = { ...data, ...(batches ? batches[i % batches.length] : {}), ...params };
    if (optimizer) lrs.push(optimizer.paramGroups[0].lr as number);
    zeroGrad();
    const loss = evaluate(c.loss, inputs) as tg.Tensor;
    losses.push(loss.item());
    loss.backward();
    if (clip) {
      const norm = clip(list, ...c.clipGrad!.args);
      if (norm instanceof tg.Tensor) gradNorms.push(norm.item());
    }
    update();
    scheduler?.step(c.scheduler!.name === 'ReduceLROnPlateau' ? losses[i] : undefined);
  }
  const dtype = list[0].dtype.name as TensorSpec['dtype'];
  const problems = compareTensor(tg.tensor(losses, { dtype }), { shape: [c.steps], dtype, data: c.expected.losses }, c.tol, 'losses');
  const doubles = (what: string, got: number[], want: number[] | undefined) => {
    if (want) problems.push(...compareTensor(tg.tensor(got, { dtype: 'float64' }), { shape: [want.length], dtype: 'float64', data: want }, c.tol, what));
  };
  doubles('lrs', lrs, c.expected.lrs);
  doubles('gradNorms', gradNorms, c.expected.gradNorms);
  for (const [pname, spec] of Object.entries(c.expected.params)) {
    problems.push(...compareTensor(params[pname], spec, c.tol, `param ${pname}`));
  }
  return problems;
}


function runPrintCase(c: PrintCase): string[] {
  const inputs = makeInputs(c.inputs);
  const result = (c.expr === null ? inputs.x : evaluate(c.expr, inputs)) as tg.Tensor;
  const problems: string[] = [];
  if (result.toString() !== c.repr) problems.push(`repr ${JSON.stringify(result.toString())} != ${JSON.stringify(c.repr)}`);
  if ((result.gradFn?.name ?? null) !== c.gradFn) problems.push(`gradFn ${result.gradFn?.name ?? null} != ${c.gradFn}`);
  return problems;
}

export type GoldenCase = OpCase | PrintCase | TrainCase | RngCase;

/** Runs a case of any golden file; returns the problems found (empty when it matches PyTorch,
 * an error counts as a problem). */
export function runCase(c: GoldenCase): string[] {
  try {
    switch (c.kind) {
      case 'print':
        return runPrintCase(c as PrintCase);
      case 'train':
        return runTrainCase(c as TrainCase);
      case 'rng':
        return runRngCase(c as RngCase);
      default:
        return runOpCase(c as OpCase);
    }
  } catch (e) {
    return [`threw: ${(e as Error).message}`];
  }
}
