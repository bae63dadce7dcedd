// Small shared helpers for tests: tensor constructors and value assertions.
import { expect } from 'vitest';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';

/** A float64 leaf requiring grad. */
export function param(data: tg.NestedArray): Tensor {
  return tg.tensor(data, { dtype: 'float64', requiresGrad: true });
}

export function f64(data: tg.NestedArray): Tensor {
  return tg.tensor(data, { dtype: 'float64' });
}

export function i32(data: tg.NestedArray): Tensor {
  return tg.tensor(data, { dtype: 'int32' });
}

/** Asserts t's shape (through the nesting) and values: finite numbers to 12 decimals,
 * NaN, infinities and booleans exactly. */
export function expectValues(t: Tensor | null | undefined, expected: tg.NestedArray): void {
  expect(t).toBeInstanceOf(tg.Tensor);
  const actual = t!.tolist();
  const close = (a: tg.NestedArray, e: tg.NestedArray): void => {
    if (Array.isArray(e)) {
      expect(Array.isArray(a) && a.length).toBe(e.length);
      e.forEach((v, i) => close((a as tg.NestedArray[])[i], v));
    } else if (typeof e === 'number' && Number.isFinite(e)) {
      expect(a).toBeCloseTo(e, 12);
    } else {
      expect(a).toBe(e);
    }
  };
  close(actual, expected);
}

/** Runs fn and returns the Error it throws (failing if it does not throw an Error). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected the call to throw');
}
