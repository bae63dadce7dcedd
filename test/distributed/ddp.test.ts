// DistributedDataParallel on 2 and 4 processes against one process training on the whole
// batch (ddp-child.ts): after 20 steps (some with noSync gradient accumulation) every
// rank's parameters equal the single process's within float32 rounding, and each other's
// exactly (every rank applies the same averaged gradients).
import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { buildChild } from '../helpers/child-build';
import { glooBuilt, lastJson, runRanks } from './ranks';

const child = path.join(__dirname, 'ddp-child.ts');

interface Trained {
  rank: number;
  initial: number[];
  params: Record<string, number[]>;
  ddpKeys: string[];
  buckets: number;
  startedDuringBackward: number;
  sameModule: boolean;
}

describe.skipIf(!glooBuilt)('DistributedDataParallel', () => {
  const reference = (() => {
    const { args, env } = buildChild(child);
    const r = spawnSync(process.execPath, [...args, 'single'], { env, encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) throw new Error(`the single-process reference failed: ${r.stderr}`);
    return lastJson<Trained>({ rank: 0, code: 0, signal: null, stdout: r.stdout, stderr: r.stderr, ms: 0 });
  })();

  for (const n of [2, 4]) {
    test(`${n} processes train as one on the concatenated batch`, async () => {
      const results = await runRanks(child, n, { limitMs: 90000 });
      for (const r of results) expect(r.code, `rank ${r.rank}: ${r.stderr}`).toBe(0);
      const trained = results.map((r) => lastJson<Trained>(r));
      for (const t of trained) {
        expect(t.sameModule).toBe(true);
        expect(t.ddpKeys).toEqual(Object.keys(reference.params).map((k) => `module.${k}`));
        expect(t.buckets).toBeGreaterThan(1);
        // Buckets start from hooks while backward runs (all but the last at least).
        expect(t.startedDuringBackward).toBeGreaterThan(0);
        for (const [name, ref] of Object.entries(reference.params)) {
          const got = t.params[name];
          expect(got.length).toBe(ref.length);
          const worst = Math.max(...got.map((v, i) => Math.abs(v - ref[i]) / (1e-3 + Math.abs(ref[i]))));
          expect(worst, `rank ${t.rank} ${name}`).toBeLessThan(1e-4);
          expect(got, `rank ${t.rank} ${name} equals rank 0's`).toEqual(trained[0].params[name]);
        }
      }
      // Training moved the reference well away from its start: the comparison means something.
      const moved = Math.max(...reference.params['net.0.weight'].map((v, i) => Math.abs(v - reference.initial[i])));
      expect(moved).toBeGreaterThan(1e-2);
    }, 120000);
  }
});
