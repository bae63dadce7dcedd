// A dtype is a singleton object (tg.float32, ...), as torch.dtype is. How it prints is
// checked against PyTorch in test/regressions/issue12.test.ts (item 19); this file checks
// what PyTorch has no counterpart for: names accepted wherever a dtype is, JSON, messages
// and crossing to worker threads.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { decode, encode } from '../../lib/threads/transfer';

const ALL = [tg.float32, tg.float64, tg.int32, tg.int64, tg.bool];

describe('dtype objects', () => {
  test('one frozen instance per dtype, named as the table names them', () => {
    expect(ALL.map((d) => d.name)).toEqual(['float32', 'float64', 'int32', 'int64', 'bool']);
    expect(ALL.every((d) => d instanceof tg.DType && Object.isFrozen(d))).toBe(true);
    expect(new Set(ALL.map((d) => d.code)).size).toBe(5);
    expect(tg.zeros(1).dtype).toBe(tg.float32);
    expect(tg.zeros(1, { dtype: 'int64' }).dtype).toBe(tg.int64);
  });

  test('a name and the object are the same input everywhere a dtype is taken', () => {
    const x = tg.tensor([1.5, -2]);
    for (const [name, d] of [['float64', tg.float64], ['int32', tg.int32]] as const) {
      expect(x.to(name).dtype).toBe(d);
      expect(x.to(d).dtype).toBe(d);
      expect(x.to({ dtype: name }).dtype).toBe(d);
      expect(tg.full([2], 1, { dtype: name }).dtype).toBe(d);
      expect(tg.arange(3, { dtype: d }).dtype).toBe(d);
      expect(x.cumsum(0, { dtype: name }).dtype).toBe(d);
    }
    expect(new tg.nn.Linear(2, 3, { dtype: 'float64' }).weight.dtype).toBe(tg.float64);
    expect(new tg.nn.Linear(2, 3, { dtype: tg.float64 }).weight.dtype).toBe(tg.float64);
    expect(new tg.nn.Linear(2, 3).to('float64').weight.dtype).toBe(tg.float64);
    expect(tg.randn(2, { dtype: tg.float64 }).dtype).toBe(tg.float64);
  });

  test('an unknown dtype is an error naming the op and the choices', () => {
    expect(() => tg.zeros(2, { dtype: 'float16' as tg.DTypeName })).toThrow(/^zeros: unknown dtype "float16" \(expected a dtype such as tg\.float32, or one of 'float32', 'float64', 'int32', 'bool', 'int64'\)/);
    expect(() => tg.zeros(2).to({ dtype: 'half' as tg.DTypeName })).toThrow(/^to: unknown dtype "half"/);
    expect(() => new tg.nn.Linear(2, 3, { dtype: 'double' as tg.DTypeName })).toThrow(/unknown dtype "double"/);
    expect(() => tg.zeros(2).cumsum(0, { dtype: tg.bool })).toThrow(/^cumsum: torch\.bool is not a valid value for dtype \(expected torch\.float32, torch\.float64, torch\.int32\)/);
  });

  test("JSON holds the name; strings and messages PyTorch's spelling", () => {
    expect(JSON.stringify({ dtype: tg.int64 })).toBe('{"dtype":"int64"}');
    expect(String(tg.bool)).toBe('torch.bool');
    expect(`${tg.float64}`).toBe('torch.float64');
    expect(() => tg.zeros(2, { dtype: 'int32', requiresGrad: true })).toThrow(/got torch\.int32/);
  });

  test('a dtype in a worker message arrives as the same singleton; tensors keep theirs', () => {
    const transfer: ArrayBuffer[] = [];
    const sent = encode({ d: tg.int64, list: [tg.bool], t: tg.zeros(2, { dtype: tg.float64 }) }, transfer);
    const received = decode(structuredClone(sent, { transfer })) as { d: tg.DType; list: tg.DType[]; t: tg.Tensor };
    expect(received.d).toBe(tg.int64);
    expect(received.list[0]).toBe(tg.bool);
    expect(received.t.dtype).toBe(tg.float64);
  });
});
