// The Tensor object itself: printing through console.log / util.inspect, conversion to
// JS values and typed arrays, and memory shared by views and tg.from. Printouts are
// PyTorch 1.13's repr of the same tensors.
import { format, inspect } from 'util';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { i32, thrown } from '../helpers/tensors';

describe('printing', () => {
  test('console.log and util.inspect print what toString() prints', () => {
    const x = tg.tensor([[1.5, 2], [3, 4]], { requiresGrad: true });
    const repr = 'tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]], requires_grad=True)';
    expect(x.toString()).toBe(repr);
    expect(inspect(x)).toBe(repr);
    expect(format(x)).toBe(repr); // what console.log writes
    expect(format('%s', x)).toBe(repr);
    expect(`${x}`).toBe(repr);
    expect(inspect({ a: tg.tensor([1, 2]) })).toBe('{ a: tensor([1., 2.]) }');
  });

  test.each([
    ['bool', () => tg.tensor([true, false]), 'tensor([ True, False])'],
    ['0-d bool', () => tg.tensor(true), 'tensor(True)'],
    ['empty bool', () => tg.zeros(0, { dtype: 'bool' }), 'tensor([], dtype=torch.bool)'],
    ['transposed view', () => tg.tensor([[1.5, 2], [3, 4]]).t(), 'tensor([[1.5000, 3.0000],\n        [2.0000, 4.0000]])'],
    ['expanded view', () => tg.tensor([1, 2]).expand(3, 2), 'tensor([[1., 2.],\n        [1., 2.],\n        [1., 2.]])'],
    ['narrowed int32 view', () => tg.arange(6).reshape(2, 3).narrow(1, 1, 2), 'tensor([[1, 2],\n        [4, 5]], dtype=torch.int32)'],
    ['op result', () => tg.tensor([1, 2], { dtype: 'float64', requiresGrad: true }).mul(2), 'tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)'],
    ['detach() of a leaf requiring grad', () => tg.tensor([1, 2], { requiresGrad: true }).detach(), 'tensor([1., 2.])'],
    ['select of a leaf requiring grad', () => tg.tensor([1, 2], { requiresGrad: true }).select(0, 0), 'tensor(1., grad_fn=<SelectBackward0>)'],
    ['eye(0)', () => tg.eye(0), 'tensor([], size=(0, 0))'],
  ])('%s', (_name, make, repr) => {
    expect(make().toString()).toBe(repr);
  });
});

describe('conversion to JS values', () => {
  test('tolist() nests as the shape', () => {
    expect(tg.tensor(2.5).tolist()).toBe(2.5);
    expect(tg.tensor([[1, 2], [3, 4]]).t().tolist()).toEqual([[1, 3], [2, 4]]);
    expect(tg.tensor([true, false]).tolist()).toEqual([true, false]);
    expect(i32([[-1], [7]]).tolist()).toEqual([[-1], [7]]);
    expect(tg.zeros(2, 0).tolist()).toEqual([[], []]);
    expect(tg.zeros(0, 3).tolist()).toEqual([]);
    expect(tg.tensor([0.1]).tolist()).toEqual([Math.fround(0.1)]);
  });

  test('item() of one-element tensors', () => {
    expect(tg.tensor(3.5).item()).toBe(3.5);
    expect(tg.tensor([[-2]], { dtype: 'int32' }).item()).toBe(-2);
    expect(tg.tensor([true]).item()).toBe(true);
    expect(tg.arange(5).narrow(0, 3, 1).item()).toBe(3); // a view with an offset
    expect(thrown(() => tg.zeros(2).item()).message).toBe('item: a Tensor with 2 elements cannot be converted to Scalar (shape [2])');
  });

  test('toTypedArray() is a copy in logical order', () => {
    const x = tg.tensor([[1, 2, 3], [4, 5, 6]]);
    const copy = x.toTypedArray() as Float32Array;
    expect(copy).toBeInstanceOf(Float32Array);
    expect(Array.from(copy)).toEqual([1, 2, 3, 4, 5, 6]);
    copy[0] = 100;
    expect(x.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(x.t().toTypedArray() as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(i32([1]).toTypedArray()).toBeInstanceOf(Int32Array);
    expect(tg.zeros(1, { dtype: 'float64' }).toTypedArray()).toBeInstanceOf(Float64Array);
    expect(tg.tensor([true]).toTypedArray()).toBeInstanceOf(Uint8Array);
  });

  test('typedArray() is zero-copy for contiguous tensors, and refuses others', () => {
    const x = tg.tensor([[1, 2, 3], [4, 5, 6]]);
    const view = x.typedArray();
    view[4] = 50;
    expect(x.tolist()).toEqual([[1, 2, 3], [4, 50, 6]]);
    const row = x.select(0, 1).typedArray() as Float32Array; // contiguous, at an offset
    expect(Array.from(row)).toEqual([4, 50, 6]);
    row[0] = -4;
    expect(x.select(0, 1).tolist()).toEqual([-4, 50, 6]);
    expect(thrown(() => x.t().typedArray()).message).toBe(
      'typedArray: the tensor is not contiguous; call contiguous() first or use toTypedArray() for a copy',
    );
    expect(thrown(() => x.narrow(1, 0, 2).typedArray()).message).toMatch(/^typedArray: the tensor is not contiguous/);
    expect(Array.from(x.t().contiguous().typedArray() as Float32Array)).toEqual([1, -4, 2, 50, 3, 6]);
  });
});

describe('shared memory', () => {
  test('tg.from shares the typed array, both ways', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const x = tg.from(data, [2, 3]);
    expect([x.shape, x.dtype]).toEqual([[2, 3], tg.float32]);
    data[5] = 60;
    expect(x.select(1, 2).tolist()).toEqual([3, 60]);
    x.mul_(2);
    expect(Array.from(data)).toEqual([2, 4, 6, 8, 10, 120]);
    expect(tg.from(new Int32Array([1, 2])).dtype).toBe(tg.int32);
    expect(tg.from(new Float64Array(0)).shape).toEqual([0]);
  });

  test('tg.tensor copies', () => {
    const data = new Float32Array([1, 2]);
    const x = tg.tensor(data);
    data[0] = 9;
    expect(x.tolist()).toEqual([1, 2]);
    const y = tg.tensor(x);
    x.add_(1);
    expect(y.tolist()).toEqual([1, 2]);
  });

  test.each([
    ['reshape', (x: tg.Tensor) => x.reshape(6)],
    ['view', (x: tg.Tensor) => x.view(3, 2)],
    ['t', (x: tg.Tensor) => x.t()],
    ['transpose', (x: tg.Tensor) => x.transpose(0, 1)],
    ['permute', (x: tg.Tensor) => x.permute(1, 0)],
    ['unsqueeze', (x: tg.Tensor) => x.unsqueeze(0)],
    ['squeeze', (x: tg.Tensor) => x.unsqueeze(1).squeeze()],
    ['flatten', (x: tg.Tensor) => x.flatten()],
    ['narrow', (x: tg.Tensor) => x.narrow(1, 1, 2)],
    ['select', (x: tg.Tensor) => x.select(1, 2)],
    ['expand', (x: tg.Tensor) => x.unsqueeze(0).expand(4, 2, 3)],
    ['detach', (x: tg.Tensor) => x.detach()],
    ['data', (x: tg.Tensor) => x.data],
    ['contiguous of a contiguous tensor', (x: tg.Tensor) => x.contiguous()],
  ])('%s is a view: writes through the base show in it', (_name, makeView) => {
    const x = tg.arange(6, { dtype: 'float32' }).reshape(2, 3);
    const v = makeView(x);
    const before = v.toTypedArray() as Float32Array;
    x.add_(10);
    expect(Array.from(v.toTypedArray() as Float32Array)).toEqual(Array.from(before).map((e) => e + 10));
    expect(v._storage).toBe(x._storage);
  });

  test('copies do not share: clone, contiguous of a view, reshape of a non-viewable tensor', () => {
    const x = tg.arange(6, { dtype: 'float32' }).reshape(2, 3);
    for (const c of [x.clone(), x.t().contiguous(), x.t().reshape(6)]) {
      expect(c._storage).not.toBe(x._storage);
      const before = c.tolist();
      x.add_(1);
      expect(c.tolist()).toEqual(before);
    }
  });

  test('writes through a view show in the base', () => {
    const x = tg.zeros(2, 3);
    x.select(0, 1).fill_(7);
    x.t().select(0, 0).add_(1); // column 0
    expect(x.tolist()).toEqual([[1, 0, 0], [8, 7, 7]]);
  });
});

describe('output memory', () => {
  // vitest.config.ts sets TENSORGRAD_POISON_OUTPUTS=1: outputs that kernels overwrite
  // start as NaN bytes, so any element a kernel leaves unwritten fails the suite.
  test('unzeroed outputs are poisoned under test, and zeros stay zeros', () => {
    for (const n of [3, 100, 5000]) {
      expect(Array.from(tg.Tensor._output([n], tg.float32).toTypedArray() as Float32Array).every(Number.isNaN)).toBe(true);
      expect(Array.from(tg.zeros(n).toTypedArray() as Float32Array).every((v) => Object.is(v, 0))).toBe(true);
      expect(Array.from(tg.empty([n], { dtype: 'int32' }).toTypedArray() as Int32Array).every((v) => v === 0)).toBe(true);
    }
  });
});
