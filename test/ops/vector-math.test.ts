// float64 exp, log, tanh, sigmoid and SiLU (the SIMD paths' own vector math, native/src/
// vec_math.h) against JavaScript's Math functions (V8's fdlibm ports, within 1 ulp), and
// prod's IEEE special values, thread-count independence and column products. Runs on
// whichever path is selected (CI runs the suite on the best one; TENSORGRAD_SIMD forces
// others). native/test/kernels_test.cpp measures the errors against long double.
import { afterEach, describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

/** The float64 ulp at x's magnitude (2^-1074 below the smallest normal). */
function ulp(x: number): number {
  const a = Math.abs(x);
  if (a < 2.2250738585072014e-308) return 2 ** -1074;
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, a);
  const exponent = (bits.getUint16(0) >> 4) - 1023;
  return 2 ** (exponent - 52);
}

function ulpDistance(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === want ? 0 : Infinity;
  return Math.abs(got - want) / ulp(want);
}

/** Values over each function's range: a fixed pseudo-random spread plus special values. */
function inputs(lo: number, hi: number): number[] {
  let s = 12345;
  const xs: number[] = [];
  for (let i = 0; i < 20000; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    xs.push(lo + ((s >>> 8) / 2 ** 24) * (hi - lo));
  }
  const specials = [0, -0, Infinity, -Infinity, NaN, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-20, 709.78, 709.79,
    -708.4, -745.1, -745.2, -746, 0.34657, 1, 2, 0.5, 19.5, 20, 22];
  return [...xs, ...specials, ...specials.map((v) => -v)];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const cases: [string, (t: tg.Tensor) => tg.Tensor, (x: number) => number, number, number, number][] = [
  // name, op, reference, range, allowed ulps (kernel error + the reference's own)
  ['exp', (t) => tg.exp(t), Math.exp, -750, 712, 2],
  ['log', (t) => tg.log(t), Math.log, -1, 1e6, 2],
  ['tanh', (t) => tg.tanh(t), Math.tanh, -25, 25, 3],
  ['sigmoid', (t) => tg.sigmoid(t), sigmoid, -750, 40, 4],
  ['silu', (t) => tg.nn.functional.silu(t), (x) => x * sigmoid(x), -750, 40, 4],
];

describe('float64 vector math', () => {
  for (const [name, op, ref, lo, hi, allowed] of cases) {
    test(`${name} within ${allowed} ulp of Math, special values included`, () => {
      const xs = inputs(lo, hi);
      const got = op(tg.tensor(xs, { dtype: 'float64' })).tolist() as number[];
      let worst = 0;
      let worstAt = 0;
      xs.forEach((x, i) => {
        const want = ref(x);
        if (name === 'silu' && Number.isNaN(want) && Number.isNaN(got[i])) return; // -inf * 0
        const d = ulpDistance(got[i], want);
        if (!(d <= worst)) (worst = d), (worstAt = x);
      });
      expect(worst, `${name}: ${worst} ulp at ${worstAt}`).toBeLessThanOrEqual(allowed);
    });
  }
});

describe('prod', () => {
  afterEach(() => tg.setNumThreads(2));

  test('IEEE special values in long runs: a 0 with an inf is NaN, NaN wins, signs multiply', () => {
    const n = 300_001; // chunks on the pool, vector lanes and a tail
    const cases: [number, number, number][] = [
      [0, Infinity, NaN],
      [Infinity, -Infinity, -Infinity],
      [-0, 1, -0],
      [NaN, 0, NaN],
      [-Infinity, 2, -Infinity],
    ];
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [a, b, want] of cases) {
        for (const at of [0, 150_000, n - 1]) {
          const xs = new Array<number>(n).fill(1);
          xs[at] = a;
          xs[(at + 100_001) % n] = b;
          const got = tg.prod(tg.tensor(xs, { dtype })).item();
          expect(Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got)), `${dtype} ${a} ${b} at ${at}: ${got}`).toBe(true);
        }
      }
    }
  });

  test('the same bits on 1 and 2 threads, and close to the exact product', () => {
    const n = 1_000_003;
    let s = 7;
    const xs = Array.from({ length: n }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return 1 + ((s >>> 8) / 2 ** 24 - 0.5) * 1e-3;
    });
    const x = tg.tensor(xs, { dtype: 'float64' });
    tg.setNumThreads(2);
    const two = tg.prod(x).item();
    tg.setNumThreads(1);
    const one = tg.prod(x).item();
    expect(Object.is(two, one)).toBe(true);
    // The exact product's log is the sum of the logs (each within an ulp): n roundings of
    // relative size 2^-53 bound the product's relative error by about n 2^-53.
    const logSum = xs.reduce((acc, v) => acc + Math.log(v), 0);
    expect(Math.abs(Math.log(two) - logSum)).toBeLessThan(n * 2 ** -52);
  });

  test('down the columns: each column multiplied in order in double, rounded once to float32', () => {
    const rows = 300, cols = 5;
    const data = new Float32Array(rows * cols).map((_, i) => 1 + Math.sin(i) * 0.01);
    const got = tg.prod(tg.tensor(Array.from(data)).reshape([rows, cols]), 0).tolist() as number[];
    const want = Array.from({ length: cols }, (_, j) => {
      let p = 1;
      for (let r = 0; r < rows; r++) p *= data[r * cols + j];
      return Math.fround(p);
    });
    expect(got).toEqual(want);
  });
});
