// Seeded inputs for tests (tg.randn lives on another branch, and tests should not depend
// on the library's own generator): a small PRNG plus constructors of float64 leaves in
// several memory layouts.
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';

/** mulberry32: tiny, deterministic, good enough for test inputs. */
export class Rng {
  private s: number;
  constructor(seed: number | string) {
    this.s = typeof seed === 'number' ? seed >>> 0 : [...seed].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

export interface Domain {
  lo?: number;
  hi?: number;
  /** Points (kinks, discontinuities) to keep at least `margin` away from. */
  avoid?: number[];
  margin?: number;
}

/** Values uniform in [lo, hi) (default [-2, 2)), resampled when near an avoided point. */
export function values(rng: Rng, n: number, { lo = -2, hi = 2, avoid = [], margin = 0.1 }: Domain = {}): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const v = lo + (hi - lo) * rng.next();
    if (avoid.every((a) => Math.abs(v - a) >= margin)) out.push(v);
  }
  return out;
}

/**
 * How a float64 leaf lies in memory. 'transposed' stores the last two dims swapped,
 * 'strided' takes every other element of a wider storage (offset 1, stride 2), and
 * 'expanded' makes a leaf with a size-1 first dim that the test expands to the full
 * shape inside the function under test (a broadcast view of repeated values).
 */
export type Layout = 'contiguous' | 'transposed' | 'strided' | 'expanded';
export const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'expanded'];

/** Whether a layout means something for this shape (else the test is skipped). */
export function layoutApplies(layout: Layout, shape: readonly number[]): boolean {
  if (layout === 'transposed') return shape.length >= 2;
  if (layout === 'expanded') return shape.length >= 1 && shape[0] > 1;
  if (layout === 'strided') return shape.length >= 1;
  return true;
}

/** A float64 leaf requiring grad with the given logical shape, values and layout. */
export function leaf(shape: readonly number[], data: number[], layout: Layout = 'contiguous'): Tensor {
  const logical = tg.tensor(data, { dtype: 'float64' }).reshape(shape.length ? [...shape] : []);
  let t: Tensor;
  if (layout === 'transposed') {
    const n = shape.length;
    t = logical.transpose(n - 2, n - 1).contiguous().transpose(n - 2, n - 1);
  } else if (layout === 'strided') {
    const wide = [...shape.slice(0, -1), shape[shape.length - 1], 2];
    t = tg.zeros(wide, { dtype: 'float64' }).select(-1, 1);
    t.copy_(logical);
  } else if (layout === 'expanded') {
    t = logical.narrow(0, 0, 1).contiguous();
  } else {
    t = logical;
  }
  return t.requiresGrad_(true);
}
