// PyTorch's keyword arguments, for every public callable that has a signature (the API
// list of lib/ops/registry.ts: ops as tg.* functions and Tensor methods, modules, losses,
// optimizers, schedulers, nn.init). Generated from the signatures: each is called with
// its parameters positionally and again by name in a trailing options object, and the
// two must agree; the named call must differ from the all-defaults call (so a name that
// were silently ignored fails); an unknown name and a repeated one must throw.
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';
import { API, type ApiEntry } from '../lib/ops/registry';
import type { Param } from '../lib/check';

// The arguments a signature leads with, which no example covers: the tensor an op or an
// init function works on, an optimizer's parameters, a scheduler's optimizer (and
// SequentialLR's schedulers of it: a fixture gets those made before it), where's condition.
const FIXTURES: Record<string, (made: Record<string, unknown>) => unknown> = {
  input: () => tg.tensor([[0.5, 1.5, 2.5], [3.5, 0.25, 1.25]]),
  other: () => tg.tensor([[2, 1, 0.5], [1, 2, 3]]),
  condition: () => tg.tensor([[true, false, true], [false, false, true]]),
  tensor: () => tg.empty(3, 2),
  params: () => [new tg.nn.Parameter(tg.tensor([1, -2, 3]))],
  optimizer: () => new tg.optim.SGD([new tg.nn.Parameter(tg.tensor([1, -2, 3]))], 0.1),
  parameters: () => {
    const p = new tg.nn.Parameter(tg.tensor([1, -2, 3]));
    p.mul(p).sum().backward(); // nn.utils' clipping needs gradients
    return [p];
  },
  vec: () => tg.tensor([4, 5, 6]),
  schedulers: (made) => {
    const opt = made.optimizer as tg.optim.SGD;
    return [new tg.optim.lrScheduler.LinearLR(opt, 0.5), new tg.optim.lrScheduler.ExponentialLR(opt, 0.5)];
  },
};
const isFixture = (p: Param) => p.name in FIXTURES;
// Entries that need other fixtures: label tensors, an input where the options matter.
const FIXTURES_OF: Record<string, Record<string, (made: Record<string, unknown>) => unknown>> = {
  'nn.functional.oneHot': { input: () => tg.tensor([0, 2, 1], { dtype: 'int32' }) },
  'nn.functional.celu': { input: () => tg.tensor([[-1.5, 0.5, -0.25], [2, -3, 1]]) },
  'nn.functional.instanceNorm': { input: () => tg.tensor([[[0.5, 1.5, 2.5], [3.5, 0.25, 1.25], [2, -1, 0]]]) },
  'nn.functional.embedding': { input: () => tg.tensor([[0, 2], [1, 1]], { dtype: 'int32' }) },
  ...both('squeeze', { input: () => tg.tensor([[[1], [2]]]) }), // [1, 2, 1]: squeezing dim 0 only differs from squeezing all
  ...both('matmul', { other: () => tg.tensor([[1], [2], [3]]) }),
  ...both('outer', { input: () => tg.tensor([1, 2, 3]) }),
};
/** The fixtures of an op as a tg.* function and as a Tensor method. */
function both(op: string, fixtures: Record<string, (made: Record<string, unknown>) => unknown>) {
  return { [`tg.${op}`]: fixtures, [`Tensor.${op}`]: fixtures };
}

/** Something comparable for any result: a tensor's values, a module's printout, ... */
function fingerprint(x: unknown): unknown {
  if (x instanceof tg.Tensor) return { shape: x.shape, dtype: x.dtype, values: Array.from(x.toTypedArray(), Number) };
  if (Array.isArray(x)) return x.map(fingerprint); // several tensors (nonzero with asTuple, sort, topk, split)
  if (x instanceof tg.nn.Module) {
    // The printout, the parameters, and the options a module keeps as fields (a loss's reduction).
    const options = Object.entries(x).filter(([, v]) => v === null || typeof v !== 'object');
    return [x.toString(), x.parameters().map(fingerprint), options];
  }
  if (x instanceof tg.optim.Optimizer) return x.paramGroups.map(({ params, ...options }) => JSON.stringify(options));
  if (x !== null && typeof x === 'object' && 'stateDict' in x) return JSON.stringify((x as { stateDict(): unknown }).stateDict());
  return x;
}

/** Calls the entry with fresh fixtures (and a fresh seed: Linear and init draw numbers). */
function run(entry: ApiEntry, args: (fixtures: Record<string, unknown>) => unknown[]): unknown {
  const makers = { ...FIXTURES, ...FIXTURES_OF[entry.path] };
  const fixtures: Record<string, unknown> = {};
  for (const p of entry.signature.params) if (p.name in makers) fixtures[p.name] = makers[p.name](fixtures);
  tg.manualSeed(0);
  const [first, ...rest] = args(fixtures);
  const method = entry.path.startsWith('Tensor.') ? entry.path.slice('Tensor.'.length) : null;
  // A method is called on its input: x.var(...) rather than tg.var(x, ...).
  const result = method ? (first as Record<string, (...a: unknown[]) => unknown>)[method](...rest) : entry.call(first, ...rest);
  return fingerprint(result);
}

const value = (p: Param, fixtures: Record<string, unknown>) => (isFixture(p) ? fixtures[p.name] : p.example);
const withExamples = (entry: ApiEntry) => entry.signature.params.filter((p) => !isFixture(p) && p.example !== undefined);

describe.each(API.map((e) => [e.path, e] as const))('%s', (_path, entry) => {
  const { params } = entry.signature;
  const leading = params.filter(isFixture);

  test('by position and by name give the same result', () => {
    const named = withExamples(entry);
    // Positionally: every parameter up to the last positional one with an example (others
    // at their defaults); keyword-only ones by name, as Python requires.
    const lastPositional = Math.max(-1, ...params.map((p, i) => (!p.kwOnly && (isFixture(p) || p.example !== undefined) ? i : -1)));
    const positional = (f: Record<string, unknown>) => {
      const args: unknown[] = params.slice(0, lastPositional + 1).map((p) => (isFixture(p) || p.example !== undefined ? value(p, f) : p.default));
      const kw = Object.fromEntries(params.filter((p) => p.kwOnly && p.example !== undefined).map((p) => [p.name, p.example]));
      return Object.keys(kw).length ? [...args, kw] : args;
    };
    const byName = (f: Record<string, unknown>) => [
      ...leading.map((p) => f[p.name]),
      Object.fromEntries(named.map((p) => [p.name, p.example])),
    ];
    const expected = run(entry, positional);
    expect(run(entry, byName)).toEqual(expected);
    if (named.some((p) => !p.required)) {
      // The examples differ from the defaults: an ignored name would give the defaults' result
      // (or fail, where a parameter PyTorch declares optional is needed, as softmax's dim).
      const required = params.filter((p) => p.required && !isFixture(p));
      const defaults = (f: Record<string, unknown>) => [...leading.map((p) => f[p.name]), ...required.map((p) => p.example)];
      let withDefaults: unknown;
      try {
        withDefaults = run(entry, defaults);
      } catch (e) {
        withDefaults = e;
      }
      expect(withDefaults).not.toEqual(expected);
    }
  });

  test('an unknown name throws, naming it', () => {
    const required = params.filter((p) => p.required && !isFixture(p));
    const call = () =>
      run(entry, (f) => [...leading.map((p) => f[p.name]), Object.fromEntries([...required.map((p) => [p.name, p.example]), ['notAParameter', 1]])]);
    expect(call).toThrow(/unexpected keyword argument 'notAParameter'/);
  });

  const firstNamed = params.findIndex((p) => !isFixture(p) && !p.kwOnly && p.example !== undefined);
  test.runIf(firstNamed >= 0)('a name also given by position throws', () => {
    const p = params[firstNamed];
    const call = () =>
      run(entry, (f) => [...params.slice(0, firstNamed + 1).map((q) => (isFixture(q) ? f[q.name] : q.example ?? q.default)), { [p.name]: p.example }]);
    expect(call).toThrow(new RegExp(`multiple values for argument '${p.name}'`));
  });
});

test('the API list covers every kind of public callable', () => {
  const kinds = new Set(API.map((e) => e.kind));
  expect([...kinds].sort()).toEqual(['functional', 'init', 'method', 'module', 'op', 'optimizer', 'scheduler']);
  expect(API.map((e) => e.path)).toEqual(expect.arrayContaining(['tg.var', 'Tensor.var', 'nn.Linear', 'nn.Dropout', 'optim.SGD', 'optim.lrScheduler.StepLR', 'nn.init.kaimingUniform_']));
});
