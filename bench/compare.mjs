// The statistics of bench/run.mjs's comparisons, apart from the measuring so that
// test/bench-compare.test.ts can check them. A row's samples are its pairs, each
// { round, figures: { who: figure } }: one figure per library configuration, all measured
// in the same stretch of time.
import { median } from './stats.mjs';

/** Figures are GFLOP/s or GB/s (higher is better) or times (lower is better), by the row's name. */
export const higherIsBetter = (name) => /\((GFLOP|GB)\/s\)/.test(name);

/** tensorgrad's cost relative to a reference's: time / reference time, or reference rate / rate. */
export const ratioOf = (higher, ours, ref) => (higher ? ref / ours : ours / ref);

/** The median figure of `who` over the samples, or undefined when it has none. */
export function medianFigure(samples, who) {
  const xs = samples.map((s) => s.figures[who]).filter((v) => v !== undefined);
  return xs.length ? median(xs) : undefined;
}

/** Of the `candidates` (a reference's configurations), the one with the best median figure
 * over all samples; undefined when none has a figure. The best median, not the best figure
 * of each sample: the fastest of several noisy samples of equally fast configurations would
 * beat one sample of ours by the noise alone. */
export function bestConfig(samples, candidates, higher) {
  let best, bestFigure;
  for (const who of candidates) {
    const m = medianFigure(samples, who);
    if (m !== undefined && (best === undefined || (higher ? m > bestFigure : m < bestFigure))) [best, bestFigure] = [who, m];
  }
  return best;
}

/** `ours` against `ref` over the samples that have both: the median of the per-sample
 * ratios (ratioOf), and the min-max of the per-round medians of those ratios; null when no
 * sample has both. */
export function pairedRatio(samples, ours, ref, higher) {
  const pairs = samples.filter((s) => s.figures[ours] !== undefined && s.figures[ref] !== undefined)
    .map((s) => ({ round: s.round, ratio: ratioOf(higher, s.figures[ours], s.figures[ref]) }));
  if (!pairs.length) return null;
  const byRound = new Map();
  for (const p of pairs) byRound.set(p.round, [...(byRound.get(p.round) ?? []), p.ratio]);
  const roundMedians = [...byRound.values()].map(median);
  return { ratio: median(pairs.map((p) => p.ratio)), spread: [Math.min(...roundMedians), Math.max(...roundMedians)] };
}
