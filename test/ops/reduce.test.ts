// Native sums over a dim that is not innermost (bias gradients, column sums) against a
// plain-JS reference: each output adds its elements in order in double precision and
// rounds once to float32, which is what the kernel promises, so the bits must agree.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

function randomData(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((s >>> 8) / 2 ** 24 - 0.5) * 1000;
  });
}

/** Sum over dim `dim` of a row-major [d0, d1, d2] array, in order, rounded to float32. */
function referenceSum(data: Float32Array, shape: [number, number, number], dim: number): number[] {
  const [d0, d1, d2] = shape;
  const at = (i: number, j: number, k: number) => data[(i * d1 + j) * d2 + k];
  const out: number[] = [];
  const outer = dim === 0 ? [d1, d2] : dim === 1 ? [d0, d2] : [d0, d1];
  for (let a = 0; a < outer[0]; a++) {
    for (let b = 0; b < outer[1]; b++) {
      let acc = 0;
      for (let r = 0; r < shape[dim]; r++) acc += dim === 0 ? at(r, a, b) : dim === 1 ? at(a, r, b) : at(a, b, r);
      out.push(Math.fround(acc));
    }
  }
  return out;
}

describe('sum over a non-innermost dim (native kernel)', () => {
  const cases: [number, number, number][] = [
    [128, 1, 256], // a bias gradient: [batch, features] summed over the batch
    [300, 1, 70], // more rows than the sequential limit, a ragged column block
    [5, 40, 130], // a middle dim of a 3-D tensor
    [700, 1, 3],
  ];
  for (const shape of cases) {
    for (const dim of [0, 1]) {
      if (shape[dim] === 1) continue;
      test(`[${shape}] over dim ${dim}`, () => {
        const x = tg.tensor(randomData(shape[0] * shape[1] * shape[2], 7 + dim)).reshape(...shape);
        const got = x.sum(dim).flatten().tolist() as number[];
        expect(got).toEqual(referenceSum(x.toTypedArray() as Float32Array, shape, dim));
      });
    }
  }

  test('a transposed input (columns are the contiguous runs)', () => {
    const x = tg.tensor(randomData(200 * 90, 3)).reshape(200, 90);
    const xt = x.t().contiguous().t(); // the same values, column-major
    expect(xt.sum(0).tolist()).toEqual(x.sum(0).tolist());
    expect(xt.sum(1).tolist()).toEqual(x.sum(1).tolist()); // rows of 90: in order either way
  });

  test('float64 keeps double sums exactly', () => {
    const x = tg.tensor(randomData(260 * 33, 11), { dtype: 'float64' }).reshape(260, 1, 33);
    const data = Float64Array.from(x.toTypedArray() as Float64Array);
    const want: number[] = [];
    for (let j = 0; j < 33; j++) {
      let acc = 0;
      for (let i = 0; i < 260; i++) acc += data[i * 33 + j];
      want.push(acc);
    }
    expect(x.sum(0).flatten().tolist()).toEqual(want);
  });
});
