// Matrix products. One op covers every matmul form: 1-D operands are treated as a row
// (left) or column (right) vector and the added dim is dropped, batch dims broadcast.
// The native GEMM takes strides, so transposed operands are never copied. PyTorch names
// the grad_fn after the path it takes, so the name depends on the operand ranks.
import { Tensor } from '../tensor';
import { bool, isFloating, isIntegral, scalarTypeName } from '../dtype';
import { fmtShape, is, lazyExample, opError, opTypeError, required } from '../check';
import { broadcastShapes, contiguousStrides } from '../layout';
import * as kernels from '../backend';
import { BinaryOp } from '../native/table';
import { checkTensor, input, transposeDims } from './movement';
import { tensor } from './creation';
import { defineSpec, functionsOf, installMethods, type MethodsFor, type SpecsFor } from './registry';

/** Views a as [.., M, K] and b as [.., K, N] (1-D operands get a size-1 dim). */
function asMatrices(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const a2 = a.ndim === 1 ? a._view([1, a._shape[0]], [0, a._strides[0]], a._offset) : a;
  const b2 = b.ndim === 1 ? b._view([b._shape[0], 1], [b._strides[0], 0], b._offset) : b;
  return [a2, b2];
}

function matmulShape(a: Tensor, b: Tensor): { full: number[]; out: number[] } {
  if (a.ndim <= 2 && b.ndim <= 2) {
    // No batch dims (nn.Linear's products): the shapes without the broadcast's array work,
    // a tenth of a small product's JS time.
    const M = a.ndim === 1 ? 1 : a._shape[0];
    const N = b.ndim === 1 ? 1 : b._shape[1];
    return { full: [M, N], out: a.ndim === 1 ? (b.ndim === 1 ? [] : [N]) : b.ndim === 1 ? [M] : [M, N] };
  }
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
  // The kernel writes the [.., M, N] form; only a vector operand makes it another shape.
  kernels.matmul(a.ndim > 1 && b.ndim > 1 ? result : result._view(full, contiguousStrides(full), 0), a2, b2);
  return result;
}

/** The last two dims swapped (PyTorch's mT) of a tensor of at least 2 dims. */
function mT(x: Tensor): Tensor {
  return transposeDims(x, x.ndim - 2, x.ndim - 1);
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
    ga = isTransposedMatrix(a) ? mT(product(b2, mT(g2))) : product(g2, mT(b2));
    if (a.ndim === 1) ga = ga.squeeze(-2); // the engine sums any broadcast batch dims
  }
  if (needs[1]) {
    // Likewise (gᵀ·a)ᵀ for a transposed b: the weight of nn.Linear enters as weight.t().
    gb = isTransposedMatrix(b) ? mT(product(mT(g2), a2)) : product(mT(a2), g2);
    if (b.ndim === 1) gb = gb.squeeze(-1);
  }
  return [ga, gb];
}

/** A 2-D tensor laid out column by column (the transpose of a contiguous matrix). */
function isTransposedMatrix(x: Tensor): boolean {
  return x.ndim === 2 && x._shape[0] > 1 && x._shape[1] > 1 && x._strides[0] === 1 && x._strides[1] === x._shape[0];
}

type Operands = { a: Tensor; b: Tensor };

/** The matrix product recorded as `gradFn`: PyTorch names the node after the path its
 * matmul takes for the operands' ranks. */
function productSpec(gradFn: string) {
  return defineSpec<(input: Tensor, other: Tensor) => Tensor, [Tensor, Tensor], Operands>({
    name: 'matmul',
    gradFn,
    method: false,
    params: [input, required('other', is.any)],
    forward: matmulForward,
    save: (out, a, b) => ({ a, b }),
    backward: (g, { a, b }, needs) => matmulBackward(a, b, g, needs as boolean[]),
  }).run;
}
const dotOp = productSpec('DotBackward0');
const mvOp = productSpec('MvBackward0');
const vecMatOp = productSpec('SqueezeBackward3');
const batchedOp = productSpec('UnsafeViewBackward0');
const matBatchedOp = productSpec('CloneBackward0');

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

/** PyTorch's matmul: dot, matrix-vector, matrix-matrix or batched (broadcast) product. */
function matmulImpl(a: Tensor, b: Tensor): Tensor {
  const [x, y] = prepare('matmul', a, b);
  matmulShape(x, y); // validates the batch broadcast
  return product(x, y);
}

/** matmul of operands already checked (backward's, of matching shapes and dtypes): the
 * product for their ranks. */
function product(x: Tensor, y: Tensor): Tensor {
  if (x.ndim === 1 && y.ndim === 1) return dotOp(x, y);
  if (x.ndim === 2 && y.ndim === 1) return mvOp(x, y);
  if (x.ndim === 1 && y.ndim === 2) return vecMatOp(x, y);
  if (x.ndim === 2 && y.ndim === 2) return linalgOps.mm.run(x, y);
  if (x.ndim === 2 && y.ndim >= 3) return matBatchedOp(x, y);
  return batchedOp(x, y);
}

/** The public signatures of the matrix products (Tensor methods and tg.* functions). */
export interface LinalgFns {
  /** The matrix product with NumPy's rules: 1-D·1-D is a dot, 2-D·2-D (n×k)·(k×m) is n×m,
   * batch dims broadcast (torch.matmul). */
  matmul: (input: Tensor, other: Tensor | { other: Tensor }) => Tensor;
  /** The product of two 2-D tensors, (n×k)·(k×m) → n×m (torch.mm). */
  mm: (input: Tensor, mat2: Tensor | { mat2: Tensor }) => Tensor;
  /** input + mat1 @ mat2 for 2-D mat1 (n×k) and mat2 (k×m); input broadcasts to n×m (torch.addmm). */
  addmm: (input: Tensor, mat1: Tensor | { mat1: Tensor; mat2: Tensor }, mat2?: Tensor | { mat2: Tensor }) => Tensor;
  /** The transpose of a tensor of at most 2 dims (torch.t): a view, (n×m) → (m×n); of a 0-D
   * or 1-D tensor, a view of it as it is. */
  t: (input: Tensor) => Tensor;
  /** The outer product of two vectors: (n) and (m) give n×m (torch.outer; as PyTorch,
   * input.reshape(-1, 1) * vec2, a MulBackward0). */
  outer: (input: Tensor, vec2: Tensor | { vec2: Tensor }) => Tensor;
}

function atMost2d(x: Tensor): Tensor {
  if (x.ndim > 2) throw opError('t', `t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return x;
}

/** A matrix operand whose example (for test/kwargs.test.ts) is made on first use. */
const operand = (name: string, example: number[] | number[][]) => lazyExample(required(name, is.any), () => tensor(example));
const linalgOps: SpecsFor<LinalgFns> = {
  matmul: defineSpec({ name: 'matmul', params: [required('input', is.any), required('other', is.any)], forward: matmulImpl }),
  mm: defineSpec<LinalgFns['mm'], [Tensor, Tensor], Operands>({
    name: 'mm',
    gradFn: 'MmBackward0',
    params: [required('input', is.any), operand('mat2', [[1], [2], [3]])],
    prepare: (a: unknown, b: unknown) => {
      const x = checkTensor('mm', a, 'self');
      const y = checkTensor('mm', b, 'mat2');
      if (x.ndim !== 2) throw opError('mm', `self must be a matrix (got shape ${fmtShape(x._shape)})`);
      if (y.ndim !== 2) throw opError('mm', `mat2 must be a matrix (got shape ${fmtShape(y._shape)})`);
      return prepare('mm', x, y);
    },
    forward: matmulForward,
    save: (out, a, b) => ({ a, b }),
    backward: (g, { a, b }, needs) => matmulBackward(a, b, g, needs as boolean[]),
  }),
  addmm: defineSpec<LinalgFns['addmm'], [Tensor, Tensor, Tensor], Operands>({
    name: 'addmm',
    gradFn: 'AddmmBackward0',
    params: [required('input', is.any), operand('mat1', [[1], [2]]), operand('mat2', [[1, 2, 3]])],
    prepare: (bias: unknown, a: unknown, b: unknown) => {
      const [x, y] = prepare('addmm', a, b);
      if (x.ndim !== 2 || y.ndim !== 2) throw opError('addmm', `expected 2-D matrices, got ${fmtShape(x._shape)} and ${fmtShape(y._shape)}`);
      const c = checkTensor('addmm', bias, 'input');
      broadcastShapes('addmm', c._shape, [x._shape[0], y._shape[1]]);
      if (c.dtype !== x.dtype) throw opTypeError('addmm', `self and mat2 must have the same dtype\nHint: convert the bias, e.g. bias.to(${JSON.stringify(x.dtype)})`);
      return [c, x, y];
    },
    forward: (bias, a, b) => {
      const out = matmulForward(a, b);
      kernels.binary(BinaryOp.Add, out, out, bias);
      return out;
    },
    save: (out, bias, a, b) => ({ a, b }),
    backward: (g, { a, b }, needs) => [needs[0] ? g : null, ...matmulBackward(a, b, g, needs.slice(1) as boolean[])],
  }),
  t: defineSpec<LinalgFns['t'], [Tensor]>({
    name: 't',
    gradFn: 'TBackward0',
    // The check in the parameter rather than a prepare: t() is on the per-op hot path.
    params: [required('input', (v, op, name) => atMost2d(checkTensor(op, v, name)))],
    forward: (x) =>
      x.ndim < 2 ? x._view(x._shape.slice(), x._strides.slice(), x._offset) : x._view([x._shape[1], x._shape[0]], [x._strides[1], x._strides[0]], x._offset),
    backward: (g) => [linalgOps.t.run(g)],
  }),
  outer: defineSpec({
    name: 'outer',
    params: [required('input', is.any), operand('vec2', [4, 5])],
    forward: (a: unknown, b: unknown) => {
      const x = checkTensor('outer', a, 'self');
      const y = checkTensor('outer', b, 'vec2');
      if (x.ndim !== 1 || y.ndim !== 1) throw opError('outer', `expected 1-D tensors, got ${fmtShape(x._shape)} and ${fmtShape(y._shape)}`);
      return x.reshape(x._shape[0], 1).mul(y);
    },
  }),
};
installMethods(linalgOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<LinalgFns> {}
}
/** The tg.* matrix products. */
export const { matmul, mm, addmm, t, outer } = functionsOf(linalgOps);
