// Matrix products. One op covers every matmul form: 1-D operands are treated as a row
// (left) or column (right) vector and the added dim is dropped, batch dims broadcast.
// The native GEMM takes strides, so transposed operands are never copied. PyTorch names
// the grad_fn after the path it takes, so the name depends on the operand ranks.
import { Tensor } from '../tensor';
import { bool, isFloating, isIntegral, scalarTypeName } from '../dtype';
import { defineOp } from '../autograd/function';
import { fmtShape, opError, opTypeError } from '../check';
import { broadcastShapes, contiguousStrides } from '../layout';
import * as kernels from '../backend';
import { BinaryOp } from '../native/table';
import { checkTensor } from './movement';

/** Views a as [.., M, K] and b as [.., K, N] (1-D operands get a size-1 dim). */
function asMatrices(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const a2 = a.ndim === 1 ? a._view([1, a._shape[0]], [0, a._strides[0]], a._offset) : a;
  const b2 = b.ndim === 1 ? b._view([b._shape[0], 1], [b._strides[0], 0], b._offset) : b;
  return [a2, b2];
}

function matmulShape(a: Tensor, b: Tensor): { full: number[]; out: number[] } {
  const [a2, b2] = asMatrices(a, b);
  const batch = broadcastShapes('matmul', a2._shape.slice(0, -2), b2._shape.slice(0, -2));
  const M = a2._shape[a2.ndim - 2];
  const N = b2._shape[b2.ndim - 1];
  const full = [...batch, M, N];
  const out = [...batch, ...(a.ndim === 1 ? [] : [M]), ...(b.ndim === 1 ? [] : [N])];
  return { full, out };
}

function matmulForward(a: Tensor, b: Tensor): Tensor {
  const [a2, b2] = asMatrices(a, b);
  const { full, out } = matmulShape(a, b);
  const result = Tensor._output(out, a.dtype);
  kernels.matmul(result._view(full, contiguousStrides(full), 0), a2, b2);
  return result;
}

/** The last two dims swapped (PyTorch's mT). */
function mT(x: Tensor): Tensor {
  return x.transpose(-2, -1);
}

function matmulBackward(a: Tensor, b: Tensor, g: Tensor, needs: boolean[]): (Tensor | null)[] {
  const a2 = a.ndim === 1 ? a.unsqueeze(0) : a;
  const b2 = b.ndim === 1 ? b.unsqueeze(-1) : b;
  let g2 = g;
  if (a.ndim === 1) g2 = g2.unsqueeze(b.ndim === 1 ? 0 : -2);
  if (b.ndim === 1) g2 = g2.unsqueeze(-1);
  let ga: Tensor | null = null;
  let gb: Tensor | null = null;
  if (needs[0]) {
    // A transposed matrix gets its gradient in its own layout, (b·gᵀ)ᵀ (as PyTorch's
    // mm_mat1_backward does), so that accumulating it into .grad reads memory in order.
    ga = isTransposedMatrix(a) ? mT(b2.matmul(mT(g2))) : g2.matmul(mT(b2));
    if (a.ndim === 1) ga = ga.squeeze(-2); // the engine sums any broadcast batch dims
  }
  if (needs[1]) {
    // Likewise (gᵀ·a)ᵀ for a transposed b: the weight of nn.Linear enters as weight.t().
    gb = isTransposedMatrix(b) ? mT(mT(g2).matmul(a2)) : mT(a2).matmul(g2);
    if (b.ndim === 1) gb = gb.squeeze(-1);
  }
  return [ga, gb];
}

/** A 2-D tensor laid out column by column (the transpose of a contiguous matrix). */
function isTransposedMatrix(x: Tensor): boolean {
  return x.ndim === 2 && x._shape[0] > 1 && x._shape[1] > 1 && x._strides[0] === 1 && x._strides[1] === x._shape[0];
}

function matmulOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, a: Tensor, b: Tensor) => {
      ctx.saveForBackward(a, b);
      return matmulForward(a, b);
    },
    backward: (ctx, g) => {
      const [a, b] = ctx.saved;
      return matmulBackward(a, b, g, ctx.needsInputGrad);
    },
  });
}
const dotOp = matmulOp('DotBackward0');
const mvOp = matmulOp('MvBackward0');
const vecMatOp = matmulOp('SqueezeBackward3');
const mmOp = matmulOp('MmBackward0');
const batchedOp = matmulOp('UnsafeViewBackward0');
const matBatchedOp = matmulOp('CloneBackward0');

/** As PyTorch, a matrix product never promotes: both operands have one floating dtype
 * (PyTorch's messages; integer products are not supported here). */
export function checkMatmulDTypes(op: string, x: Tensor, y: Tensor): void {
  if (x.dtype === y.dtype && isFloating(x.dtype)) return;
  const hint = `\nHint: convert the operands to one floating dtype first, e.g. b.to(a.dtype) or a.float()`;
  if (x.dtype === bool || (x.dtype === y.dtype && !isIntegral(x.dtype))) {
    const kernel = x.ndim === 1 && y.ndim === 1 ? 'dot' : y.ndim === 1 ? 'addmv_impl_cpu' : 'addmm_impl_cpu_';
    throw opTypeError(op, `"${kernel}" not implemented for 'Bool'${hint}`);
  }
  if (x.dtype !== y.dtype) {
    throw opTypeError(
      op,
      (x.ndim === 1 && y.ndim === 1
        ? `dot : expected both vectors to have same dtype, but found ${scalarTypeName(x.dtype)} and ${scalarTypeName(y.dtype)}`
        : `expected scalar type ${scalarTypeName(x.dtype)} but found ${scalarTypeName(y.dtype)}`) + hint,
    );
  }
  throw opTypeError(op, `expected floating point tensors, got ${x.dtype} and ${y.dtype} (convert with .float())`);
}

function prepare(op: string, a: unknown, b: unknown): [Tensor, Tensor] {
  const x = checkTensor(op, a, 'self');
  const y = checkTensor(op, b, 'other');
  if (x.ndim === 0 || y.ndim === 0) {
    throw opError(op, `both arguments to matmul need to be at least 1D, but they are ${x.ndim}D and ${y.ndim}D`);
  }
  checkMatmulDTypes(op, x, y);
  const k1 = x._shape[x.ndim - 1];
  const k2 = y.ndim === 1 ? y._shape[0] : y._shape[y.ndim - 2];
  if (k1 !== k2) {
    throw opError(op, `shapes ${fmtShape(x._shape)} and ${fmtShape(y._shape)} cannot be multiplied (${k1} != ${k2})`);
  }
  return [x, y];
}

/** PyTorch's matmul: dot, matrix-vector, matrix-matrix or batched (broadcast) product
 * (torch.matmul). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const [x, y] = prepare('matmul', a, b);
  matmulShape(x, y); // validates the batch broadcast
  if (x.ndim === 1 && y.ndim === 1) return dotOp(x, y);
  if (x.ndim === 2 && y.ndim === 1) return mvOp(x, y);
  if (x.ndim === 1 && y.ndim === 2) return vecMatOp(x, y);
  if (x.ndim === 2 && y.ndim === 2) return mmOp(x, y);
  if (x.ndim === 2 && y.ndim >= 3) return matBatchedOp(x, y);
  return batchedOp(x, y);
}

/** Matrix product of two 2-D tensors: (n×k)·(k×m) → n×m (torch.mm). */
export function mm(a: Tensor, b: Tensor): Tensor {
  const x = checkTensor('mm', a, 'self');
  const y = checkTensor('mm', b, 'mat2');
  if (x.ndim !== 2) throw opError('mm', `self must be a matrix (got shape ${fmtShape(x._shape)})`);
  if (y.ndim !== 2) throw opError('mm', `mat2 must be a matrix (got shape ${fmtShape(y._shape)})`);
  return mmOp(...prepare('mm', x, y));
}

const addmmOp = defineOp({
  name: 'AddmmBackward0',
  forward: (ctx, bias: Tensor, a: Tensor, b: Tensor) => {
    ctx.saveForBackward(a, b);
    const out = matmulForward(a, b);
    kernels.binary(BinaryOp.Add, out, out, bias);
    return out;
  },
  backward: (ctx, g) => {
    const [a, b] = ctx.saved;
    const [ga, gb] = matmulBackward(a, b, g, ctx.needsInputGrad.slice(1));
    return [ctx.needsInputGrad[0] ? g : null, ga, gb];
  },
});

/** bias + a @ b for 2-D a (n×k) and b (k×m); bias broadcasts to n×m (torch.addmm). */
export function addmm(bias: Tensor, a: Tensor, b: Tensor): Tensor {
  const [x, y] = prepare('addmm', a, b);
  if (x.ndim !== 2 || y.ndim !== 2) throw opError('addmm', `expected 2-D matrices, got ${fmtShape(x._shape)} and ${fmtShape(y._shape)}`);
  const c = checkTensor('addmm', bias, 'input');
  broadcastShapes('addmm', c._shape, [x._shape[0], y._shape[1]]);
  if (c.dtype !== x.dtype) throw opTypeError('addmm', `self and mat2 must have the same dtype\nHint: convert the bias, e.g. bias.to(${JSON.stringify(x.dtype)})`);
  return addmmOp(c, x, y);
}

const tOp = defineOp({
  name: 'TBackward0',
  forward: (ctx, x: Tensor) =>
    x.ndim < 2 ? x._view(x._shape.slice(), x._strides.slice(), x._offset) : x._view([x._shape[1], x._shape[0]], [x._strides[1], x._strides[0]], x._offset),
  backward: (ctx, g) => [g.t()],
});

/** Transpose of a 2-D tensor; of a 0-D or 1-D tensor, a view of it as it is (as PyTorch,
 * a new tensor with grad_fn TBackward0 when it requires grad). */
export function t(x: Tensor): Tensor {
  checkTensor('t', x);
  if (x.ndim > 2) throw opError('t', `t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return tOp(x);
}

/** Outer product of two vectors (as PyTorch: a.reshape(-1, 1) * b, a MulBackward0). */
export function outer(a: Tensor, b: Tensor): Tensor {
  const x = checkTensor('outer', a, 'self');
  const y = checkTensor('outer', b, 'vec2');
  if (x.ndim !== 1 || y.ndim !== 1) throw opError('outer', `expected 1-D tensors, got ${fmtShape(x._shape)} and ${fmtShape(y._shape)}`);
  return x.reshape(x._shape[0], 1).mul(y);
}
