// The call forms of the ops made from specs in movement/linalg/indexing/reduce that the
// generated keyword test (test/kwargs.test.ts) does not reach: PyTorch's variadic `*size`
// (x.view(2, 3), x.view([2, 3]), x.view(size=[2, 3])), max/min's two overloads, and the
// layering that keeps the device out of the specs. Expected shapes and values are PyTorch's
// (derived by hand in the comments).
import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const x = () => tg.arange(6).float(); // [0, 1, 2, 3, 4, 5]

describe('variadic sizes (PyTorch *size)', () => {
  test.each([
    ['separate numbers', (t: tg.Tensor) => t.view(2, 3)],
    ['one array', (t: tg.Tensor) => t.view([2, 3])],
    ['a Size', (t: tg.Tensor) => t.view(tg.zeros(2, 3).shape)],
    ['by name', (t: tg.Tensor) => t.view({ size: [2, 3] })],
    ['-1 inferred', (t: tg.Tensor) => t.view(2, -1)],
  ])('view with %s', (_name, call) => {
    const v = call(x());
    expect(Array.from(v.shape)).toEqual([2, 3]);
    expect(v.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  test('one number is a 1-d size; eight and more sizes bind too', () => {
    expect(Array.from(x().view(6).shape)).toEqual([6]);
    expect(Array.from(x().reshape(1, 1, 1, 1, 1, 1, 2, 3).shape)).toEqual([1, 1, 1, 1, 1, 1, 2, 3]);
  });

  test('permute and expand take their dims the same ways', () => {
    const m = x().view(2, 3);
    // permute(1, 0) of [[0, 1, 2], [3, 4, 5]] is its transpose.
    expect(m.permute(1, 0).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(m.permute([1, 0]).tolist()).toEqual(m.permute({ dims: [1, 0] }).tolist());
    // A [1, 3] row expanded to [2, 3] repeats it.
    expect(m.narrow(0, 0, 1).expand(2, -1).tolist()).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(m.narrow(0, 0, 1).expand({ size: [2, 3] }).tolist()).toEqual([[0, 1, 2], [0, 1, 2]]);
  });

  test('a name and the same value by position throw', () => {
    expect(() => x().view(6, { size: [6] } as never)).toThrow(/view: got multiple values for argument 'size'/);
    expect(() => x().view()).toThrow(/view: missing required argument 'size'/);
  });
});

describe('max and min: both overloads, by position and by name', () => {
  const m = () => tg.tensor([[1, 5, 2], [7, 0, 3]]);
  test('without dim: the extreme element, 0-d', () => {
    expect(m().max().item()).toBe(7);
    expect(tg.min(m()).item()).toBe(0);
  });
  test('with dim: values and indices', () => {
    // Row maxima of [[1, 5, 2], [7, 0, 3]] are 5 (at 1) and 7 (at 0).
    const [values, indices] = m().max(1);
    expect(values.tolist()).toEqual([5, 7]);
    expect(indices.tolist()).toEqual([1, 0]);
    const named = tg.max(m(), { dim: 1, keepdim: true });
    expect(named.values.tolist()).toEqual([[5], [7]]);
    expect(m().min(0, true).indices.tolist()).toEqual([[0, 1, 0]]);
  });
  test('keepdim without dim is an error (PyTorch has no such overload)', () => {
    expect(() => m().max({ keepdim: true })).toThrow(/max: keepdim is given without dim/);
  });
});

describe('layers', () => {
  // The specs reach kernels only through lib/backend.ts, which dispatches on the output's
  // device: no op module may name the CPU backend (or its addon) itself.
  test('no op module imports the CPU kernels directly', () => {
    const dir = path.join(__dirname, '../../lib/ops');
    const offenders = readdirSync(dir).filter((f) => /from '\.\.\/native\/(kernels|binding|jskernels)'/.test(readFileSync(path.join(dir, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
