// The JS kernels for tiny tensors (lib/native/jskernels.ts) must give exactly the bits
// the native kernels give: each op runs twice on the same inputs, once per path, over
// special values (±0, ±inf, NaN, ties, extremes) and several layouts.
import { afterEach, describe, expect, test } from 'vitest';
import * as tg from '../lib/index';
import { limit } from '../lib/native/jskernels';

const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3, 1e-30, -1e30, Infinity, -Infinity, NaN, 2147483647, -2147483648, 123456789, -987654321, 7.25, 1 / 3];

function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return i % 3 === 0 ? SPECIAL[s % SPECIAL.length] : ((s % 2001) - 1000) / 64;
  });
}

function input(dtype: tg.DType, layout: string, seed: number): tg.Tensor {
  const data = values(12, seed);
  const asInt = (v: number) => (Math.abs(v) <= 2147483647 ? Math.trunc(v) : 5);
  const base = dtype === tg.int32 ? tg.tensor(data.map(asInt), { dtype }) : tg.tensor(data, { dtype });
  // Every layout reads as [4, 3].
  if (layout === 'transposed') return base.reshape(3, 4).t();
  if (layout === 'broadcast') return base.narrow(0, 0, 3).reshape(1, 3).expand(4, 3);
  return base.reshape(4, 3);
}

/** Bytes of a result, so that NaN payloads and -0 compare exactly. */
function bits(t: tg.Tensor): number[] {
  const a = t.contiguous().toTypedArray();
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

function bothPaths(fn: () => tg.Tensor): [number[], number[]] {
  const viaJs = bits(fn());
  limit.elements = 0;
  try {
    return [viaJs, bits(fn())];
  } finally {
    limit.elements = 256;
  }
}

afterEach(() => {
  limit.elements = 256;
});

const layouts = ['contiguous', 'transposed', 'broadcast'];
const floatTypes: tg.DType[] = [tg.float32, tg.float64];
const allTypes: tg.DType[] = [tg.float32, tg.float64, tg.int32];

describe('binary ops: JS path == native path', () => {
  const ops: [string, (a: tg.Tensor, b: tg.Tensor | number) => tg.Tensor, tg.DType[]][] = [
    ['add', (a, b) => a.add(b), allTypes],
    ['sub', (a, b) => a.sub(b), allTypes],
    ['mul', (a, b) => a.mul(b), allTypes],
    ['div', (a, b) => a.div(b), floatTypes],
    ['maximum', (a, b) => a.maximum(b as tg.Tensor), allTypes],
    ['minimum', (a, b) => a.minimum(b as tg.Tensor), allTypes],
    ['gt', (a, b) => a.gt(b), allTypes],
    ['le', (a, b) => a.le(b), allTypes],
    ['eq', (a, b) => a.eq(b), allTypes],
    ['ne', (a, b) => a.ne(b), allTypes],
  ];
  for (const [name, fn, dtypes] of ops) {
    test.each(dtypes.flatMap((d) => layouts.map((l) => [d, l] as const)))(`${name} %s %s`, (dtype, layout) => {
      const a = input(dtype, layout, 1);
      const b = input(dtype, 'contiguous', 2);
      const [js, native] = bothPaths(() => fn(a, b));
      expect(js).toEqual(native);
      if (name !== 'maximum' && name !== 'minimum') {
        const [js2, native2] = bothPaths(() => fn(a, dtype === tg.int32 ? 3 : 0.1));
        expect(js2).toEqual(native2);
      }
    });
  }
});

describe('unary ops: JS path == native path', () => {
  const ops: [string, (x: tg.Tensor) => tg.Tensor, tg.DType[]][] = [
    ['neg', (x) => x.neg(), allTypes],
    ['abs', (x) => x.abs(), allTypes],
    ['sqrt', (x) => x.sqrt(), floatTypes],
    ['relu', (x) => x.relu(), allTypes],
    ['square', (x) => x.square(), allTypes],
    ['sign', (x) => x.sign(), allTypes],
    ['reciprocal', (x) => x.reciprocal(), floatTypes],
    ['pow(3)', (x) => x.pow(3), floatTypes],
    ['clamp', (x) => x.clamp(-1.1, 2.5), allTypes],
    ['clamp (min > max)', (x) => x.clamp(3, -3), allTypes],
    ['float()', (x) => x.to('float32'), allTypes],
    ['int()', (x) => x.to('int32'), floatTypes],
    ['bool()', (x) => x.to('bool'), allTypes],
    ['where', (x) => tg.where(x.gt(0), x, -7.5), floatTypes],
  ];
  for (const [name, fn, dtypes] of ops) {
    test.each(dtypes.flatMap((d) => layouts.map((l) => [d, l] as const)))(`${name} %s %s`, (dtype, layout) => {
      const [js, native] = bothPaths(() => fn(input(dtype, layout, 3)));
      expect(js).toEqual(native);
    });
  }
});

describe('reductions: JS path == native path', () => {
  const ops: [string, (x: tg.Tensor) => tg.Tensor][] = [
    ['sum()', (x) => x.sum()],
    ['sum(0)', (x) => x.sum(0)],
    ['sum(1, keepdim)', (x) => x.sum(1, true)],
    ['prod(1)', (x) => x.prod(1)],
    ['amax(0)', (x) => x.amax(0)],
    ['amin(1)', (x) => x.amin(1)],
    ['argmax(0)', (x) => x.argmax(0)],
    ['argmin()', (x) => x.argmin()],
  ];
  for (const [name, fn] of ops) {
    test.each(allTypes.flatMap((d) => layouts.map((l) => [d, l] as const)))(`${name} %s %s`, (dtype, layout) => {
      const [js, native] = bothPaths(() => fn(input(dtype, layout, 4)));
      expect(js).toEqual(native);
    });
  }
});

test('fill and zero_ write the same bits', () => {
  for (const dtype of allTypes) {
    const [js, native] = bothPaths(() => tg.zeros([3, 4], { dtype }).t().fill_(-2.75));
    expect(js).toEqual(native);
  }
});

test('int32 arithmetic wraps identically on both paths', () => {
  const a = tg.tensor([123456789, -987654321, 2147483647, -2147483648], { dtype: 'int32' });
  const b = tg.tensor([987654321, 123456789, 2, -1], { dtype: 'int32' });
  for (const fn of [(x: tg.Tensor, y: tg.Tensor) => x.add(y), (x: tg.Tensor, y: tg.Tensor) => x.sub(y), (x: tg.Tensor, y: tg.Tensor) => x.mul(y)]) {
    const [js, native] = bothPaths(() => fn(a, b));
    expect(js).toEqual(native);
  }
});
