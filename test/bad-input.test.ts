// Bad input through the public API (issue 13, items 3-6 and 8): each gives a clear error
// naming the op the user called (or a warning where PyTorch warns), never a crash, a
// silent acceptance or a message from deep inside the library.
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';

describe('tensor() of malformed nested arrays (item 3)', () => {
  test('a cyclic array is an error, not an endless loop', () => {
    const a: unknown[] = [1];
    a[0] = a;
    expect(() => tg.tensor(a as tg.NestedArray)).toThrow('tensor: the nested array is cyclic: data[0] is data');
    const b: unknown[] = [[1, 2], [3, 4]];
    (b[0] as unknown[])[0] = b;
    expect(() => tg.tensor(b as tg.NestedArray)).toThrow('tensor: the nested array is cyclic: data[0][0] is data');
    const c: unknown[] = [[1], [2]];
    (c[1] as unknown[])[0] = c; // a cycle off the first path: an array where a number belongs
    expect(() => tg.tensor(c as tg.NestedArray)).toThrow('tensor: element [1][0] is an array; expected a number or a boolean');
  });

  test('ragged and over-deep nesting are errors naming where', () => {
    expect(() => tg.tensor([[1, 2], [3]])).toThrow('tensor: expected sequence of length 2 at dim 1 (got 1 at [1])');
    expect(() => tg.tensor([[1, 2], 3] as tg.NestedArray)).toThrow('tensor: expected sequence of length 2 at dim 1 (got 3 at [1])');
    let deep: tg.NestedArray = 1;
    for (let i = 0; i < 100_000; ++i) deep = [deep];
    expect(() => tg.tensor(deep)).toThrow('tensor: the nested array has more than 8 levels; at most 8 dims are supported');
  });
});
