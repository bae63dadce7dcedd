// int64 index tensors (PyTorch's default integer dtype) in the indexing ops: the index
// kernels' ops (indexSelect, gather, scatter, indexAdd, embedding, ...) read them as they
// come, advanced indexing, take and oneHot narrow them to int32 (lib/ops/indices.ts).
// Expected values by hand: x = arange(12).reshape(3, 4) as float32.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib';

const F = tg.nn.functional;
const x = () => tg.arange(12).reshape(3, 4).float();

describe('int64 index tensors', () => {
  test('advanced indexing: x[[2, 0]] and x[:, [-1]]', () => {
    expect(x().index(tg.tensor([2n, 0n])).tolist()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3]]);
    expect(x().index(tg.slice(), tg.tensor([-1n])).tolist()).toEqual([[3], [7], [11]]);
  });

  test('scatter along dim 1', () => {
    const out = tg.zeros(2, 3).scatter(1, tg.tensor([[2n], [0n]]), tg.tensor([[5], [7]]).float());
    expect(out.tolist()).toEqual([[0, 0, 5], [7, 0, 0]]);
  });

  test('oneHot', () => {
    expect(F.oneHot(tg.tensor([1n, 0n, 2n])).tolist()).toEqual([[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
  });

  test('an int64 index beyond int32 is an error naming the op', () => {
    expect(() => x().index(tg.tensor([2n ** 40n]))).toThrow(/index.*out of bounds/);
  });
});

describe('int64 index tensors in the scatter family', () => {
  test('scatterAdd, indexAdd, indexFill, takeAlongDim', () => {
    const i = tg.tensor([[1n, 1n]]);
    expect(tg.zeros(1, 3).scatterAdd(1, i, tg.ones(1, 2)).tolist()).toEqual([[0, 2, 0]]);
    expect(tg.zeros(3).indexAdd(0, tg.tensor([2n, 0n]), tg.tensor([5, 7]).float()).tolist()).toEqual([7, 0, 5]);
    expect(tg.zeros(3).indexFill(0, tg.tensor([1n]), 4).tolist()).toEqual([0, 4, 0]);
    expect(x().takeAlongDim(tg.tensor([[3n], [0n], [1n]]), 1).tolist()).toEqual([[3], [4], [9]]);
  });
});

test('embedding takes int64 ids (rows picked by hand)', () => {
  const weight = tg.tensor([[0, 1], [2, 3], [4, 5]]);
  expect(F.embedding(tg.tensor([[2n, 0n]]), weight).tolist()).toEqual([[[4, 5], [0, 1]]]);
  expect(() => F.embedding(tg.tensor([0.5]), weight)).toThrow(/embedding.*int32 or int64/);
  // Any weight dtype, as PyTorch's (index_select of its rows).
  expect(F.embedding(tg.tensor([1n, 0n]), tg.tensor([[true, false], [false, false]])).tolist()).toEqual([[false, false], [true, false]]);
  expect(F.embedding(tg.tensor([1n]), tg.tensor([[1n, 2n], [3n, 4n]])).tolist()).toEqual([[3, 4]]);
});

test('int64 and int32 indices give the same results and gradients', () => {
  const x = tg.arange(12).float().reshape(3, 4).requiresGrad_();
  const rows = [2, 0, 2];
  const results = (dtype: 'int32' | 'int64') => {
    const ids = tg.tensor(rows, { dtype });
    const grid = tg.tensor([[1, 0, 2, 2], [2, 2, 0, 1]], { dtype });
    x.grad = null;
    const y = x.indexSelect(0, ids).sum().add(x.gather(0, grid).mul(2).sum()).add(F.embedding(ids, x).mul(3).sum());
    y.backward();
    const z = tg.zeros(3, 4).indexAdd(0, ids, tg.ones(3, 4)).scatterAdd(1, grid.narrow(0, 0, 2), tg.ones(2, 4));
    return [y.item(), x.grad!.tolist(), z.tolist()];
  };
  expect(results('int64')).toEqual(results('int32'));
  // x's gradient by hand: each selected row once and once more by the embedding's 3 (rows
  // 2, 0, 2), plus 2 at each gathered (row, column).
  const grad = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  for (const r of rows) for (let c = 0; c < 4; ++c) grad[r][c] += 4;
  [[1, 0, 2, 2], [2, 2, 0, 1]].forEach((line) => line.forEach((r, c) => (grad[r][c] += 2)));
  expect(results('int64')[1]).toEqual(grad);
});
