// Bad input never crashes the process: every case throws an Error whose message starts
// with the op's name and shows the offending shape, dtype or value. Where PyTorch has a
// message for the same mistake, ours contains its wording (checked with torch 1.13).
import { describe, expect, test } from 'vitest';
import * as tg from '../lib/index';
import type { Tensor } from '../lib/index';
import { i32, thrown } from './helpers/tensors';

const F = tg.nn.functional;
const x23 = () => tg.zeros(2, 3);

type ErrorCase = [label: string, fn: () => unknown, message: RegExp];

function expectErrors(cases: ErrorCase[]): void {
  test.each(cases)('%s', (_label, fn, message) => {
    expect(thrown(fn).message).toMatch(message);
  });
}

describe('incompatible shapes', () => {
  const notBroadcastable = (op: string) =>
    new RegExp(`^${op}: The size of tensor a \\(3\\) must match the size of tensor b \\(4\\) at non-singleton dimension 1 \\(shapes \\[2, 3\\] and \\[4\\]`);
  expectErrors([
    ['add', () => x23().add(tg.zeros(4)), notBroadcastable('add')],
    ['sub', () => tg.sub(x23(), tg.zeros(4)), notBroadcastable('sub')],
    ['mul', () => x23().mul(tg.zeros(4)), notBroadcastable('mul')],
    ['div', () => x23().div(tg.zeros(4)), notBroadcastable('div')],
    ['pow', () => x23().pow(tg.zeros(4)), notBroadcastable('pow')],
    ['maximum', () => tg.maximum(x23(), tg.zeros(4)), notBroadcastable('maximum')],
    ['minimum', () => tg.minimum(x23(), tg.zeros(4)), notBroadcastable('minimum')],
    ['gt', () => x23().gt(tg.zeros(4)), notBroadcastable('gt')],
    ['where', () => tg.where(x23().gt(0), tg.zeros(4), 0), notBroadcastable('where')],
    ['add_ into a smaller tensor', () => tg.zeros(3).add_(x23()), /^add_: output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/],
    ['copy_', () => tg.zeros(3).copy_(tg.zeros(2)), /^copy_: the source of shape \[2\] cannot be broadcast to \[3\]/],
    ['matmul', () => tg.zeros(3, 2).matmul(tg.zeros(3, 1)), /^matmul: shapes \[3, 2\] and \[3, 1\] cannot be multiplied \(2 != 3\)/],
    ['matmul 1-D', () => tg.zeros(3).matmul(tg.zeros(4)), /^matmul: shapes \[3\] and \[4\] cannot be multiplied \(3 != 4\)/],
    ['matmul batch', () => tg.zeros(2, 2, 3).matmul(tg.zeros(3, 3, 1)), /^matmul: The size of tensor a \(2\) must match the size of tensor b \(3\)/],
    ['matmul 0-d', () => tg.matmul(tg.tensor(1), tg.zeros(2)), /^matmul: both arguments to matmul need to be at least 1D, but they are 0D and 1D/],
    ['mm of vectors', () => tg.mm(tg.zeros(3), tg.zeros(3)), /^mm: self must be a matrix \(got shape \[3\]\)/],
    ['mm', () => tg.mm(x23(), x23()), /^mm: shapes \[2, 3\] and \[2, 3\] cannot be multiplied \(3 != 2\)/],
    ['addmm bias', () => tg.addmm(tg.zeros(4), x23(), tg.zeros(3, 5)), /^addmm: .*shapes \[4\] and \[2, 5\] are not broadcastable/],
    ['outer of matrices', () => tg.outer(x23(), x23()), /^outer: expected 1-D tensors, got \[2, 3\] and \[2, 3\]/],
    ['t of 3-D', () => tg.zeros(2, 2, 2).t(), /^t: t\(\) expects a tensor with <= 2 dimensions, but self is 3D/],
    ['cat', () => tg.cat([x23(), tg.zeros(2, 4)]), /^cat: Sizes of tensors must match except in dimension 0\. Expected \[2, 3\] but got \[2, 4\] for tensor number 1/],
    ['cat ndim', () => tg.cat([x23(), tg.zeros(3)]), /^cat: Sizes of tensors must match .* got \[3\] for tensor number 1/],
    ['cat 0-d', () => tg.cat([tg.tensor(1), tg.tensor(2)]), /^cat: zero-dimensional tensor \(at position 0\) cannot be concatenated/],
    ['stack', () => tg.stack([x23(), tg.zeros(2, 4)]), /^stack: stack expects each tensor to be equal size, but got \[2, 3\] at entry 0 and \[2, 4\] at entry 1/],
    ['view', () => x23().t().view(6), /^view: view size is not compatible with input tensor's size and stride .* Use \.reshape\(\.\.\.\) instead\. \(shape \[3, 2\] -> \[6\]\)/],
    ['view numel', () => x23().view(4, 2), /^view: shape '\[4, 2\]' is invalid for input of size 6/],
    ['reshape numel', () => x23().reshape(5), /^reshape: shape '\[5\]' is invalid for input of size 6/],
    ['reshape -1', () => x23().reshape(-1, 4), /^reshape: shape '\[-1, 4\]' is invalid for input of size 6/],
    ['reshape two -1', () => x23().reshape(-1, -1), /^reshape: only one dimension can be inferred/],
    ['expand', () => x23().expand(3, 3), /^expand: The expanded size of the tensor \(3\) must match the existing size \(2\) at non-singleton dimension 0\. Target sizes: \[3, 3\]\. Tensor sizes: \[2, 3\]/],
    ['expand fewer dims', () => x23().expand(3), /^expand: the number of sizes provided \(1\) must be greater or equal to the number of dimensions in the tensor \(2\)/],
    ['permute length', () => x23().permute(0), /^permute: number of dims don't match in permute \(got \[0\] for a 2-d tensor\)/],
    ['permute repeated', () => x23().permute(1, 1), /^permute: dim 1 appears multiple times in the list of dims/],
    ['narrow past the end', () => x23().narrow(1, 1, 3), /^narrow: start \(1\) \+ length \(3\) exceeds dimension size \(3\)/],
    ['narrow start', () => x23().narrow(1, 4, 0), /^narrow: start must be in -3\.\.3, got 4/],
    ['narrow length', () => x23().narrow(1, 0, -1), /^narrow: length must be >= 0, got -1/],
    ['select index', () => x23().select(1, 3), /^select: index 3 out of range for tensor of size \[2, 3\] at dimension 1/],
    ['select negative index', () => x23().select(0, -3), /^select: index -3 out of range for tensor of size \[2, 3\] at dimension 0/],
    ['gather index ndim', () => x23().gather(0, i32([0])), /^gather: Index tensor must have the same number of dimensions as input tensor \(\[1\] vs \[2, 3\]\)/],
    ['gather index size', () => x23().gather(0, i32([[0, 0, 0, 0]])), /^gather: Size does not match at dimension 1 expected index \[1, 4\] to be smaller than self \[2, 3\]/],
    ['indexSelect 2-D index', () => x23().indexSelect(0, i32([[0]])), /^indexSelect: index_select\(\): Index is supposed to be a vector \(got shape \[1, 1\]\)/],
    ['F.linear', () => F.linear(x23(), tg.zeros(4, 5)), /^linear: mat1 and mat2 shapes cannot be multiplied \(input \[2, 3\], weight \[4, 5\]/],
    ['F.linear weight', () => F.linear(x23(), tg.zeros(3)), /^linear: weight must be 2-D \[out, in\], got \[3\]/],
    ['F.linear bias', () => F.linear(x23(), tg.zeros(4, 3), tg.zeros(5)), /^linear: .*shapes \[5\] and \[2, 4\] are not broadcastable/],
    ['F.mseLoss', () => F.mseLoss(x23(), tg.zeros(4)), /^mseLoss: .*shapes \[2, 3\] and \[4\] are not broadcastable/],
    ['F.binaryCrossEntropy', () => F.binaryCrossEntropy(tg.full([2], 0.5), tg.ones(1)), /^binaryCrossEntropy: Using a target size \(\[1\]\) that is different to the input size \(\[2\]\) is not supported/],
    ['F.crossEntropy target shape', () => F.crossEntropy(x23(), i32([0, 1, 2])), /^crossEntropy: expected target of shape \[2\] for input of shape \[2, 3\], got \[3\]/],
    ['F.nllLoss weight', () => F.nllLoss(x23(), i32([0, 1]), { weight: tg.ones(2) }), /^nllLoss: weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: \[2\]/],
    ['backward gradient shape', () => tg.zeros(3, { requiresGrad: true }).mul(2).backward(tg.ones(2)), /^Mismatch in shape: grad_output\[0\] has a shape of \[2\] and output\[0\] has a shape of \[3\]/],
  ]);
});

describe('dims out of range', () => {
  // Every op taking a dim, on a [2, 3] tensor (valid dims: -2..1; where a dim is inserted, -3..2).
  const ops: [string, (x: Tensor) => unknown, number][] = [
    ['sum', (x) => x.sum(2), 2],
    ['sum', (x) => x.sum([0, -3]), -3],
    ['mean', (x) => x.mean(-3), -3],
    ['amax', (x) => x.amax(2), 2],
    ['amin', (x) => x.amin([2]), 2],
    ['max', (x) => x.max(2), 2],
    ['min', (x) => x.min(-3), -3],
    ['prod', (x) => x.prod(2), 2],
    ['var', (x) => x.var(2), 2],
    ['std', (x) => x.std(-3), -3],
    ['norm', (x) => x.norm(2, 2), 2],
    ['logsumexp', (x) => x.logsumexp(2), 2],
    ['argmax', (x) => x.argmax(2), 2],
    ['argmin', (x) => x.argmin(-3), -3],
    ['softmax', (x) => x.softmax(2), 2],
    ['logSoftmax', (x) => x.logSoftmax(-3), -3],
    ['transpose', (x) => x.transpose(0, 2), 2],
    ['permute', (x) => x.permute(0, 2), 2],
    ['squeeze', (x) => x.squeeze(2), 2],
    ['flatten', (x) => x.flatten(0, 2), 2],
    ['narrow', (x) => x.narrow(2, 0, 1), 2],
    ['select', (x) => x.select(-3, 0), -3],
    ['cat', (x) => tg.cat([x, x], 2), 2],
    ['indexSelect', (x) => x.indexSelect(2, i32([0])), 2],
    ['gather', (x) => x.gather(2, i32([[0]])), 2],
    ['size', (x) => x.size(2), 2],
    ['stride', (x) => x.stride(-3), -3],
    ['softmax', (x) => F.softmax(x, 2), 2],
  ];
  test.each(ops)('%s (dim %#)', (op, fn, dim) => {
    expect(thrown(() => fn(x23())).message).toBe(`${op}: Dimension out of range (expected to be in range of [-2, 1], but got ${dim})`);
  });

  test.each([
    ['unsqueeze', (x: Tensor) => x.unsqueeze(3), 3],
    ['unsqueeze', (x: Tensor) => x.unsqueeze(-4), -4],
    ['stack', (x: Tensor) => tg.stack([x, x], 3), 3],
  ] as const)('%s inserting dim %s', (op, fn, dim) => {
    expect(thrown(() => fn(x23())).message).toBe(`${op}: Dimension out of range (expected to be in range of [-3, 2], but got ${dim})`);
  });

  expectErrors([
    ['a fractional dim', () => x23().sum(0.5), /^sum: dim must be an integer, got 0\.5/],
    ['a string dim', () => x23().mean('0' as never), /^mean: dim must be an integer, got "0"/],
    ['a repeated dim', () => x23().sum([1, -1]), /^sum: dim 1 appears multiple times in the list of dims/],
    ['a non-boolean keepdim', () => x23().sum(0, 1 as never), /^sum: keepdim must be a boolean, got 1/],
    ['flatten with start after end', () => x23().flatten(1, 0), /^flatten: start_dim \(1\) cannot come after end_dim \(0\)/],
    ['softmax without dim', () => (x23().softmax as (d?: number) => Tensor)(), /^softmax: dim is required/],
    ['logsumexp without dim', () => (x23().logsumexp as (d?: number) => Tensor)(), /^logsumexp: dim is required/],
  ]);
});

describe('dtypes', () => {
  const int = () => i32([1, 2]);
  expectErrors([
    ['where with a float condition', () => tg.where(tg.zeros(2), tg.zeros(2), tg.zeros(2)), /^where: expected condition to be a boolean tensor, but got a tensor with dtype torch\.float32/],
    ['requiresGrad on int32', () => tg.tensor([1], { dtype: 'int32', requiresGrad: true }), /^tensor: only Tensors of floating point dtype can require gradients \(got torch\.int32\)/],
    ['requiresGrad_ on int32', () => int().requiresGrad_(), /only Tensors of floating point dtype can require gradients \(got torch\.int32\)/],
    ['matmul of int32', () => int().matmul(int()), /^matmul: expected floating point tensors, got torch\.int32 and torch\.int32/],
    ['mm of int32', () => tg.mm(i32([[1]]), i32([[1]])), /^mm: expected floating point tensors, got torch\.int32 and torch\.int32/],
    ['indexSelect with a float index', () => tg.zeros(3).indexSelect(0, tg.tensor([0])), /^indexSelect: Expected dtype int32 or int64 for index, got torch\.float32/],
    ['gather with a float64 index', () => tg.zeros(3).gather(0, tg.tensor([0], { dtype: 'float64' })), /^gather: Expected dtype int32 or int64 for index, got torch\.float64/],
    ['crossEntropy with float targets', () => F.crossEntropy(x23(), tg.tensor([0, 1])), /^crossEntropy: class-probability targets are not supported; pass int32 or int64 class indices/],
    ['nllLoss with float targets', () => F.nllLoss(x23(), tg.tensor([0, 1])), /^nllLoss: target must hold class indices as an int32 or int64 tensor, got torch\.float32/],
    ['mean of int32', () => int().mean(), /^mean: could not infer output dtype\. Input dtype must be either a floating point or complex dtype\. Got: Int\n/],
    ['var of int32', () => int().var(), /^var: expected a floating point input \(float32 or float64\), got torch\.int32/],
    ['norm of int32', () => int().norm(), /^norm: expected a floating point input \(float32 or float64\), got torch\.int32/],
    ['arithmetic on bools', () => tg.tensor([true]).add(tg.tensor([true])), /^add: arithmetic on bool tensors is not supported/],
    ['argmax of bools (PyTorch has no bool argmax; amax of bools is any)', () => tg.tensor([true]).argmax(), /^argmax: "argmax_cpu" not implemented for 'Bool'\nHint: /],
    ['an unknown dtype', () => tg.zeros(2, { dtype: 'float16' as never }), /^zeros: unknown dtype "float16" \(expected a dtype such as tg\.float32, or one of 'float32', 'float64', 'int32', 'bool', 'int64'\)/],
    ['to an unknown dtype', () => x23().to('int16' as never), /^to: unknown dtype or device "int16"/],
    ['.data of another dtype', () => (x23().data = i32([1])), /^data: assigned tensor is torch\.int32 but this tensor is torch\.float32/],
    ['gradcheck in float32', () => tg.autograd.gradcheck((a) => a, [tg.zeros(1, { requiresGrad: true })]), /^gradcheck: input 0 requires grad and is torch\.float32/],
  ]);
});

describe('int32 values that do not fit', () => {
  const overflow = (op: string, v: string) => new RegExp(`^${op}: value cannot be converted to type int32 without overflow \\(got ${v}\\)`);
  expectErrors([
    ['tensor', () => tg.tensor([3e9], { dtype: 'int32' }), overflow('tensor', '3000000000')],
    ['tensor NaN', () => tg.tensor([1, NaN], { dtype: 'int32' }), overflow('tensor', 'NaN')],
    ['full', () => tg.full([2], -(2 ** 31) - 1, { dtype: 'int32' }), overflow('full', '-2147483649')],
    ['fill_', () => i32([1]).fill_(Infinity), overflow('fill_', 'Infinity')],
    ['arange', () => tg.arange(2 ** 31 - 1, 2 ** 31 + 1), overflow('arange', '2147483648')],
    ['a number operand', () => i32([1]).add(2 ** 32), overflow('add', '4294967296')],
    ['a where operand', () => tg.where(tg.tensor([true]), i32([1]), 2 ** 31), overflow('where', '2147483648')],
  ]);

  test('values at the limits are fine; fractions truncate', () => {
    expect(tg.tensor([-(2 ** 31), 2 ** 31 - 1, 2.7, -2.7], { dtype: 'int32' }).tolist()).toEqual([-(2 ** 31), 2 ** 31 - 1, 2, -2]);
  });
});

describe('sizes', () => {
  expectErrors([
    ['zeros(2.5)', () => tg.zeros(2.5), /^zeros: sizes must be non-negative integers, got \[2\.5\]/],
    ['zeros(NaN)', () => tg.zeros(NaN), /^zeros: sizes must be non-negative integers, got \[NaN\]/],
    ['zeros(-1)', () => tg.zeros(-1), /^zeros: sizes must be non-negative integers, got \[-1\]/],
    ['zeros(1e10)', () => tg.zeros(1e10), /^zeros: \[10000000000\] has 10000000000 elements; at most 2147483647 are supported/],
    ['zeros(2 ** 16, 2 ** 16)', () => tg.zeros(2 ** 16, 2 ** 16), /^zeros: \[65536, 65536\] has 4294967296 elements/],
    ["ones([2, '3'])", () => tg.ones([2, '3' as never]), /^ones: sizes must be non-negative integers, got \[2, "3"\]/],
    ['empty(Infinity)', () => tg.empty(Infinity), /^empty: sizes must be non-negative integers, got \[Infinity\]/],
    ['full with a bad value', () => tg.full([2], 'a' as never), /^full: fill value must be a number, got "a"/],
    ['reshape(1.5, 4)', () => x23().reshape(1.5, 4), /^reshape: size must be an integer, got 1\.5/],
    ['reshape(-2, 3)', () => x23().reshape(-2, 3), /^reshape: size must be >= 0, got -2/],
    ['view("6")', () => x23().view('6' as never), /^view: size must be an integer, got "6"/],
    ['expand(-2, 3)', () => x23().expand(-2, 3), /^expand: size must be >= 0, got -2/],
    ['arange with the wrong step sign', () => tg.arange(0, 5, -1), /^arange: upper bound and larger bound inconsistent with step sign \(start 0, end 5, step -1\)/],
    ['arange step 0', () => tg.arange(0, 5, 0), /^arange: step must be nonzero/],
    ['arange(NaN)', () => tg.arange(NaN), /^arange: unsupported range: 0 -> NaN/],
    ['arange(1e10)', () => tg.arange(1e10), /^arange: \[10000000000\] has 10000000000 elements/],
    ['linspace steps', () => tg.linspace(0, 1, -1), /^linspace: sizes must be non-negative integers, got \[-1\]/],
    ['eye(2.5)', () => tg.eye(2.5), /^eye: sizes must be non-negative integers, got \[2\.5, 2\.5\]/],
  ]);
});

describe('more than 8 dims', () => {
  const eight = () => tg.zeros([1, 1, 1, 1, 1, 1, 1, 1]);
  expectErrors([
    ['zeros', () => tg.zeros([1, 1, 1, 1, 1, 1, 1, 1, 1]), /^zeros: at most 8 dims are supported, got 9/],
    ['tensor', () => tg.tensor([[[[[[[[[1]]]]]]]]]), /^tensor: at most 8 dims are supported, got 9/],
    ['from', () => tg.from(new Float32Array(1), [1, 1, 1, 1, 1, 1, 1, 1, 1]), /^from: at most 8 dims are supported, got 9/],
    ['reshape', () => eight().reshape([1, 1, 1, 1, 1, 1, 1, 1, 1]), /^reshape: at most 8 dims are supported, got 9/],
    ['unsqueeze', () => eight().unsqueeze(0), /^unsqueeze: at most 8 dims are supported, got 9/],
    ['expand', () => eight().expand([2, 1, 1, 1, 1, 1, 1, 1, 1]), /^expand: at most 8 dims are supported, got 9/],
    ['stack', () => tg.stack([eight(), eight()]), /^stack: at most 8 dims are supported, got 9/],
  ]);

  test('8 dims work', () => {
    const t = tg.ones([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(t.add(t.transpose(0, 7)).sum().item()).toBe(64); // 32 elements of 1 + 1
  });
});

describe('typed arrays', () => {
  expectErrors([
    ['from(Int16Array)', () => tg.from(new Int16Array(3) as never), /^from: expected a Float32Array, Float64Array, Int32Array, BigInt64Array \(int64\) or Uint8Array \(bool\), got Int16Array/],
    ['from(Uint8ClampedArray)', () => tg.from(new Uint8ClampedArray(3) as never), /^from: expected .* got Uint8ClampedArray/],
    ['from(DataView)', () => tg.from(new DataView(new ArrayBuffer(4)) as never), /^from: expected .* got DataView/],
    ['from(array)', () => tg.from([1, 2] as never), /^from: expected .* got \[1, 2\]/],
    ['from with too few elements', () => tg.from(new Float32Array(5), [2, 3]), /^from: shape \[2, 3\] has 6 elements but the array has 5/],
    ['from with too many elements', () => tg.from(new Float64Array(7), [2, 3]), /^from: shape \[2, 3\] has 6 elements but the array has 7/],
    ['tensor(DataView)', () => tg.tensor(new DataView(new ArrayBuffer(4)) as never), /^tensor: expected a typed array, got a DataView/],
  ]);

  test('tensor() copies other typed arrays (as float32) and subarrays', () => {
    expect(tg.tensor(new Int16Array([1, -2, 3])).tolist()).toEqual([1, -2, 3]);
    const base = new Float64Array([1, 2, 3, 4]);
    const t = tg.from(base.subarray(1, 3));
    expect([t.dtype, t.tolist()]).toEqual([tg.float64, [2, 3]]);
    expect(t.add(1).tolist()).toEqual([3, 4]);
  });
});

describe('index values out of range', () => {
  expectErrors([
    ['indexSelect', () => tg.zeros(3).indexSelect(0, i32([0, 5])), /^indexSelect: index 5 is out of bounds for dimension 0 with size 3 \(input shape \[3\]\)/],
    ['indexSelect negative', () => x23().indexSelect(1, i32([-1])), /^indexSelect: index -1 is out of bounds for dimension 1 with size 3 \(input shape \[2, 3\]\)/],
    ['gather', () => x23().gather(0, i32([[0, 2, 0]])), /^gather: index 2 is out of bounds for dimension 0 with size 2 \(input shape \[2, 3\]\)/],
    ['gather negative', () => x23().gather(1, i32([[-1]])), /^gather: index -1 is out of bounds for dimension 1 with size 3/],
    ['crossEntropy target', () => F.crossEntropy(x23(), i32([0, 3])), /^crossEntropy: Target 3 is out of bounds \(the input has 3 classes\)/],
    ['nllLoss negative target', () => F.nllLoss(x23(), i32([-1, 0])), /^nllLoss: Target -1 is out of bounds/],
    ['item of several elements', () => x23().item(), /^item: a Tensor with 6 elements cannot be converted to Scalar \(shape \[2, 3\]\)/],
    ['item of none', () => tg.zeros(0).item(), /^item: a Tensor with 0 elements cannot be converted to Scalar/],
  ]);

  test('after a bad index the tensor still works', () => {
    const x = tg.tensor([1, 2, 3]);
    expect(() => x.indexSelect(0, i32([0, 9]))).toThrow();
    expect(x.indexSelect(0, i32([2, 0])).tolist()).toEqual([3, 1]);
  });
});

describe('arguments that are not tensors', () => {
  const x = () => tg.tensor([1]);
  expectErrors([
    ["add('x')", () => x().add('x' as never), /^add: other must be a Tensor or a number, got "x"/],
    // undefined is an argument not given, and a trailing plain object the keyword arguments (as for every op).
    ['add(undefined)', () => x().add(undefined as never), /^add: missing required argument 'other'/],
    ['mul(null)', () => x().mul(null as never), /^mul: other must be a Tensor or a number, got null/],
    ['div([1])', () => x().div([1] as never), /^div: other must be a Tensor or a number, got \[1\]/],
    ['sub({})', () => x().sub({} as never), /^sub: missing required argument 'other'/],
    ['sub(new Map())', () => x().sub(new Map() as never), /^sub: other must be a Tensor or a number, got Map/],
    ['add alpha', () => x().add(1, { alpha: '2' as never }), /^add: alpha must be a number, got "2"/],
    ['pow("2")', () => x().pow('2' as never), /^pow: exponent must be a Tensor or a number, got "2"/],
    ['tg.add(1, x)', () => tg.add(1 as never, x()), /^add: input must be a Tensor, got 1/],
    ['matmul(3)', () => x().matmul(3 as never), /^matmul: other must be a Tensor, got 3/],
    ['tg.exp(3)', () => tg.exp(3 as never), /^exp: input must be a Tensor, got 3/],
    ['tg.sum([1])', () => tg.sum([1] as never), /^sum: input must be a Tensor, got \[1\]/],
    ['cat of a tensor', () => tg.cat(x() as never), /^cat: expected a non-empty array of tensors, got Tensor/],
    ['cat([])', () => tg.cat([]), /^cat: expected a non-empty array of tensors, got \[\]/],
    ["cat([x, 'a'])", () => tg.cat([x(), 'a' as never]), /^cat: tensors\[1\] must be a Tensor, got "a"/],
    ['stack([])', () => tg.stack([]), /^stack: expected a non-empty array of tensors, got \[\]/],
    ['where(1, ...)', () => tg.where(1 as never, x(), x()), /^where: condition must be a Tensor, got 1/],
    ["where(cond, 'a', x)", () => tg.where(x().gt(0), 'a' as never, x()), /^where: input must be a Tensor or a number, got "a"/],
    ['clamp()', () => x().clamp(), /^clamp: At least one of 'min' or 'max' must not be None/],
    ["clamp('a')", () => x().clamp('a' as never), /^clamp: min must be a number, a Tensor or null, got "a"/], // tensor bounds: issue 14
    ['F.relu(3)', () => F.relu(3 as never), /^relu: input must be a Tensor, got 3/],
    ['F.leakyRelu slope', () => F.leakyRelu(x(), 'a' as never), /^leakyRelu: negativeSlope must be a number, got "a"/],
    ['F.leakyRelu input', () => F.leakyRelu([1] as never), /^leakyRelu: input must be a Tensor, got \[1\]/],
    ['F.elu alpha', () => F.elu(x(), null as never), /^elu: alpha must be a number, got null/],
    ['F.softplus beta', () => F.softplus(x(), '1' as never), /^softplus: beta must be a number, got "1"/],
    ['F.gelu approximate', () => F.gelu(x(), { approximate: 'x' as never }), /^gelu: approximate must be 'none' or 'tanh', got "x"/],
    ['F.mseLoss reduction', () => F.mseLoss(x(), x(), { reduction: 'avg' as never }), /^mseLoss: "avg" is not a valid value for reduction/],
    ['F.crossEntropy labelSmoothing', () => F.crossEntropy(x23(), i32([0, 1]), { labelSmoothing: 2 }), /^crossEntropy: labelSmoothing must be in \[0, 1\], got 2/],
    ['F.crossEntropy 0-d input', () => F.crossEntropy(tg.tensor(1), tg.tensor(0, { dtype: 'int32' })), /^crossEntropy: expected an input of shape \[C\] or \[N, C, d1, \.\.\.\], got a 0-d tensor/],
    ['F.binaryCrossEntropy range', () => F.binaryCrossEntropy(tg.tensor([2]), tg.tensor([1])), /^binaryCrossEntropy: all elements of input should be between 0 and 1/],
    ['tensor.to(3)', () => x().to(3 as never), /^to: expected a dtype, a device or \{dtype, device\}, got 3/],
    ["backward('x')", () => tg.zeros(1, { requiresGrad: true }).sum().backward('x' as never), /^backward: gradient must be a Tensor, got "x"/],
    ['noGrad(3)', () => tg.noGrad(3 as never), /expected a function to run/],
    ['zeros with bad options', () => tg.zeros(2, 'float64' as never), /^zeros: sizes must be non-negative integers, got \[2, "float64"\]/],
    ['tensor with bad options', () => tg.tensor([1], 'float64' as never), /^tensor: options must be an object, got "float64"/],
  ]);
});

describe('nested arrays', () => {
  expectErrors([
    ['ragged rows', () => tg.tensor([[1, 2], [3]]), /^tensor: expected sequence of length 2 at dim 1 \(got 1 at \[1\]\)/],
    ['a number among rows', () => tg.tensor([[1, 2], 3] as never), /^tensor: expected sequence of length 2 at dim 1 \(got 3 at \[1\]\)/],
    ['an array among numbers', () => tg.tensor([[1], [[2]]] as never), /^tensor: element \[1\]\[0\] is an array; expected a number, a bigint or a boolean/],
    ['a string', () => tg.tensor([1, 'a'] as never), /^tensor: element \[1\] is "a"; expected a number, a bigint or a boolean/],
    ['undefined', () => tg.tensor([1, undefined] as never), /^tensor: element \[1\] is undefined; expected a number, a bigint or a boolean/],
    ['an object', () => tg.tensor({} as never), /^tensor: expected nested arrays, a typed array or a number, got Object/],
    ['nothing', () => tg.tensor(undefined as never), /^tensor: expected nested arrays, a typed array or a number, got undefined/],
  ]);
});

describe('empty tensors', () => {
  // PyTorch: sums over nothing are 0, products 1, means and variances NaN, norms 0,
  // logsumexp -inf; extremes of nothing are errors.
  test.each([
    ['sum', (x: Tensor) => x.sum(), 0],
    ['mean', (x: Tensor) => x.mean(), NaN],
    ['prod', (x: Tensor) => x.prod(), 1],
    ['var', (x: Tensor) => x.var(), NaN],
    ['std', (x: Tensor) => x.std(), NaN],
    ['norm', (x: Tensor) => x.norm(), 0],
    ['logsumexp', (x: Tensor) => x.logsumexp(0), -Infinity],
  ] as const)('%s of nothing', (_op, fn, expected) => {
    const r = fn(tg.zeros(0));
    expect([r.shape, r.item()]).toEqual([[], expected]);
  });

  test('reductions over an empty dim keep the other dims', () => {
    const x = tg.zeros(0, 3);
    expect(x.sum(0).tolist()).toEqual([0, 0, 0]);
    expect(x.mean(0).tolist()).toEqual([NaN, NaN, NaN]);
    expect(x.amax(1).shape).toEqual([0]);
    expect(x.softmax(1).shape).toEqual([0, 3]);
    expect(x.logSoftmax(0).shape).toEqual([0, 3]);
    expect(tg.zeros(0).softmax(0).shape).toEqual([0]);
  });

  expectErrors([
    ['max()', () => tg.zeros(0).max(), /^max: Expected reduction dim to be specified for input\.numel\(\) == 0/],
    ['min()', () => tg.zeros(2, 0).min(), /^min: Expected reduction dim to be specified for input\.numel\(\) == 0/],
    ['amax()', () => tg.zeros(0).amax(), /^amax: Expected reduction dim 0 to have non-zero size \(shape \[0\]\)/],
    ['amin(dim)', () => tg.zeros(0, 3).amin(0), /^amin: Expected reduction dim 0 to have non-zero size \(shape \[0, 3\]\)/],
    ['argmax()', () => tg.zeros(0).argmax(), /^argmax: Expected reduction dim to be specified for input\.numel\(\) == 0/],
    ['argmin(dim)', () => tg.zeros(2, 0).argmin(1), /^argmin: Expected reduction dim 1 to have non-zero size \(shape \[2, 0\]\)/],
    ['max(dim)', () => tg.zeros(0, 2).max(0), /^max: Expected reduction dim 0 to have non-zero size \(shape \[0, 2\]\)/],
  ]);

  test('matmul with an inner dim of 0 gives zeros, and gradients of the right shapes', () => {
    const a = tg.zeros([2, 0], { dtype: 'float64', requiresGrad: true });
    const b = tg.zeros([0, 3], { dtype: 'float64', requiresGrad: true });
    const y = a.matmul(b);
    expect(y.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    y.sum().backward();
    expect([a.grad!.shape, b.grad!.shape]).toEqual([[2, 0], [0, 3]]);
    expect(tg.zeros(0, 4).matmul(tg.zeros(4, 2)).shape).toEqual([0, 2]);
  });

  test('gradients of empty tensors', () => {
    const x = tg.zeros([0, 2], { dtype: 'float64', requiresGrad: true });
    x.exp().sum().backward();
    expect(x.grad!.shape).toEqual([0, 2]);
    expect(tg.cat([tg.zeros(0), tg.ones(2)]).tolist()).toEqual([1, 1]);
  });
});
