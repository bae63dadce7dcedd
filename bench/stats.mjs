// Order statistics shared by the bench scripts.

/** The median of xs (the mean of the middle two for an even count; NaN when empty). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The q-quantile (0..1) of xs, nearest rank below. */
export const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

/** The nearest-rank `p`th percentile of `sorted` (ascending); NaN without samples (e.g.
 * bench:server's --rate 0: training speed alone, no requests). */
export const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
