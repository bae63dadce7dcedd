// In-place ops and autograd: version counters, leaves, rebasing of gradFn, detach/data.
// Each expectation was confirmed with PyTorch 1.13; gradients are derived in comments.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';
import { expectValues, f64, i32, param, thrown } from '../helpers/tensors';

const VERSION_ERROR = /^one of the variables needed for gradient computation has been modified by an inplace operation: /;

describe('a saved tensor modified in place makes backward throw', () => {
  // [what is saved, then modified] -> the message PyTorch prints for it.
  const cases: [string, () => Tensor, string][] = [
    [
      'a non-leaf input (named by its current gradFn)',
      () => {
        const b = param([1, 2, 3]).mul(1);
        const c = b.mul(b);
        b.add_(1);
        return c;
      },
      '[torch.DoubleTensor [3]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead.',
    ],
    [
      'an output (named by the node that saved it)',
      () => {
        const c = param([1, 2, 3]).exp();
        c.mul_(2);
        return c;
      },
      '[torch.DoubleTensor [3]], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead.',
    ],
    [
      'a leaf, modified under noGrad',
      () => {
        const a = param([1, 2, 3]);
        const y = a.mul(a);
        tg.noGrad(() => a.add_(1));
        return y;
      },
      '[torch.DoubleTensor [3]] is at version 1; expected version 0 instead.',
    ],
    [
      'a constant operand of mul',
      () => {
        const c = f64([1, 1, 1]);
        const y = param([1, 2, 3]).mul(c);
        c.mul_(2);
        c.add_(1);
        return y;
      },
      '[torch.DoubleTensor [3]] is at version 2; expected version 0 instead.',
    ],
    [
      'the divisor of div',
      () => {
        const c = f64([1, 2, 4]);
        const y = param([1, 2, 3]).div(c);
        c.fill_(3);
        return y;
      },
      '[torch.DoubleTensor [3]] is at version 1; expected version 0 instead.',
    ],
    [
      "gather's index",
      () => {
        const index = i32([0, 1]);
        const y = param([1, 2, 3]).gather(0, index);
        index.add_(1);
        return y;
      },
      '[torch.IntTensor [2]] is at version 1; expected version 0 instead.',
    ],
    [
      "max(dim)'s indices",
      () => {
        const { values, indices } = param([1, 3, 2]).max(0);
        indices.zero_();
        return values;
      },
      '[torch.IntTensor []] is at version 1; expected version 0 instead.',
    ],
    [
      'self as the other operand of its own in-place op (PyTorch saves only self as a copy)',
      () => {
        const y = param([1, 2, 3]).mul(2);
        y.mul_(y);
        return y;
      },
      '[torch.DoubleTensor [3]], which is output 0 of MulBackward0, is at version 1; expected version 0 instead.',
    ],
    [
      'a tensor modified through detach() (which shares the version counter)',
      () => {
        const a = param([1, 2, 3]);
        const y = a.mul(a);
        a.detach().add_(1);
        return y;
      },
      '[torch.DoubleTensor [3]] is at version 1; expected version 0 instead.',
    ],
  ];

  test.each(cases)('%s', (_name, build, message) => {
    const y = build();
    const err = thrown(() => y.sum().backward());
    expect(err.message).toMatch(VERSION_ERROR);
    expect(err.message).toContain(message);
  });

  test('writes through .data are not tracked (the gradient uses the new values)', () => {
    const a = param([1, 2, 3]);
    const y = a.mul(a);
    a.data.mul_(2);
    y.sum().backward(); // 2a with the modified a = [2, 4, 6]
    expectValues(a.grad, [4, 8, 12]);
  });

  test('modifying a tensor the backward does not need is fine', () => {
    const a = param([1, 2, 3]);
    const b = a.mul(1);
    const y = b.add(b).mul(2); // add saves nothing; mul by a number saves only the number
    b.add_(100);
    y.sum().backward();
    expectValues(a.grad, [4, 4, 4]);
  });
});

describe('in-place ops on leaves that require grad', () => {
  const inplace: [string, (t: Tensor) => unknown][] = [
    ['add_', (t) => t.add_(1)],
    ['sub_', (t) => t.sub_(f64([1, 1, 1]))],
    ['mul_', (t) => t.mul_(2)],
    ['div_', (t) => t.div_(2)],
    ['pow_', (t) => t.pow_(2)],
    ['clamp_', (t) => t.clamp_(0, 1)],
    ['neg_', (t) => t.neg_()],
    ['relu_', (t) => t.relu_()],
    ['zero_', (t) => t.zero_()],
    ['fill_', (t) => t.fill_(1)],
    ['copy_', (t) => t.copy_(f64([4, 5, 6]))],
  ];

  test.each(inplace)('%s throws outside noGrad and works inside', (name, op) => {
    const a = param([1, 2, 3]);
    expect(thrown(() => op(a)).message).toMatch(new RegExp(`^${name}: a leaf Variable that requires grad is being used in an in-place operation\\.`));
    expect(a._version.value).toBe(0);
    tg.noGrad(() => op(a));
    expect([a._version.value, a.isLeaf, a.requiresGrad]).toEqual([1, true, true]);
  });

  test('the update is visible and the leaf keeps working', () => {
    const w = param([1, 2]);
    w.mul(w).sum().backward();
    tg.noGrad(() => w.sub_(w.grad!.mul(0.25))); // w - 0.25 * 2w = 0.5 w
    expectValues(w, [0.5, 1]);
    w.grad = null;
    w.mul(w).sum().backward();
    expectValues(w.grad, [1, 2]);
  });
});

describe('in-place ops on non-leaves rebase gradFn', () => {
  test('y = x*2; y.add_(1) is AddBackward0 with the MulBackward0 before it', () => {
    const x = param([1, 2, 3]);
    const y = x.mul(2);
    const mulNode = y.gradFn;
    const same = y.add_(1);
    expect(same).toBe(y);
    expect(y.gradFn?.name).toBe('AddBackward0');
    expect(y.gradFn!.nextFunctions).toEqual([mulNode]); // (a number operand has no edge here)
    expect(y._version.value).toBe(1);
    expectValues(y, [3, 5, 7]);
    y.sum().backward();
    expectValues(x.grad, [2, 2, 2]);
  });

  // [op, PyTorch's gradFn name, dL/dx for L = sum(op(x * 2)) at x = [1, 2, 3] (hand-derived)]
  const rebased: [string, (y: Tensor) => unknown, string, number[]][] = [
    ['sub_ alpha', (y) => y.sub_(f64([1, 1, 1]), { alpha: 3 }), 'SubBackward0', [2, 2, 2]],
    ['mul_ number', (y) => y.mul_(3), 'MulBackward0', [6, 6, 6]],
    ['div_ number', (y) => y.div_(4), 'DivBackward0', [0.5, 0.5, 0.5]],
    ['pow_', (y) => y.pow_(2), 'PowBackward0', [8, 16, 24]], // d/dx (2x)^2 = 8x
    ['neg_', (y) => y.neg_(), 'NegBackward0', [-2, -2, -2]],
    ['relu_', (y) => y.relu_(), 'ReluBackward0', [2, 2, 2]],
    ['clamp_', (y) => y.clamp_(0, 3), 'ClampBackward1', [2, 0, 0]], // 2x = 2, 4, 6: only 2 is inside
    ['zero_', (y) => y.zero_(), 'ZeroBackward0', [0, 0, 0]],
    ['fill_', (y) => y.fill_(5), 'FillBackward2', [0, 0, 0]],
    ['copy_ of a constant', (y) => y.copy_(f64([7, 8, 9])), 'CopyBackwards', [0, 0, 0]],
  ];

  test.each(rebased)('%s', (_name, op, gradFn, grad) => {
    const x = param([1, 2, 3]);
    const y = x.mul(2);
    op(y);
    expect(y.gradFn?.name).toBe(gradFn);
    y.sum().backward();
    expectValues(x.grad, grad);
  });

  test('y.mul_(z) with z requiring grad saves a copy of y, as PyTorch', () => {
    const x = param([1, 2, 3]);
    const z = param([4, 5, 6]);
    const y = x.mul(2);
    y.mul_(z); // y = 2xz: d/dx = 2z, d/dz = 2x (the old y, not the product)
    expect(y.gradFn?.name).toBe('MulBackward0');
    y.sum().backward();
    expectValues(x.grad, [8, 10, 12]);
    expectValues(z.grad, [2, 4, 6]);
  });

  test('y.div_(z) and y.copy_(z) with z requiring grad', () => {
    const x = param([1, 2, 3]);
    const z = param([4, 5, 8]);
    const y = x.mul(2);
    y.div_(z); // 2x/z: d/dx = 2/z, d/dz = -2x/z^2
    y.sum().backward();
    expectValues(x.grad, [0.5, 0.4, 0.25]);
    expectValues(z.grad, [-2 / 16, -4 / 25, -6 / 64]);
    const w = param([1, 2, 3]);
    const v = param([7, 8, 9]);
    const u = w.mul(2);
    u.copy_(v);
    u.mul(u).sum().backward(); // u = v: d/dv u^2 = 2v, nothing to w
    expectValues(v.grad, [14, 16, 18]);
    expectValues(w.grad, [0, 0, 0]);
  });

  test('an in-place op on a constant with an operand requiring grad puts it in the graph', () => {
    const a = param([1, 2, 3]);
    const c = f64([1, 1, 1]);
    c.add_(a);
    expect([c.gradFn?.name, c.requiresGrad, c.isLeaf]).toEqual(['AddBackward0', true, false]);
    c.mul(c).sum().backward(); // c = 1 + a: d/da c^2 = 2c
    expectValues(a.grad, [4, 6, 8]);
  });

  test('in-place ops keep the tensor dtype and check broadcasting', () => {
    const a = tg.zeros(3);
    a.add_(f64([1, 2, 3]));
    expect(a.dtype).toBe(tg.float32);
    expect(thrown(() => tg.zeros(3).add_(tg.ones(2, 3))).message).toBe("add_: output with shape [3] doesn't match the broadcast shape [2, 3]");
    expect(thrown(() => tg.zeros([3], { dtype: 'int32' }).add_(1.5)).message).toBe("add_: result type torch.float32 can't be cast to the desired output type torch.int32");
    expect(thrown(() => tg.zeros(3, 1).expand(3, 2).mul_(2)).message).toMatch(
      /^mul_: unsupported operation: more than one element of the written-to tensor refers to a single memory location/,
    );
  });

  test('in-place on a view of a tensor requiring grad rebases its base with CopySlices', () => {
    const p = param([1, 2, 3]);
    const y = p.mul(1);
    y.narrow(0, 0, 2).mul_(2);
    expect(y.gradFn?.name).toBe('CopySlices');
    // y = [2·p0, 2·p1, p2]: d sum(y) / dp = [2, 2, 1].
    y.sum().backward();
    expectValues(p.grad!, [2, 2, 1]);
    tg.noGrad(() => y.narrow(0, 0, 2).mul_(2));
    expectValues(y, [4, 8, 3]);
  });
});

describe('detach and data', () => {
  test('detach() shares storage and the version counter, and is a leaf without grad', () => {
    const a = param([1, 2, 3]);
    const d = a.detach();
    expect([d.isLeaf, d.requiresGrad, d.gradFn]).toEqual([true, false, null]);
    d.add_(1);
    expectValues(a, [2, 3, 4]);
    expect([a._version.value, d._version.value]).toEqual([1, 1]);
    const e = a.detach().requiresGrad_();
    expect([e.isLeaf, e.requiresGrad]).toEqual([true, true]);
  });

  test('.data shares storage but not the version counter', () => {
    const a = param([1, 2, 3]);
    const d = a.data;
    expect([d.isLeaf, d.requiresGrad]).toEqual([true, false]);
    d.mul_(2);
    expectValues(a, [2, 4, 6]);
    expect([a._version.value, d._version.value]).toEqual([0, 1]);
  });

  test('.data = t replaces the contents, keeping requiresGrad', () => {
    const a = param([1, 2, 3]);
    const b = f64([5, 6]);
    a.data = b;
    expect([a.shape, a.requiresGrad, a.isLeaf]).toEqual([[2], true, true]);
    expectValues(a, [5, 6]);
    b.add_(1); // shares b's storage
    expectValues(a, [6, 7]);
    a.mul(3).sum().backward();
    expectValues(a.grad, [3, 3]);
    expect(thrown(() => (a.data = tg.tensor([1]))).message).toBe('data: assigned tensor is torch.float32 but this tensor is torch.float64');
  });

  test('detach cuts the gradient', () => {
    const x = param([1, 2]);
    x.mul(x.detach()).sum().backward(); // d/dx x*c = c
    expectValues(x.grad, [1, 2]);
  });
});
