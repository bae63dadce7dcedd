// int64 (BigInt64Array storage) against PyTorch 1.13 and NumPy: printing, type promotion,
// arithmetic beyond 2^53 (and int64's wrap-around), index and label tensors, files NumPy
// and PyTorch wrote, and a file tensorgrad wrote read back by NumPy. The reference values
// come from test/dtype/int64_reference.py, run with /usr/bin/python3.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { hasTorch, runPython, TORCH_HINT } from '../helpers/python';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-int64-'));
const at = (name: string): string => path.join(tmp, name);
const big = 2n ** 60n + 1n;

/** [dtype, values]: int64/int32/bool values as decimal strings ('True'/'False' for bool), floats as numbers. */
type Result = [string, (string | number)[]];
interface Reference {
  repr: Record<string, string>;
  promotion: Record<string, Result>;
  arith: Record<string, Result>;
  index: Record<string, Result>;
  files: { npy: string[]; safetensors: string[] };
  readBack: [string, string[]];
}

// tensorgrad writes its file first, so that the one Python run reads it back too.
const written = tg.tensor([[big, -(2n ** 63n)], [2n ** 63n - 1n, 7n]]);
tg.saveNpy(written, at('tg-int64.npy'));
const ref: Reference | null = hasTorch
  ? runPython<Reference>(fs.readFileSync(path.join(__dirname, 'int64_reference.py'), 'utf8'), [tmp, at('tg-int64.npy')])
  : null;

/** A tensor as the reference writes it. */
function result(t: tg.Tensor): Result {
  const values = Array.from(t.reshape(-1).toTypedArray() as ArrayLike<number | bigint>, (v) => {
    if (t.dtype === tg.bool) return v ? 'True' : 'False';
    return typeof v === 'bigint' || t.dtype === tg.int32 ? String(v) : v;
  });
  return [t.dtype.name, values];
}

function expectResult(got: tg.Tensor, want: Result): void {
  const [dtype, values] = result(got);
  expect(dtype).toBe(want[0]);
  expect(values.length).toBe(want[1].length);
  values.forEach((v, i) => {
    if (typeof v === 'number') expect(v, `[${i}]`).toBeCloseTo(want[1][i] as number, 6);
    else expect(v, `[${i}]`).toBe(want[1][i]);
  });
}

const i64 = (values: (number | bigint)[]) => tg.tensor(values, { dtype: 'int64' });

describe.runIf(hasTorch)(`int64 against PyTorch${TORCH_HINT}`, () => {
  test('printing: no dtype suffix (the default integer dtype), PyTorch widths, summaries, empties', () => {
    const tensors: Record<string, tg.Tensor> = {
      vector: i64([1, 2, 3]),
      matrix: tg.tensor([[1n, -20n], [300n, 4n]]),
      beyond2p53: tg.tensor([1n, big, -3n]),
      scalar: tg.tensor(-7n),
      empty: tg.tensor([], { dtype: 'int64' }),
      emptyMatrix: tg.zeros([0, 2], { dtype: 'int64' }),
      summarized: tg.arange(2000, { dtype: 'int64' }).reshape(40, 50),
      int32: tg.tensor([1, 2], { dtype: 'int32' }),
    };
    for (const [name, t] of Object.entries(tensors)) expect([name, t.toString()]).toEqual([name, ref!.repr[name]]);
  });

  test('type promotion', () => {
    const a = i64([3, -4, 5]);
    const got: Record<string, tg.Tensor> = {
      'int64+float32': a.add(tg.tensor([0.5, 0.25, -1.0])),
      'int64+int32': a.add(tg.tensor([1, 1, 1], { dtype: 'int32' })),
      'int64*2.5': a.mul(2.5),
      'int64+2': a.add(2),
      'int64/int64': a.div(i64([2, 3, 4])),
      'zeroDimInt64+int32': tg.tensor(7n).add(tg.tensor([1, 2], { dtype: 'int32' })),
      'int32+zeroDimInt64': tg.tensor([1, 2], { dtype: 'int32' }).add(tg.tensor(2n ** 40n)),
      'float64+int64': tg.tensor([0.5], { dtype: 'float64' }).add(tg.tensor([big])),
      'bool+int64': tg.tensor([true, false]).add(i64([2, 3])),
    };
    for (const [name, t] of Object.entries(got)) expectResult(t, ref!.promotion[name]);
  });

  test('arithmetic beyond 2^53 is exact, and wraps around at 2^63 as PyTorch', () => {
    const x = tg.tensor([big, -big, 2n ** 62n, 9007199254740993n]);
    const y = tg.tensor([3n, 5n, 2n ** 62n, -1n]);
    const got: Record<string, tg.Tensor> = {
      add: x.add(y), sub: x.sub(y), mul: x.mul(y), neg: x.neg(), abs: x.abs(),
      sum: x.sum().reshape(1), max: x.max().reshape(1), min: x.min().reshape(1),
      gt: x.gt(y), eq: x.eq(tg.tensor([big, 0n, 2n ** 62n, 9007199254740992n])),
      clamp: x.clamp(-10, 2 ** 61), maximum: tg.maximum(x, y), toFloat64: x.double(), toInt32: x.int(),
      fromFloat: tg.tensor([1.7, -2.5, 1e18]).long(),
    };
    for (const [name, t] of Object.entries(got)) expectResult(t, ref!.arith[name]);
    // argmax stays int32 here (PyTorch: int64), with PyTorch's value.
    expect(x.argmax().dtype).toBe(tg.int32);
    expect(String(x.argmax().item())).toBe(ref!.arith.argmax[1][0]);
  });

  test('index and label tensors may be int64', () => {
    const src = tg.arange(12).float().reshape(3, 4);
    const logits = tg.tensor([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]]);
    expectResult(src.gather(1, tg.tensor([[3n, 0n], [1n, 1n], [0n, 2n]])), ref!.index.gather);
    expectResult(src.indexSelect(0, tg.tensor([2n, 0n])), ref!.index.indexSelect);
    expectResult(tg.nn.functional.crossEntropy(logits, tg.tensor([1n, 2n])).reshape(1), ref!.index.crossEntropy);
    expectResult(tg.nn.functional.nllLoss(logits, tg.tensor([0n, 2n])).reshape(1), ref!.index.nllLoss);
  });

  test('.npy and safetensors files of int64 from NumPy and PyTorch load exactly; NumPy reads ours back', () => {
    const npy = tg.loadNpy(at('np-int64.npy'));
    expect(npy.dtype).toBe(tg.int64);
    expect(Array.from(npy.typedArray() as BigInt64Array, String)).toEqual(ref!.files.npy);
    const st = tg.load(at('torch-int64.safetensors')) as Record<string, tg.Tensor>;
    expect(st.labels.dtype).toBe(tg.int64);
    expect(Array.from(st.labels.typedArray() as BigInt64Array, String)).toEqual(ref!.files.safetensors);
    expect(ref!.readBack).toEqual(['int64', Array.from(written.typedArray() as BigInt64Array, String)]);
    // And safetensors round trip without narrowing.
    tg.save({ labels: st.labels }, at('round.safetensors'));
    expect(Array.from((tg.load(at('round.safetensors')) as Record<string, tg.Tensor>).labels.typedArray() as BigInt64Array, String)).toEqual(ref!.files.safetensors);
  });
});

describe('int64 values in JS', () => {
  test('item() and tolist() give numbers where exact, and say so where not', () => {
    expect(tg.tensor(2n ** 60n).item()).toBe(2 ** 60); // a double exactly
    expect(tg.tensor([-5n, 2n ** 53n]).tolist()).toEqual([-5, 2 ** 53]);
    expect(() => tg.tensor(2n ** 53n + 1n).item()).toThrow('item: int64 value 9007199254740993 is not exactly representable as a JS number');
    expect(() => tg.tensor([[1n], [big]]).tolist()).toThrow('tolist: int64 value 1152921504606846977 is not exactly representable');
    expect((tg.tensor([big]).typedArray() as BigInt64Array)[0]).toBe(big);
  });

  test('creation: bigints and BigInt64Array make int64; out-of-range values are errors', () => {
    expect(tg.tensor([1n, 2n]).dtype).toBe(tg.int64);
    expect(tg.tensor(new BigInt64Array([3n, -4n])).tolist()).toEqual([3, -4]);
    expect(tg.from(new BigInt64Array([5n])).dtype).toBe(tg.int64);
    expect(tg.tensor([1.9, -1.9], { dtype: 'int64' }).tolist()).toEqual([1, -1]); // truncated, as PyTorch
    expect(tg.tensor([2n ** 40n], { dtype: 'float64' }).item()).toBe(2 ** 40);
    expect(() => tg.tensor([2n ** 63n])).toThrow('tensor: value cannot be converted to type int64 without overflow (got 9223372036854775808)');
    expect(() => tg.tensor([NaN], { dtype: 'int64' })).toThrow('without overflow (got NaN)');
    expect(() => tg.full([2], 2 ** 64, { dtype: 'int64' })).toThrow('full: value cannot be converted to type int64 without overflow');
    expect(tg.eye(2, { dtype: 'int64' }).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(tg.ones(2, { dtype: 'int64' }).long().dtype).toBe(tg.int64);
  });

  // Just outside int32 on either side, and values whose low 32 bits alone would be a valid index.
  const beyondInt32 = [2n ** 31n, -(2n ** 31n) - 1n, -(2n ** 32n), 2n ** 32n + 2n, 2n ** 63n - 1n, -(2n ** 63n)];

  test('an int64 index beyond int32 is out of bounds, named', () => {
    const src = tg.arange(4).float();
    // The index kernels' ops read int64 as it comes: the bounds check sees the whole value.
    for (const v of beyondInt32) {
      expect(() => src.indexSelect(0, tg.tensor([0n, v]))).toThrow(`indexSelect: index ${v} is out of bounds for dimension 0 with size 4`);
      expect(() => src.gather(0, tg.tensor([v, 0n]))).toThrow(`gather: index ${v} is out of bounds for dimension 0 with size 4`);
      expect(() => tg.nn.functional.embedding(tg.tensor([1n, v]), src.reshape(4, 1))).toThrow(`embedding: index ${v} is out of range for a weight of 4 rows`);
      expect(() => src.indexFill(0, tg.tensor([v]), 1)).toThrow(`indexFill: index ${v} is out of bounds for dimension 0 with size 4`);
      // Ops that compute with the values in int32 narrow them first, each checked.
      expect(() => src.take(tg.tensor([0n, v]))).toThrow(`take: index value ${v} is out of bounds (index values are below 2^31)`);
    }
    expect(() => src.indexSelect(0, tg.tensor([2n ** 31n - 1n]))).toThrow('index 2147483647 is out of bounds for dimension 0 with size 4');
    expect(() => src.indexSelect(0, tg.tensor([-(2n ** 31n)]))).toThrow('index -2147483648 is out of bounds for dimension 0 with size 4');
    // int32's own extremes pass the narrowing and reach take's bounds check.
    expect(() => src.take(tg.tensor([2n ** 31n - 1n]))).toThrow('index 2147483647 is out of bounds');
    expect(() => src.take(tg.tensor([-(2n ** 31n)]))).toThrow('index -2147483648 is out of bounds');
    // An index that starts inside its storage, and one that is not contiguous: read by the
    // kernels and by the narrowing.
    for (const select of [(x: tg.Tensor) => src.indexSelect(0, x), (x: tg.Tensor) => src.take(x)]) {
      expect(select(tg.tensor([9n, 3n, 1n, 9n]).narrow(0, 1, 2)).tolist()).toEqual([3, 1]);
      expect(select(tg.tensor([[2n, 9n], [0n, 9n]]).select(1, 0)).tolist()).toEqual([2, 0]);
    }
    // Negative int64 indices where the op takes them (from the end), wrapped in int32.
    expect(src.indexFill(0, tg.tensor([-1n, 0n]), 7).tolist()).toEqual([7, 1, 2, 7]);
    expect(() => src.indexSelect(0, tg.tensor([0.5]))).toThrow('Expected dtype int32 or int64 for index, got torch.float32');
  });

  test('tiny int64 tensors take the native kernels (their values are bigints)', () => {
    const x = tg.tensor([big]);
    expect((x.add(x).typedArray() as BigInt64Array)[0]).toBe(2n * big);
    expect(x.clone().eq(x).tolist()).toEqual([true]);
    expect(tg.where(tg.tensor([false]), x, 3).tolist()).toEqual([3]);
  });
});
