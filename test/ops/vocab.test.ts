// Issue 14.2's op vocabulary beyond the golden cases (test/golden/indexing.json): what the
// ops return (arrays with named fields, views, int32 indices), PyTorch's grad_fn names and
// module printouts (both checked with torch 1.13), einsum equations, and the errors for
// bad input (each names the op and the offending value). Gradients: test/helpers/gradcases.ts.
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { expectValues, f64, i32, thrown } from '../helpers/tensors';

const F = tg.nn.functional;
const nn = tg.nn;

describe('several results', () => {
  test('sort and topk return [values, indices] with named fields, printed as PyTorch', () => {
    const x = tg.tensor([3, 1, 2], { dtype: 'int32' });
    const sorted = x.sort();
    expect(Array.isArray(sorted)).toBe(true);
    const [values, indices] = sorted;
    expect(values).toBe(sorted.values);
    expect(indices).toBe(sorted.indices);
    expectValues(values, [1, 2, 3]);
    expectValues(indices, [1, 2, 0]);
    expect(indices.dtype).toBe(tg.int32);
    // torch.tensor([3, 1, 2]).sort(), with int32 indices printed as int32.
    expect(String(sorted)).toBe('torch.return_types.sort(\nvalues=tensor([1, 2, 3], dtype=torch.int32),\nindices=tensor([1, 2, 0], dtype=torch.int32))');
    const top = f64([0.5, 4, -1, 2]).topk(2);
    expectValues(top.values, [4, 2]);
    expectValues(top.indices, [1, 3]);
    expect(String(top)).toMatch(/^torch\.return_types\.topk\(\nvalues=/);
  });

  test('max(dim) and min(dim) are arrays with named fields too', () => {
    const [v, i] = f64([[1, 5], [7, 2]]).max(1);
    expectValues(v, [5, 7]);
    expectValues(i, [1, 0]);
    expect(Array.isArray(f64([1, 2]).min(0))).toBe(true);
  });

  test('sort is stable in both directions; NaN sorts as the largest', () => {
    const x = f64([2, 1, 2, NaN, 1, 2]);
    expectValues(x.argsort(), [1, 4, 0, 2, 5, 3]);
    expectValues(x.argsort(0, true), [3, 0, 2, 5, 1, 4]);
  });

  test('chunk and split pieces are views: a write shows in the base', () => {
    const x = tg.zeros(6, 2);
    const pieces = x.chunk(4);
    expect(pieces.map((p) => p.shape)).toEqual([[2, 2], [2, 2], [2, 2]]); // 6 into 4: 3 pieces of 2
    pieces[1].fill_(1);
    expectValues(x.sum(1), [0, 0, 2, 2, 0, 0]);
    expect(x.split([1, 5]).map((p) => p.shape)).toEqual([[1, 2], [5, 2]]);
  });

  test('floor, ceil and round keep an int32 tensor int32 (a copy)', () => {
    const x = i32([1, -2]);
    for (const y of [x.floor(), x.ceil(), x.round()]) {
      expect(y.dtype).toBe(tg.int32);
      expectValues(y, [1, -2]);
    }
  });
});

describe('einsum', () => {
  const a = f64([[1, 2], [3, 4]]);
  test.each([
    // Hand-derived values.
    ['i,i->', [f64([1, 2, 3]), f64([4, 5, 6])], 32],
    ['ij->ji', [a], [[1, 3], [2, 4]]],
    ['ii', [a], 5], // implicit output: nothing appears once, so the trace
    ['ij->', [a], 10],
    ['ij,ij->i', [a, a], [5, 25]],
    ['...ii->...', [tg.stack([a, a.mul(2)])], [5, 10]],
    ['ba,ab', [a, a], 29], // sum_ab a[b,a] a[a,b] = 1 + 2·3·2 + 16
    ['i,j', [f64([1, 2]), f64([3, 4, 5])], [[3, 4, 5], [6, 8, 10]]],
    ['Ab,bA->A', [a, a], [7, 22]], // capital letters are labels too
  ] as [string, tg.Tensor[], tg.NestedArray][])('%s', (equation, operands, expected) => {
    expectValues(tg.einsum(equation, ...operands), expected);
    expectValues(tg.einsum(equation, operands), expected);
  });

  test('a batched matmul equation is the matmul itself', () => {
    const x = tg.randn(2, 3, 4);
    const y = tg.randn(2, 4, 5);
    expect(tg.einsum('bij,bjk->bik', x, y).tolist()).toEqual(x.matmul(y).tolist());
  });
});

describe("PyTorch's grad_fn names", () => {
  const x = () => tg.randn([3, 4], { dtype: 'float64', requiresGrad: true });
  const y = () => tg.randn([3, 4], { dtype: 'float64', requiresGrad: true });
  // From torch 1.13: type(op(...).grad_fn).__name__.
  test.each([
    ['TopkBackward0', () => x().topk(2)[0]],
    ['SortBackward0', () => x().sort()[0]],
    ['SortBackward1', () => x().sort({ stable: true })[0]],
    ['CumsumBackward0', () => x().cumsum(1)],
    ['CumprodBackward0', () => x().cumprod(1)],
    ['FlipBackward0', () => x().flip(0)],
    ['RollBackward0', () => x().roll(1)],
    ['RepeatBackward0', () => x().tile([2])],
    ['TrilBackward0', () => x().tril()],
    ['TriuBackward0', () => x().triu()],
    ['SplitBackward0', () => x().chunk(2, 1)[0]],
    ['SplitWithSizesBackward0', () => x().split([1, 3], 1)[0]],
    ['SubBackward0', () => x().diff()],
    ['LerpBackward0', () => x().lerp(y(), 0.3)],
    ['LerpBackward1', () => x().lerp(y(), y())],
    ['LogaddexpBackward0', () => x().logaddexp(y())],
    ['RsqrtBackward0', () => x().rsqrt()],
    ['SinhBackward0', () => x().sinh()],
    ['CoshBackward0', () => x().cosh()],
    ['AsinBackward0', () => x().asin()],
    ['AcosBackward0', () => x().acos()],
    ['AtanBackward0', () => x().atan()],
    ['FloorBackward0', () => x().floor()],
    ['CeilBackward0', () => x().ceil()],
    ['RoundBackward0', () => x().round()],
    ['ClampBackward0', () => tg.clamp(x(), y(), null)],
    ['HardtanhBackward0', () => F.hardtanh(x())],
    ['DivBackward0', () => F.softsign(x())],
    ['LogSigmoidBackward0', () => F.logSigmoid(x())],
    ['MishBackward0', () => F.mish(x())],
    ['HardswishBackward0', () => F.hardswish(x())],
    ['EluBackward0', () => F.selu(x())],
    ['CeluBackward0', () => F.celu(x())],
    ['PreluBackward0', () => F.prelu(x(), tg.tensor([0.25], { dtype: 'float64', requiresGrad: true }))],
    ['DivBackward0', () => F.normalize(x())],
    ['SumBackward1', () => F.cosineSimilarity(x(), y())],
    ['NormBackward1', () => F.pairwiseDistance(x(), y())],
    ['CdistBackward0', () => tg.cdist(x(), y())],
    ['ConstantPadNdBackward0', () => F.pad(x(), [1, 1])],
    ['ReflectionPad1DBackward0', () => F.pad(x().unsqueeze(0), [1, 1], { mode: 'reflect' })],
    ['ReflectionPad2DBackward0', () => F.pad(x().view(1, 1, 3, 4), [1, 1, 1, 1], { mode: 'reflect' })],
    ['ReplicationPad1DBackward0', () => F.pad(x().unsqueeze(0), [1, 1], { mode: 'replicate' })],
    ['ReplicationPad3DBackward0', () => F.pad(x().view(1, 1, 1, 3, 4), [1, 1, 1, 1, 0, 0], { mode: 'replicate' })],
  ] as [string, () => tg.Tensor][])('%s', (name, fn) => {
    expect(fn().gradFn?.name).toBe(name);
  });
});

describe('activation modules', () => {
  // repr() of the same modules in torch 1.13.
  test.each([
    [new nn.Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'],
    [new nn.Hardtanh(-2.5, 0.5, true), 'Hardtanh(min_val=-2.5, max_val=0.5, inplace=True)'],
    [new nn.Softsign(), 'Softsign()'],
    [new nn.LogSigmoid(), 'LogSigmoid()'],
    [new nn.Mish(), 'Mish()'],
    [new nn.Mish(true), 'Mish(inplace=True)'],
    [new nn.Hardswish(true), 'Hardswish()'],
    [new nn.SELU({ inplace: true }), 'SELU(inplace=True)'],
    [new nn.CELU(), 'CELU(alpha=1.0)'],
    [new nn.CELU(0.5, true), 'CELU(alpha=0.5, inplace=True)'],
    [new nn.PReLU(), 'PReLU(num_parameters=1)'],
    [new nn.PReLU(3, 0.1), 'PReLU(num_parameters=3)'],
  ] as [tg.nn.Module, string][])('%s', (m, repr) => {
    expect(String(m)).toBe(repr);
  });

  test('modules compute their F activation; PReLU has a learnable weight', () => {
    const x = f64([[-2, 0.5, 3]]);
    expect(new nn.Hardtanh(-1.5, 1).forward(x).tolist()).toEqual([[-1.5, 0.5, 1]]);
    const prelu = new nn.PReLU(3, 0.1);
    expect(prelu.parameters().map((p) => p.shape)).toEqual([[3]]);
    const y = prelu.forward(x.float());
    expect((y.tolist() as number[][])[0][0]).toBeCloseTo(-0.2, 6);
    y.sum().backward();
    expect(Array.from(prelu.weight.grad!.toTypedArray())).toEqual([-2, 0, 0]); // x where x <= 0
  });

  test('inplace writes into the input, also inside a graph', () => {
    const x = f64([-2, 0.5, 3]);
    const y = F.hardtanh(x, -1, 1, true);
    expectValues(x, [-1, 0.5, 1]);
    expectValues(y, [-1, 0.5, 1]);
    const a = tg.tensor([-2, 0.5, 3], { dtype: 'float64', requiresGrad: true });
    const h = a.mul(2);
    F.mish(h, true).sum().backward();
    // d/da mish(2a) = 2 mish'(2a), mish'(x) = t + x σ(x) (1 - t²) with t = tanh(softplus(x)).
    const mishGrad = (v: number) => {
      const t = Math.tanh(Math.log1p(Math.exp(v)));
      return t + (v / (1 + Math.exp(-v))) * (1 - t * t);
    };
    const grad = a.grad!.tolist() as number[];
    [-2, 0.5, 3].forEach((v, i) => expect(grad[i]).toBeCloseTo(2 * mishGrad(2 * v), 10));
    expect(() => F.selu(a, true)).toThrow(/^copy_: a leaf Variable that requires grad is being used in an in-place operation/);
  });
});

describe('bad input names the op and the offending value', () => {
  const x = () => tg.zeros(2, 3);
  test.each([
    ['einsum: operand count', () => tg.einsum('ij,jk->ik', x()), /^einsum: fewer operands were provided than specified in the equation "ij,jk->ik"/],
    ['einsum: dims', () => tg.einsum('ijk->i', x()), /^einsum: the number of subscripts in the equation \(3\) does not match the number of dimensions \(2\) for operand 0/],
    ['einsum: sizes', () => tg.einsum('ij,jk->ik', x(), tg.zeros(4, 2)), /^einsum: subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3/],
    ['einsum: output label', () => tg.einsum('ij->iq', x()), /^einsum: output subscript q does not appear in the equation for any input operand/],
    ['einsum: repeated output', () => tg.einsum('ij->ii', x()), /^einsum: output subscript i appears more than once/],
    ['einsum: bad character', () => tg.einsum('i1->i', x()), /^einsum: invalid subscript "1" at index 1 of the equation "i1->i"/],
    ['einsum: two ellipses', () => tg.einsum('...i...->i', x()), /^einsum: found more than one ellipsis/],
    ['einsum: diagonal sizes', () => tg.einsum('ii->i', x()), /^einsum: subscript i is repeated for operand 0 but the sizes don't match, 3 != 2/],
    ['einsum: not a string', () => tg.einsum(3 as unknown as string, x()), /^einsum: the equation must be a string, got 3/],
    ['pad: odd length', () => F.pad(x(), [1]), /^pad: Padding length must be divisible by 2, got \[1\]/],
    ['pad: too long', () => F.pad(x(), [1, 1, 1, 1, 1, 1]), /^pad: Padding length too large: 6 amounts pad 3 dims of a 2-d input \[2, 3\]/],
    ['pad: mode', () => F.pad(x(), [1, 1], { mode: 'circular' as 'reflect' }), /^pad: "circular" is not a valid value for mode \(expected 'constant', 'reflect', 'replicate'\)/],
    ['pad: reflect amount', () => F.pad(x(), [3, 3], 'reflect'), /^pad: Padding size should be less than the corresponding input dimension, but got: padding \(3, 3\) at dimension 1 of input \[2, 3\]/],
    ['pad: reflect rank', () => F.pad(tg.zeros(3), [1, 1], 'reflect'), /^pad: Padding mode "reflect" takes 2, 4 or 6 amounts for a \(k\+1\)-d or \(k\+2\)-d input \(k padded dims\), got 2 amounts for a 1-d input \[3\]/],
    ['pad: value with reflect', () => F.pad(x(), [1, 1], 'reflect', 2), /^pad: Padding mode "reflect" doesn't take in value argument \(got value 2\)/],
    ['pad: negative output', () => F.pad(x(), [-2, -2]), /^pad: The input size 3, plus negative padding -2 and -2 resulted in a negative output size/],
    ['split: sizes', () => x().split([1, 1], 1), /^split: split_with_sizes expects split_sizes to sum exactly to 3 \(input tensor's size at dimension 1\), but got split_sizes=\[1, 1\]/],
    ['split: size 0', () => x().split(0), /^split: split_size can only be 0 if dimension size is 0, but got dimension size of 2/],
    ['chunk: 0 chunks', () => x().chunk(0), /^chunk: chunk expects `chunks` to be greater than 0, got: 0/],
    ['topk: k', () => x().topk(4), /^topk: selected index k out of range \(k = 4, size 3 along dim 1\)/],
    ['sort: dim', () => x().sort(2), /^sort: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/],
    ['roll: lengths', () => x().roll([1, 2], [0]), /^roll: shifts and dimensions must align. shifts: 2, dims: 1/],
    ['repeat: too few', () => x().repeat([2]), /^repeat: Number of dimensions of repeat dims \(1\) can not be smaller than number of dimensions of tensor \(2\)/],
    ['tril: 1-d', () => tg.zeros(3).tril(), /^tril: input tensor must have at least 2 dimensions, got shape \[3\]/],
    ['diff: prepend rank', () => x().diff(1, -1, tg.zeros(2)), /^diff: prepend must have the same number of dimensions as input \(1 vs 2\)/],
    ['lerp: dtypes', () => x().lerp(x().double(), 0.5), /^lerp: expected dtype torch\.float32 for all operands but got torch\.float64/],
    ['clamp: bound type', () => x().clamp('1' as unknown as number), /^clamp: min must be a number, a Tensor or null, got "1"/],
    ['clamp: bound shape', () => tg.clamp(x(), tg.zeros(4)), /^clamp: The size of tensor a \(3\) must match the size of tensor b \(4\)/],
    ['oneHot: too large', () => F.oneHot(i32([0, 3]), 3), /^oneHot: Class values must be smaller than num_classes \(3\), got 3/],
    ['oneHot: negative', () => F.oneHot(i32([0, -1])), /^oneHot: Class values must be non-negative, got -1/],
    ['oneHot: float', () => F.oneHot(x()), /^oneHot: one_hot is only applicable to index tensors \(int32 or int64\), got torch\.float32/],
    ['cdist: columns', () => tg.cdist(x(), tg.zeros(2, 4)), /^cdist: X1 and X2 must have the same number of columns. X1: 3 X2: 4/],
    ['cdist: rank', () => tg.cdist(tg.zeros(3), x()), /^cdist: cdist only supports at least 2D tensors, X1 got: 1D/],
    ['cdist: p', () => tg.cdist(x(), x(), -1), /^cdist: cdist only supports non-negative p values, got -1/],
    ['prelu: weights', () => F.prelu(x(), tg.zeros(2)), /^prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3/],
    ['hardtanh: bounds', () => F.hardtanh(x(), 1, -1), /^hardtanh: min_val cannot be greater than max_val \(got minVal 1, maxVal -1\)/],
    ['logaddexp: shapes', () => x().logaddexp(tg.zeros(4)), /^logaddexp: The size of tensor a \(3\) must match the size of tensor b \(4\)/],
  ] as [string, () => unknown, RegExp][])('%s', (_label, fn, message) => {
    expect(thrown(fn).message).toMatch(message);
  });
});
