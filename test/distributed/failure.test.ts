// tg.distributed when ranks go wrong: a rank that exits, throws, is killed or hangs makes
// the others fail within the timeout with an error naming the rank and the reason; a
// rank that never comes fails the meeting; nothing listens beyond MASTER_ADDR; without
// Gloo, initProcessGroup names the package to install.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import { glooBuilt, lastJson, runRanks } from './ranks';

const child = path.join(__dirname, 'failure-child.ts');
const root = path.join(__dirname, '..', '..');

interface Outcome {
  error: string | null;
  ms: number;
  listening?: string[];
}

describe.skipIf(!glooBuilt)('failures', () => {
  const TIMEOUT = 5000;
  const cases: [string, RegExp][] = [
    ['exit', /rank 1: its process exited with code 3/],
    ['throw', /rank 1: its process exited with code 1 after an uncaught RangeError: the data ran out/],
    ['kill', /rank 1: its process ended without destroyProcessGroup/],
  ];
  for (const [scenario, reason] of cases) {
    test(`a rank that ${scenario}s: the others fail naming rank 1 and why, before the timeout`, async () => {
      const results = await runRanks(child, 3, { args: [scenario, String(TIMEOUT)], limitMs: 30000 });
      for (const r of results.filter((r) => r.rank !== 1)) {
        const out = lastJson<Outcome>(r);
        expect(out.error, `rank ${r.rank}`).toMatch(/^allReduce failed on rank \d because ranks left the process group:/);
        expect(out.error).toMatch(reason);
        expect(out.ms).toBeLessThan(TIMEOUT);
      }
    }, 40000);
  }

  test('a rank that hangs: the others time out after the timeout', async () => {
    const results = await runRanks(child, 2, { args: ['stuck', '2000'], limitMs: 30000 });
    const out = lastJson<Outcome>(results[0]);
    expect(out.error).toMatch(/^allReduce failed on rank 0: .*[Tt]imed out.* \(no rank has left/);
    expect(out.ms).toBeGreaterThanOrEqual(1900);
    expect(out.ms).toBeLessThan(2000 + 4000);
  }, 40000);

  test('a rank that never comes: the meeting fails naming it', async () => {
    const results = await runRanks(child, 3, { ranks: [0, 1], args: ['missing', '1500'], limitMs: 30000 });
    for (const r of results) {
      const out = lastJson<Outcome>(r);
      expect(out.error).toMatch(new RegExp(`^initProcessGroup \\(rank ${r.rank} of 3, store 127\\.0\\.0\\.1:\\d+\\): waiting for the other ranks failed: rank 2 did not join within 1500 ms`));
      expect(out.ms).toBeLessThan(1500 + 3000);
    }
  }, 40000);

  test('the store and Gloo listen on MASTER_ADDR (127.0.0.1) only', async () => {
    const results = await runRanks(child, 2, { args: ['listen'], limitMs: 30000 });
    expect(lastJson<Outcome>(results[0]).listening!.length, 'rank 0 (the store) listens').toBeGreaterThan(0);
    for (const r of results) {
      const out = lastJson<Outcome>(r);
      // /proc/net/tcp writes 127.0.0.1 as 0100007F (little-endian).
      for (const addr of out.listening!) expect(addr, `rank ${r.rank}`).toMatch(/^0100007F:/);
    }
  }, 40000);
});

test('without Gloo, initProcessGroup names the package to install', async () => {
  // An addon directory holding the main addon only, as a build without Gloo leaves it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-nogloo-'));
  const addon = path.join(dir, 'tensorgrad.node');
  fs.copyFileSync(process.env.TENSORGRAD_ADDON ?? path.join(root, 'build', 'Release', 'tensorgrad.node'), addon);
  try {
    const results = await runRanks(child, 1, { args: ['no-gloo'], env: { TENSORGRAD_ADDON: addon }, limitMs: 30000 });
    expect(lastJson<Outcome>(results[0]).error).toMatch(/tensorgrad was built without Gloo.*apt-get install libgloo-dev/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 40000);
