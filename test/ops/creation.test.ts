// Creation functions, dtype promotion and devices, against PyTorch 1.13. PyTorch's
// int64 is int32 here, and a JS number is a float (3 and 3.0 are the same value), so
// integer-valued number data gives float32 where PyTorch would give int64.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { f64, i32, thrown } from '../helpers/tensors';

describe('dtype promotion', () => {
  const f32 = (v: number[] | number) => tg.tensor(v);
  // [expression, PyTorch's result dtype]
  test.each([
    ['int32 + float32', () => i32([1, 2]).add(f32([1, 2])), 'float32'],
    ['float32 + float64', () => f32([1, 2]).add(f64([1, 2])), 'float64'],
    ['float32 * 2.5 (a number does not promote)', () => f32([1, 2]).mul(2.5), 'float32'],
    ['float64 * 2.5', () => f64([1, 2]).mul(2.5), 'float64'],
    ['int32 * 0.5', () => i32([1, 2]).mul(0.5), 'float32'],
    ['int32 * 2', () => i32([1, 2]).mul(2), 'int32'],
    ['0-d float64 + float32 tensor', () => f64(1).add(f32([1, 2])), 'float32'],
    ['int32 tensor + 0-d float64', () => i32([1, 2]).add(f64(1.5)), 'float64'],
    ['0-d int32 + 0-d float64', () => tg.tensor(1, { dtype: 'int32' }).add(f64(1)), 'float64'],
    ['int32 / 2', () => i32([1, 2]).div(2), 'float32'],
    ['int32 / int32', () => i32([1, 2]).div(i32([2, 2])), 'float32'],
    ['where(cond, int32, 1.5)', () => tg.where(f32([1, 2]).gt(0), i32([1, 2]), 1.5), 'float32'],
    ['where(cond, float64, float32)', () => tg.where(f32([1, 2]).gt(0), f64([1, 2]), f32([1, 2])), 'float64'],
    ['cat(float32, float64)', () => tg.cat([f32([1]), f64([2])]), 'float64'],
    ['comparison', () => f32([1]).lt(f64([2])), 'bool'],
    ['exp of int32', () => i32([1]).exp(), 'float32'],
    ['neg of int32', () => i32([1]).neg(), 'int32'],
  ] as const)('%s', (_name, make, dtype) => {
    expect(make().dtype).toBe(tg[dtype]); // PyTorch's dtype, by name
  });

  test('promoted values are right', () => {
    expect(i32([1, 2]).div(i32([2, 2])).tolist()).toEqual([0.5, 1]);
    expect(i32([3]).mul(0.5).tolist()).toEqual([1.5]);
    expect(f64(0.1).add(f32([0])).tolist()).toEqual([Math.fround(0.1)]); // computed in float32
  });
});

describe('tensor()', () => {
  test('infers the dtype and shape', () => {
    expect([tg.tensor([1, 2]).dtype, tg.tensor([true]).dtype, tg.tensor(3).shape, tg.tensor([]).shape]).toEqual([tg.float32, tg.bool, [], [0]]);
    expect(tg.tensor(new Float64Array(2)).dtype).toBe(tg.float64);
    expect(tg.tensor(new Int32Array(2)).dtype).toBe(tg.int32);
    expect(tg.tensor([1.7, -1.7], { dtype: 'int32' }).tolist()).toEqual([1, -1]); // truncated, as PyTorch
    expect(tg.tensor([[1, 2]], { dtype: 'float64' }).shape).toEqual([1, 2]);
  });
});

describe('ranges', () => {
  // Values printed by torch 1.13 with tolist().
  test.each([
    ['arange(5)', () => tg.arange(5), 'int32', [0, 1, 2, 3, 4]],
    ['arange(10, 0, -3)', () => tg.arange(10, 0, -3), 'int32', [10, 7, 4, 1]],
    ['arange(0)', () => tg.arange(0), 'int32', []],
    ['arange(1, 2.5)', () => tg.arange(1, 2.5), 'float32', [1, 2]],
    ['arange(0.5, 3)', () => tg.arange(0.5, 3), 'float32', [0.5, 1.5, 2.5]],
    ['arange(5, float64)', () => tg.arange(5, { dtype: 'float64' }), 'float64', [0, 1, 2, 3, 4]],
    ['arange(-1, 1.01, 0.25)', () => tg.arange(-1, 1.01, 0.25), 'float32', [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1]],
    [
      'arange(0, 1, 0.1)',
      () => tg.arange(0, 1, 0.1),
      'float32',
      [0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645, 0.5, 0.6000000238418579, 0.699999988079071, 0.800000011920929, 0.8999999761581421],
    ],
    [
      'arange(0, 1, 0.1, float64)',
      () => tg.arange(0, 1, 0.1, { dtype: 'float64' }),
      'float64',
      [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9],
    ],
    ['linspace(0, 1, 7)', () => tg.linspace(0, 1, 7), 'float32', [0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666269302368, 0.8333333134651184, 1]],
    ['linspace(1, 0, 4)', () => tg.linspace(1, 0, 4), 'float32', [1, 0.6666666269302368, 0.3333333432674408, 0]],
    ['linspace(5, 5, 3)', () => tg.linspace(5, 5, 3), 'float32', [5, 5, 5]],
    ['linspace(2, 3, 1)', () => tg.linspace(2, 3, 1), 'float32', [2]],
    ['linspace(2, 3, 0)', () => tg.linspace(2, 3, 0), 'float32', []],
    [
      'linspace(-3.3, 10.1, 9, float64)',
      () => tg.linspace(-3.3, 10.1, 9, { dtype: 'float64' }),
      'float64',
      [-3.3, -1.625, 0.04999999999999982, 1.7249999999999996, 3.4000000000000004, 5.075, 6.75, 8.425, 10.1],
    ],
  ] as const)('%s', (_name, make, dtype, values) => {
    const t = make();
    expect([t.dtype, t.shape]).toEqual([tg[dtype], [values.length]]);
    expect(t.tolist()).toEqual(values);
  });

  test('float32 linspace within an ulp of PyTorch (whose AVX2 kernel rounds some points differently)', () => {
    const torch = [-3.299999952316284, -1.6249998807907104, 0.05000019073486328, 1.725000262260437, 3.4000000953674316, 5.075000286102295, 6.75, 8.425000190734863, 10.100000381469727];
    const ours = tg.linspace(-3.3, 10.1, 9).tolist() as number[];
    ours.forEach((v, i) => expect(Math.abs(v - torch[i])).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(torch[i]))));
  });
});

describe('filled tensors', () => {
  test('zeros, ones, empty and full accept shapes both ways', () => {
    expect(tg.zeros(2, 3).shape).toEqual([2, 3]);
    expect(tg.zeros([2, 3]).shape).toEqual([2, 3]);
    expect(tg.ones([], { dtype: 'int32' }).tolist()).toBe(1);
    expect(tg.zeros().shape).toEqual([]);
    expect(tg.empty(0, 2).shape).toEqual([0, 2]);
    expect(tg.ones(2, { dtype: 'float64', requiresGrad: true }).requiresGrad).toBe(true);
    expect(tg.full([2, 2], 3).tolist()).toEqual([[3, 3], [3, 3]]);
    expect(tg.full([2], 1.5, { dtype: 'float64' }).dtype).toBe(tg.float64);
    expect(tg.full([2], true as never).tolist()).toEqual([true, true]);
  });

  test('eye', () => {
    expect(tg.eye(3, 2).tolist()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(tg.eye(2, { dtype: 'int32' }).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(tg.eye(2, { dtype: 'int32' }).dtype).toBe(tg.int32);
    expect(tg.eye(0).shape).toEqual([0, 0]);
  });

  test('*Like functions take shape and dtype from the tensor, not its layout or grad', () => {
    const x = tg.tensor([[1, 2, 3]], { dtype: 'float64', requiresGrad: true }).t();
    const z = tg.zerosLike(x);
    expect([z.shape, z.dtype, z.requiresGrad, z.isContiguous()]).toEqual([[3, 1], tg.float64, false, true]);
    expect(tg.onesLike(i32([1, 2])).tolist()).toEqual([1, 1]);
    expect(tg.onesLike(tg.zeros(2, 3), { dtype: 'float64' }).dtype).toBe(tg.float64);
    expect(tg.fullLike(x, 7).tolist()).toEqual([[7], [7], [7]]);
    expect(tg.emptyLike(x).shape).toEqual([3, 1]);
    expect(thrown(() => tg.zerosLike([1] as never)).message).toBe('zerosLike: input must be a Tensor, got [1]');
  });
});

describe('devices', () => {
  test('cpu', () => {
    const cpu = tg.device('cpu');
    expect([cpu.type, String(cpu), cpu.index]).toEqual(['cpu', 'cpu', null]);
    expect(tg.device('cpu:0').toString()).toBe('cpu:0');
    const x = tg.zeros(2);
    expect(x.device.type).toBe('cpu');
    expect(x.to('cpu')).toBe(x);
    expect(x.to(cpu)).toBe(x);
    expect(x.to({ device: 'cpu', dtype: 'float64' }).dtype).toBe(tg.float64);
  });

  test('mps is not built here: a clear error, never a silent fallback', () => {
    expect(tg.backends.mps.isBuilt()).toBe(false);
    expect(tg.backends.mps.isAvailable()).toBe(false);
    const message = /^device 'mps': this build of tensorgrad does not include the MPS \(Metal\) backend/;
    expect(thrown(() => tg.device('mps')).message).toMatch(message);
    const toMessage = /^to: device 'mps': this build of tensorgrad does not include the MPS \(Metal\) backend/;
    expect(thrown(() => tg.zeros(2).to('mps')).message).toMatch(toMessage);
    expect(thrown(() => tg.zeros(2).to({ device: 'mps' })).message).toMatch(toMessage);
    expect(thrown(() => tg.device('cuda')).message).toBe(
      "device: unknown or unsupported device 'cuda' (tensorgrad supports 'cpu' and, on macOS builds, 'mps')",
    );
    expect(thrown(() => tg.device(3 as never)).message).toBe("device: expected a string such as 'cpu', got number");
  });
});
