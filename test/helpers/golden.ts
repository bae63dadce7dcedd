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
  if (typeof expr === 'string' && expr.startsWith('$')) {
    const name = expr.slice(1);
    if (!(name in inputs)) throw new Error(`golden DSL: unknown input ${expr}`);
    return inputs[name];
  }
  if (Array.isArray(expr)) {
    if (expr.length > 0 && typeof expr[0] === 'string' && !expr[0].startsWith('$')) {
      const [name, ...rawArgs] = expr as [string, ...unknown[]];
      const args = rawArgs.map((a) => evaluate(a, inputs));
      if (name.includes('.')) {
        const { fn, isClass } = resolveFunction(name);
        return isClass ? new (fn as unknown as new (...a: unknown[]) => unknown)(...args) : fn(...args);
      }
      const self = args[0] as Record<string, unknown>;
      const method = self?.[name];
      if (typeof method !== 'function') throw new Error(`golden DSL: ${name} is not a method of ${String(self)}`);
      return (method as (...a: unknown[]) => unknown).apply(self, args.slice(1));
    }
    return expr.map((a) => evaluate(a, inputs));
  }
  if (expr === null) return undefined; // an omitted optional argument
  return expr;
}

/** Problems found comparing a tensor with a spec (empty when they match). */
export function compareTensor(actual: unknown, spec: TensorSpec, tol: Tol, what: string): string[] {
  if (!(actual instanceof tg.Tensor)) return [`${what}: expected a Tensor, got ${String(actual)}`];
  if (JSON.stringify(actual.shape) !== JSON.stringify(spec.shape)) {
    return [`${what}: shape ${JSON.stringify(actual.shape)} != expected ${JSON.stringify(spec.shape)}`];
  }
  if (actual.dtype !== spec.dtype) return [`${what}: dtype ${actual.dtype} != expected ${spec.dtype}`];
  const got = actual.toTypedArray();
  const problems: string[] = [];
  // A float32 value is written as the shortest decimal that rounds to it (bit-exact cases need the float32 itself).
  const exact = spec.dtype === 'float32' ? Math.fround : (x: number) => x;
  spec.data.forEach((raw, i) => {
    const e = exact(decode(raw));
    const a = got[i];
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
