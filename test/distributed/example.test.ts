// examples/ddp.ts on 2 processes: it trains (the loss falls epoch after epoch) and only
// rank 0 prints.
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { glooBuilt, runRanks } from './ranks';

describe.skipIf(!glooBuilt)('examples/ddp.ts', () => {
  test('trains the W5 MLP on 2 processes', async () => {
    const results = await runRanks(path.join(__dirname, '..', '..', 'examples', 'ddp.ts'), 2, { limitMs: 120000 });
    for (const r of results) expect(r.code, `rank ${r.rank}: ${r.stderr}`).toBe(0);
    expect(results[1].stdout).toBe('');
    const losses = [...results[0].stdout.matchAll(/^epoch (\d): loss ([\d.]+), accuracy ([\d.]+)% \(2 processes\)$/gm)].map((m) => Number(m[2]));
    expect(losses.length, results[0].stdout).toBe(5);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
  }, 150000);
});
