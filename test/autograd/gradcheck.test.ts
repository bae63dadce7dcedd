// First derivatives of every differentiable op against float64 finite differences, with
// the inputs contiguous, transposed, strided and expanded (see helpers/gradcheck.ts).
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { caseRows, expectGradcheck } from '../helpers/gradcheck';
import { GROUPS } from '../helpers/gradcases';

describe.each(GROUPS)('gradcheck: %s', (_group, cases) => {
  test.each(caseRows(cases))('%s', (_label, c, layout) => expectGradcheck(c, layout));
});

describe('gradcheck itself', () => {
  // An op whose backward is deliberately off by a factor 2 (and, the second time, right
  // to first order but treating its saved input as a constant).
  const double = tg.autograd.defineOp({
    name: 'WrongBackward0',
    forward: (ctx, x: tg.Tensor) => {
      ctx.saveForBackward(x);
      return tg.noGrad(() => x.mul(x));
    },
    backward: (ctx, g) => [g.mul(ctx.saved[0]).mul(4)],
  });
  const detachedSecond = tg.autograd.defineOp({
    name: 'DetachedBackward0',
    forward: (ctx, x: tg.Tensor) => {
      ctx.saveForBackward(x);
      return tg.noGrad(() => x.mul(x));
    },
    backward: (ctx, g) => [g.mul(ctx.saved[0].detach()).mul(2)],
  });
  const x = () => tg.tensor([0.5, -1.5, 2], { dtype: 'float64', requiresGrad: true });

  test('gradcheck reports a wrong first derivative', () => {
    expect(() => tg.autograd.gradcheck(double, [x()])).toThrow(/Jacobian mismatch for output 0 with respect to input 0/);
    expect(tg.autograd.gradcheck(double, [x()], { raiseException: false })).toBe(false);
    expect(tg.autograd.gradcheck(detachedSecond, [x()])).toBe(true);
  });

  test('gradgradcheck reports a wrong second derivative', () => {
    expect(() => tg.autograd.gradgradcheck(detachedSecond, [x()])).toThrow(/Jacobian mismatch/);
  });

  test('checks non-contiguous leaves element by element', () => {
    const base = tg.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const xt = base.t().requiresGrad_(true);
    expect(xt.isContiguous()).toBe(false);
    expect(tg.autograd.gradcheck((a) => a.mul(tg.tensor([1, 2], { dtype: 'float64' })), [xt])).toBe(true);
    expect(() => tg.autograd.gradcheck(double, [xt.detach().requiresGrad_(true)])).toThrow(/mismatch/);
  });

  test('checks every output of a function returning several', () => {
    expect(tg.autograd.gradcheck((a) => [a.exp(), a.sin(), a.argmax()], [x()])).toBe(true);
    expect(() => tg.autograd.gradcheck((a) => [a.exp(), double(a)], [x()])).toThrow(/for output 1 with respect to input 0/);
  });

  test('an output that does not require grad must not depend on the input', () => {
    expect(tg.autograd.gradcheck((a) => [a.exp(), tg.ones(2, { dtype: 'float64' })], [x()])).toBe(true);
    expect(() => tg.autograd.gradcheck((a) => a.detach().mul(2), [x()])).toThrow(/is 0 analytically but 2\.0+\d* numerically/);
  });

  test('rejects inputs it cannot check', () => {
    expect(() => tg.autograd.gradcheck((a) => a.exp(), [tg.tensor([1, 2], { requiresGrad: true })])).toThrow(/input 0 requires grad and is torch.float32; use float64/);
    const expanded = tg.tensor([1, 2], { dtype: 'float64' }).expand(3, 2).requiresGrad_(true);
    expect(() => tg.autograd.gradcheck((a) => a.exp(), [expanded])).toThrow(/The 0th input has a dimension with stride 0/);
    expect(() => tg.autograd.gradcheck((a) => a.exp(), [tg.tensor([1, 2], { dtype: 'float64' })])).toThrow(/at least one input tensor to require gradient/);
  });
});
