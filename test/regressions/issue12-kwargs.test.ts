// Issue 12 items 9-11: options that used to be ignored or to throw, now taken by name as
// PyTorch takes its keyword arguments. Expected values from PyTorch 1.13
// (/usr/bin/python3), by this program:
//   x = torch.tensor([[1., 2., 3.], [4., 5., 7.]])
//   x.var(0, unbiased=False); x.var(1, keepdim=True, unbiased=False); x.std(dim=1, unbiased=False)
//   x.var(unbiased=False); torch.var(x, dim=1, correction=2); x.sum(dim=1, keepdim=True)
//   len(list(torch.nn.Linear(2, 1, False).parameters()))
//   torch.manual_seed(0); w = torch.empty(3, 2); torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5))
//   torch.manual_seed(0); w = torch.empty(3, 2); torch.nn.init.xavier_uniform_(w, gain=2.0)
//   torch.manual_seed(0); torch.nn.Linear(2, 1, False).weight
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const x = () => tg.tensor([[1, 2, 3], [4, 5, 7]]);
const close = (t: tg.Tensor, expected: number[] | number[][]) => {
  expect(t.shape).toEqual(tg.tensor(expected).shape);
  const want = tg.tensor(expected).toTypedArray() as Float32Array;
  Array.from(t.toTypedArray() as ArrayLike<number>).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
};

describe('item 9: var/std options by name', () => {
  test('var(0, {unbiased: false})', () => close(x().var(0, { unbiased: false }), [2.25, 2.25, 4.0]));
  test('var(1, {keepdim: true, unbiased: false})', () => close(x().var(1, { keepdim: true, unbiased: false }), [[0.6666666865348816], [1.5555555820465088]]));
  test('std({dim: 1, unbiased: false})', () => close(x().std({ dim: 1, unbiased: false }), [0.8164966106414795, 1.2472190856933594]));
  test('var({unbiased: false}) of everything', () => expect(x().var({ unbiased: false }).item()).toBeCloseTo(3.8888888359069824, 6));
  test('tg.var(x, {dim: 1, correction: 2})', () => close(tg.var(x(), { dim: 1, correction: 2 }), [2.0, 4.666666507720947]));
  test('sum({dim: 1, keepdim: true})', () => close(x().sum({ dim: 1, keepdim: true }), [[6], [16]]));
  test('both spellings of the divisor throw', () => {
    expect(() => x().var(0, { unbiased: false, correction: 0 })).toThrow(/var: give either correction or unbiased, not both/);
  });
  test('an unknown option throws instead of being ignored', () => {
    expect(() => x().var(0, { unbaised: false } as never)).toThrow(/var: unexpected keyword argument 'unbaised'/);
  });
});

describe('item 10: new nn.Linear(2, 1, false) has no bias', () => {
  test('positional bias', () => {
    const lin = new tg.nn.Linear(2, 1, false);
    expect(lin.bias).toBeNull();
    expect(lin.parameters().length).toBe(1);
    expect(lin.toString()).toBe('Linear(in_features=2, out_features=1, bias=False)');
  });
  test('the weight is PyTorch\'s after manual_seed(0)', () => {
    tg.manualSeed(0);
    close(new tg.nn.Linear(2, 1, { bias: false }).weight, [[-0.005293981172144413, 0.37932288646698]]);
  });
});

describe('item 11: nn.init options by name', () => {
  test('kaimingUniform_(w, {a: Math.sqrt(5)})', () => {
    tg.manualSeed(0);
    const w = tg.nn.init.kaimingUniform_(tg.empty(3, 2), { a: Math.sqrt(5) });
    close(w, [[-0.005293981172144413, 0.37932288646698], [-0.5819807648658752, -0.5203874707221985], [-0.27234524488449097, 0.1896158903837204]]);
  });
  test('xavierUniform_(w, {gain: 2})', () => {
    tg.manualSeed(0);
    const w = tg.nn.init.xavierUniform_(tg.empty(3, 2), { gain: 2.0 });
    close(w, [[-0.016402801498770714, 1.1752890348434448], [-1.8032015562057495, -1.6123616695404053], [-0.843830943107605, 0.5875033736228943]]);
  });
});
