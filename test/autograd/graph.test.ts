// Autograd semantics, checked against PyTorch 1.13 (each expectation was confirmed by
// running the same program with torch; values are hand-derived in the comments).
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import type { Tensor } from '../../lib/index';
import { expectValues, f64, i32, param, thrown } from '../helpers/tensors';

const F = tg.nn.functional;

describe('leaves and graph nodes', () => {
  test('leaves have no gradFn; op results on tensors requiring grad are non-leaves', () => {
    const x = param([1, 2, 3]);
    const c = f64([1, 1, 1]);
    const y = x.mul(2);
    expect([x.isLeaf, x.gradFn, x.requiresGrad]).toEqual([true, null, true]);
    expect([y.isLeaf, y.gradFn?.name, y.requiresGrad]).toEqual([false, 'MulBackward0', true]);
    // Results of tensors that do not require grad are leaves, as in PyTorch.
    const z = c.mul(2);
    expect([z.isLeaf, z.gradFn, z.requiresGrad]).toEqual([true, null, false]);
    // PyTorch: ((<MulBackward0>, 0), (None, 0)) - a constant operand has no node.
    expect(y.mul(c).gradFn!.nextFunctions).toEqual([y.gradFn, null]);
  });

  test('gradients accumulate into .grad over backward calls', () => {
    const x = param([1, 2, 3]);
    x.mul(x).sum().backward(); // 2x
    expectValues(x.grad, [2, 4, 6]);
    x.mul(3).sum().backward(); // + 3
    expectValues(x.grad, [5, 7, 9]);
    x.grad = null;
    x.sum().backward();
    expectValues(x.grad, [1, 1, 1]);
  });

  test('a tensor used several times gets the sum of its gradients', () => {
    const x = param([2]);
    // y = x*x + 3x + x/x: dy/dx = 2x + 3 + 0 = 7 at x = 2
    x.mul(x).add(x.mul(3)).add(x.div(x)).sum().backward();
    expectValues(x.grad, [7]);
  });

  test('a gradient sum handed on is not changed by later sums (the engine adds in place)', () => {
    // v = a + b gets 1 + 2 = 3 (a sum the engine made); AddBackward0 hands that tensor to a
    // and b; a then gets 5 more from t, which was made first and so runs last.
    const a = param([1, 2]);
    const b = param([3, 4]);
    const t = a.mul(5);
    const v = a.add(b);
    v.sum().add(v.mul(2).sum()).add(t.sum()).backward();
    expectValues(a.grad, [8, 8]);
    expectValues(b.grad, [3, 3]);
  });

  test('backward of a scalar leaf', () => {
    const x = tg.tensor(3, { dtype: 'float64', requiresGrad: true });
    x.backward();
    expectValues(x.grad, 1);
  });

  test('non-leaf .grad is null unless retainGrad() was called', () => {
    const x = param([1, 2, 3]);
    const h = x.mul(2);
    const k = x.mul(2);
    k.retainGrad();
    k.retainGrad(); // twice is once
    expect([h.retainsGrad, k.retainsGrad]).toEqual([false, true]);
    h.mul(k).sum().backward(); // d/dk (h k) = h = 2x
    expect(h.grad).toBeNull();
    expectValues(k.grad, [2, 4, 6]);
    x.retainGrad(); // a no-op on leaves
    expect(x.retainsGrad).toBe(false);
    expect(thrown(() => f64([1]).retainGrad()).message).toContain("can't retain_grad on Tensor that has requires_grad=False");
  });

  test('requiresGrad_ and .requiresGrad on leaves and non-leaves', () => {
    const x = f64([1, 2]);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    x.requiresGrad = false;
    expect(x.requiresGrad).toBe(false);
    const y = param([1]).mul(2);
    expect(y.requiresGrad_(true)).toBe(y); // a no-op: it requires grad already
    expect(thrown(() => y.requiresGrad_(false)).message).toMatch(
      /^you can only change requires_grad flags of leaf variables\. If you want to use a computed variable in a subgraph that doesn't require differentiation use detach\(\)/,
    );
    expect(thrown(() => (y.requiresGrad = true)).message).toMatch(/^you can only change requires_grad flags of leaf variables\.\n/);
    for (const make of [() => i32([1]).requiresGrad_(), () => tg.tensor([true]).requiresGrad_()]) {
      expect(thrown(make).message).toMatch(/only Tensors of floating point dtype can require gradients/);
    }
    expect(thrown(() => tg.zeros(2, { dtype: 'int32', requiresGrad: true })).message).toMatch(
      /^zeros: only Tensors of floating point dtype can require gradients \(got torch\.int32\)/,
    );
  });

  test('the grad setter checks shape and dtype', () => {
    const x = param([1, 2]);
    x.grad = f64([5, 6]);
    expectValues(x.grad, [5, 6]);
    expect(thrown(() => (x.grad = f64([1, 2, 3]))).message).toMatch(/assigned grad has data of a different size or type \(\[3\] torch\.float64 for a \[2\] torch\.float64 tensor\)/);
    expect(thrown(() => (x.grad = tg.tensor([1, 2]))).message).toMatch(/\[2\] torch\.float32 for a \[2\] torch\.float64 tensor/);
  });
});

describe('backward arguments', () => {
  test('a non-scalar output needs a gradient', () => {
    const y = param([1, 2, 3]).mul(2);
    expect(thrown(() => y.backward()).message).toMatch(/^grad can be implicitly created only for scalar outputs/);
    const x = param([1, 2, 3]);
    x.mul(x).backward(f64([1, 0.5, -1])); // 2x * g
    expectValues(x.grad, [2, 2, -6]);
  });

  test('the gradient must have the output shape', () => {
    const y = param([1, 2, 3]).mul(2);
    expect(thrown(() => y.backward(f64([1, 1]))).message).toMatch(
      /^Mismatch in shape: grad_output\[0\] has a shape of \[2\] and output\[0\] has a shape of \[3\]\./,
    );
    expect(thrown(() => y.backward(f64([[1, 1, 1]]))).message).toMatch(/has a shape of \[1, 3\] and output\[0\] has a shape of \[3\]/);
    expect(thrown(() => y.backward('x' as never)).message).toMatch(/^backward: gradient must be a Tensor, got "x"/);
  });

  test('the gradient is cast to the output dtype first', () => {
    const x = param([1]);
    x.mul(0.1).backward(tg.tensor([1])); // a float32 cotangent for a float64 output
    expect(x.grad!.dtype).toBe(tg.float64);
    expect(x.grad!.item()).toBe(0.1); // not Math.fround(0.1)
  });

  test('backward on a tensor that does not require grad', () => {
    expect(thrown(() => f64([1]).sum().backward()).message).toMatch(/^element 0 of tensors does not require grad and does not have a grad_fn/);
    const x = param([1]);
    const y = tg.noGrad(() => x.mul(2));
    expect(thrown(() => y.sum().backward()).message).toMatch(/does not require grad and does not have a grad_fn/);
  });

  test('options may be the first argument', () => {
    const x = param([1, 2]);
    const y = x.mul(x).sum();
    y.backward({ retainGraph: true });
    y.backward(); // the graph was kept
    expectValues(x.grad, [4, 8]);
    const z = x.mul(x).sum();
    z.backward(null, { retainGraph: true });
    z.backward(undefined);
    expectValues(x.grad, [8, 16]);
  });

  test('autograd.backward from several roots', () => {
    const x = param([1, 2]);
    tg.autograd.backward([x.mul(x).sum(), x.mul(3)], [null, f64([1, 2])]); // 2x + 3 g
    expectValues(x.grad, [5, 10]);
  });
});

describe('retainGraph: a second backward through a freed graph', () => {
  // Which nodes PyTorch frees after backward: those that saved tensors (or numbers)
  // throw on a second backward without retainGraph; the others do not. Confirmed with
  // torch 1.13, op by op, on a = tensor([0.5, 1.5, 2.5], float64).
  const three = () => f64([1, 2, 3]);
  const freed: [string, (a: Tensor) => Tensor][] = [
    ['mul number', (a) => a.mul(2)],
    ['mul constant tensor', (a) => a.mul(three())],
    ['mul self', (a) => a.mul(a)],
    ['div number', (a) => a.div(2)],
    ['div constant tensor', (a) => a.div(three())],
    ['pow number', (a) => a.pow(3)],
    ['pow tensor', (a) => a.pow(three())],
    ['pow number base', (a) => tg.pow(2, a)],
    ['exp', (a) => a.exp()],
    ['log', (a) => a.log()],
    ['sin', (a) => a.sin()],
    ['tanh', (a) => a.tanh()],
    ['sigmoid', (a) => a.sigmoid()],
    ['relu', (a) => a.relu()],
    ['abs', (a) => a.abs()],
    ['clamp', (a) => a.clamp(0, 2)],
    ['where', (a) => tg.where(a.gt(1), a, 0)],
    ['maximum', (a) => tg.maximum(a, f64([2, 2, 2]))],
    ['amax', (a) => a.amax()],
    ['max', (a) => a.max()],
    ['max dim', (a) => a.max(0).values],
    ['prod', (a) => a.prod()],
    ['var', (a) => a.var()],
    ['std', (a) => a.std()],
    ['norm', (a) => a.norm()],
    ['logsumexp', (a) => a.logsumexp(0)],
    ['softmax', (a) => a.softmax(0)],
    ['logSoftmax', (a) => a.logSoftmax(0)],
    ['matmul', (a) => a.matmul(three())],
    ['mm', (a) => a.reshape(1, 3).mm(f64([[1], [2], [3]]))],
    ['indexSelect', (a) => a.indexSelect(0, i32([0, 0]))],
    ['gather', (a) => a.gather(0, i32([0, 0]))],
    ['linear', (a) => F.linear(a, f64([[1, 2, 3]]), f64([1]))],
    ['mseLoss', (a) => F.mseLoss(a, f64([1, 1, 1]))],
    ['l1Loss', (a) => F.l1Loss(a, f64([0, 0, 0]))],
    ['crossEntropy', (a) => F.crossEntropy(a.reshape(1, 3), i32([1]))],
    ['nllLoss', (a) => F.nllLoss(a.reshape(1, 3), i32([1]))],
    ['bceWithLogits', (a) => F.binaryCrossEntropyWithLogits(a, f64([0, 1, 0]))],
    ['gelu', (a) => F.gelu(a)],
    ['silu', (a) => F.silu(a)],
    ['softplus', (a) => F.softplus(a)],
    ['elu', (a) => F.elu(a)],
    ['leakyRelu', (a) => F.leakyRelu(a)],
  ];
  const kept: [string, (a: Tensor) => Tensor][] = [
    ['add number', (a) => a.add(1)],
    ['add alpha', (a) => tg.add(a, a, { alpha: 2 })],
    ['sub', (a) => a.sub(three())],
    ['neg', (a) => a.neg()],
    ['sign', (a) => a.sign()],
    ['sum', (a) => a.sum()],
    ['sum dim', (a) => a.reshape(3, 1).sum(1)],
    ['mean', (a) => a.mean()],
    ['t', (a) => a.reshape(3, 1).t()],
    ['reshape', (a) => a.reshape(3, 1)],
    ['view', (a) => a.view(3, 1)],
    ['transpose', (a) => a.reshape(3, 1).transpose(0, 1)],
    ['permute', (a) => a.reshape(3, 1).permute(1, 0)],
    ['squeeze', (a) => a.reshape(3, 1).squeeze()],
    ['unsqueeze', (a) => a.unsqueeze(0)],
    ['expand', (a) => a.reshape(3, 1).expand(3, 2)],
    ['flatten', (a) => a.reshape(3, 1).flatten()],
    ['narrow', (a) => a.narrow(0, 0, 2)],
    ['select', (a) => a.select(0, 1)],
    ['contiguous', (a) => a.reshape(3, 1).t().contiguous()],
    ['clone', (a) => a.clone()],
    ['cat', (a) => tg.cat([a, a])],
    ['stack', (a) => tg.stack([a, a])],
    ['to float32', (a) => a.float()],
  ];
  const twice = (f: (a: Tensor) => Tensor, retainGraph = false) => {
    const a = param([0.5, 1.5, 2.5]);
    const y = f(a).sum();
    y.backward({ retainGraph });
    y.backward();
    return a.grad!;
  };

  test.each(freed)('%s: throws', (_name, f) => {
    expect(thrown(() => twice(f)).message).toMatch(
      /^Trying to backward through the graph a second time \(or directly access saved tensors after they have already been freed\)/,
    );
    expect(() => twice(f, true)).not.toThrow();
  });

  test.each(kept)('%s: saved nothing, so it works', (_name, f) => {
    const once = (() => {
      const a = param([0.5, 1.5, 2.5]);
      f(a).sum().backward();
      return a.grad!;
    })();
    expectValues(twice(f), once.mul(2).tolist());
  });

  test('autograd.grad frees the graph too, unless retainGraph', () => {
    const x = param([1, 2]);
    const y = x.mul(x).sum();
    tg.autograd.grad(y, x, { retainGraph: true });
    tg.autograd.grad(y, x);
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
  });
});

describe('autograd.grad', () => {
  test('returns gradients without touching .grad', () => {
    const x = param([1, 2, 3]);
    const [g] = tg.autograd.grad(x.mul(x).sum(), x);
    expectValues(g, [2, 4, 6]);
    expect(x.grad).toBeNull();
    expect(g!.requiresGrad).toBe(false);
  });

  test('w.r.t. non-leaf inputs, with gradOutputs', () => {
    const x = param([1, 2]);
    const h = x.mul(2);
    const y = h.mul(h); // dy/dh = 2h = 4x, dy/dx = 8x
    const [gh, gx] = tg.autograd.grad(y, [h, x], { gradOutputs: f64([1, -1]) });
    expectValues(gh, [4, -8]);
    expectValues(gx, [8, -16]);
  });

  test('several outputs', () => {
    const x = param([1, 2]);
    const [g] = tg.autograd.grad([x.mul(x).sum(), x.mul(3)], [x], { gradOutputs: [null, f64([1, 1])] } as never);
    expectValues(g, [5, 7]); // 2x + 3
  });

  test('unused and non-differentiable inputs', () => {
    const x = param([1]);
    const unused = param([2]);
    const y = x.mul(2).sum();
    expect(thrown(() => tg.autograd.grad(y, [x, unused], { retainGraph: true })).message).toMatch(
      /One of the differentiated Tensors \(inputs\[1\]\) appears to not have been used in the graph\. Set allowUnused: true/,
    );
    const [gx, gu] = tg.autograd.grad(y, [x, unused], { allowUnused: true, retainGraph: true });
    expectValues(gx, [2]);
    expect(gu).toBeNull();
    expect(thrown(() => tg.autograd.grad(y, [f64([1])])).message).toMatch(/One of the differentiated Tensors \(inputs\[0\]\) does not require grad/);
  });

  test('higher-order gradients with createGraph: d/dx x^3 = 3x^2, d2 = 6x, d3 = 6', () => {
    const x = tg.tensor(2, { dtype: 'float64', requiresGrad: true });
    const [g1] = tg.autograd.grad(x.pow(3), x, { createGraph: true });
    expect([g1!.item(), g1!.requiresGrad]).toEqual([12, true]);
    const [g2] = tg.autograd.grad(g1!, x, { createGraph: true });
    expect(g2!.item()).toBe(12);
    const [g3] = tg.autograd.grad(g2!, x);
    expect([g3!.item(), g3!.requiresGrad]).toEqual([6, false]);
  });

  test('backward with createGraph leaves a differentiable .grad', () => {
    const x = param([1, 2]);
    x.pow(3).sum().backward({ createGraph: true }); // 3x^2
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    expectValues(g, [3, 12]);
    const [gg] = tg.autograd.grad(g.sum(), x); // 6x
    expectValues(gg, [6, 12]);
  });

  test('mixed partials: d2/dx dy of x^2 y^3 = 6 x y^2', () => {
    const x = param([2]);
    const y = param([3]);
    const [gx] = tg.autograd.grad(x.pow(2).mul(y.pow(3)).sum(), x, { createGraph: true }); // 2 x y^3
    const [gxy] = tg.autograd.grad(gx!.sum(), y);
    expectValues(gxy, [108]);
  });
});

describe('broadcasting and dtypes in gradients', () => {
  test('gradients are summed to each input shape', () => {
    const a = param([[1], [2], [3]]); // [3, 1]
    const b = param([10, 20]); // [2]
    a.mul(b).sum().backward();
    expectValues(a.grad, [[30], [30], [30]]); // sum of b
    expectValues(b.grad, [6, 6]); // sum of a
    const c = param(5); // 0-d
    c.mul(param([[1, 2], [3, 4]])).sum().backward();
    expectValues(c.grad, 10);
  });

  test('gradients are cast back to each input dtype', () => {
    const a = tg.tensor([1, 2], { requiresGrad: true }); // float32
    const b = param([[1], [2], [3]]); // float64
    const y = a.mul(b);
    expect(y.dtype).toBe(tg.float64);
    y.sum().backward();
    expect([a.grad!.dtype, b.grad!.dtype]).toEqual([tg.float32, tg.float64]);
    expectValues(a.grad, [6, 6]);
    expectValues(b.grad, [[3], [3], [3]]);
    const c = tg.tensor([1.5], { requiresGrad: true });
    c.to('float64').mul(2).sum().backward();
    expect(c.grad!.dtype).toBe(tg.float32);
  });
});

describe('gradients of slices (added into the input\'s gradient in place)', () => {
  // Hand-derived: d/dy of sum_i (i+1) y[i, :] + 10 y[:, 1:3] + 100 y[:, 2:4] over y [3, 4].
  test('select, narrow and split pieces of a non-leaf sum per element', () => {
    const x = param(Array.from({ length: 12 }, (_, i) => i / 7));
    const y = x.reshape(3, 4);
    let loss = y.narrow(1, 1, 2).sum().mul(10).add(y.split(2, 1)[1].sum().mul(100));
    for (let i = 0; i < 3; ++i) loss = loss.add(y.select(0, i).sum().mul(i + 1));
    loss.backward();
    const row = (i: number) => [0, 1, 2, 3].map((j) => i + 1 + (j === 1 || j === 2 ? 10 : 0) + (j >= 2 ? 100 : 0));
    expectValues(x.grad!, [...row(0), ...row(1), ...row(2)]);
  });

  test('a full gradient arriving first, then a slice\'s', () => {
    const x = param([1, 2, 3, 4, 5, 6]);
    const y = x.reshape(2, 3);
    y.select(0, 0).sum().add(y.mul(3).sum()).backward(); // MulBackward0 runs before SelectBackward0
    expectValues(x.grad!, [4, 4, 4, 3, 3, 3]);
  });

  test('slices of a leaf, twice through a retained graph', () => {
    const x = param([1, 2, 3, 4, 5, 6]);
    const loss = x.narrow(0, 1, 3).sum().mul(2).add(x.select(0, 5).mul(5));
    loss.backward({ retainGraph: true });
    loss.backward();
    expectValues(x.grad!, [0, 4, 4, 4, 0, 10]);
  });
});

describe('grad mode', () => {
  test('noGrad, enableGrad and setGradEnabled nest and restore', () => {
    const x = param([1]);
    const seen: boolean[] = [];
    const y = tg.noGrad(() => {
      seen.push(tg.isGradEnabled());
      const inner = tg.enableGrad(() => {
        seen.push(tg.isGradEnabled());
        return x.mul(2);
      });
      seen.push(tg.isGradEnabled());
      return [x.mul(2), inner];
    });
    seen.push(tg.isGradEnabled());
    expect(seen).toEqual([false, true, false, true]);
    expect(y[0].requiresGrad).toBe(false);
    expect(y[1].gradFn?.name).toBe('MulBackward0');
    tg.setGradEnabled(false);
    try {
      expect(x.mul(2).requiresGrad).toBe(false);
    } finally {
      tg.setGradEnabled(true);
    }
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  test('an exception restores the mode', () => {
    expect(() => tg.noGrad(() => tg.enableGrad(() => { throw new Error('boom'); }))).toThrow('boom');
    expect(tg.isGradEnabled()).toBe(true);
    expect(() => tg.noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(tg.isGradEnabled()).toBe(true);
    expect(() => tg.noGrad(3 as never)).toThrow(/expected a function/);
  });

  test('backward runs without recording unless createGraph', () => {
    const x = param([1, 2]);
    x.mul(x).sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(tg.isGradEnabled()).toBe(true);
  });
});
