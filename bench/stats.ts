// Order statistics shared by the bench:server scripts (bench/server.ts, bench/request-cost.ts).

/** The median of `xs` (the mean of the middle two for an even count; NaN when empty). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The nearest-rank `p`th percentile of `sorted` (ascending); NaN without samples (--rate 0:
 * training speed alone, no requests). */
export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
