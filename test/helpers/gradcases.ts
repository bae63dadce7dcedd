// The differentiable ops as gradcheck cases (see gradcheck.ts), grouped as in lib/ops.
// Domains keep random points away from kinks (relu at 0, clamp at its bounds, ...) and
// outside where an op is undefined (log of negatives, ...).
import * as tg from '../../lib/index';
import { NO_EXPAND, type GradCase } from './gradcheck';
import type { Domain } from './random';

const F = tg.nn.functional;
const POSITIVE: Domain = { lo: 0.3, hi: 2 };
const NONZERO: Domain = { avoid: [0], margin: 0.2 };
const PROB: Domain = { lo: 0.05, hi: 0.95 };
const int32 = (v: number[] | number[][]) => tg.tensor(v, { dtype: 'int32' });
const f64 = (v: number[]) => tg.tensor(v, { dtype: 'float64' });

export const ELEMENTWISE: GradCase[] = [
  { name: 'add', shapes: [[3, 4], [3, 4]], fn: (a, b) => a.add(b) },
  { name: 'add broadcast', shapes: [[3, 1], [4]], fn: (a, b) => a.add(b) },
  { name: 'add alpha', shapes: [[3, 4], [1, 4]], fn: (a, b) => a.add(b, { alpha: 2.5 }) },
  { name: 'add number', shapes: [[3, 4]], fn: (a) => a.add(3, { alpha: 2 }) },
  { name: 'sub', shapes: [[3, 4], [3, 4]], fn: (a, b) => a.sub(b) },
  { name: 'sub alpha broadcast', shapes: [[2, 3, 4], [3, 1]], fn: (a, b) => a.sub(b, { alpha: -1.5 }) },
  { name: 'mul', shapes: [[3, 4], [3, 4]], fn: (a, b) => a.mul(b) },
  { name: 'mul broadcast', shapes: [[3, 1], [1, 4]], fn: (a, b) => a.mul(b) },
  { name: 'mul same input', shapes: [[3, 4]], fn: (a) => a.mul(a) },
  { name: 'mul number', shapes: [[3, 4]], fn: (a) => a.mul(-0.75) },
  { name: 'div', shapes: [[3, 4], [3, 4]], domain: [{}, NONZERO], fn: (a, b) => a.div(b) },
  { name: 'div broadcast', shapes: [[4], [3, 1]], domain: [{}, NONZERO], fn: (a, b) => a.div(b) },
  { name: 'div number', shapes: [[3, 4]], fn: (a) => a.div(3) },
  { name: 'pow tensor', shapes: [[3, 4], [3, 4]], domain: [POSITIVE, {}], fn: (a, b) => a.pow(b) },
  { name: 'pow tensor broadcast', shapes: [[3, 1], [4]], domain: [POSITIVE, {}], fn: (a, b) => a.pow(b) },
  { name: 'pow 3', shapes: [[3, 4]], fn: (a) => a.pow(3) },
  { name: 'pow 2', shapes: [[3, 4]], fn: (a) => a.pow(2) },
  { name: 'pow 0', shapes: [[3, 4]], fn: (a) => a.pow(0) },
  { name: 'pow 0.5', shapes: [[3, 4]], domain: POSITIVE, fn: (a) => a.pow(0.5) },
  { name: 'pow -1', shapes: [[3, 4]], domain: NONZERO, fn: (a) => a.pow(-1) },
  { name: 'pow -1.5', shapes: [[3, 4]], domain: POSITIVE, fn: (a) => a.pow(-1.5) },
  { name: 'pow number base', shapes: [[3, 4]], fn: (a) => tg.pow(2, a) },
  { name: 'pow number base 0.5', shapes: [[3, 4]], fn: (a) => tg.pow(0.5, a) },
  // atan2 is smooth away from the origin: keep the second operand off 0.
  { name: 'atan2', shapes: [[3, 4], [3, 4]], domain: [{}, NONZERO], fn: (a, b) => tg.atan2(a, b) },
  { name: 'atan2 broadcast method', shapes: [[3, 1], [4]], domain: [{}, NONZERO], fn: (a, b) => a.atan2(b) },
  // Distinct random values: no ties, where maximum/minimum have a kink.
  { name: 'maximum', shapes: [[3, 4], [3, 4]], fn: (a, b) => tg.maximum(a, b) },
  { name: 'maximum broadcast', shapes: [[3, 1], [4]], fn: (a, b) => a.maximum(b) },
  { name: 'minimum', shapes: [[3, 4], [3, 4]], fn: (a, b) => tg.minimum(a, b) },
  { name: 'minimum broadcast', shapes: [[1, 4], [3, 1]], fn: (a, b) => a.minimum(b) },
  { name: 'neg', shapes: [[3, 4]], fn: (a) => a.neg() },
  { name: 'exp', shapes: [[3, 4]], fn: (a) => a.exp() },
  { name: 'log', shapes: [[3, 4]], domain: POSITIVE, fn: (a) => a.log() },
  { name: 'sqrt', shapes: [[3, 4]], domain: POSITIVE, fn: (a) => a.sqrt() },
  { name: 'abs', shapes: [[3, 4]], domain: NONZERO, fn: (a) => a.abs() },
  { name: 'sin', shapes: [[3, 4]], fn: (a) => a.sin() },
  { name: 'cos', shapes: [[3, 4]], fn: (a) => a.cos() },
  { name: 'tanh', shapes: [[3, 4]], fn: (a) => a.tanh() },
  { name: 'sigmoid', shapes: [[3, 4]], fn: (a) => a.sigmoid() },
  { name: 'relu', shapes: [[3, 4]], domain: NONZERO, fn: (a) => a.relu() },
  { name: 'square', shapes: [[3, 4]], fn: (a) => a.square() },
  { name: 'sign', shapes: [[3, 4]], domain: NONZERO, fn: (a) => a.sign() },
  { name: 'reciprocal', shapes: [[3, 4]], domain: NONZERO, fn: (a) => a.reciprocal() },
  { name: 'log1p', shapes: [[3, 4]], domain: { lo: -0.7, hi: 2 }, fn: (a) => a.log1p() },
  { name: 'expm1', shapes: [[3, 4]], fn: (a) => a.expm1() },
  { name: 'erf', shapes: [[3, 4]], fn: (a) => a.erf() },
  { name: 'clamp', shapes: [[3, 4]], domain: { avoid: [-0.5, 0.5] }, fn: (a) => a.clamp(-0.5, 0.5) },
  { name: 'clamp min', shapes: [[3, 4]], domain: { avoid: [0.2] }, fn: (a) => a.clamp(0.2) },
  { name: 'clamp max', shapes: [[3, 4]], domain: { avoid: [0.2] }, fn: (a) => a.clamp(null, 0.2) },
  { name: 'where', shapes: [[3, 4], [3, 4], [3, 4]], domain: { avoid: [0] }, fn: (c, a, b) => tg.where(c.gt(0), a, b) },
  { name: 'where broadcast', shapes: [[3, 1], [4], [3, 4]], domain: { avoid: [0] }, fn: (c, a, b) => tg.where(c.gt(0), a, b) },
  { name: 'where number', shapes: [[3, 4], [3, 4]], domain: { avoid: [0.5] }, fn: (c, a) => tg.where(c.lt(0.5), 1.5, a) },
  { name: 'functional forms', shapes: [[3, 4]], domain: POSITIVE, fn: (a) => tg.sqrt(tg.log(tg.exp(a))) },
];

export const REDUCTIONS: GradCase[] = [
  { name: 'sum', shapes: [[2, 3, 4]], fn: (a) => a.sum() },
  { name: 'sum dim', shapes: [[2, 3, 4]], fn: (a) => a.sum(1) },
  { name: 'sum dims keepdim', shapes: [[2, 3, 4]], fn: (a) => a.sum([0, -1], true) },
  { name: 'sum 0-d', shapes: [[]], fn: (a) => a.sum() },
  { name: 'mean', shapes: [[2, 3, 4]], fn: (a) => a.mean() },
  { name: 'mean dim', shapes: [[2, 3, 4]], fn: (a) => a.mean(-1) },
  { name: 'mean dims keepdim', shapes: [[2, 3, 4]], fn: (a) => a.mean([0, 2], true) },
  // Extremes: random values are distinct, so there are no ties (where the gradient is split).
  { name: 'amax', shapes: [[2, 3, 4]], layouts: NO_EXPAND, fn: (a) => a.amax() },
  { name: 'amax dim keepdim', shapes: [[2, 3, 4]], layouts: NO_EXPAND, fn: (a) => a.amax(1, true) },
  { name: 'amin dims', shapes: [[2, 3, 4]], layouts: NO_EXPAND, fn: (a) => a.amin([0, 2]) },
  { name: 'max', shapes: [[3, 4]], layouts: NO_EXPAND, fn: (a) => a.max() },
  { name: 'min', shapes: [[3, 4]], layouts: NO_EXPAND, fn: (a) => a.min() },
  { name: 'max dim values', shapes: [[3, 4]], layouts: NO_EXPAND, fn: (a) => a.max(1).values },
  { name: 'min dim keepdim values', shapes: [[3, 4]], layouts: NO_EXPAND, fn: (a) => a.min(0, true).values },
  { name: 'prod', shapes: [[3, 4]], domain: { lo: 0.5, hi: 1.5 }, fn: (a) => a.prod() },
  { name: 'prod dim', shapes: [[3, 4]], fn: (a) => a.prod(1) },
  // The product is a polynomial, smooth at zeros: rows with no, one and two zeros.
  { name: 'prod dim with zeros', shapes: [[3, 4]], data: [[1.5, -2, 0.5, 3, 0, 2, -1, 0.5, 0, 1.5, 0, 2]], fn: (a) => a.prod(1) },
  { name: 'prod one zero', shapes: [[4]], data: [[1.5, 0, -2, 0.5]], fn: (a) => a.prod() },
  { name: 'prod two zeros', shapes: [[4]], data: [[1.5, 0, -2, 0]], fn: (a) => a.prod() },
  { name: 'var', shapes: [[3, 4]], fn: (a) => a.var() },
  { name: 'var dim', shapes: [[2, 3, 4]], fn: (a) => a.var(1) },
  { name: 'var correction 0', shapes: [[3, 4]], fn: (a) => a.var({ correction: 0 }) },
  { name: 'var dims keepdim correction 2', shapes: [[2, 3, 4]], fn: (a) => a.var([0, 2], true, { correction: 2 }) },
  { name: 'std', shapes: [[3, 4]], fn: (a) => a.std() },
  { name: 'std dim correction 0', shapes: [[3, 4]], fn: (a) => a.std(1, false, { correction: 0 }) },
  { name: 'std dim keepdim', shapes: [[2, 3, 4]], fn: (a) => tg.std(a, -1, true) },
  { name: 'norm', shapes: [[3, 4]], fn: (a) => a.norm() },
  { name: 'norm p=1', shapes: [[3, 4]], domain: NONZERO, fn: (a) => a.norm(1) },
  { name: 'norm p=3 dim', shapes: [[3, 4]], fn: (a) => a.norm(3, 1) },
  { name: 'norm p=2 dim keepdim', shapes: [[2, 3, 4]], fn: (a) => a.norm(2, [0, 2], true) },
  { name: 'norm p=inf', shapes: [[3, 4]], layouts: NO_EXPAND, fn: (a) => a.norm(Infinity) },
  { name: 'norm p=inf dim', shapes: [[3, 4]], layouts: NO_EXPAND, fn: (a) => a.norm(Infinity, 0) },
  { name: 'logsumexp', shapes: [[3, 4]], fn: (a) => a.logsumexp(1) },
  { name: 'logsumexp dims keepdim', shapes: [[2, 3, 4]], fn: (a) => a.logsumexp([0, 1], true) },
  { name: 'softmax', shapes: [[3, 4]], fn: (a) => a.softmax(1) },
  { name: 'softmax dim 0', shapes: [[3, 4]], fn: (a) => tg.softmax(a, 0) },
  { name: 'softmax 3-d middle dim', shapes: [[2, 3, 4]], fn: (a) => a.softmax(-2) },
  { name: 'logSoftmax', shapes: [[3, 4]], fn: (a) => a.logSoftmax(-1) },
  { name: 'logSoftmax dim 0', shapes: [[2, 3, 4]], fn: (a) => a.logSoftmax(0) },
];

export const LINALG: GradCase[] = [
  { name: 'matmul 1-D @ 1-D', shapes: [[4], [4]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul 2-D @ 1-D', shapes: [[3, 4], [4]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul 1-D @ 2-D', shapes: [[3], [3, 4]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul 2-D @ 2-D', shapes: [[3, 4], [4, 2]], fn: (a, b) => tg.matmul(a, b) },
  { name: 'matmul 3-D @ 3-D', shapes: [[2, 3, 4], [2, 4, 2]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul 3-D @ 2-D', shapes: [[2, 3, 4], [4, 2]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul 2-D @ 3-D', shapes: [[3, 4], [2, 4, 2]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul 1-D @ 3-D', shapes: [[4], [2, 4, 3]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul 3-D @ 1-D', shapes: [[2, 3, 4], [4]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul broadcast batch', shapes: [[2, 1, 3, 4], [3, 4, 2]], fn: (a, b) => a.matmul(b) },
  { name: 'matmul same input', shapes: [[3, 3]], fn: (a) => a.matmul(a) },
  { name: 'mm', shapes: [[3, 4], [4, 2]], fn: (a, b) => a.mm(b) },
  { name: 'addmm', shapes: [[3, 2], [3, 4], [4, 2]], fn: (c, a, b) => tg.addmm(c, a, b) },
  { name: 'addmm broadcast bias', shapes: [[2], [3, 4], [4, 2]], fn: (c, a, b) => tg.addmm(c, a, b) },
  { name: 't', shapes: [[3, 4]], fn: (a) => a.t() },
  { name: 't 1-D', shapes: [[4]], fn: (a) => a.t().mul(2) },
  { name: 'outer', shapes: [[3], [4]], fn: (a, b) => tg.outer(a, b) },
];

export const SHAPE: GradCase[] = [
  { name: 'reshape', shapes: [[3, 4]], fn: (a) => a.reshape(2, -1, 2) },
  { name: 'view', shapes: [[3, 4]], layouts: ['contiguous'], fn: (a) => a.view([4, 3]) },
  { name: 'view of a permuted-back tensor', shapes: [[2, 3, 4]], fn: (a) => a.transpose(1, 2).contiguous().view(2, 12) },
  { name: 'transpose', shapes: [[2, 3, 4]], fn: (a) => a.transpose(0, -1) },
  { name: 'permute', shapes: [[2, 3, 4]], fn: (a) => a.permute(2, 0, 1) },
  { name: 'squeeze', shapes: [[3, 1, 4]], fn: (a) => a.squeeze() },
  { name: 'squeeze dim', shapes: [[3, 1, 4]], fn: (a) => a.squeeze(1) },
  { name: 'unsqueeze', shapes: [[3, 4]], fn: (a) => a.unsqueeze(1) },
  { name: 'expand', shapes: [[3, 1]], fn: (a) => a.expand(2, 3, 4) },
  { name: 'expand -1', shapes: [[1, 4]], fn: (a) => a.expand([3, -1]) },
  { name: 'flatten', shapes: [[2, 3, 4]], fn: (a) => a.flatten() },
  { name: 'flatten dims', shapes: [[2, 3, 4]], fn: (a) => tg.flatten(a, 1, 2) },
  { name: 'narrow', shapes: [[3, 5]], fn: (a) => a.narrow(1, 1, 3) },
  { name: 'narrow negative start', shapes: [[5, 3]], fn: (a) => a.narrow(0, -3, 2) },
  { name: 'select', shapes: [[3, 4]], fn: (a) => a.select(1, 2) },
  { name: 'select negative', shapes: [[3, 4]], fn: (a) => a.select(0, -1) },
  { name: 'contiguous', shapes: [[3, 4]], fn: (a) => a.t().contiguous() },
  { name: 'clone', shapes: [[3, 4]], fn: (a) => a.clone() },
  { name: 'cat', shapes: [[2, 3], [4, 3]], fn: (a, b) => tg.cat([a, b]) },
  { name: 'cat dim -1', shapes: [[3, 2], [3, 4], [3, 1]], fn: (a, b, c) => tg.cat([a, b, c], -1) },
  { name: 'cat same input', shapes: [[2, 3]], fn: (a) => tg.cat([a, a.mul(2)], 1) },
  { name: 'stack', shapes: [[3, 4], [3, 4]], fn: (a, b) => tg.stack([a, b]) },
  { name: 'stack dim -1', shapes: [[3, 4], [3, 4]], fn: (a, b) => tg.stack([a, b], -1) },
  { name: 'indexSelect repeats', shapes: [[4, 3]], fn: (a) => a.indexSelect(0, int32([3, 0, 3, 1])) },
  { name: 'indexSelect dim 1', shapes: [[3, 4]], fn: (a) => a.indexSelect(1, int32([2, 2, 0])) },
  { name: 'gather repeats', shapes: [[3, 4]], fn: (a) => a.gather(1, int32([[0, 0, 3], [1, 2, 1], [3, 3, 3]])) },
  { name: 'gather dim 0', shapes: [[3, 4]], fn: (a) => a.gather(0, int32([[2, 0, 1, 1], [0, 0, 2, 1]])) },
  // A float32 round trip rounds to float32, so a larger step keeps the difference quotient accurate.
  { name: 'to float32 and back', shapes: [[3, 4]], eps: 1e-2, fn: (a) => a.to('float32').mul(3).to('float64') },
  { name: 'float() and double()', shapes: [[3, 4]], eps: 1e-2, fn: (a) => a.float().exp().double() },
];

const REDUCTIONS3 = ['mean', 'sum', 'none'] as const;
const target = int32([1, 0, 4, 2]);

export const FUNCTIONAL: GradCase[] = [
  { name: 'linear 1-D', shapes: [[3], [2, 3], [2]], fn: (x, w, b) => F.linear(x, w, b) },
  { name: 'linear 2-D', shapes: [[4, 3], [2, 3], [2]], fn: (x, w, b) => F.linear(x, w, b) },
  { name: 'linear 2-D no bias', shapes: [[4, 3], [2, 3]], fn: (x, w) => F.linear(x, w) },
  { name: 'linear 3-D', shapes: [[2, 4, 3], [2, 3], [2]], fn: (x, w, b) => F.linear(x, w, b) },
  { name: 'linear 3-D non-contiguous', shapes: [[4, 2, 3], [2, 3], [2]], fn: (x, w, b) => F.linear(x.transpose(0, 1), w, b) },
  { name: 'linear 4-D no bias', shapes: [[2, 1, 2, 3], [2, 3]], fn: (x, w) => F.linear(x, w, null) },
  // Losses are compositions of ops checked above in every layout: two layouts suffice.
  ...REDUCTIONS3.flatMap((reduction): GradCase[] => [
    { name: `mseLoss ${reduction}`, shapes: [[3, 4], [3, 4]], fn: (a, b) => F.mseLoss(a, b, { reduction }) },
    { name: `l1Loss ${reduction}`, shapes: [[3, 4], [3, 4]], fn: (a, b) => F.l1Loss(a, b, { reduction }) },
    {
      name: `smoothL1Loss ${reduction}`,
      shapes: [[3, 4], [3, 4]],
      data: [[-2, -1.2, -0.7, -0.3, 0.2, 0.6, 1.1, 1.9, 2.5, -3, 0.05, 1.4], new Array(12).fill(0)],
      fn: (a, b) => F.smoothL1Loss(a, b, { reduction, beta: 0.8 }),
    },
    {
      name: `huberLoss ${reduction}`,
      shapes: [[3, 4], [3, 4]],
      data: [[-2, -1.2, -0.7, -0.3, 0.2, 0.6, 1.1, 1.9, 2.5, -3, 0.05, 1.4], new Array(12).fill(0)],
      fn: (a, b) => F.huberLoss(a, b, { reduction, delta: 0.8 }),
    },
    { name: `binaryCrossEntropy ${reduction}`, shapes: [[3, 4], [3, 4]], domain: PROB, fn: (p, y) => F.binaryCrossEntropy(p, y, { reduction }) },
    {
      name: `binaryCrossEntropy weight ${reduction}`,
      shapes: [[3, 4], [3, 4]],
      domain: PROB,
      fn: (p, y) => F.binaryCrossEntropy(p, y, { reduction, weight: f64([0.5, 1, 2, 0.25]) }),
    },
    { name: `bceWithLogits ${reduction}`, shapes: [[3, 4], [3, 4]], domain: [{}, PROB], fn: (x, y) => F.binaryCrossEntropyWithLogits(x, y, { reduction }) },
    {
      name: `bceWithLogits weight posWeight ${reduction}`,
      shapes: [[3, 4], [3, 4]],
      domain: [{}, PROB],
      fn: (x, y) => F.binaryCrossEntropyWithLogits(x, y, { reduction, weight: f64([2, 1, 0.5, 1]), posWeight: f64([1, 3, 0.5, 2]) }),
    },
    { name: `crossEntropy ${reduction}`, shapes: [[4, 5]], fn: (x) => F.crossEntropy(x, target, { reduction }) },
    { name: `crossEntropy labelSmoothing ${reduction}`, shapes: [[4, 5]], fn: (x) => F.crossEntropy(x, target, { reduction, labelSmoothing: 0.2 }) },
    {
      name: `crossEntropy weight ignoreIndex ${reduction}`,
      shapes: [[4, 5]],
      fn: (x) => F.crossEntropy(x, int32([1, -100, 4, 2]), { reduction, weight: f64([1, 2, 0.5, 1, 3]) }),
    },
    {
      name: `crossEntropy weight labelSmoothing ignoreIndex ${reduction}`,
      shapes: [[4, 5]],
      fn: (x) => F.crossEntropy(x, int32([1, 3, 4, 3]), { reduction, weight: f64([1, 2, 0.5, 1, 3]), labelSmoothing: 0.1, ignoreIndex: 3 }),
    },
    { name: `crossEntropy [N, C, d] ${reduction}`, shapes: [[2, 3, 4]], fn: (x) => F.crossEntropy(x, int32([[0, 2, 1, 1], [2, 2, 0, 1]]), { reduction }) },
    { name: `crossEntropy unbatched ${reduction}`, shapes: [[5]], fn: (x) => F.crossEntropy(x, tg.tensor(3, { dtype: 'int32' }), { reduction }) },
    { name: `nllLoss ${reduction}`, shapes: [[4, 5]], fn: (x) => F.nllLoss(x, target, { reduction }) },
    {
      name: `nllLoss weight ignoreIndex ${reduction}`,
      shapes: [[4, 5]],
      fn: (x) => F.nllLoss(x, target, { reduction, weight: f64([1, 2, 0.5, 1, 3]), ignoreIndex: 0 }),
    },
  ]).map((c) => ({ ...c, layouts: ['contiguous', 'transposed'] as const })),
  { name: 'relu', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.relu(x) },
  { name: 'leakyRelu', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.leakyRelu(x) },
  { name: 'leakyRelu slope', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.leakyRelu(x, 0.3) },
  { name: 'gelu', shapes: [[3, 4]], fn: (x) => F.gelu(x) },
  { name: 'gelu tanh', shapes: [[3, 4]], fn: (x) => F.gelu(x, { approximate: 'tanh' }) },
  { name: 'silu', shapes: [[3, 4]], fn: (x) => F.silu(x) },
  { name: 'softplus', shapes: [[3, 4]], fn: (x) => F.softplus(x) },
  { name: 'softplus beta threshold', shapes: [[3, 4]], domain: { lo: -3, hi: 3, avoid: [1] }, fn: (x) => F.softplus(x, 2, 2) },
  { name: 'softplus above threshold', shapes: [[3, 4]], domain: { lo: 19, hi: 25, avoid: [20] }, fn: (x) => F.softplus(x) },
  { name: 'elu', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.elu(x) },
  { name: 'elu alpha', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.elu(x, 1.5) },
  { name: 'sigmoid, tanh, softmax, logSoftmax', shapes: [[3, 4]], fn: (x) => F.logSoftmax(F.softmax(F.tanh(F.sigmoid(x)), 1), 0) },
];

// Normalisation, embedding, attention and recurrent cells (lib/ops/norm.ts, attention.ts,
// recurrent.ts): their fused kernels in backward, and the tensor-op backward that
// createGraph records (gradgradcheck).
const ids = int32([[1, 4, 1], [0, 2, 4]]);
const boolMask = tg.tensor([[1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 1]]).gt(0.5);
export const LAYERS: GradCase[] = [
  { name: 'batchNorm training', shapes: [[4, 3, 2], [3], [3]], fn: (x, w, b) => F.batchNorm(x, null, null, w, b, true) },
  { name: 'batchNorm training 2-D no affine', shapes: [[5, 3]], fn: (x) => F.batchNorm(x, null, null, null, null, true) },
  { name: 'batchNorm training running stats', shapes: [[3, 2, 2, 2], [2]], fn: (x, w) => F.batchNorm(x, tg.zeros(2, { dtype: 'float64' }), tg.ones(2, { dtype: 'float64' }), w, null, true) },
  { name: 'batchNorm eval', shapes: [[4, 3, 2], [3], [3]], fn: (x, w, b) => F.batchNorm(x, f64([0.5, -1, 0.25]), f64([1.5, 0.5, 2]), w, b) },
  { name: 'instanceNorm', shapes: [[2, 3, 4], [3], [3]], fn: (x, w, b) => F.instanceNorm(x, null, null, w, b) },
  { name: 'layerNorm', shapes: [[3, 4], [4], [4]], fn: (x, w, b) => F.layerNorm(x, [4], w, b) },
  { name: 'layerNorm 2 dims no affine', shapes: [[2, 3, 4]], fn: (x) => F.layerNorm(x, [3, 4]) },
  { name: 'groupNorm', shapes: [[2, 4, 3], [4], [4]], fn: (x, w, b) => F.groupNorm(x, 2, w, b) },
  { name: 'groupNorm weight only', shapes: [[2, 6], [6]], fn: (x, w) => F.groupNorm(x, 3, w, null) },
  { name: 'embedding', shapes: [[5, 3]], fn: (w) => F.embedding(ids, w) },
  // The padding row's gradient is 0 by definition (not the derivative): the padding index is one the indices miss.
  { name: 'embedding paddingIdx', shapes: [[5, 3]], fn: (w) => F.embedding(ids, w, { paddingIdx: 3 }) },
  { name: 'scaledDotProductAttention', shapes: [[2, 3, 4], [2, 4, 4], [2, 4, 5]], fn: (q, k, v) => F.scaledDotProductAttention(q, k, v) },
  { name: 'scaledDotProductAttention causal', shapes: [[1, 4, 3], [1, 4, 3], [1, 4, 2]], fn: (q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }) },
  { name: 'scaledDotProductAttention bool mask', shapes: [[3, 2], [4, 2], [4, 2]], fn: (q, k, v) => F.scaledDotProductAttention(q, k, v, { attnMask: boolMask }) },
  { name: 'scaledDotProductAttention float mask', shapes: [[3, 2], [4, 2], [4, 2], [3, 4]], fn: (q, k, v, m) => F.scaledDotProductAttention(q, k, v, { attnMask: m }) },
  { name: 'lstmCell h', shapes: [[2, 3], [2, 4], [2, 4], [16, 3], [16, 4], [16], [16]], fn: (x, h, c, wi, wh, bi, bh) => F.lstmCell(x, [h, c], wi, wh, bi, bh)[0] },
  { name: 'lstmCell c', shapes: [[2, 3], [2, 4], [2, 4], [16, 3], [16, 4], [16], [16]], fn: (x, h, c, wi, wh, bi, bh) => F.lstmCell(x, [h, c], wi, wh, bi, bh)[1] },
  { name: 'lstmCell two steps no bias', shapes: [[2, 3], [2, 2], [2, 2], [8, 3], [8, 2]], fn: (x, h, c, wi, wh) => F.lstmCell(x, F.lstmCell(x, [h, c], wi, wh), wi, wh)[0] },
  { name: 'gruCell', shapes: [[2, 3], [2, 4], [12, 3], [12, 4], [12], [12]], fn: (x, h, wi, wh, bi, bh) => F.gruCell(x, h, wi, wh, bi, bh) },
  { name: 'gruCell no bias', shapes: [[2, 3], [2, 2], [6, 3], [6, 2]], fn: (x, h, wi, wh) => F.gruCell(x, h, wi, wh) },
  { name: 'rnnTanhCell', shapes: [[2, 3], [2, 4], [4, 3], [4, 4], [4], [4]], fn: (x, h, wi, wh, bi, bh) => F.rnnTanhCell(x, h, wi, wh, bi, bh) },
];

/** The case tables with their group names, for describe.each. */
export const GROUPS: readonly (readonly [string, GradCase[]])[] = [
  ['elementwise', ELEMENTWISE],
  ['reductions', REDUCTIONS],
  ['linear algebra', LINALG],
  ['shape', SHAPE],
  ['nn.functional', FUNCTIONAL],
  ['layers', LAYERS],
];

/** A case by name, for the second-order tables. */
export function gradCase(name: string): GradCase {
  const c = GROUPS.flatMap(([, cases]) => cases).find((k) => k.name === name);
  if (!c) throw new Error(`no gradcheck case named ${name}`);
  return c;
}
