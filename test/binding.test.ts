// Defense in depth (DESIGN principle 5): the raw N-API entry points, fed lying metadata,
// wrong buffers or bad indices, throw JS errors instead of reading or writing out of
// bounds. The TypeScript layer never makes these calls; a bug there must not crash.
import { describe, expect, test } from 'vitest';
import { meta, native } from '../lib/native/binding';
import { BinaryOp, Group, IndexOp, ReduceOp, SoftmaxOp, UnaryOp } from '../lib/native/table';
import * as tg from '../lib/index';
import { thrown } from './helpers/tensors';

// The dtype codes (the row order of the dtypes in native/ops.table).
const DTYPE = { float32: 0, float64: 1, int32: 2, bool: 3, int64: 4 } as const;

interface ViewMeta {
  shape: number[];
  strides: number[];
  offset?: number;
  dtype?: keyof typeof DTYPE | number;
}

/** Writes views into the scratch buffer as lib/native/kernels.ts does:
 * [dtype, ndim, offset, shape..., strides...] per view. */
function views(...vs: ViewMeta[]): void {
  let p = 0;
  for (const v of vs) {
    meta[p++] = typeof v.dtype === 'number' ? v.dtype : DTYPE[v.dtype ?? 'float32'];
    meta[p++] = v.shape.length;
    meta[p++] = v.offset ?? 0;
    for (const s of v.shape) meta[p++] = s;
    for (const s of v.strides) meta[p++] = s;
  }
}

/** An ArrayBuffer for n elements of `bytes` bytes. */
const buf = (n: number, bytes = 4) => new ArrayBuffer(n * bytes);
const vec = (n: number, dtype: ViewMeta['dtype'] = 'float32'): ViewMeta => ({ shape: [n], strides: [1], dtype });
const ints = (...v: number[]) => new Int32Array(v).buffer;

type Case = [label: string, call: () => unknown, error: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor, message: RegExp];

const cases: Case[] = [
  ['a view past the end', () => (views(vec(5), vec(5)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: view reaches element 4 of a buffer of 4/],
  ['strides past the end', () => (views({ shape: [2, 2], strides: [3, 1] }, vec(4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: view reaches element 4/],
  ['an offset past the end', () => (views({ ...vec(4), offset: 1 }, vec(4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: view reaches element 4/],
  ['a dtype wider than the buffer', () => (views(vec(4), vec(4, 'float64')), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^x: view reaches element 3 of a buffer of 2/],
  ['a negative offset', () => (views({ ...vec(4), offset: -1 }, vec(4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: negative offset/],
  ['a negative stride', () => (views({ shape: [4], strides: [-1], offset: 3 }, vec(4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: negative stride/],
  ['a negative size', () => (views(vec(4), vec(-4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^x: negative size/],
  ['9 dims', () => (views({ shape: Array(9).fill(1), strides: Array(9).fill(1) }, vec(4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: ndim 9 is outside 0\.\.8/],
  ['2^90 elements', () => (views({ shape: [2 ** 30, 2 ** 30, 2 ** 30], strides: [0, 0, 0] }, vec(4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: too many elements/],
  ['an unknown dtype code', () => (views(vec(4, 7), vec(4)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), RangeError, /^out: unknown dtype code 7/],
  ['a typed array for an ArrayBuffer', () => (views(vec(4), vec(4)), native.unary(UnaryOp.Neg, buf(4), new Float32Array(4) as never, 0, 0)), TypeError, /^x: expected an ArrayBuffer/],
  ['a Uint8Array over an ArrayBuffer (only shared memory comes as a Uint8Array)', () => (views(vec(4), vec(4)), native.unary(UnaryOp.Neg, buf(4), new Uint8Array(16) as never, 0, 0)), TypeError, /^x: expected an ArrayBuffer \(or a Uint8Array over a SharedArrayBuffer\)/],
  ['a Uint8Array over too little shared memory', () => (views(vec(4), vec(4)), native.unary(UnaryOp.Neg, buf(4), new Uint8Array(new SharedArrayBuffer(12)), 0, 0)), RangeError, /^x: view reaches element 3 of a buffer of 3/],
  ['a plain array', () => (views(vec(4), vec(4)), native.unary(UnaryOp.Neg, buf(4), [1, 2, 3, 4] as never, 0, 0)), TypeError, /^x: expected an ArrayBuffer/],
  ['an unknown opcode', () => (views(vec(4), vec(4)), native.unary(99, buf(4), buf(4), 0, 0)), RangeError, /^unknown opcode 99/],
  ['too few arguments', () => (native.binary as (...a: unknown[]) => void)(BinaryOp.Add, buf(4)), TypeError, /^binary: expected 4 arguments/],
  ['shapes that differ', () => (views(vec(4), vec(2)), native.unary(UnaryOp.Neg, buf(4), buf(4), 0, 0)), Error, /^unary: operand shapes differ from the output shape/],
  ['dtypes that differ', () => (views(vec(4), vec(4), vec(4, 'float64')), native.binary(BinaryOp.Add, buf(4), buf(4), buf(4, 8))), Error, /^binary: operands are float32 and float64/],
  ['exp of int32', () => (views(vec(4, 'int32'), vec(4, 'int32')), native.unary(UnaryOp.Exp, buf(4), buf(4), 0, 0)), Error, /^unary: Exp is not defined for int32/],
  ['a reduction into the wrong shape', () => (views(vec(3), vec(4)), native.reduce(ReduceOp.Sum, buf(4), buf(4))), Error, /^reduce: out size 3 does not fit x size 4 in dim 0/],
  ['argmax into float32', () => (views(vec(1), vec(4)), native.reduce(ReduceOp.ArgMax, buf(1), buf(4))), Error, /^reduce: index results are int32, got float32/],
  [
    'a matmul whose shapes do not chain',
    () => (views({ shape: [2, 2], strides: [2, 1] }, { shape: [2, 3], strides: [3, 1] }, { shape: [2, 2], strides: [2, 1] }), native.matmul(buf(4), buf(6), buf(4))),
    Error,
    /^matmul: \[2,3\] @ \[2,2\] does not give \[2,2\]/,
  ],
  ['an index out of bounds', () => (views(vec(1), vec(4), vec(1, 'int32')), native.run(Group.Index, IndexOp.IndexSelect, buf(1), buf(4), ints(7), 0)), Error, /^index 7 is out of bounds for dimension 0 with size 4/],
  ['a negative index', () => (views(vec(1), vec(4), vec(1, 'int32')), native.run(Group.Index, IndexOp.Gather, buf(1), buf(4), ints(-1), 0)), Error, /^index -1 is out of bounds/],
  // int64 indices are read whole: 2^32 + 2, whose low half alone would address element 2.
  ['an int64 index out of bounds', () => (views(vec(1), vec(4), vec(1, 'int64')), native.run(Group.Index, IndexOp.IndexSelect, buf(1), buf(4), new BigInt64Array([2n ** 32n + 2n]).buffer, 0)), Error, /^index 4294967298 is out of bounds for dimension 0 with size 4/],
  ['a negative int64 index', () => (views(vec(1), vec(4), vec(1, 'int64')), native.run(Group.Index, IndexOp.Gather, buf(1), buf(4), new BigInt64Array([-(2n ** 32n)]).buffer, 0)), Error, /^index -4294967296 is out of bounds/],
  ['a scatter out of bounds', () => (views(vec(4), vec(1), vec(1, 'int32')), native.run(Group.Index, IndexOp.ScatterAdd, buf(4), buf(1), ints(4), 0)), Error, /^index 4 is out of bounds/],
  ['a NaN dim', () => (views(vec(1), vec(4), vec(1, 'int32')), native.run(Group.Index, IndexOp.Gather, buf(1), buf(4), ints(0), NaN)), Error, /^index: dim -2147483648 out of range/],
  // A generic group names the argument in its errors, each group its own (the names are built once per group).
  ['a generic group\'s view past the end', () => (views(vec(1), vec(5), vec(1, 'int32')), native.run(Group.Index, IndexOp.IndexSelect, buf(1), buf(4), ints(0), 0)), RangeError, /^Index argument 1: view reaches element 4 of a buffer of 4/],
  ['another group\'s view past the end', () => (views(vec(5), vec(4)), native.run(Group.Softmax, SoftmaxOp.Softmax, buf(4), buf(4), null, 0)), RangeError, /^Softmax argument 0: view reaches element 4 of a buffer of 4/],
  ['a float index', () => (views(vec(1), vec(4), vec(1)), native.run(Group.Index, IndexOp.Gather, buf(1), buf(4), buf(1), 0)), Error, /^index: index must be int32 or int64, got float32/],
  ['a float condition', () => (views(vec(4), vec(4), vec(4), vec(4)), native.where(buf(4), buf(4), buf(4), buf(4))), Error, /^where: condition must be bool, got float32/],
  ['0 threads', () => native.setNumThreads(0), RangeError, /^setNumThreads: expected an integer in 1\.\.1024/],
  ['a NaN peak duration', () => native.fmaPeak(NaN), Error, /^fmaPeak: seconds must be in \(0, 60\], got nan/],
  ['a peak duration given as a string', () => (native.fmaPeak as (s: unknown) => unknown)('1'), TypeError, /^fmaPeak: argument 0 must be a number/],
  ['a buffer that is not an ArrayBuffer', () => (native.adviseHugePages as (b: unknown) => void)(new Float32Array(4)), TypeError, /^adviseHugePages: expected an ArrayBuffer/],
];

describe('native entry points reject bad calls', () => {
  test.each(cases)('%s', (_label, call, error, message) => {
    const e = thrown(call);
    expect(e).toBeInstanceOf(error);
    expect(e.message).toMatch(message);
  });

  test('a bad call leaves the output untouched', () => {
    const out = new Int32Array([5, 5]);
    views(vec(2, 'int32'), vec(4, 'int32'), vec(2, 'int32'));
    expect(() => native.run(Group.Index, IndexOp.IndexSelect, out.buffer, buf(4), ints(1, 9), 0)).toThrow(/index 9/);
    expect(Array.from(out)).toEqual([5, 5]);
  });

  test('a well-formed call works, and the library keeps working after the errors', () => {
    const out = new Float32Array(4);
    views(vec(4), { shape: [4], strides: [0] });
    native.copy(out.buffer, new Float32Array([7]).buffer);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
    expect(tg.tensor([1, 2]).add(1).tolist()).toEqual([2, 3]);
  });
});

describe('CPU facts', () => {
  // The register-only FMA loop: on an AVX2 CPU its rate must be that of at least a slow
  // core (8-lane FMAs: > 10 GFLOP/s) and below what one core can issue (< 2 FMA pipes x
  // 16 FLOP x 6 GHz); with AVX-512 (16 lanes) twice that; elsewhere it is an error
  // naming the reason.
  test('measureFmaPeak', () => {
    if (tg.simd === 'avx2' || tg.simd === 'avx512') {
      const lanes = tg.simd === 'avx512' ? 16 : 8;
      const gflops = tg.measureFmaPeak(0.02);
      expect(gflops).toBeGreaterThan(10);
      expect(gflops).toBeLessThan(2 * 2 * lanes * 6);
    } else {
      expect(() => tg.measureFmaPeak(0.02)).toThrow(/only measured for AVX2\+FMA or AVX-512 CPUs/);
    }
  });
  // Its rounds: 0.05 s holds ~150 rounds of ~0.3 ms (at least 5 even on a slow core); the
  // median round is a real round, so it lies between the slowest-core bound and the best,
  // and the best obeys the same issue-rate bound as measureFmaPeak.
  test('measureFmaPeakRounds', () => {
    if (tg.simd === 'avx2' || tg.simd === 'avx512') {
      const lanes = tg.simd === 'avx512' ? 16 : 8;
      const { best, median, rounds } = tg.measureFmaPeakRounds(0.05);
      expect(rounds).toBeGreaterThanOrEqual(5);
      expect(median).toBeGreaterThan(10);
      expect(median).toBeLessThanOrEqual(best);
      expect(best).toBeLessThan(2 * 2 * lanes * 6);
    } else {
      expect(() => tg.measureFmaPeakRounds(0.05)).toThrow(/only measured for AVX2\+FMA or AVX-512 CPUs/);
    }
  });
});
