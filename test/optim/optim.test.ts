// Optimizers beyond the golden train cases (which check every update rule against
// PyTorch): resuming from a saved state, parameter groups, options and their checks.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const { nn, optim } = tg;

/** A 4-8-3 MLP with fixed, varied parameter values (no RNG involved). */
function makeModel(): tg.nn.Sequential {
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  let k = 0;
  tg.noGrad(() => {
    for (const p of model.parameters()) {
      p.copy_(tg.arange(k, k + p.numel()).float().mul(0.7).sin().mul(0.5).reshape(p.shape.slice()));
      k += p.numel();
    }
  });
  return model;
}

const x = tg.arange(24).float().mul(0.3).cos().reshape(6, 4);
const target = tg.tensor([0, 1, 2, 0, 1, 2], { dtype: 'int32' });

function train(model: tg.nn.Module, opt: tg.optim.Optimizer<tg.optim.BaseOptions>, steps: number, scheduler?: tg.optim.lrScheduler.LRScheduler): number[] {
  const losses: number[] = [];
  for (let i = 0; i < steps; ++i) {
    opt.zeroGrad();
    const loss = tg.nn.functional.crossEntropy(model.forward(x) as tg.Tensor, target);
    loss.backward();
    opt.step();
    scheduler?.step();
    losses.push(loss.item());
  }
  return losses;
}

type MakeOptimizer = (params: tg.Tensor[]) => tg.optim.Optimizer<tg.optim.BaseOptions>;

const optimizers: [string, MakeOptimizer][] = [
  ['SGD nesterov weightDecay', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['SGD dampening', (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.5, dampening: 0.3 })],
  ['Adam amsgrad', (p) => new optim.Adam(p, { lr: 0.05, amsgrad: true })],
  ['AdamW', (p) => new optim.AdamW(p, { lr: 0.05, weightDecay: 0.1 })],
  ['RMSprop centered momentum', (p) => new optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad lrDecay', (p) => new optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-optim-'));

describe.each(optimizers)('%s', (_name, make) => {
  test('resuming from a checkpoint (tg.save / tg.load) gives the losses of uninterrupted training', () => {
    const a = makeModel();
    const optA = make(a.parameters());
    const uninterrupted = train(a, optA, 10, new optim.lrScheduler.StepLR(optA, 3, { gamma: 0.5 }));

    const b = makeModel();
    const optB = make(b.parameters());
    const schedB = new optim.lrScheduler.StepLR(optB, 3, { gamma: 0.5 });
    const first = train(b, optB, 5, schedB);
    const file = path.join(tmp, 'checkpoint.safetensors');
    tg.save({ model: b.stateDict(), optimizer: optB.stateDict() as unknown as tg.Saveable, scheduler: schedB.stateDict() as tg.Saveable, epoch: 5 }, file);

    const c = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const optC = make(c.parameters());
    const schedC = new optim.lrScheduler.StepLR(optC, 3, { gamma: 0.5 });
    const ck = tg.load<{ model: tg.nn.StateDict; optimizer: tg.optim.OptimizerStateDict; scheduler: Record<string, unknown>; epoch: number }>(file);
    expect(ck.epoch).toBe(5);
    c.loadStateDict(ck.model);
    optC.loadStateDict(ck.optimizer);
    schedC.loadStateDict(ck.scheduler);
    const resumed = train(c, optC, 5, schedC);

    expect([...first, ...resumed]).toEqual(uninterrupted);
    expect(c.stateDict()['2.weight'].tolist()).toEqual(a.stateDict()['2.weight'].tolist());
  });

  test('without the optimizer state, resumed training differs (the check above can fail)', () => {
    const a = makeModel();
    const uninterrupted = train(a, make(a.parameters()), 8);
    const b = makeModel();
    train(b, make(b.parameters()), 4);
    expect(train(b, make(b.parameters()), 4)).not.toEqual(uninterrupted.slice(4));
  });

  test('an empty parameter takes steps (there is nothing to update)', () => {
    const p = new nn.Parameter(tg.zeros(0, 3));
    const opt = make([p]);
    p.sum().backward();
    opt.step();
    opt.step();
    expect(p.shape).toEqual([0, 3]);
  });
});

describe('updates derived by hand', () => {
  test('Adam\'s first step moves each parameter by lr against the sign of its gradient', () => {
    // m̂ = g and v̂ = g² after one step, so the update is lr · g / (|g| + eps).
    const p = new nn.Parameter(tg.tensor([1, 1, 1]));
    const opt = new optim.Adam([p], { lr: 0.1 });
    p.mul(tg.tensor([2, -3, 0.5])).sum().backward();
    opt.step();
    (p.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo([0.9, 1.1, 0.9][i], 6));
  });

  test('param groups take their own options; the rest come from the defaults', () => {
    const a = new nn.Parameter(tg.ones(2));
    const b = new nn.Parameter(tg.ones(2));
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.25 }], { lr: 0.5, maximize: true });
    expect(opt.paramGroups.map((g) => [g.lr, g.maximize, g.momentum])).toEqual([
      [0.5, true, 0],
      [0.25, true, 0],
    ]);
    a.add(b).sum().backward(); // both gradients are 1; maximize steps up the gradient
    opt.step();
    expect([a.tolist(), b.tolist()]).toEqual([
      [1.5, 1.5],
      [1.25, 1.25],
    ]);
  });

  test('a strided parameter (a transposed view) is updated in its storage', () => {
    const base = tg.tensor([[1, 2], [3, 4]]);
    const p = new nn.Parameter(base.t()); // logically [[1, 3], [2, 4]]
    const c = tg.tensor([[1, 2], [3, 4]]);
    const opt = new optim.SGD([p], { lr: 0.1 });
    p.mul(c).sum().backward(); // grad = c
    opt.step();
    // p - 0.1 c = [[0.9, 2.8], [1.7, 3.6]], seen through base as its transpose
    const got = base.tolist() as number[][];
    [[0.9, 1.7], [2.8, 3.6]].forEach((row, i) => row.forEach((v, j) => expect(got[i][j]).toBeCloseTo(v, 6)));
  });

  test('step(closure) evaluates the closure with gradients on and returns its loss', () => {
    const p = new nn.Parameter(tg.tensor([2]));
    const opt = new optim.SGD([p], { lr: 0.25 });
    const loss = tg.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = p.pow(2).sum(); // d/dp = 2p = 4
        l.backward();
        return l;
      }),
    );
    expect(loss!.item()).toBe(4);
    expect(p.item()).toBe(1);
  });

  test('float64 parameters are updated in float64', () => {
    const p = new nn.Parameter(tg.tensor([1], { dtype: 'float64' }));
    const opt = new optim.SGD([p], { lr: 1e-10 });
    p.sum().backward();
    opt.step();
    expect(p.item()).toBe(1 - 1e-10);
  });
});

describe.each([
  ['SGD', (p: tg.Tensor[], maximize: boolean) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 0.1, maximize })],
  ['Adam', (p: tg.Tensor[], maximize: boolean) => new optim.Adam(p, { lr: 0.1, weightDecay: 0.1, amsgrad: true, maximize })],
  ['AdamW', (p: tg.Tensor[], maximize: boolean) => new optim.AdamW(p, { lr: 0.1, maximize })],
  ['RMSprop', (p: tg.Tensor[], maximize: boolean) => new optim.RMSprop(p, { lr: 0.1, centered: true, momentum: 0.5, weightDecay: 0.1, maximize })],
  ['Adagrad', (p: tg.Tensor[], maximize: boolean) => new optim.Adagrad(p, { lr: 0.1, weightDecay: 0.1, maximize })],
])('%s maximize', (_name, make) => {
  test('maximizing f takes the same steps as minimizing -f', () => {
    const run = (maximize: boolean): number[] => {
      const p = new nn.Parameter(tg.tensor([0.5, -1.5, 2]));
      const opt = make([p], maximize);
      const c = tg.tensor([1, -2, 0.25]);
      for (let i = 0; i < 5; ++i) {
        opt.zeroGrad();
        const f = p.sub(c).square().sum().neg(); // maximized at p = c
        (maximize ? f : f.neg()).backward();
        opt.step();
      }
      return p.tolist() as number[];
    };
    const up = run(true);
    expect(up).toEqual(run(false));
    expect(up).not.toEqual([0.5, -1.5, 2]);
  });
});

describe('zeroGrad and state dicts', () => {
  test('zeroGrad zeroes in place by default and drops the gradients with setToNone', () => {
    const p = new nn.Parameter(tg.ones(2));
    const opt = new optim.Adam([p]);
    p.sum().backward();
    const g = p.grad!;
    opt.zeroGrad();
    expect(p.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
    opt.zeroGrad({ setToNone: true });
    expect(p.grad).toBeNull();
  });

  test('stateDict numbers the parameters across groups and holds each one\'s state', () => {
    const a = new nn.Parameter(tg.ones(2));
    const b = new nn.Parameter(tg.ones(3));
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.2 }], { lr: 0.1, momentum: 0.9 });
    b.sum().backward();
    opt.step();
    const sd = opt.stateDict();
    expect(sd.param_groups.map((g) => [g.params, g.lr])).toEqual([
      [[0], 0.1],
      [[1], 0.2],
    ]);
    expect(Object.keys(sd.state)).toEqual(['1']); // only b had a gradient
    expect(Object.keys(sd.state[1])).toEqual(['momentum_buffer']); // PyTorch's SGD keeps no step
    expect((sd.state[1].momentum_buffer as tg.Tensor).tolist()).toEqual([1, 1, 1]);
  });

  test('loadStateDict checks the groups and the state shapes', () => {
    const p = new nn.Parameter(tg.ones(2));
    const opt = new optim.Adam([p]);
    p.sum().backward();
    opt.step();
    const sd = opt.stateDict();
    const other = new optim.Adam([new nn.Parameter(tg.ones(3))]);
    expect(() => other.loadStateDict(sd)).toThrow(
      'Adam.loadStateDict: state "exp_avg" of parameter 0 has shape [2], the parameter [3]',
    );
    const two = new optim.Adam([p, new nn.Parameter(tg.ones(1))]);
    expect(() => two.loadStateDict(sd)).toThrow("Adam.loadStateDict: loaded state dict contains a parameter group (0) that doesn't match the size of optimizer's group");
    expect(() => opt.loadStateDict({ state: {}, param_groups: [] })).toThrow('Adam.loadStateDict: loaded state dict has 0 parameter groups, the optimizer has 1');
  });
});

describe('option checks', () => {
  const p = () => [new nn.Parameter(tg.ones(1))];
  test.each([
    [() => new optim.SGD(p(), { lr: -1 }), 'SGD: invalid lr: -1 (expected >= 0)'],
    [() => new optim.SGD(p(), {} as { lr: number }), "SGD: parameter group didn't specify a value of required option lr"],
    [() => new optim.SGD(p(), { lr: 0.1, nesterov: true }), 'SGD: Nesterov momentum requires a momentum and zero dampening'],
    [() => new optim.Adam(p(), { betas: [0.9, 1] }), 'Adam: invalid betas[1]: 1 (expected in [0, 1))'],
    [() => new optim.Adam(p(), { weight_decay: 0.1 } as object), "Adam: unexpected keyword argument 'weight_decay' (expected one of: params, lr, betas, eps, weightDecay, amsgrad, maximize)"],
    [() => new optim.RMSprop(p(), { alpha: -0.5 }), 'RMSprop: invalid alpha: -0.5 (expected >= 0)'],
    [() => new optim.Adagrad(p(), { lrDecay: -1 }), 'Adagrad: invalid lrDecay: -1 (expected >= 0)'],
    [() => new optim.AdamW([], {}), 'AdamW: optimizer got an empty parameter list'],
    [() => new optim.SGD([tg.ones(1).requiresGrad_().mul(2)], { lr: 1 }), "SGD: can't optimize a non-leaf Tensor"],
    [() => { const q = p(); return new optim.SGD([{ params: q }, { params: q }], { lr: 1 }); }, 'SGD: some parameters appear more than once'],
    [() => new optim.SGD(tg.ones(2) as unknown as tg.Tensor[], { lr: 1 }), 'SGD: params must be an iterable of Tensors or of parameter groups, got Tensor'],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });
});
