// Table-driven gradcheck: a case names an op applied to float64 leaves of given shapes
// and value domains; the runner builds the leaves in every applicable memory layout
// (see random.ts) and checks the op's gradients against finite differences.
import { expect } from 'vitest';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';
import { LAYOUTS, Rng, layoutApplies, leaf, values, type Domain, type Layout } from './random';

export interface GradCase {
  name: string;
  /** Logical shape of each float64 input. */
  shapes: number[][];
  fn: (...xs: Tensor[]) => Tensor | Tensor[];
  /** Value domain of every input, or one per input. */
  domain?: Domain | Domain[];
  /** Fixed values (row-major) per input instead of random ones. */
  data?: number[][];
  /** Layouts to try (default: all); ops with ties at repeated values exclude 'expanded'. */
  layouts?: readonly Layout[];
  eps?: number;
  atol?: number;
  rtol?: number;
}

export const NO_EXPAND: readonly Layout[] = ['contiguous', 'transposed', 'strided'];

/** The leaves of a case in a layout, and fn wrapped to expand 'expanded' leaves. */
export function instantiate(c: GradCase, layout: Layout): { inputs: Tensor[]; fn: (...xs: Tensor[]) => Tensor | Tensor[] } {
  const rng = new Rng(`${c.name}/${layout}`);
  const expandTo: (number[] | null)[] = [];
  const inputs = c.shapes.map((shape, i) => {
    const applies = layoutApplies(layout, shape);
    const numel = shape.reduce((a, b) => a * b, 1);
    const domain = Array.isArray(c.domain) ? c.domain[i] : c.domain;
    const data = c.data?.[i] ?? values(rng, numel, domain);
    expandTo.push(applies && layout === 'expanded' ? shape : null);
    return leaf(shape, data, applies ? layout : 'contiguous');
  });
  const fn = (...xs: Tensor[]) => c.fn(...xs.map((x, i) => (expandTo[i] ? x.expand(expandTo[i]!) : x)));
  return { inputs, fn };
}

/** [label, case, layout] rows for test.each: every case in every layout that applies to one of its inputs. */
export function caseRows(cases: readonly GradCase[]): [string, GradCase, Layout][] {
  return cases.flatMap((c) =>
    (c.layouts ?? LAYOUTS)
      .filter((l) => l === 'contiguous' || c.shapes.some((s) => layoutApplies(l, s)))
      .map((l) => [`${c.name} [${l}]`, c, l] as [string, GradCase, Layout]),
  );
}

export function expectGradcheck(c: GradCase, layout: Layout): void {
  const { inputs, fn } = instantiate(c, layout);
  expect(tg.autograd.gradcheck(fn, inputs, { eps: c.eps, atol: c.atol, rtol: c.rtol })).toBe(true);
}

export function expectGradgradcheck(c: GradCase, layout: Layout): void {
  const { inputs, fn } = instantiate(c, layout);
  expect(tg.autograd.gradgradcheck(fn, inputs, { eps: c.eps, atol: c.atol, rtol: c.rtol })).toBe(true);
}
