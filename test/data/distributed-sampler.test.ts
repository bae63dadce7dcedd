// DistributedSampler against PyTorch 1.13's indices, recorded by
// scripts/gen-distributed-sampler-golden.py into distributed-sampler.golden.json.
import fs from 'fs';
import path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

interface GoldenCase {
  length: number; numReplicas: number; rank: number; shuffle: boolean; seed: number; dropLast: boolean;
  numSamples: number; epochs: Record<string, number[]>;
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, 'distributed-sampler.golden.json'), 'utf8')) as { torch: string; cases: GoldenCase[] };

const { DistributedSampler, DataLoader, TensorDataset } = tg.data;

/** A dataset of `length` samples; the sampler only reads its length. */
const ofLength = (length: number) => ({ length, get: (i: number) => i });

describe('DistributedSampler gives PyTorch\'s indices', () => {
  test.each(golden.cases.map((c) => [
    `length ${c.length}, ${c.numReplicas} replicas, rank ${c.rank}, shuffle ${c.shuffle}, seed ${c.seed}, dropLast ${c.dropLast}`, c,
  ] as const))('%s', (_, c) => {
    const sampler = new DistributedSampler(ofLength(c.length), c);
    expect(sampler.length).toBe(c.numSamples);
    for (const [epoch, indices] of Object.entries(c.epochs)) {
      sampler.setEpoch(Number(epoch));
      expect([...sampler]).toEqual(indices);
    }
  });

  test('the golden file covers what it claims', () => {
    expect(golden.torch).toMatch(/^1\.13/);
    expect(golden.cases.some((c) => c.dropLast && c.length % c.numReplicas !== 0)).toBe(true);
    expect(golden.cases.some((c) => !c.dropLast && c.length < c.numReplicas && c.length > 0)).toBe(true);
  });
});

describe('DistributedSampler in a DataLoader', () => {
  test('batches follow the sampler, epoch by epoch', () => {
    const x = tg.arange(10).float();
    const sampler = new DistributedSampler(new TensorDataset(x), { numReplicas: 3, rank: 1, seed: 4 });
    const loader = new DataLoader(new TensorDataset(x), { batchSize: 3, sampler });
    expect(loader.length).toBe(2); // 4 samples per rank (10 padded to 12), in batches of 3
    for (const epoch of [0, 1]) {
      sampler.setEpoch(epoch);
      const seen = [...loader].flatMap(([xb]) => xb.tolist() as number[]);
      expect(seen).toEqual([...sampler]);
    }
  });

  test('sampler and shuffle together are refused, naming the options', () => {
    const ds = ofLength(4);
    const sampler = new DistributedSampler(ds, { numReplicas: 2, rank: 0 });
    expect(() => new DataLoader(ds, { sampler, shuffle: true })).toThrow(/DataLoader: sampler option is mutually exclusive with shuffle/);
    expect(() => new DataLoader(ds, { sampler: 3 as never })).toThrow(/DataLoader: sampler must be an iterable of sample indices \(such as a DistributedSampler\), got 3/);
  });
});

describe('DistributedSampler refuses bad arguments', () => {
  const ds = ofLength(8);
  test.each([
    [{ rank: 0 }, /DistributedSampler: numReplicas is required when the default process group is not initialized/],
    [{ numReplicas: 2 }, /DistributedSampler: rank is required when the default process group is not initialized/],
    [{ numReplicas: 2, rank: 2 }, /DistributedSampler: rank must be in 0\.\.1, got 2/],
    [{ numReplicas: 2, rank: -1 }, /DistributedSampler: rank must be in 0\.\.1, got -1/],
    [{ numReplicas: 2, rank: 0.5 }, /DistributedSampler: rank must be an integer, got 0\.5/],
    [{ numReplicas: 0, rank: 0 }, /DistributedSampler: numReplicas must be >= 1, got 0/],
    [{ numReplicas: 1.5, rank: 0 }, /DistributedSampler: numReplicas must be an integer, got 1\.5/],
    [{ numReplicas: 2, rank: 0, seed: 0.5 }, /DistributedSampler: seed must be an integer, got 0\.5/],
    [{ numReplicas: 2, rank: 0, shuffle: 1 }, /DistributedSampler: shuffle must be a boolean/],
  ])('%o', (options, message) => {
    expect(() => new DistributedSampler(ds, options as tg.data.DistributedSamplerOptions)).toThrow(message);
  });

  test('a non-dataset and a bad epoch', () => {
    expect(() => new DistributedSampler(null as never, { numReplicas: 1, rank: 0 })).toThrow(/DistributedSampler: dataset must have a length/);
    const sampler = new DistributedSampler(ds, { numReplicas: 1, rank: 0 });
    expect(() => sampler.setEpoch(1.5)).toThrow(/DistributedSampler: epoch must be an integer, got 1\.5/);
  });
});
