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

const bools = (v: number[] | number[][]) => tg.tensor(v, { dtype: 'bool' });

// Indexing (lib/ops/subscript.ts, scatter.ts, copyslices.ts). Index tensors avoid repeated
// positions where the op overwrites (scatter, indexPut without accumulate): PyTorch leaves
// the winner unspecified there, so the gradient is not a function of the inputs.
export const INDEXING: GradCase[] = [
  { name: 'index int slice step', shapes: [[3, 5]], fn: (a) => a.index(1, tg.slice(null, null, 2)) },
  { name: 'index slice None ellipsis', shapes: [[2, 3, 4]], fn: (a) => a.index(tg.slice(-1), null, '...', tg.slice(1, 3)) },
  { name: 'index string', shapes: [[3, 5]], fn: (a) => a.index(':, 1:4:2, None') },
  { name: 'index ellipsis alone', shapes: [[3, 4]], fn: (a) => a.index('...') },
  { name: 'index tensor repeats', shapes: [[4, 3]], fn: (a) => a.index(int32([2, 0, 2, -1])) },
  { name: 'index tensors separated', shapes: [[3, 4, 5]], fn: (a) => a.index(int32([0, 2, 2]), ':', int32([[1], [3]])) },
  { name: 'index tensors adjacent middle', shapes: [[2, 4, 5, 3]], fn: (a) => a.index(':', int32([0, 3]), int32([4, 1])) },
  { name: 'index int then tensor', shapes: [[2, 3, 4]], fn: (a) => a.index(1, ':', int32([3, 0, 3])) },
  { name: 'index mask', shapes: [[3, 4]], fn: (a) => a.index(bools([[1, 0, 0, 1], [0, 0, 0, 0], [1, 1, 1, 0]])) },
  { name: 'index mask rows', shapes: [[3, 4]], fn: (a) => a.index(bools([1, 0, 1]), tg.slice(1)) },
  { name: 'indexPut tensor', shapes: [[4, 3], [2, 3]], fn: (a, v) => a.indexPut([int32([3, 1])], v) },
  { name: 'indexPut tensors broadcast value', shapes: [[4, 5], [1]], fn: (a, v) => a.indexPut([int32([0, 2, 3]), int32([4, 4, 0])], v) },
  { name: 'indexPut accumulate repeats', shapes: [[4, 3], [3, 3]], fn: (a, v) => a.indexPut([int32([1, 1, 3])], v, true) },
  { name: 'indexPut slice broadcast row', shapes: [[5, 4], [4]], fn: (a, v) => a.indexPut([tg.slice(1, 4)], v) },
  { name: 'indexPut mask number', shapes: [[3, 4]], fn: (a) => a.indexPut(a.detach().gt(0), 0.5) },
  { name: 'indexPut int then tensor', shapes: [[3, 4, 5], [4, 2]], fn: (a, v) => a.indexPut([0, ':', int32([1, 3])], v) },
  { name: 'maskedFill number', shapes: [[3, 4]], fn: (a) => a.maskedFill(bools([1, 0, 0, 1]), -2) },
  { name: 'maskedFill tensor value', shapes: [[3, 4], []], fn: (a, v) => a.maskedFill(bools([[1, 0, 0, 1], [0, 1, 0, 0], [1, 1, 1, 0]]), v) },
  { name: 'maskedFill_ on a copy', shapes: [[3, 4], []], fn: (a, v) => a.mul(1).maskedFill_(bools([0, 1, 1, 0]), v) },
  { name: 'maskedSelect broadcast', shapes: [[3, 4]], fn: (a) => a.maskedSelect(bools([1, 0, 1, 1])) },
  { name: 'scatter src', shapes: [[3, 4], [2, 4]], fn: (a, s) => a.scatter(0, int32([[2, 0, 1, 1], [0, 1, 2, 0]]), s) },
  { name: 'scatter value', shapes: [[3, 4]], fn: (a) => a.scatter(1, int32([[3], [0], [2]]), 1.5) },
  { name: 'scatterAdd repeats', shapes: [[3, 4], [2, 3]], fn: (a, s) => a.scatterAdd(1, int32([[0, 0, 3], [1, 2, 1]]), s) },
  { name: 'scatterAdd_ on a copy', shapes: [[5], [4]], fn: (a, s) => a.mul(1).scatterAdd_(0, int32([4, 0, 4, 2]), s) },
  { name: 'indexAdd alpha repeats', shapes: [[4, 3], [3, 3]], fn: (a, s) => a.indexAdd(0, int32([3, 0, 3]), s, { alpha: -2 }) },
  { name: 'indexFill number', shapes: [[3, 4]], fn: (a) => a.indexFill(1, int32([0, -1]), 2) },
  { name: 'indexFill tensor value', shapes: [[3, 4], []], fn: (a, v) => a.indexFill(0, int32([2, 0]), v) },
  { name: 'take negative repeats', shapes: [[3, 4]], fn: (a) => a.take(int32([[0, -1], [5, 5]])) },
  { name: 'takeAlongDim', shapes: [[3, 4]], fn: (a) => a.takeAlongDim(int32([[0], [3], [2]]), 1) },
  { name: 'takeAlongDim broadcast', shapes: [[1, 4]], fn: (a) => a.takeAlongDim(int32([[0, 3], [2, 2]]), 1) },
  { name: 'takeAlongDim flattened', shapes: [[3, 4]], fn: (a) => a.takeAlongDim(int32([11, 0, 5])) },
  { name: 't 0-D', shapes: [[]], fn: (a) => a.t().mul(3) },
  // CopySlices: an in-place op on a view of a tensor in the graph.
  { name: 'copySlices mul_ of a row', shapes: [[3, 4], [4]], fn: (a, b) => { const x = a.mul(1); x.index(1).mul_(b); return x.mul(x); } },
  { name: 'copySlices copy_ into strided view', shapes: [[4, 5], [2, 3]], fn: (a, b) => { const x = a.mul(2); x.index('::2, 1:4').copy_(b); return x.mul(x); } },
  { name: 'copySlices then read another view', shapes: [[3, 4]], fn: (a) => { const x = a.mul(2); const row = x.index(0); x.index(':, 1').mul_(a.index(':, 2')); return row.mul(x.index(2)); } },
  // A base laid out column-major (.data of a transpose owns no base of its own): the gradient
  // is laid out as the base before the view's region is read and written.
  { name: 'copySlices into a non-contiguous base', shapes: [[3, 4], [4]], fn: (a, b) => { const z = tg.zeros([4, 3], { dtype: 'float64' }).t().data; z.add_(a); z.index(1).mul_(b); return z.mul(z); } },
  { name: 'indexPut_ of a view of a copy', shapes: [[3, 4], [2]], fn: (a, v) => { const x = a.clone(); x.index(1).indexPut_([int32([0, 3])], v); return x; } },
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

// Issue 14.2's ops. Sorting selects by value: distinct random values (no ties), and no
// 'expanded' layout (which repeats values). Kinks are avoided as above.
export const VOCAB: GradCase[] = [
  { name: 'sort values', shapes: [[3, 5]], layouts: NO_EXPAND, fn: (a) => a.sort(1).values },
  { name: 'sort descending dim 0 stable', shapes: [[4, 3]], layouts: NO_EXPAND, fn: (a) => a.sort(0, true, { stable: true })[0] },
  { name: 'topk', shapes: [[3, 6]], layouts: NO_EXPAND, fn: (a) => a.topk(2).values },
  { name: 'topk smallest dim 0', shapes: [[5, 4]], layouts: NO_EXPAND, fn: (a) => tg.topk(a, 3, 0, false)[0] },
  { name: 'cumsum', shapes: [[3, 4]], fn: (a) => a.cumsum(1) },
  { name: 'cumsum dim 0 3-d', shapes: [[2, 3, 4]], fn: (a) => tg.cumsum(a, -2) },
  { name: 'cumprod', shapes: [[3, 4]], domain: NONZERO, fn: (a) => a.cumprod(1) },
  // The product is a polynomial, smooth at zeros: rows with one and two zeros take the exact form.
  { name: 'cumprod with zeros', shapes: [[3, 4]], data: [[1.5, 0, -2, 0.5, 0, 2, 0, 1.5, 0.5, -1, 1.25, 2]], fn: (a) => a.cumprod(1) },
  { name: 'cumprod with zeros dim 0', shapes: [[4, 2]], data: [[2, 0.5, 0, -1, 3, 0, -0.5, 2]], fn: (a) => a.cumprod(0) },
  { name: 'einsum bmm', shapes: [[2, 3, 4], [2, 4, 5]], fn: (a, b) => tg.einsum('bij,bjk->bik', a, b) },
  { name: 'einsum trace', shapes: [[4, 4]], fn: (a) => tg.einsum('ii->', a) },
  { name: 'einsum diagonal', shapes: [[4, 4]], fn: (a) => tg.einsum('ii->i', a) },
  { name: 'einsum bilinear', shapes: [[2, 3], [4, 3, 5], [2, 5]], fn: (a, b, c) => tg.einsum('bi,oij,bj->bo', a, b, c) },
  { name: 'einsum ellipsis', shapes: [[2, 3, 4], [4, 5]], fn: (a, b) => tg.einsum('...ij,...jk', a, b) },
  { name: 'einsum outer and sum', shapes: [[3], [2, 4]], fn: (a, b) => tg.einsum('i,jk->ki', a, b) },
  { name: 'flip', shapes: [[2, 3, 4]], fn: (a) => a.flip([0, 2]) },
  { name: 'roll', shapes: [[2, 3, 4]], fn: (a) => a.roll([1, -2], [0, 2]) },
  { name: 'roll flat', shapes: [[3, 4]], fn: (a) => a.roll(5) },
  { name: 'repeat', shapes: [[2, 3]], fn: (a) => a.repeat([2, 1, 3]) },
  { name: 'tile', shapes: [[2, 3]], fn: (a) => a.tile([2]) },
  { name: 'tril', shapes: [[3, 4]], fn: (a) => a.tril() },
  { name: 'triu batched diagonal 1', shapes: [[2, 3, 3]], fn: (a) => a.triu(1) },
  { name: 'chunk', shapes: [[5, 2]], fn: (a) => a.chunk(3)[2].mul(a.chunk(3)[0].sum()) },
  { name: 'split sizes', shapes: [[2, 6]], fn: (a) => tg.cat([a.split([1, 2, 3], 1)[2], a.split(2, 1)[0]], 1) },
  { name: 'diff n 2', shapes: [[3, 5]], fn: (a) => a.diff(2, 1) },
  { name: 'diff prepend append', shapes: [[3, 4], [3, 1], [3, 2]], fn: (a, p, q) => a.diff(1, -1, p, q) },
  { name: 'lerp number weight', shapes: [[3, 4], [3, 4]], fn: (a, b) => a.lerp(b, 0.3) },
  { name: 'lerp number weight above 0.5', shapes: [[3, 4], [4]], fn: (a, b) => a.lerp(b, 0.8) },
  { name: 'lerp tensor weight', shapes: [[2, 3], [3], [2, 1]], domain: [{}, {}, { avoid: [-0.5, 0.5] }], fn: (a, b, w) => a.lerp(b, w) },
  { name: 'logaddexp', shapes: [[2, 3], [3, 1, 1]], fn: (a, b) => a.logaddexp(b) },
  { name: 'rsqrt', shapes: [[3, 4]], domain: POSITIVE, fn: (a) => a.rsqrt() },
  { name: 'sinh', shapes: [[3, 4]], fn: (a) => a.sinh() },
  { name: 'cosh', shapes: [[3, 4]], fn: (a) => a.cosh() },
  { name: 'asin', shapes: [[3, 4]], domain: { lo: -0.9, hi: 0.9 }, fn: (a) => a.asin() },
  { name: 'acos', shapes: [[3, 4]], domain: { lo: -0.9, hi: 0.9 }, fn: (a) => a.acos() },
  { name: 'atan', shapes: [[3, 4]], fn: (a) => a.atan() },
  // Piecewise constant: the gradient is 0 (away from the jumps).
  { name: 'floor, ceil, round in a product', shapes: [[3, 4]], domain: { avoid: [-1.5, -1, -0.5, 0, 0.5, 1, 1.5] }, fn: (a) => a.floor().add(a.ceil()).add(a.round()).mul(a) },
  { name: 'clamp tensor bounds', shapes: [[3, 4], [3, 4], [4]], domain: [{}, { lo: -3, hi: -0.5 }, { lo: 0.5, hi: 3 }], fn: (x, lo, hi) => tg.clamp(x, lo, hi) },
  { name: 'clamp tensor min only', shapes: [[3, 4], [4]], fn: (x, lo) => x.clamp(lo.add(0.05)) },
  { name: 'clamp tensor crossed bounds', shapes: [[6], [6], [6]], domain: [{}, { lo: 0.5, hi: 1 }, { lo: -1, hi: -0.5 }], fn: (x, lo, hi) => tg.clamp(x, lo, hi) },
  { name: 'hardtanh', shapes: [[3, 4]], domain: { avoid: [-1, 1] }, fn: (x) => F.hardtanh(x) },
  { name: 'hardtanh bounds', shapes: [[3, 4]], domain: { avoid: [-0.5, 0.25] }, fn: (x) => F.hardtanh(x, -0.5, 0.25) },
  { name: 'softsign', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.softsign(x) },
  { name: 'logSigmoid', shapes: [[3, 4]], fn: (x) => F.logSigmoid(x) },
  { name: 'mish', shapes: [[3, 4]], fn: (x) => F.mish(x) },
  { name: 'hardswish', shapes: [[3, 4]], domain: { lo: -4, hi: 4, avoid: [-3, 3] }, fn: (x) => F.hardswish(x) },
  { name: 'selu', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.selu(x) },
  { name: 'celu', shapes: [[3, 4]], domain: NONZERO, fn: (x) => F.celu(x, 0.5) },
  { name: 'prelu one weight', shapes: [[3, 4], [1]], domain: [NONZERO, {}], fn: (x, w) => F.prelu(x, w) },
  { name: 'prelu channel weights', shapes: [[2, 3, 5], [3]], domain: [NONZERO, {}], fn: (x, w) => F.prelu(x, w) },
  { name: 'normalize', shapes: [[3, 4]], fn: (x) => F.normalize(x) },
  { name: 'normalize p 1 dim 0', shapes: [[4, 3]], domain: NONZERO, fn: (x) => F.normalize(x, { p: 1, dim: 0 }) },
  { name: 'cosineSimilarity broadcast', shapes: [[3, 4], [1, 4]], fn: (a, b) => F.cosineSimilarity(a, b) },
  { name: 'pairwiseDistance', shapes: [[3, 4], [3, 4]], fn: (a, b) => F.pairwiseDistance(a, b) },
  { name: 'pairwiseDistance p 1 keepdim', shapes: [[4, 3], [4, 3]], fn: (a, b) => F.pairwiseDistance(a, b, { p: 1, keepdim: true }) },
  { name: 'cdist', shapes: [[4, 3], [5, 3]], fn: (a, b) => tg.cdist(a, b) },
  { name: 'cdist batched broadcast', shapes: [[2, 4, 3], [1, 5, 3]], fn: (a, b) => tg.cdist(a, b) },
  { name: 'cdist p 1', shapes: [[3, 4], [2, 4]], fn: (a, b) => tg.cdist(a, b, 1) },
  { name: 'cdist p 3', shapes: [[3, 2], [4, 2]], fn: (a, b) => tg.cdist(a, b, { p: 3 }) },
  { name: 'cdist p inf', shapes: [[3, 2], [4, 2]], layouts: NO_EXPAND, fn: (a, b) => tg.cdist(a, b, Infinity) },
  { name: 'pad constant', shapes: [[2, 3, 4]], fn: (x) => F.pad(x, [1, 2], { value: 0.5 }) },
  { name: 'pad constant negative crops', shapes: [[2, 5]], fn: (x) => F.pad(x, [-1, 2, 1, -1]) },
  { name: 'pad reflect', shapes: [[1, 2, 5]], fn: (x) => F.pad(x, [2, 1], { mode: 'reflect' }) },
  { name: 'pad reflect 2-d', shapes: [[1, 2, 4, 4]], fn: (x) => F.pad(x, [1, 2, 3, 1], 'reflect') },
  { name: 'pad replicate 3-d', shapes: [[1, 1, 2, 3, 2]], fn: (x) => F.pad(x, [1, 1, 0, 2, 1, 0], { mode: 'replicate' }) },
];

// Convolution, pooling, sliding blocks, resampling (lib/nn/conv.ts). Max pooling has a
// kink where two window elements tie: random distinct values keep off it ('expanded'
// leaves would repeat values, so those cases skip that layout).
export const LAYERS: GradCase[] = [
  { name: 'conv1d bias', shapes: [[2, 3, 7], [4, 3, 3], [4]], fn: (x, w, b) => F.conv1d(x, w, b) },
  { name: 'conv1d stride padding dilation', shapes: [[2, 2, 9], [3, 2, 3]], fn: (x, w) => F.conv1d(x, w, null, { stride: 2, padding: 2, dilation: 2 }) },
  { name: 'conv1d groups same even kernel', shapes: [[1, 4, 7], [4, 2, 4], [4]], fn: (x, w, b) => F.conv1d(x, w, b, { groups: 2, padding: 'same' }) },
  { name: 'conv2d padding bias', shapes: [[2, 2, 5, 5], [3, 2, 3, 3], [3]], fn: (x, w, b) => F.conv2d(x, w, b, { padding: 1 }) },
  { name: 'conv2d stride 2,1 padding 1,0', shapes: [[1, 2, 6, 5], [2, 2, 3, 2]], fn: (x, w) => F.conv2d(x, w, null, { stride: [2, 1], padding: [1, 0] }) },
  { name: 'conv2d depthwise dilation', shapes: [[2, 3, 6, 6], [3, 1, 2, 2], [3]], fn: (x, w, b) => F.conv2d(x, w, b, { groups: 3, dilation: 2, padding: 1 }) },
  { name: 'conv2d unbatched same', shapes: [[2, 4, 5], [2, 2, 2, 3]], fn: (x, w) => F.conv2d(x, w, null, { padding: 'same' }) },
  { name: 'convTranspose2d stride padding outputPadding', shapes: [[1, 3, 3, 3], [3, 2, 3, 3], [2]], fn: (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }) },
  { name: 'convTranspose2d groups dilation', shapes: [[2, 4, 3, 2], [4, 1, 2, 2]], fn: (x, w) => F.convTranspose2d(x, w, null, { groups: 2, dilation: 2 }) },
  { name: 'maxPool1d padding stride', shapes: [[2, 2, 7]], layouts: NO_EXPAND, fn: (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 }) },
  { name: 'maxPool2d overlapping', shapes: [[1, 2, 5, 5]], layouts: NO_EXPAND, fn: (x) => F.maxPool2d(x, 3, { stride: 1 }) },
  { name: 'maxPool2d dilation ceilMode', shapes: [[1, 1, 7, 6]], layouts: NO_EXPAND, fn: (x) => F.maxPool2d(x, 2, { stride: 2, dilation: 2, ceilMode: true }) },
  { name: 'avgPool1d ceilMode', shapes: [[1, 2, 6]], fn: (x) => F.avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true }) },
  { name: 'avgPool2d no countIncludePad', shapes: [[2, 1, 5, 5]], fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }) },
  { name: 'adaptiveAvgPool2d', shapes: [[1, 2, 5, 7]], fn: (x) => F.adaptiveAvgPool2d(x, [3, 4]) },
  { name: 'adaptiveMaxPool2d', shapes: [[1, 2, 5, 7]], layouts: NO_EXPAND, fn: (x) => F.adaptiveMaxPool2d(x, [3, 4]) },
  { name: 'unfold padding stride', shapes: [[1, 2, 4, 5]], fn: (x) => F.unfold(x, [2, 3], { padding: 1, stride: [2, 1] }) },
  { name: 'fold overlapping', shapes: [[2, 4, 18]], fn: (x) => F.fold(x, [4, 5], 2, { padding: 1, stride: [2, 1] }) },
  { name: 'interpolate nearest 1-d', shapes: [[1, 2, 5]], fn: (x) => F.interpolate(x, { scaleFactor: 1.7 }) },
  { name: 'interpolate nearest 2-d', shapes: [[1, 1, 3, 4]], fn: (x) => F.interpolate(x, { size: [5, 3] }) },
  { name: 'interpolate bilinear', shapes: [[1, 2, 3, 4]], fn: (x) => F.interpolate(x, { size: [5, 7], mode: 'bilinear' }) },
  { name: 'interpolate bilinear alignCorners', shapes: [[1, 1, 4, 3]], fn: (x) => F.interpolate(x, { scaleFactor: [1.5, 2], mode: 'bilinear', alignCorners: true }) },
];

// Normalisation, embedding, attention and recurrent cells (lib/ops/norm.ts, attention.ts,
// recurrent.ts): their fused kernels in backward, and the tensor-op backward that
// createGraph records (gradgradcheck).
const ids = int32([[1, 4, 1], [0, 2, 4]]);
const boolMask = tg.tensor([[1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 1]]).gt(0.5);
export const SEQUENCE_LAYERS: GradCase[] = [
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
  ['indexing', INDEXING],
  ['nn.functional', FUNCTIONAL],
  ['op vocabulary (issue 14.2)', VOCAB],
  ['convolution and pooling layers', LAYERS],
  ['normalisation, embedding, attention and recurrent layers', SEQUENCE_LAYERS],
];

/** A case by name, for the second-order tables. */
export function gradCase(name: string): GradCase {
  const c = GROUPS.flatMap(([, cases]) => cases).find((k) => k.name === name);
  if (!c) throw new Error(`no gradcheck case named ${name}`);
  return c;
}
