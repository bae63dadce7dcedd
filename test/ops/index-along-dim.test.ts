// indexSelect / indexAdd / indexFill along each dim of 3-d tensors, contiguous and not,
// against their definitions computed here on nested arrays. The native kernel walks the
// index outermost (one slab per index) or innermost depending on the layout
// (native/src/index.cpp indexAlongDim): these shapes and views take both ways.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib';

type Grid = number[][][];
const SHAPE = [3, 4, 5];
const INDEX = [2, 0, 2, 1]; // a repeat, for indexAdd's accumulation

/** `pos` with its coordinate along `dim` replaced by j. */
const at = (dim: number, pos: number[], j: number): number[] => pos.map((v, d) => (d === dim ? j : v));

/** Every position of `shape`, row-major. */
function* positions(shape: number[]): Generator<number[]> {
  for (let a = 0; a < shape[0]; ++a) for (let b = 0; b < shape[1]; ++b) for (let c = 0; c < shape[2]; ++c) yield [a, b, c];
}
const get = (g: Grid, [a, b, c]: number[]): number => g[a][b][c];

/** x (shape SHAPE) or its transposed-and-back view: same values, other strides. */
function input(strided: boolean, seed: number): tg.Tensor {
  const g = new tg.Generator().manualSeed(seed);
  if (!strided) return tg.randn(SHAPE, { generator: g });
  return tg.randn([SHAPE[2], SHAPE[1], SHAPE[0]], { generator: g }).permute(2, 1, 0); // not contiguous
}

describe.each([false, true])('along each dim (strided views: %s)', (strided) => {
  test.each([0, 1, 2])('dim %i', (dim) => {
    const x = input(strided, 1);
    const xs = x.tolist() as Grid;
    const index = tg.tensor(INDEX, { dtype: 'int32' });

    // indexSelect: out[.., p, ..] = x[.., index[p], ..]
    const selShape = SHAPE.slice();
    selShape[dim] = INDEX.length;
    const selected = x.indexSelect(dim, index);
    expect(selected.shape).toEqual(selShape);
    const sel = selected.tolist() as Grid;
    for (const pos of positions(selShape)) expect(get(sel, pos)).toBe(get(xs, at(dim, pos, INDEX[pos[dim]])));

    // indexAdd: base plus, for each p in order, source[.., p, ..] into position index[p]
    const checkIndexAdd = (source: tg.Tensor) => {
      const src = source.tolist() as Grid;
      const added = x.indexAdd(dim, index, source).tolist() as Grid;
      const expectAdd = structuredClone(xs);
      for (const pos of positions(selShape)) {
        const [a, b, c] = at(dim, pos, INDEX[pos[dim]]);
        expectAdd[a][b][c] = Math.fround(expectAdd[a][b][c] + get(src, pos));
      }
      expect(added).toEqual(expectAdd);
    };
    const source = input(strided, 2).indexSelect(dim, tg.tensor([0, 1, 2, 0], { dtype: 'int32' })); // selShape
    checkIndexAdd(strided ? source.transpose(0, 2).contiguous().transpose(0, 2) : source);
    // Broadcast sources (stride 0): everywhere, as the gradient of a sum reaching an
    // embedding's backward, and along the last dim only.
    checkIndexAdd(tg.tensor(1.25).expand(selShape));
    checkIndexAdd(source.narrow(2, 0, 1).expand(selShape));

    // indexFill (the index-copy kernel, from a broadcast value): out[.., index[p], ..] = 7.5
    const filled = x.indexFill(dim, index, 7.5).tolist() as Grid;
    const expectFill = structuredClone(xs);
    for (const pos of positions(selShape)) {
      const [a, b, c] = at(dim, pos, INDEX[pos[dim]]);
      expectFill[a][b][c] = 7.5;
    }
    expect(filled).toEqual(expectFill);
  });
});
