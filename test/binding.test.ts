// Defense in depth (DESIGN principle 5): the raw N-API entry points, fed lying metadata,
// wrong buffers or bad indices, throw JS errors instead of reading or writing out of
// bounds. The TypeScript layer never makes these calls; a bug there must not crash.
import { describe, expect, test } from 'vitest';
import { BinaryOp, IndexOp, ReduceOp, UnaryOp, meta, native } from '../lib/native/binding';
import * as tg from '../lib/index';
import { thrown } from './helpers/tensors';

interface ViewMeta {
  shape: number[];
  strides: number[];
  offset?: number;
}

/** Writes views into the scratch buffer as lib/native/kernels.ts does. */
function views(...vs: ViewMeta[]): void {
  let p = 0;
  for (const v of vs) {
    meta[p++] = v.shape.length;
    meta[p++] = v.offset ?? 0;
    for (const s of v.shape) meta[p++] = s;
    for (const s of v.strides) meta[p++] = s;
  }
}

const f32 = (n: number) => new Float32Array(new ArrayBuffer(4 * n));
const vec = (n: number): ViewMeta => ({ shape: [n], strides: [1] });

type Case = [label: string, call: () => unknown, error: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor, message: RegExp];

const cases: Case[] = [
  ['a view past the end', () => (views(vec(5), vec(5)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^out: view reaches element 4 of a buffer of 4/],
  ['strides past the end', () => (views({ shape: [2, 2], strides: [3, 1] }, vec(4)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^out: view reaches element 4/],
  ['an offset past the end', () => (views({ ...vec(4), offset: 1 }, vec(4)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^out: view reaches element 4/],
  ['a negative offset', () => (views({ ...vec(4), offset: -1 }, vec(4)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^out: negative offset/],
  ['a negative stride', () => (views({ shape: [4], strides: [-1], offset: 3 }, vec(4)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^out: negative stride/],
  ['a negative size', () => (views(vec(4), vec(-4)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^x: negative size/],
  ['9 dims', () => (views({ shape: Array(9).fill(1), strides: Array(9).fill(1) }, vec(4)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^out: ndim 9 is outside 0\.\.8/],
  ['2^90 elements', () => (views({ shape: [2 ** 30, 2 ** 30, 2 ** 30], strides: [0, 0, 0] }, vec(4)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), RangeError, /^out: too many elements/],
  ['an Int16Array', () => (views(vec(4), vec(4)), native.unary(UnaryOp.Neg, new Int16Array(4) as never, f32(4), 0, 0)), TypeError, /^out: expected a Float32Array, Float64Array, Int32Array or Uint8Array/],
  ['a plain array', () => (views(vec(4), vec(4)), native.unary(UnaryOp.Neg, f32(4), [1, 2, 3, 4] as never, 0, 0)), TypeError, /^x: expected a typed array/],
  ['an unknown opcode', () => (views(vec(4), vec(4)), native.unary(99, f32(4), f32(4), 0, 0)), RangeError, /^unknown opcode 99/],
  ['too few arguments', () => (native.binary as (...a: unknown[]) => void)(BinaryOp.Add, f32(4)), TypeError, /^binary: expected 4 arguments/],
  ['shapes that differ', () => (views(vec(4), vec(2)), native.unary(UnaryOp.Neg, f32(4), f32(4), 0, 0)), Error, /^unary: operand shapes differ from the output shape/],
  ['dtypes that differ', () => (views(vec(4), vec(4), vec(4)), native.binary(BinaryOp.Add, f32(4), f32(4), new Float64Array(4))), Error, /^binary: operands are float32 and float64/],
  ['exp of int32', () => (views(vec(4), vec(4)), native.unary(UnaryOp.Exp, new Int32Array(4), new Int32Array(4), 0, 0)), Error, /^unary: op 1 is not defined for int32/],
  ['a reduction into the wrong shape', () => (views(vec(3), vec(4)), native.reduce(ReduceOp.Sum, f32(4), f32(4))), Error, /^reduce: out size 3 does not fit x size 4 in dim 0/],
  ['argmax into float32', () => (views(vec(1), vec(4)), native.reduce(ReduceOp.ArgMax, f32(1), f32(4))), Error, /^reduce: index results are int32, got float32/],
  [
    'a matmul whose shapes do not chain',
    () => (views({ shape: [2, 2], strides: [2, 1] }, { shape: [2, 3], strides: [3, 1] }, { shape: [2, 2], strides: [2, 1] }), native.matmul(f32(4), f32(6), f32(4))),
    Error,
    /^matmul: \[2,3\] @ \[2,2\] does not give \[2,2\]/,
  ],
  ['an index out of bounds', () => (views(vec(1), vec(4), vec(1)), native.indexOp(IndexOp.IndexSelect, f32(1), f32(4), new Int32Array([7]), 0)), Error, /^index 7 is out of bounds for dimension 0 with size 4/],
  ['a negative index', () => (views(vec(1), vec(4), vec(1)), native.indexOp(IndexOp.Gather, f32(1), f32(4), new Int32Array([-1]), 0)), Error, /^index -1 is out of bounds/],
  ['a scatter out of bounds', () => (views(vec(4), vec(1), vec(1)), native.indexOp(IndexOp.ScatterAdd, f32(4), f32(1), new Int32Array([4]), 0)), Error, /^index 4 is out of bounds/],
  ['a NaN dim', () => (views(vec(1), vec(4), vec(1)), native.indexOp(IndexOp.Gather, f32(1), f32(4), new Int32Array([0]), NaN)), Error, /^index: dim -2147483648 out of range/],
  ['a float index', () => (views(vec(1), vec(4), vec(1)), native.indexOp(IndexOp.Gather, f32(1), f32(4), f32(1), 0)), Error, /^index: index must be int32, got float32/],
  ['a float condition', () => (views(vec(4), vec(4), vec(4), vec(4)), native.where(f32(4), f32(4), f32(4), f32(4))), Error, /^where: condition must be bool, got float32/],
  ['0 threads', () => native.setNumThreads(0), RangeError, /^setNumThreads: expected an integer in 1\.\.1024/],
];

describe('native entry points reject bad calls', () => {
  test.each(cases)('%s', (_label, call, error, message) => {
    const e = thrown(call);
    expect(e).toBeInstanceOf(error);
    expect(e.message).toMatch(message);
  });

  test('a bad call leaves the output untouched', () => {
    const out = new Int32Array([5, 5]);
    views(vec(2), vec(4), vec(2));
    expect(() => native.indexOp(IndexOp.IndexSelect, out as never, new Int32Array(4), new Int32Array([1, 9]), 0)).toThrow(/index 9/);
    expect(Array.from(out)).toEqual([5, 5]);
  });

  test('a well-formed call works, and the library keeps working after the errors', () => {
    const out = f32(4);
    views(vec(4), { shape: [4], strides: [0] });
    native.copy(out, new Float32Array([7]));
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
    expect(tg.tensor([1, 2]).add(1).tolist()).toEqual([2, 3]);
  });
});
