// bench/run.mjs's comparison statistics (bench/compare.mjs); expected values worked out by hand.
import { describe, expect, it } from 'vitest';
import { bestConfig, pairedRatio } from '../bench/compare.mjs';
import { median } from '../bench/stats.mjs';

const sample = (round: number, figures: Record<string, number>) => ({ round, figures });

describe('bench/compare.mjs', () => {
  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('picks the reference configuration by its median, not by one lucky sample', () => {
    // "b" has the single best figure (130) but the lower median (90 against 100).
    const samples = [
      sample(0, { a: 100, b: 130 }),
      sample(1, { a: 101, b: 90 }),
      sample(2, { a: 99, b: 80 }),
    ];
    expect(bestConfig(samples, ['a', 'b'], true)).toBe('a');
    // Times: lower is better, so "b" (median 90) beats "a" (100).
    expect(bestConfig(samples, ['a', 'b'], false)).toBe('b');
    // A configuration without figures for the row is passed over.
    expect(bestConfig(samples, ['c', 'b'], true)).toBe('b');
    expect(bestConfig(samples, ['c'], true)).toBeUndefined();
  });

  it('pairs ours with the reference sample by sample', () => {
    // Rates: ratio = reference / ours. Round 0: 100/50 = 2 and 90/60 = 1.5; round 1: 80/80 = 1.
    const samples = [
      sample(0, { ours: 50, ref: 100 }),
      sample(0, { ours: 60, ref: 90 }),
      sample(1, { ours: 80, ref: 80 }),
      sample(1, { ours: 70 }),
    ];
    const r = pairedRatio(samples, 'ours', 'ref', true);
    expect(r?.ratio).toBe(1.5);
    // Per-round medians: round 0 (2 + 1.5) / 2 = 1.75, round 1 1.
    expect(r?.spread).toEqual([1, 1.75]);
    // Times: ratio = ours / reference, so round 1 gives 80 / 80 = 1 and round 0 0.5 and 2/3.
    expect(pairedRatio(samples, 'ours', 'ref', false)?.ratio).toBeCloseTo(2 / 3, 12);
    expect(pairedRatio(samples, 'ours', 'none', true)).toBeNull();
  });
});
