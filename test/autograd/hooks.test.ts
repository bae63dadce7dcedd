// Gradient hooks (Tensor.registerHook, registerPostAccumulateGradHook), the engine's
// end-of-backward callbacks, and module forward/backward hooks. Expected values derived
// by hand in the comments.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { queueCallback } from '../../lib/autograd/engine';

const list = (t: tg.Tensor | null) => t!.tolist();

describe('Tensor.registerHook', () => {
  test('a leaf hook sees the total gradient once, before .grad, and may replace it', () => {
    // y = sum(x²) + sum(x): dy/dx = 2x + 1 = [3, 5, 7] at x = [1, 2, 3].
    const x = tg.tensor([1, 2, 3], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      expect(x.grad).toBeNull();
      return g.mul(2);
    });
    x.mul(x).sum().add(x.sum()).backward();
    expect(seen).toEqual([[3, 5, 7]]);
    expect(list(x.grad)).toEqual([6, 10, 14]);
  });

  test('a non-leaf hook sees its gradient before its gradFn runs; remove() unregisters', () => {
    // z = 3x, w = sum(z²): dw/dz = 2z = 6x = [6, 12]; replaced by ones, dx = 3·1 = 3.
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const z = x.mul(3);
    const seen: number[][] = [];
    const handle = z.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return tg.onesLike(g);
    });
    z.mul(z).sum().backward();
    expect(seen).toEqual([[6, 12]]);
    expect(list(x.grad)).toEqual([3, 3]);
    handle.remove();
    x.grad = null;
    const z2 = x.mul(3);
    z2.mul(z2).sum().backward(); // 18x = [18, 36]
    expect(list(x.grad)).toEqual([18, 36]);
  });

  test('a hook returning the wrong shape, on a tensor without grad, or not a function: errors', () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    x.registerHook(() => tg.ones([3]));
    expect(() => x.sum().backward()).toThrow(/hook returned a gradient of shape \[3\] for one of shape \[2\]/);
    expect(() => tg.tensor([1]).registerHook(() => {})).toThrow(/doesn't require gradient/);
    expect(() => x.registerHook(3 as never)).toThrow(/hook must be a function/);
  });

  test('a hook may not change the gradient\'s dtype (PyTorch: "hook has changed the type of value")', () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    y.registerHook((g) => g.double());
    expect(() => y.mul(y).sum().backward()).toThrow(/hook: a hook returned a gradient of dtype torch.float64 for one of dtype torch.float32/);
    const leaf = tg.tensor([1, 2], { requiresGrad: true });
    leaf.registerHook((g) => g.double());
    expect(() => leaf.sum().backward()).toThrow(/dtype torch.float64 for one of dtype torch.float32/);
  });
});

describe('Tensor.registerPostAccumulateGradHook', () => {
  test('runs on each leaf once its .grad is accumulated, while backward is still running', () => {
    // y = w2 · tanh(w1 · x): w2's gradient is complete before the nodes leading to w1 run.
    const x = tg.tensor([0.5]);
    const w1 = tg.tensor([2.0], { requiresGrad: true });
    const w2 = tg.tensor([3.0], { requiresGrad: true });
    const order: string[] = [];
    w2.registerPostAccumulateGradHook((p) => {
      order.push('w2');
      expect(p).toBe(w2);
      // dy/dw2 = tanh(1) ≈ 0.761594; w1 not reached yet.
      expect(p.grad!.item()).toBeCloseTo(Math.tanh(1), 6);
      expect(w1.grad).toBeNull();
    });
    w1.registerPostAccumulateGradHook(() => order.push('w1'));
    w1.mul(x).tanh().mul(w2).sum().backward();
    expect(order).toEqual(['w2', 'w1']);
    // dy/dw1 = w2 · (1 - tanh²(1)) · x = 3 · 0.419974 · 0.5
    expect(w1.grad!.item()).toBeCloseTo(3 * (1 - Math.tanh(1) ** 2) * 0.5, 6);
  });

  test('only on leaves', () => {
    const x = tg.tensor([1], { requiresGrad: true });
    expect(() => x.mul(2).registerPostAccumulateGradHook(() => {})).toThrow(/non-leaf/);
  });

  test('queueCallback runs after every .grad is accumulated; outside backward it errors', () => {
    const a = tg.tensor([1], { requiresGrad: true });
    const b = tg.tensor([2], { requiresGrad: true });
    const grads: number[][] = [];
    a.registerPostAccumulateGradHook(() => queueCallback(() => grads.push([a.grad!.item(), b.grad!.item()])));
    a.mul(b).sum().backward(); // d/da = b = 2, d/db = a = 1
    expect(grads).toEqual([[2, 1]]);
    expect(() => queueCallback(() => {})).toThrow(/no backward pass is running/);
  });
});

describe('module hooks', () => {
  function linear(): tg.nn.Linear {
    const m = new tg.nn.Linear(2, 1);
    tg.noGrad(() => {
      m.weight.copy_(tg.tensor([[2, -1]]));
      m.bias!.copy_(tg.tensor([0.5]));
    });
    return m;
  }

  test('forward pre-hooks replace inputs, forward hooks see and replace the output', () => {
    const m = linear();
    const calls: string[] = [];
    m.registerForwardPreHook((mod, args) => {
      calls.push('pre');
      expect(mod).toBe(m);
      return [(args[0] as tg.Tensor).mul(2)];
    });
    const h = m.registerForwardHook((_mod, args, out) => {
      calls.push('post');
      expect((args[0] as tg.Tensor).tolist()).toEqual([[2, 2]]); // the replaced input
      return (out as tg.Tensor).add(100);
    });
    // x = [1, 1] doubled: 2·2 - 1·2 + 0.5 = 2.5, plus 100.
    expect((m.forward(tg.tensor([[1, 1]])) as tg.Tensor).tolist()).toEqual([[102.5]]);
    expect(calls).toEqual(['pre', 'post']);
    h.remove();
    expect((m.forward(tg.tensor([[1, 1]])) as tg.Tensor).tolist()).toEqual([[2.5]]);
    // Hooks are not module state.
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
  });

  test('full backward hooks get grad_input and grad_output', () => {
    const m = linear();
    const x = tg.tensor([[1, 3], [2, 0]], { requiresGrad: true });
    let got: [(number[][] | null)[], (number[][] | null)[]] | null = null;
    m.registerFullBackwardHook((_m, gradInput, gradOutput) => {
      got = [gradInput.map((g) => (g ? (g.tolist() as number[][]) : null)), gradOutput.map((g) => (g ? (g.tolist() as number[][]) : null))];
    });
    // loss = sum(3·out): grad_output = 3 per row; grad_input = 3 · W = [[6, -3]] per row.
    (m.forward(x) as tg.Tensor).mul(3).sum().backward();
    expect(got).toEqual([[[[6, -3], [6, -3]]], [[[3], [3]]]]);
    expect(x.grad!.tolist()).toEqual([[6, -3], [6, -3]]);
  });

  test('a full backward hook may replace grad_input; without inputs needing grad it gets null', () => {
    const m = linear();
    m.registerFullBackwardHook((_m, gradInput) => (gradInput[0] ? [tg.zerosLike(gradInput[0])] : undefined));
    const x = tg.tensor([[1, 1]], { requiresGrad: true });
    (m.forward(x) as tg.Tensor).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0]]);
    const seen: unknown[] = [];
    const n = linear();
    n.registerFullBackwardHook((_m, gradInput, gradOutput) => void seen.push(gradInput, gradOutput.map((g) => g!.tolist())));
    (n.forward(tg.tensor([[1, 1]])) as tg.Tensor).sum().backward();
    expect(seen).toEqual([[null], [[[1]]]]);
  });
});
