// The training utilities of issue 15 against PyTorch 1.13 where the golden file
// (train2.json) does not reach: SequentialLR, LambdaLR, more of each scheduler's options,
// state dicts (PyTorch's format, loaded into tensorgrad and continued; a scheduler saved and
// restored mid-schedule), gradient clipping of every norm type. The reference values come
// from test/optim/train2_reference.py, run here with /usr/bin/python3.
import { readFileSync } from 'fs';
import { join } from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { hasTorch, runPython, TORCH_HINT } from '../helpers/python';

const { nn, optim } = tg;
const S = optim.lrScheduler;
type Optim = tg.optim.Optimizer<tg.optim.BaseOptions>;

interface Schedule {
  lrs: number[][];
  momentums: number[][];
}
interface OptimCase {
  state: Record<string, number | number[]>;
  group: Record<string, unknown>;
  paramsAtSave: number[];
  params: number[];
}
interface ClipCase {
  total: number;
  grads: unknown[];
}
interface Reference {
  [schedule: string]: unknown;
  oneCycleTooFar: string;
  adamax: OptimCase;
  nadam: OptimCase;
  radam: OptimCase;
  clip: Record<string, ClipCase>;
  clipNoop: ClipCase;
  clipValue: number[];
}

const ref: Reference | null = hasTorch ? runPython<Reference>(readFileSync(join(__dirname, 'train2_reference.py'), 'utf8')) : null;
const describeTorch = describe.runIf(hasTorch);

/** SGD over `groups` one-element parameter groups, as the reference script makes it. */
function sgd(lr = 0.1, momentum = 0, groups = 1): tg.optim.SGD {
  return new optim.SGD(
    Array.from({ length: groups }, () => ({ params: [new nn.Parameter(tg.ones(1, { dtype: 'float64' }))] })),
    { lr, momentum },
  );
}

/** Each step's lr and momentum (SGD's momentum or Adam's beta1) of every group, read before
 * optimizer.step() and scheduler.step(), as the reference's run() does. */
function run(opt: Optim, sched: { step(metric?: number): void }, n: number, metrics?: number[]): Schedule {
  const out: Schedule = { lrs: [], momentums: [] };
  const groups = opt.paramGroups as unknown as Record<string, unknown>[];
  for (let i = 0; i < n; ++i) {
    out.lrs.push(groups.map((g) => g.lr as number));
    out.momentums.push(groups.map((g) => (g.betas ? (g.betas as number[])[0] : (g.momentum as number))));
    opt.step();
    sched.step(metrics?.[i]);
  }
  return out;
}

function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => row.forEach((v, j) => expect(v, `step ${i}, group ${j}`).toBeCloseTo(want[i][j], 14)));
}

function expectSchedule(got: Schedule, want: Schedule): void {
  expectClose(got.lrs, want.lrs);
  expectClose(got.momentums, want.momentums);
}

/** The schedules of the reference script, each made the same way here. */
type Stepper = { step(metric?: number): void };
const SCHEDULES: Record<string, () => [Optim, Stepper, number, number[]?]> = {
  sequentialLinearExp: () => {
    const o = sgd();
    return [o, new S.SequentialLR(o, [new S.LinearLR(o, 0.25, { totalIters: 3 }), new S.ExponentialLR(o, 0.9)], { milestones: [3] }), 10];
  },
  sequentialThree: () => {
    const o = sgd();
    const parts = [new S.StepLR(o, 2, 0.5), new S.CosineAnnealingLR(o, 4, { etaMin: 0.01 }), new S.MultiStepLR(o, [2, 2, 5], 0.5)];
    return [o, new S.SequentialLR(o, parts, [4, 8]), 14];
  },
  lambdaTwoGroups: () => {
    const o = sgd(0.1, 0, 2);
    return [o, new S.LambdaLR(o, [(e) => 0.95 ** e, (e) => 1 / (e + 1)]), 6];
  },
  multiStepRepeated: () => {
    const o = sgd();
    return [o, new S.MultiStepLR(o, [4, 2, 2], { gamma: 0.5 }), 7];
  },
  linearDecay: () => {
    const o = sgd();
    return [o, new S.LinearLR(o, { startFactor: 1.0, endFactor: 0.1, totalIters: 4 }), 7];
  },
  warmRestarts: () => {
    const o = sgd();
    return [o, new S.CosineAnnealingWarmRestarts(o, 2, { tMult: 3, etaMin: 0.05 }), 15];
  },
  oneCycleEpochs: () => {
    const o = sgd(0.1, 0.9);
    return [o, new S.OneCycleLR(o, 1.0, { epochs: 2, stepsPerEpoch: 5 }), 10];
  },
  oneCycleGroups: () => {
    const o = sgd(0.1, 0.9, 2);
    return [o, new S.OneCycleLR(o, [1.0, 0.5], { totalSteps: 8, annealStrategy: 'linear', maxMomentum: [0.9, 0.95], baseMomentum: 0.7 }), 8];
  },
  plateauMax: () => {
    const o = sgd();
    const metrics = [1, 2, 2, 2, 3, 3, 3, 3, 3, 2.5, 3.5, 3.5];
    const plateau = new S.ReduceLROnPlateau(o, 'max', { factor: 0.5, patience: 1, threshold: 0.1, cooldown: 1, minLr: 0.02 });
    return [o, plateau as unknown as Stepper, metrics.length, metrics];
  },
};

describeTorch(`schedulers against PyTorch${TORCH_HINT}`, () => {
  test.each(Object.keys(SCHEDULES))('%s', (name) => {
    const [opt, sched, n, metrics] = SCHEDULES[name]();
    expectSchedule(run(opt, sched, n, metrics), ref![name] as Schedule);
  });

  test.each(Object.keys(SCHEDULES))('%s: a scheduler restored from its stateDict mid-schedule continues it', (name) => {
    const [opt, sched, n, metrics] = SCHEDULES[name]();
    const half = Math.floor(n / 2);
    run(opt, sched, half, metrics);
    const saved = JSON.parse(JSON.stringify((sched as unknown as { stateDict(): unknown }).stateDict(), (_k, v) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v)), (_k, v) =>
      v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
    );
    const savedOptimizer = opt.stateDict();
    // A fresh optimizer and scheduler, loaded: the rest of the schedule is PyTorch's.
    const [opt2, sched2] = SCHEDULES[name]();
    opt2.loadStateDict(savedOptimizer);
    (sched2 as unknown as { loadStateDict(s: unknown): void }).loadStateDict(saved);
    const want = ref![name] as Schedule;
    expectSchedule(run(opt2, sched2, n - half, metrics?.slice(half)), { lrs: want.lrs.slice(half), momentums: want.momentums.slice(half) });
  });

  test('LambdaLR keeps no functions in its state dict (PyTorch saves lambdas as None)', () => {
    const o = sgd(0.1, 0, 2);
    const sched = new S.LambdaLR(o, (e) => 0.5 ** e);
    expect(sched.stateDict().lrLambdas).toEqual([null, null]);
    expect(() => new S.LambdaLR(o, [(e: number) => e])).toThrow('LambdaLR: expected 2 values for lrLambda, got 1');
  });

  test('OneCycleLR past totalSteps throws as PyTorch does', () => {
    const o = sgd(0.1, 0.9);
    const s = new S.OneCycleLR(o, 1.0, { totalSteps: 3 });
    expect(ref!.oneCycleTooFar).toBe('Tried to step 5 times. The specified number of total steps is 3');
    expect(() => {
      for (let i = 0; i < 4; ++i) s.step();
    }).toThrow('OneCycleLR: tried to step 5 times; the specified number of total steps is 3');
  });
});

describe('scheduler arguments', () => {
  test('bad values are refused, naming the scheduler and the value', () => {
    const o = sgd();
    expect(() => new S.SequentialLR(o, [new S.StepLR(o, 2)], [1])).toThrow('SequentialLR: expects one milestone fewer than schedulers, got 1 schedulers and 1 milestones');
    expect(() => new S.SequentialLR(o, [new S.StepLR(sgd(), 2), new S.StepLR(o, 2)], [1])).toThrow('the scheduler at index 0 does not');
    expect(() => new S.OneCycleLR(o, 1.0)).toThrow('OneCycleLR: you must define either totalSteps or (epochs and stepsPerEpoch)');
    expect(() => new S.OneCycleLR(o, 1.0, { totalSteps: 4, pctStart: 1.5 })).toThrow('OneCycleLR: invalid pctStart: 1.5 (expected between 0 and 1)');
    expect(() => new S.OneCycleLR(new optim.Adagrad([new nn.Parameter(tg.ones(1))]), 1.0, { totalSteps: 4 })).toThrow('optimizer must support momentum');
    expect(() => new S.CosineAnnealingWarmRestarts(o, 0)).toThrow('CosineAnnealingWarmRestarts: invalid t0: 0 (expected a positive integer)');
    expect(() => new S.LinearLR(o, 1.5)).toThrow('LinearLR: invalid startFactor: 1.5 (expected between 0 and 1)');
    expect(() => new S.ReduceLROnPlateau(o, { factor: 1 })).toThrow('ReduceLROnPlateau: invalid factor: 1 (expected < 1.0)');
    expect(() => new S.ReduceLROnPlateau(o, 'up' as 'min')).toThrow('ReduceLROnPlateau: "up" is not a valid value for mode');
    expect(() => new S.MultiStepLR(o, 3 as unknown as number[])).toThrow('MultiStepLR: milestones must be an array of integers, got 3');
  });

  test('ReduceLROnPlateau takes a 1-element tensor as the metric', () => {
    const o = sgd(1);
    const s = new S.ReduceLROnPlateau(o, { patience: 0 });
    s.step(tg.tensor(2));
    s.step(tg.tensor([3]));
    expect(o.paramGroups[0].lr).toBeCloseTo(0.1, 15); // one epoch without improvement, patience 0
    expect(s.getLastLr()).toEqual([o.paramGroups[0].lr]);
  });
});

/** The reference's objective: sum(p² · [1, 2, 3, -0.5] + sin p). */
function quad(p: tg.Tensor): tg.Tensor {
  return p.mul(p).mul(tg.tensor([1.0, 2.0, 3.0, -0.5], { dtype: 'float64' })).add(p.sin()).sum();
}

const OPTIMIZERS: Record<'adamax' | 'nadam' | 'radam', (ps: tg.Tensor[]) => Optim> = {
  adamax: (ps) => new optim.Adamax(ps, { lr: 0.05, betas: [0.8, 0.95], weightDecay: 0.1, maximize: true }),
  nadam: (ps) => new optim.NAdam(ps, { lr: 0.05, weightDecay: 0.1, momentumDecay: 0.01 }),
  radam: (ps) => new optim.RAdam(ps, { lr: 0.05, betas: [0.9, 0.9], weightDecay: 0.1 }),
};

function steps(opt: Optim, p: tg.Tensor, n: number): void {
  for (let i = 0; i < n; ++i) {
    opt.zeroGrad();
    quad(p).backward();
    opt.step();
  }
}

const toPlain = (v: unknown): unknown => (v instanceof tg.Tensor ? (v.ndim === 0 ? v.item() : v.tolist()) : v);

describeTorch(`Adamax, NAdam, RAdam: state dicts in PyTorch's format${TORCH_HINT}`, () => {
  test.each(Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[])('%s: the state after 4 steps, and 3 more from a loaded PyTorch state dict', (name) => {
    const want = ref![name];
    const p = new nn.Parameter(tg.tensor([1.0, -2.0, 0.5, 3.0], { dtype: 'float64' }));
    const opt = OPTIMIZERS[name]([p]);
    steps(opt, p, 4);
    const sd = opt.stateDict();
    // The state: the same keys (step and NAdam's mu_product as 0-d tensors) and values.
    expect(Object.keys(sd.state[0]).sort()).toEqual(Object.keys(want.state).sort());
    for (const [key, value] of Object.entries(want.state)) {
      const mine = toPlain(sd.state[0][key]);
      if (Array.isArray(value)) (mine as number[]).forEach((v, i) => expect(v, `${key}[${i}]`).toBeCloseTo(value[i], 12));
      else expect(mine, key).toBeCloseTo(value, key === 'mu_product' ? 7 : 12);
    }
    // The group: every option under PyTorch's name, with PyTorch's value.
    const { params: _params, ...options } = sd.param_groups[0];
    for (const [key, value] of Object.entries(options)) expect(want.group[key], key).toEqual(value);
    want.paramsAtSave.forEach((v, i) => expect((p.tolist() as number[])[i]).toBeCloseTo(v, 12));

    // PyTorch's state dict loaded into a fresh optimizer carries on as PyTorch did.
    const q = new nn.Parameter(tg.tensor(want.paramsAtSave, { dtype: 'float64' }));
    const fresh = OPTIMIZERS[name]([q]);
    const state = Object.fromEntries(
      Object.entries(want.state).map(([k, v]) => [k, Array.isArray(v) ? tg.tensor(v, { dtype: 'float64' }) : tg.tensor(v)]),
    );
    fresh.loadStateDict({ state: { 0: state }, param_groups: [{ ...want.group, foreach: null }] });
    steps(fresh, q, 3);
    want.params.forEach((v, i) => expect((q.tolist() as number[])[i]).toBeCloseTo(v, 12));
  });
});

describe('Adamax, NAdam, RAdam arguments', () => {
  test('PyTorch\'s checks, naming the optimizer', () => {
    const ps = () => [new nn.Parameter(tg.ones(2))];
    expect(() => new optim.Adamax(ps(), { betas: [1, 0.9] })).toThrow('Adamax: invalid betas[0]: 1 (expected in [0, 1))');
    expect(() => new optim.NAdam(ps(), { momentumDecay: -1 })).toThrow('NAdam: invalid momentumDecay: -1 (expected >= 0)');
    expect(() => new optim.RAdam(ps(), -0.1)).toThrow('RAdam: invalid lr: -0.1 (expected >= 0)');
  });
});

/** The reference's parameters, with gradients of sum(p³): 3p². */
function clipParams(): tg.Tensor[] {
  const ps = [[1.0, -2.0, 3.0], [[0.5, -0.25], [4.0, 1.0]], [-3.5]].map((v) => new nn.Parameter(tg.tensor(v, { dtype: 'float64' })));
  ps.reduce((s, p) => s.add(p.pow(3).sum()), tg.tensor(0, { dtype: 'float64' })).backward();
  return ps;
}

function expectGrads(ps: tg.Tensor[], want: unknown[]): void {
  ps.forEach((p, i) => {
    const flat = (want[i] as number[] | number[][]).flat();
    Array.from(p.grad!.toTypedArray() as Float64Array).forEach((v, j) => expect(Number(v), `grad ${i}[${j}]`).toBeCloseTo(flat[j], 12));
  });
}

describeTorch(`nn.utils gradient clipping against PyTorch${TORCH_HINT}`, () => {
  const norms: [string, number | 'inf'][] = [['2.0', 2], ['1.0', 1], ['3.5', 3.5], ['inf', 'inf'], ['-inf', -Infinity]];
  test.each(norms)('clipGradNorm_ with normType %s', (key, normType) => {
    const ps = clipParams();
    const total = nn.utils.clipGradNorm_(ps, 0.1, normType);
    expect(total.shape).toEqual([]);
    expect(total.item()).toBeCloseTo(ref!.clip[key].total, 10);
    expectGrads(ps, ref!.clip[key].grads);
  });

  test('clipGradNorm_ leaves gradients under maxNorm as they are', () => {
    const ps = clipParams();
    expect(nn.utils.clipGradNorm_(ps, 1e6).item()).toBeCloseTo(ref!.clipNoop.total, 10);
    expectGrads(ps, ref!.clipNoop.grads);
  });

  test('clipGradValue_ clamps each gradient', () => {
    const p = new nn.Parameter(tg.tensor([1.0, -2.0, 3.0], { dtype: 'float64' }));
    p.pow(3).sum().backward();
    nn.utils.clipGradValue_(p, 5.0);
    expect(p.grad!.tolist()).toEqual(ref!.clipValue);
  });
});

describe('nn.utils', () => {
  test('clipGradNorm_ skips parameters without a gradient; none at all gives 0', () => {
    const ps = clipParams();
    const without = new nn.Parameter(tg.ones(2));
    // By hand: the 2-norm of [3, 12, 27, 0.75, 0.1875, 48, 3, 36.75].
    const total = nn.utils.clipGradNorm_([...ps, without], { maxNorm: 1e6 });
    expect(total.item()).toBeCloseTo(Math.hypot(3, 12, 27, 0.75, 0.1875, 48, 3, 36.75), 10);
    expect(nn.utils.clipGradNorm_([without], 1).item()).toBe(0);
  });

  test('errorIfNonfinite refuses a NaN or infinite norm; by default it scales anyway (as PyTorch)', () => {
    const p = new nn.Parameter(tg.tensor([1, 2]));
    p.mul(tg.tensor([Infinity, 1])).sum().backward();
    expect(() => nn.utils.clipGradNorm_(p, 1, 2, true)).toThrow('clipGradNorm_: the total norm of order 2 for gradients from `parameters` is non-finite (Infinity)');
    expect(nn.utils.clipGradNorm_(p, 1).item()).toBe(Infinity);
    expect(() => nn.utils.clipGradNorm_(p, 1, 'two' as 'inf')).toThrow(`clipGradNorm_: normType must be a number or 'inf', got "two"`);
  });

  test('parametersToVector and vectorToParameters: the parameters become views of the vector', () => {
    const a = new nn.Parameter(tg.tensor([[1, 2], [3, 4]]));
    const b = new nn.Parameter(tg.tensor([5]));
    const vec = nn.utils.parametersToVector([a, b]);
    expect(vec.tolist()).toEqual([1, 2, 3, 4, 5]);
    vec.sum().backward(); // differentiable (PyTorch's CatBackward0)
    expect(a.grad!.tolist()).toEqual([[1, 1], [1, 1]]);

    const v = tg.tensor([10, 20, 30, 40, 50, 60]);
    nn.utils.vectorToParameters(v, [a, b]);
    expect(a.tolist()).toEqual([[10, 20], [30, 40]]);
    expect(b.tolist()).toEqual([50]);
    tg.noGrad(() => v.mul_(2)); // a write into the vector shows in the parameters
    expect(a.tolist()).toEqual([[20, 40], [60, 80]]);
    expect(() => nn.utils.vectorToParameters(tg.tensor([1, 2]), [a, b])).toThrow('vectorToParameters: vec must be a 1-D tensor of at least 5 elements');
    expect(() => nn.utils.vectorToParameters([1, 2] as unknown as tg.Tensor, [a])).toThrow('vectorToParameters: expected a Tensor');
  });
});
