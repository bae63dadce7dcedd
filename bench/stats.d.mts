// Types of bench/stats.mjs, for the TypeScript bench scripts and tests.
export function median(xs: number[]): number;
export function quantile(xs: number[], q: number): number;
export function percentile(sorted: number[], p: number): number;
