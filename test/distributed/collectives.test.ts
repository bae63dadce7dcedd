// tg.distributed's collectives on 2 and 4 processes on 127.0.0.1 (collectives-child.ts),
// for each dtype and reduction. Expected values by plain arithmetic over the ranks' inputs.
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { glooBuilt, lastJson, runRanks } from './ranks';

const child = path.join(__dirname, 'collectives-child.ts');
const DTYPES = ['float32', 'float64', 'int32'];
const OPS = ['sum', 'avg', 'product', 'min', 'max'];

/** The reduction of xs; AVG of int32 truncates toward zero (documented). */
function reduce(op: string, xs: number[], dtype: string): number {
  switch (op) {
    case 'sum': return xs.reduce((a, b) => a + b);
    case 'product': return xs.reduce((a, b) => a * b);
    case 'min': return Math.min(...xs);
    case 'max': return Math.max(...xs);
    default: {
      const mean = xs.reduce((a, b) => a + b) / xs.length;
      return dtype === 'int32' ? Math.trunc(mean) : mean;
    }
  }
}

const ranksOf = (n: number) => [...Array(n).keys()];

describe.skipIf(!glooBuilt)('collectives', () => {
  for (const n of [2, 4]) {
    test(`${n} processes: every collective, dtype and op`, async () => {
      const results = await runRanks(child, n, { limitMs: 90000 });
      for (const r of results) expect(r.code, `rank ${r.rank}: ${r.stderr}`).toBe(0);
      for (const r of results) {
        const got = lastJson<Record<string, unknown>>(r);
        const rank = r.rank;
        expect(got.worldSize).toBe(n);
        expect(got.isInitialized).toBe(true);
        expect(got.isInitializedAfter).toBe(false);
        // Gloo's I/O thread alone runs under SCHED_BATCH (3), so that it cannot preempt the
        // thread writing to a pair whose lock it needs (binding/distributed/addon.cpp,
        // createDevice); the JS thread keeps SCHED_OTHER (0).
        const [own, ...others] = got.policies as number[];
        expect(own).toBe(0);
        expect(others.filter((p) => p === 3)).toHaveLength(1);
        const value = (q: number, i: number) => q + 2 + i; // rank q's element i
        for (const dtype of DTYPES) {
          for (const op of OPS) {
            const expected = (len: number) => Array.from({ length: len }, (_, i) => reduce(op, ranksOf(n).map((q) => value(q, i)), dtype));
            // float32 holds these products and sums exactly; AVG of floats rounds like (sum / n).
            expect(got[`allReduce/${dtype}/${op}`], `allReduce ${dtype} ${op}`).toEqual(closeTo(expected(5), dtype));
            // The strided case reduced x = [[v0 v1 v2],[v3 v4 v5]]ᵀ elementwise; read back in row-major order of xᵀ.
            const flatT = [0, 3, 1, 4, 2, 5].map((i) => expected(6)[i]);
            expect(got[`allReduceStrided/${dtype}/${op}`], `strided allReduce ${dtype} ${op}`).toEqual(closeTo(flatT, dtype));
            expect(got[`allReduceStridedDone/${dtype}/${op}`]).toBe(true);
            // Rank q's input chunk k is [q + k, 10k + q + 1]; rank r gets chunk r reduced over q.
            const rs = [0, 1].map((j) => reduce(op, ranksOf(n).map((q) => (j === 0 ? q + rank : 10 * rank + q + 1)), dtype));
            expect(got[`reduceScatter/${dtype}/${op}`], `reduceScatter ${dtype} ${op}`).toEqual(closeTo(rs, dtype));
          }
          for (let root = 0; root < n; root++) {
            expect(got[`broadcast/${dtype}/${root}`]).toEqual([0, 1, 2, 3, 4].map((i) => value(root, i)));
          }
          expect(got[`allGather/${dtype}`]).toEqual(ranksOf(n).map((q) => [[value(q, 0), value(q, 1)], [value(q, 2), value(q, 3)]]));
          expect(got[`allGatherIntoTensor/${dtype}`]).toEqual(ranksOf(n).map((q) => [0, 1, 2].map((i) => value(q, i))));
          const prev = (rank + n - 1) % n;
          expect(got[`ring/${dtype}`]).toEqual([0, 1, 2].map((i) => value(prev, i)));
        }
        if (rank === 1) expect(got.sendRecv).toEqual([1.5, 2.5]);
      }
    }, 120000);
  }
});

/** Exact for integers; float32 means of these small integers round to float32. */
function closeTo(xs: number[], dtype: string): number[] {
  return dtype === 'float32' ? xs.map((x) => Math.fround(x)) : xs;
}
