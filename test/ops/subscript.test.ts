// Indexing (t.index, indexPut_, the string shorthand), the mask/scatter ops and in-place
// writes into views of tensors in the graph (CopySlices). Expected values were printed by
// PyTorch 1.13 (/usr/bin/python3, torch) for the same inputs, or are derived in comments;
// the gradients of every op are also checked against finite differences (INDEXING in
// helpers/gradcases.ts).
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { parseIndexString } from '../../lib/ops/subscript';

const int32 = (v: number[] | number[][]) => tg.tensor(v, { dtype: 'int32' });
const bools = (v: number[] | number[][]) => tg.tensor(v, { dtype: 'bool' });
const x34 = () => tg.arange(12).reshape(3, 4).float();
const thrown = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
};

describe('index: views and copies', () => {
  test('basic specs give views sharing storage, with PyTorch strides and offsets', () => {
    const x = x34();
    // PyTorch: x[1].storage_offset() == 4; x[:, 1::2].stride() == (4, 2), offset 1;
    // x[None, ..., 2] has shape [1, 3] and stride (12, 4).
    expect(x.index(1).storageOffset()).toBe(4);
    expect(x.index(':, 1::2').stride()).toEqual([4, 2]);
    expect(x.index(':, 1::2').storageOffset()).toBe(1);
    expect(x.index(null, '...', 2).shape).toEqual([1, 3]);
    expect(x.index(null, '...', 2).stride()).toEqual([12, 4]);
  });

  test('a write through a basic-index view shows in the base', () => {
    const x = x34();
    x.index(1).fill_(-1);
    x.index(':, ::3').mul_(10);
    expect(x.tolist()).toEqual([
      [0, 1, 2, 30],
      [-10, -1, -1, -10],
      [80, 9, 10, 110],
    ]);
    expect(x._version.value).toBe(2);
  });

  test('advanced indexing copies: writing into the result leaves the input alone', () => {
    const x = x34();
    const rows = x.index(int32([0, 2]));
    rows.fill_(5);
    const masked = x.index(x.gt(5));
    masked.fill_(5);
    expect(x.tolist()).toEqual(x34().tolist());
  });

  test('index tensors, masks and their placement follow PyTorch', () => {
    const x = x34();
    expect(x.index(int32([0, 2]), tg.slice(1, 3)).tolist()).toEqual([
      [1, 2],
      [9, 10],
    ]);
    expect(x.index(':', bools([1, 0, 1, 0])).tolist()).toEqual([
      [0, 2],
      [4, 6],
      [8, 10],
    ]);
    // PyTorch's x[[0, 2]] and x[:, [True, False, True, False]]: arrays stand for index tensors and masks.
    expect(x.index([0, 2]).tolist()).toEqual(x.index(int32([0, 2])).tolist());
    expect(x.index(':', [true, false, true, false]).tolist()).toEqual(x.index(':', bools([1, 0, 1, 0])).tolist());
    const y = tg.arange(60).reshape(3, 4, 5);
    // Separated by a slice: the index dims go first ([2, 4]); adjacent: they stay ([3, 2]).
    expect(y.index(int32([0, 2]), ':', int32([1, 3])).shape).toEqual([2, 4]);
    expect(y.index(':', int32([0, 3]), int32([4, 1])).shape).toEqual([3, 2]);
    expect(y.index(1, ':', int32([3, 0])).shape).toEqual([4, 2]);
  });

  test('gradFn names are PyTorch\'s', () => {
    const a = tg.randn([3, 4, 5], { requiresGrad: true });
    const i = int32([0, 2]);
    const names: [tg.Tensor, string][] = [
      [a.index(0), 'SelectBackward0'],
      [a.index(tg.slice(1)), 'SliceBackward0'],
      [a.index(null), 'UnsqueezeBackward0'],
      [a.index('...'), 'AliasBackward0'],
      [a.index('..., 1'), 'SelectBackward0'],
      [a.index(i), 'IndexBackward0'],
      [a.index(a.gt(0)), 'IndexBackward0'],
      [a.index(0, '1:', null), 'UnsqueezeBackward0'],
      [a.maskedFill(a.gt(0), 1), 'MaskedFillBackward0'],
      [a.maskedFill(a.gt(0), tg.tensor(1)), 'MaskedFillBackward1'],
      [a.maskedSelect(a.gt(0)), 'MaskedSelectBackward0'],
      [a.scatter(0, tg.zeros([1, 4, 5], { dtype: 'int32' }), a), 'ScatterBackward0'],
      [a.scatter(0, tg.zeros([1, 4, 5], { dtype: 'int32' }), 2), 'ScatterBackward1'],
      [a.scatterAdd(0, tg.zeros([1, 4, 5], { dtype: 'int32' }), a), 'ScatterAddBackward0'],
      [a.indexAdd(0, i, a.index(':2')), 'IndexAddBackward0'],
      [a.indexFill(0, i, 2), 'IndexFillBackward0'],
      [a.indexFill(0, i, tg.tensor(2)), 'IndexFillBackward1'],
      [a.take(i), 'TakeBackward0'],
      [a.takeAlongDim(tg.zeros([1, 1, 1], { dtype: 'int32' }), 0), 'GatherBackward0'],
      [a.indexPut([i], tg.tensor(1)), 'IndexPutBackward0'],
      [a.indexPut([0], 1), 'CopySlices'],
      [tg.tensor(2, { requiresGrad: true }).t(), 'TBackward0'],
    ];
    for (const [t, name] of names) expect(t.gradFn?.name).toBe(name);
  });

  test('t() of a 0-d tensor that requires grad is a new tensor (TBackward0)', () => {
    const s = tg.tensor(2, { requiresGrad: true });
    const st = s.t();
    expect(st).not.toBe(s);
    st.mul(3).backward();
    expect(s.grad!.item()).toBe(3);
  });
});

describe('the index string shorthand', () => {
  test('parses to the same specs as the explicit form, once', () => {
    const y = tg.randn([2, 5, 3, 4]);
    expect(y.index(':, 1:4:2, ..., None, -1').tolist()).toEqual(y.index(tg.slice(), tg.slice(1, 4, 2), '...', null, -1).tolist());
    expect(parseIndexString(' :, -3: ')).toBe(parseIndexString(' :, -3: '));
  });

  test.each([
    ['a:b', "'a:b' is not an integer, a slice, '...' or None"],
    ['1:2:0', "slice step must be greater than zero in '1:2:0'"],
    ['1,,2', 'part 1 is empty'],
    ['::-1', "slice step must be greater than zero in '::-1'"],
    ['1:2:3:4', "'1:2:3:4' is not an integer"],
  ])('rejects %s, quoting it', (text, why) => {
    const e = thrown(() => x34().index(text));
    expect(e.message).toContain(`malformed index string '${text}'`);
    expect(e.message).toContain(why);
  });
});

describe('bad input is named', () => {
  test('an integer or tensor index out of range names the dim, the index and the size', () => {
    expect(thrown(() => x34().index(':', 4)).message).toBe('index: index 4 is out of bounds for dimension 1 with size 4');
    expect(thrown(() => x34().index(int32([1, -4]))).message).toBe('index: index -4 is out of bounds for dimension 0 with size 3');
    expect(thrown(() => x34().indexPut_([':', int32([7])], 0)).message).toBe('indexPut_: index 7 is out of bounds for dimension 1 with size 4');
    expect(thrown(() => x34().scatterAdd(1, int32([[0, 9]]), x34())).message).toContain('index 9 is out of bounds for dimension 1 with size 4');
    expect(thrown(() => x34().take(int32([12]))).message).toContain('index 12 is out of bounds for dimension 0 with size 12');
  });

  test('a mask of the wrong shape or dtype', () => {
    expect(thrown(() => x34().index(bools([1, 0, 1, 0]))).message).toBe(
      'index: The shape of the mask [4] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0',
    );
    expect(thrown(() => x34().maskedFill(bools([1, 0, 1]), 0)).message).toContain('the mask of shape [3] does not broadcast with the input of shape [3, 4]');
    expect(thrown(() => x34().maskedFill(bools([[1], [0], [1]]).expand(3, 4).unsqueeze(0), 0)).message).toContain("must broadcast to the input's shape [3, 4]");
    expect(thrown(() => x34().maskedFill(int32([1, 0, 1, 0]), 0)).message).toContain('expected a bool mask, got mask with dtype torch.int32');
  });

  test('too many indices, a float index tensor, mismatched index shapes, a value that does not fit', () => {
    expect(thrown(() => x34().index(0, 1, 2)).message).toContain('too many indices for tensor of dimension 2 (got 3');
    expect(thrown(() => x34().index(tg.tensor([0.5]))).message).toContain('tensors used as indices must be int32, int64 or bool tensors, got torch.float32');
    expect(thrown(() => x34().index(int32([0, 1]), int32([0, 1, 2]))).message).toContain('shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]');
    expect(thrown(() => x34().indexPut([int32([0, 1])], tg.ones(3))).message).toContain('value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]');
    expect(thrown(() => x34().index('...', '...')).message).toContain("an index can only have a single ellipsis ('...')");
    expect(thrown(() => x34().index(1.5 as never)).message).toContain('an index must be an integer');
    expect(thrown(() => tg.slice(0, 4, 0)).message).toContain('step must be greater than zero, got 0');
  });
});

describe('indexPut and the mask/scatter ops (values from PyTorch)', () => {
  test('indexPut_ writes in place; indexPut copies; accumulate adds repeats', () => {
    const x = x34();
    expect(x.indexPut([int32([0, 0]), int32([1, 1])], tg.tensor([1, 2]), true).index(0).tolist()).toEqual([0, 4, 2, 3]);
    expect(x.tolist()).toEqual(x34().tolist());
    x.indexPut_([x.gt(8)], -1);
    expect(x.index(2).tolist()).toEqual([8, -1, -1, -1]);
    x.indexPut_(['...', 0], tg.tensor([7, 8, 9]));
    expect(x.index(':', 0).tolist()).toEqual([7, 8, 9]);
  });

  test('nonzero, where(cond), maskedSelect, scatter, scatterAdd, indexAdd, indexFill, take, takeAlongDim', () => {
    const x = x34();
    expect((tg.tensor([[0, 1, 0], [2, 0, 3]]).nonzero() as tg.Tensor).tolist()).toEqual([[0, 1], [1, 0], [1, 2]]);
    expect(tg.where(bools([[1, 0], [1, 1]])).map((t) => t.tolist())).toEqual([[0, 1, 1], [0, 0, 1]]);
    expect(x.maskedSelect(bools([1, 0, 0, 1])).tolist()).toEqual([0, 3, 4, 7, 8, 11]);
    expect(tg.zeros([3, 4]).scatter(0, int32([[2, 0, 1, 1]]), 5).tolist()).toEqual([
      [0, 5, 0, 0],
      [0, 0, 5, 5],
      [5, 0, 0, 0],
    ]);
    expect(tg.zeros([5]).scatterAdd(0, int32([4, 0, 4, 2]), tg.tensor([1, 2, 3, 4])).tolist()).toEqual([2, 0, 4, 0, 4]);
    expect(tg.ones([3, 2]).indexAdd(0, int32([2, 0, 2]), tg.tensor([[1, 2], [3, 4], [5, 6]]), { alpha: 2 }).tolist()).toEqual([
      [7, 9],
      [1, 1],
      [13, 17],
    ]);
    expect(x.indexFill(1, int32([0, -1]), -1).tolist()).toEqual([
      [-1, 1, 2, -1],
      [-1, 5, 6, -1],
      [-1, 9, 10, -1],
    ]);
    expect(x.take(int32([[0, -1], [5, 5]])).tolist()).toEqual([
      [0, 11],
      [5, 5],
    ]);
    expect(x.takeAlongDim(int32([[0], [3], [2]]), 1).tolist()).toEqual([[0], [7], [10]]);
    expect(x.takeAlongDim(int32([11, 0, 5])).tolist()).toEqual([11, 0, 5]);
  });

  test('the in-place forms write into the receiver', () => {
    const x = x34();
    expect(x.maskedFill_(bools([1, 0, 0, 0]), 0)).toBe(x);
    x.scatter_(1, int32([[1], [1], [1]]), -5);
    x.indexFill_(0, int32([2]), 3);
    expect(x.tolist()).toEqual([
      [0, -5, 2, 3],
      [0, -5, 6, 7],
      [3, 3, 3, 3],
    ]);
  });
});

describe('in-place ops on views of tensors in the graph (CopySlices)', () => {
  const leaf = () => tg.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });

  test("the issue's example: x = a*2; x[0] *= 3; x.sum().backward() gives PyTorch's a.grad", () => {
    const a = leaf();
    const x = a.mul(2);
    const row = x.index(0);
    row.mul_(3);
    expect(x.gradFn?.name).toBe('CopySlices');
    expect(row.gradFn?.name).toBe('AsStridedBackward0');
    x.sum().backward();
    expect(a.grad!.tolist()).toEqual([
      [6, 6, 6],
      [2, 2, 2],
    ]);
  });

  test('gradients flow to the in-place op\'s other operand and to views read before the write', () => {
    // PyTorch: x = a*1; x[0].mul_(b); (x*x).sum().backward() gives a.grad [[2, 16, 54], [8, 10, 12]], b.grad [2, 16, 54].
    const a = leaf();
    const b = tg.tensor([1, 2, 3], { requiresGrad: true });
    const x = a.mul(1);
    x.index(0).mul_(b);
    x.mul(x).sum().backward();
    expect(a.grad!.tolist()).toEqual([
      [2, 16, 54],
      [8, 10, 12],
    ]);
    expect(b.grad!.tolist()).toEqual([2, 16, 54]);
    // PyTorch: x = a*2 (3x4 arange+1); row = x[0]; x[:, 1].mul_(a[:, 2]); (row*x[2]).sum().backward()
    // gives [[36, 1320, 924, 48], [0, 0, 0, 0], [4, 264, 252, 16]].
    const c = tg.arange(1, 13).reshape(3, 4).float().requiresGrad_();
    const y = c.mul(2);
    const first = y.index(0);
    y.index(':, 1').mul_(c.index(':, 2'));
    first.mul(y.index(2)).sum().backward();
    expect(c.grad!.tolist()).toEqual([
      [36, 1320, 924, 48],
      [0, 0, 0, 0],
      [4, 264, 252, 16],
    ]);
  });

  test('writing a tensor that requires grad into a plain buffer makes the buffer require grad', () => {
    // PyTorch: z = zeros(2, 3); z[1] = b*1; z.sum().backward() gives b.grad [1, 1, 1].
    const b = tg.tensor([1, 2, 3], { requiresGrad: true });
    const z = tg.zeros([2, 3]);
    z.indexPut_([1], b.mul(1));
    expect(z.gradFn?.name).toBe('CopySlices');
    z.sum().backward();
    expect(b.grad!.tolist()).toEqual([1, 1, 1]);
  });

  test('second derivatives through CopySlices', () => {
    // PyTorch: x = a*1; x[:, 1].mul_(a[:, 2]); g = grad((x**2).sum(), a, create_graph=True);
    // g = [[2, 36, 30], [8, 360, 312]]; g.sum().backward() gives a.grad [[2, 42, 34], [2, 192, 172]]
    // (by hand: d/da_i1 of g.sum() = 2a_i2² + 4a_i1a_i2, d/da_i2 = 4a_i1a_i2 + 2a_i1² + 2).
    const a = leaf();
    const x = a.mul(1);
    x.index(':', 1).mul_(a.index(':', 2));
    const [g] = tg.autograd.grad(x.pow(2).sum(), a, { createGraph: true });
    expect(g!.tolist()).toEqual([
      [2, 36, 30],
      [8, 360, 312],
    ]);
    g!.sum().backward();
    expect(a.grad!.tolist()).toEqual([
      [2, 42, 34],
      [2, 192, 172],
    ]);
  });

  test("a value saved for backward and changed through a view: PyTorch's version error", () => {
    const a = leaf();
    const x = a.mul(2);
    const y = x.mul(x);
    x.index(':, 1:').add_(1);
    expect(thrown(() => y.sum().backward()).message).toContain(
      'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2, 3]], which is output 0 of CopySlices, is at version 1; expected version 0 instead.',
    );
  });

  test('a view of a leaf that requires grad: refused with grad on, allowed in noGrad', () => {
    const a = leaf();
    expect(thrown(() => a.index(0).mul_(2)).message).toContain('a view of a leaf Variable that requires grad is being used in an in-place operation.');
    expect(thrown(() => a.indexPut_([0], 1)).message).toContain('a view of a leaf Variable that requires grad is being used in an in-place operation.');
    tg.noGrad(() => a.index(0).mul_(2));
    expect(a.tolist()).toEqual([
      [2, 4, 6],
      [4, 5, 6],
    ]);
  });

  test('a view made in noGrad, modified with grad on: PyTorch\'s error', () => {
    const x = leaf().mul(1);
    const v = tg.noGrad(() => x.index(0));
    expect(thrown(() => v.add_(1)).message).toContain('A view was created in no_grad mode and is being modified inplace with grad mode enabled.');
  });

  test('a detached tensor is not a view for autograd: modifying it is allowed', () => {
    const x = leaf().mul(1);
    x.detach().index(0).fill_(0);
    expect(x.index(0).tolist()).toEqual([0, 0, 0]);
  });
});
