// TensorDataset and DataLoader: batch counts and shapes, sample order, collation.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { hasTorch, runPython, TORCH_HINT } from '../helpers/python';

const { TensorDataset, DataLoader } = tg.data;

// 10 samples: x[i] = [i, 10 + i], y[i] = i
const X = tg.stack([tg.arange(10), tg.arange(10, 20)], 1).float();
const Y = tg.arange(10);
const dataset = new TensorDataset(X, Y);

function shapes(loader: Iterable<tg.Tensor[]>): number[][][] {
  return [...loader].map((batch) => batch.map((t) => t.shape.slice()));
}

describe('TensorDataset', () => {
  test('length and samples are rows of each tensor', () => {
    expect(dataset.length).toBe(10);
    const [x, y] = dataset.get(3);
    expect([x.tolist(), y.tolist()]).toEqual([[3, 13], 3]);
    expect(dataset.get(-1)[1].item()).toBe(9);
    expect(() => dataset.get(10)).toThrow('TensorDataset.get: index must be in -10..9, got 10');
  });

  test('tensors must agree in their first dim', () => {
    expect(() => new TensorDataset(tg.zeros(4, 2), tg.zeros(5))).toThrow(
      'TensorDataset: Size mismatch between tensors: tensor 0 has shape [4, 2], tensor 1 has shape [5] (all need the same first dim)',
    );
    expect(() => new TensorDataset(tg.tensor(1))).toThrow('TensorDataset: tensor 0 is 0-d');
  });
});

describe('DataLoader', () => {
  test('mini-batches: ceil(n / batchSize) batches, the last one smaller', () => {
    const loader = new DataLoader(dataset, { batchSize: 3 });
    expect(loader.length).toBe(4);
    expect(shapes(loader)).toEqual([
      [[3, 2], [3]],
      [[3, 2], [3]],
      [[3, 2], [3]],
      [[1, 2], [1]],
    ]);
  });

  test('dropLast drops the incomplete batch', () => {
    const loader = new DataLoader(dataset, { batchSize: 3, dropLast: true });
    expect(loader.length).toBe(3);
    expect(shapes(loader)).toEqual([
      [[3, 2], [3]],
      [[3, 2], [3]],
      [[3, 2], [3]],
    ]);
    expect(new DataLoader(dataset, { batchSize: 5, dropLast: true }).length).toBe(2);
  });

  test('full batch, stochastic and mini-batch are one argument apart', () => {
    expect(shapes(new DataLoader(dataset, { batchSize: 10 }))).toEqual([[[10, 2], [10]]]);
    const stochastic = [...new DataLoader(dataset)];
    expect(stochastic).toHaveLength(10);
    expect(stochastic.every(([x, y]) => x.shape.join() === '1,2' && y.shape.join() === '1')).toBe(true);
    expect([...new DataLoader(dataset, { batchSize: 64 })]).toHaveLength(1);
  });

  test('without shuffle, samples come in order and each epoch is the same', () => {
    const loader = new DataLoader(dataset, { batchSize: 4 });
    const epoch = () => [...loader].map(([, y]) => y.tolist());
    expect(epoch()).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(epoch()).toEqual(epoch());
    const [[x]] = [...loader];
    expect(x.tolist()).toEqual([[0, 10], [1, 11], [2, 12], [3, 13]]);
  });

  test('shuffle: a new order every epoch, the same orders under the same seed', () => {
    const loader = new DataLoader(dataset, { batchSize: 4, shuffle: true });
    const epoch = () => [...loader].flatMap(([, y]) => y.tolist() as number[]);
    tg.manualSeed(7);
    const [e1, e2] = [epoch(), epoch()];
    expect([...e1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1).not.toEqual(e2);
    tg.manualSeed(7);
    expect([epoch(), epoch()]).toEqual([e1, e2]);
    // With its own generator, a loader leaves the global stream alone.
    tg.manualSeed(7);
    const untouched = tg.rand(3).tolist();
    tg.manualSeed(7);
    [...new DataLoader(dataset, { batchSize: 4, shuffle: true, generator: new tg.Generator().manualSeed(7) })];
    expect(tg.rand(3).tolist()).toEqual(untouched);
  });

  test.skipIf(!hasTorch)(`shuffled batches and the generator's stream are PyTorch's${TORCH_HINT}`, () => {
    const torch = runPython<{ orders: number[][][]; after: number[] }>(String.raw`
import json, torch
from torch.utils.data import DataLoader, TensorDataset
ds = TensorDataset(torch.arange(10))
orders, after = [], []
torch.manual_seed(5)
for kwargs in [dict(batch_size=3, shuffle=True), dict(batch_size=4), dict(batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(9)),
               dict(batch_size=4, shuffle=True, drop_last=True, generator=torch.Generator().manual_seed(3))]:
    loader = DataLoader(ds, **kwargs)
    orders.append([[b[0].tolist() for b in loader] for epoch in range(2)])
    after.append(torch.rand(1).item())
print(json.dumps({'orders': orders, 'after': after}))
`);
    const ds = new TensorDataset(tg.arange(10));
    tg.manualSeed(5);
    const options = [
      { batchSize: 3, shuffle: true },
      { batchSize: 4 },
      { batchSize: 3, shuffle: true, generator: new tg.Generator().manualSeed(9) },
      { batchSize: 4, shuffle: true, dropLast: true, generator: new tg.Generator().manualSeed(3) },
    ];
    options.forEach((o, k) => {
      const loader = new DataLoader(ds, o);
      const orders = [0, 1].map(() => [...loader].map(([b]) => b.tolist()));
      expect(orders).toEqual(torch.orders[k]);
      expect(tg.rand(1).item()).toBeCloseTo(torch.after[k], 7);
    });
  });

  test('a sampler sets the order', () => {
    const loader = new DataLoader(dataset, { batchSize: 4, sampler: [9, 0, 8, 1, 7] });
    expect([...loader].map(([, y]) => y.tolist())).toEqual([[9, 0, 8, 1], [7]]);
  });

  test('any dataset with length and get(), collated by defaultCollate or a collateFn', () => {
    const squares = { length: 5, get: (i: number) => ({ x: tg.tensor([i, -i]), y: i * i }) };
    const batches = [...new DataLoader(squares, { batchSize: 2 })];
    expect(batches.map((b) => [b.x.shape, b.y.tolist()])).toEqual([
      [[2, 2], [0, 1]],
      [[2, 2], [4, 9]],
      [[1, 2], [16]],
    ]);
    const sums = [...new DataLoader(squares, { batchSize: 5, collateFn: (s) => s.reduce((a, b) => a + b.y, 0) })];
    expect(sums).toEqual([30]);
  });

  test('arguments are checked', () => {
    expect(() => new DataLoader(dataset, { batchSize: 0 })).toThrow('DataLoader: batchSize must be >= 1, got 0');
    expect(() => new DataLoader({} as tg.data.Dataset<number>)).toThrow('DataLoader: dataset must have a length and get(index), got Object');
    expect(() => tg.data.defaultCollate([new Map()])).toThrow('defaultCollate: samples must be Tensors, numbers, arrays or plain objects of them, got Map');
  });
});
