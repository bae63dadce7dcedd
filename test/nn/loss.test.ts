// Every loss module with every reduction, on inputs small enough to derive by hand.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const { nn } = tg;
const { LN2, log } = Math;

type Expected = { none: number[]; sum: number; mean: number };

interface Case {
  name: string;
  make: (reduction: 'none' | 'sum' | 'mean') => tg.nn.Module;
  input: tg.Tensor;
  target: tg.Tensor;
  expected: Expected;
}

const x = tg.tensor([1, 2, 4]);
const t = tg.tensor([1, 0, 1]);
// |x - t| = [0, 2, 3]

const cases: Case[] = [
  // (x - t)^2 = [0, 4, 9]
  { name: 'MSELoss', make: (reduction) => new nn.MSELoss({ reduction }), input: x, target: t, expected: { none: [0, 4, 9], sum: 13, mean: 13 / 3 } },
  { name: 'L1Loss', make: (reduction) => new nn.L1Loss({ reduction }), input: x, target: t, expected: { none: [0, 2, 3], sum: 5, mean: 5 / 3 } },
  // delta 1: 0.5 d^2 if d < 1 else (d - 0.5): [0, 1.5, 2.5]
  { name: 'HuberLoss', make: (reduction) => new nn.HuberLoss({ reduction }), input: x, target: t, expected: { none: [0, 1.5, 2.5], sum: 4, mean: 4 / 3 } },
  // delta 2: 0.5 d^2 if d < 2 else 2 (d - 1): [0, 2, 4]
  {
    name: 'HuberLoss delta 2',
    make: (reduction) => new nn.HuberLoss({ reduction, delta: 2 }),
    input: x,
    target: t,
    expected: { none: [0, 2, 4], sum: 6, mean: 2 },
  },
  // beta 2: 0.5 d^2 / 2 if d < 2 else d - 1: [0, 1, 2]
  {
    name: 'SmoothL1Loss beta 2',
    make: (reduction) => new nn.SmoothL1Loss({ reduction, beta: 2 }),
    input: x,
    target: t,
    expected: { none: [0, 1, 2], sum: 3, mean: 1 },
  },
  {
    name: 'SmoothL1Loss',
    make: (reduction) => new nn.SmoothL1Loss({ reduction }),
    input: x,
    target: t,
    expected: { none: [0, 1.5, 2.5], sum: 4, mean: 4 / 3 },
  },
  // -logp[target]: rows pick -1 and -0.5
  {
    name: 'NLLLoss',
    make: (reduction) => new nn.NLLLoss({ reduction }),
    input: tg.tensor([[-1, -2], [-3, -0.5]]),
    target: tg.tensor([0, 1], { dtype: 'int32' }),
    expected: { none: [1, 0.5], sum: 1.5, mean: 0.75 },
  },
  // weights [2, 1]: [2 * 1, 1 * 0.5]; the mean divides by the picked weights' sum, 3
  {
    name: 'NLLLoss weighted',
    make: (reduction) => new nn.NLLLoss({ reduction, weight: tg.tensor([2, 1]) }),
    input: tg.tensor([[-1, -2], [-3, -0.5]]),
    target: tg.tensor([0, 1], { dtype: 'int32' }),
    expected: { none: [2, 0.5], sum: 2.5, mean: 2.5 / 3 },
  },
  // logits [0, 0] -> p = 1/2; [ln 3, 0] -> p = [3/4, 1/4]; targets 0, 0: [ln 2, ln 4/3]
  {
    name: 'CrossEntropyLoss',
    make: (reduction) => new nn.CrossEntropyLoss({ reduction }),
    input: tg.tensor([[0, 0], [log(3), 0]]),
    target: tg.tensor([0, 0], { dtype: 'int32' }),
    expected: { none: [LN2, log(4 / 3)], sum: LN2 + log(4 / 3), mean: (LN2 + log(4 / 3)) / 2 },
  },
  // label smoothing 0.5 over 2 classes: 0.75 (-log p_t) + 0.25 (-log p_other)
  {
    name: 'CrossEntropyLoss labelSmoothing',
    make: (reduction) => new nn.CrossEntropyLoss({ reduction, labelSmoothing: 0.5 }),
    input: tg.tensor([[0, 0], [log(3), 0]]),
    target: tg.tensor([0, 0], { dtype: 'int32' }),
    expected: {
      none: [LN2, 0.75 * log(4 / 3) + 0.25 * log(4)],
      sum: LN2 + 0.75 * log(4 / 3) + 0.25 * log(4),
      mean: (LN2 + 0.75 * log(4 / 3) + 0.25 * log(4)) / 2,
    },
  },
  // p = [0.5, 0.8], y = [1, 0]: [-ln 0.5, -ln 0.2]
  {
    name: 'BCELoss',
    make: (reduction) => new nn.BCELoss({ reduction }),
    input: tg.tensor([0.5, 0.8]),
    target: tg.tensor([1, 0]),
    expected: { none: [LN2, log(5)], sum: LN2 + log(5), mean: (LN2 + log(5)) / 2 },
  },
  {
    name: 'BCELoss weighted',
    make: (reduction) => new nn.BCELoss({ reduction, weight: tg.tensor([3, 1]) }),
    input: tg.tensor([0.5, 0.8]),
    target: tg.tensor([1, 0]),
    expected: { none: [3 * LN2, log(5)], sum: 3 * LN2 + log(5), mean: (3 * LN2 + log(5)) / 2 },
  },
  // sigmoid(0) = 0.5, sigmoid(ln 4) = 0.8: the same losses as BCELoss above
  {
    name: 'BCEWithLogitsLoss',
    make: (reduction) => new nn.BCEWithLogitsLoss({ reduction }),
    input: tg.tensor([0, log(4)]),
    target: tg.tensor([1, 0]),
    expected: { none: [LN2, log(5)], sum: LN2 + log(5), mean: (LN2 + log(5)) / 2 },
  },
  // posWeight 2 scales the positive term: [2 ln 2, ln 5]
  {
    name: 'BCEWithLogitsLoss posWeight',
    make: (reduction) => new nn.BCEWithLogitsLoss({ reduction, posWeight: tg.tensor([2, 2]) }),
    input: tg.tensor([0, log(4)]),
    target: tg.tensor([1, 0]),
    expected: { none: [2 * LN2, log(5)], sum: 2 * LN2 + log(5), mean: (2 * LN2 + log(5)) / 2 },
  },
];

describe.each(cases)('$name', (c) => {
  test.each(['none', 'sum', 'mean'] as const)('reduction %s', (reduction) => {
    const input = c.input.detach().requiresGrad_(true);
    const out = c.make(reduction).forward(input, c.target) as tg.Tensor;
    const expected = c.expected[reduction];
    if (reduction === 'none') {
      expect(out.shape).toEqual([(expected as number[]).length]);
      (out.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo((expected as number[])[i], 5));
    } else {
      expect(out.shape).toEqual([]);
      expect(out.item()).toBeCloseTo(expected as number, 5);
    }
    out.sum().backward();
    expect(input.grad!.shape).toEqual(input.shape);
  });
});

describe('loss module options', () => {
  test('an invalid reduction is an error when the module is made', () => {
    expect(() => new nn.MSELoss({ reduction: 'avg' as 'mean' })).toThrow(
      "MSELoss: \"avg\" is not a valid value for reduction (expected 'mean', 'sum' or 'none')",
    );
  });

  test('class weights are buffers: in the state dict, not parameters', () => {
    const ce = new nn.CrossEntropyLoss({ weight: tg.tensor([1, 2]) });
    expect(ce.parameters()).toEqual([]);
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
  });
});
