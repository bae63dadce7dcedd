// In-place ops. Without autograd they write straight into the tensor; when the graph is
// recorded, the out-of-place op computes the value (and its node), which is then
// written into the tensor's storage, and the tensor takes over that node (as PyTorch
// rebases the grad_fn of a tensor modified in place; a view's base gains a CopySlices
// node, ./copyslices). Every write bumps the version.
import { Tensor, type TensorOrScalar } from '../tensor';
import { defineOp } from '../autograd/function';
import { gradMode } from '../autograd/grad_mode';
import { float32, float64, int32, int64, isFloating } from '../dtype';
import { checkInt32Value, fmtShape, int64Value, opError, opTypeError } from '../check';
import { sameShape } from '../layout';
import * as kernels from '../backend';
import { checkTensor, clone, cloneDetached } from './movement';
import { zerosLike } from './arith';
import { rebaseView, viewWriteError } from './copyslices';

/** `sameValueEverywhere`: the op writes one value to every element (fill_, zero_), which
 * PyTorch allows on a tensor whose elements share memory (an expanded one). */
function checkWritable(op: string, self: Tensor, sameValueEverywhere = false): void {
  if (gradMode().enabled) {
    if (self.isLeaf && self.requiresGrad) {
      throw opError(
        op,
        'a leaf Variable that requires grad is being used in an in-place operation.\n' +
          'Hint: update parameters inside tg.noGrad(() => ...) or through .data.',
      );
    }
    const viewError = self._base !== null && self._base.requiresGrad ? viewWriteError(op, self) : null;
    if (viewError) throw viewError;
  }
  // Broadcast views (stride 0 over a dim of size > 1) would receive several writes per element.
  if (!sameValueEverywhere && self._shape.some((s, i) => s > 1 && self._strides[i] === 0)) {
    throw opError(
      op,
      'unsupported operation: more than one element of the written-to tensor refers to a single memory location. ' +
        'Please clone() the tensor before performing the operation.',
    );
  }
}

/** Writes `result` (same shape) into self; with a recorded node, self takes it over.
 * As PyTorch, the node keeps a copy of self's old value if it saved self (self.clone(),
 * recorded: with createGraph the saved value still depends on self's history, so second
 * derivatives are right), except when self is also the other operand: that one is saved as
 * is, so backward then throws. */
function writeResult(op: string, self: Tensor, result: Tensor, selfIsOther = false): Tensor {
  if (!sameShape(result._shape, self._shape)) {
    throw opError(op, `output with shape ${fmtShape(self._shape)} doesn't match the broadcast shape ${fmtShape(result._shape)}`);
  }
  if (self.dtype !== float32 && self.dtype !== float64 && result.dtype !== self.dtype) {
    throw opTypeError(op, `result type ${result.dtype} can't be cast to the desired output type ${self.dtype}`);
  }
  const node = result.gradFn;
  if (!selfIsOther) node?.preserveSaved(self, clone);
  kernels.copy(self, result);
  self._version.value++;
  if (node) {
    node.savedOutputBecomes(result, self);
    if (self._base !== null) rebaseView(self, node);
    else self._setGradFn(node);
  }
  return self;
}

function recording(self: Tensor, other?: TensorOrScalar): boolean {
  return (self.requiresGrad || (other instanceof Tensor && other.requiresGrad)) && gradMode().enabled;
}

/** Whether `self op= other` can run as one kernel writing into self: nothing to record,
 * no dtype change, other broadcasts to self's shape, and it does not overlap self except
 * exactly (x.mul_(x) reads and writes each element in place). */
function writableDirectly(self: Tensor, other: TensorOrScalar): boolean {
  if (recording(self, other) || !isFloating(self.dtype)) return false;
  if (typeof other === 'number') return true;
  if (!(other instanceof Tensor) || other.dtype !== self.dtype || other.ndim > self.ndim) return false;
  const lead = self.ndim - other.ndim;
  if (!other._shape.every((s, i) => s === 1 || s === self._shape[lead + i])) return false;
  if (other._storage !== self._storage) return true;
  return other._offset === self._offset && sameShape(other._shape, self._shape) && sameShape(other._strides, self._strides);
}

/** self op= other. `code` is the BinaryOp that computes it directly when nothing needs
 * recording (the common case: parameter updates under noGrad, gradient accumulation);
 * otherwise the out-of-place op computes the value and its graph node. */
export function binaryInPlace<T extends Tensor>(
  self: T,
  op: string,
  other: TensorOrScalar,
  compute: (a: Tensor, b: TensorOrScalar) => Tensor,
  code?: number,
): T {
  checkTensor(op, self, 'self');
  checkWritable(op, self);
  if (code !== undefined && writableDirectly(self, other)) {
    kernels.binary(code, self, self, other);
    self._version.value++;
    return self;
  }
  return writeResult(op, self, compute(self, other), other === self) as T;
}

/** An in-place op with a kernel of its own: `write(self)` writes the result into self when
 * nothing is recorded; otherwise the out-of-place `compute` gives the value and its node. */
export function inPlace<T extends Tensor>(self: T, op: string, other: TensorOrScalar, compute: (self: Tensor) => Tensor, write: (self: Tensor) => void): T {
  checkTensor(op, self, 'self');
  checkWritable(op, self);
  if (recording(self, other)) return writeResult(op, self, compute(self), other === self) as T;
  write(self);
  self._version.value++;
  return self;
}

export function unaryInPlace<T extends Tensor>(self: T, op: string, compute: (a: Tensor) => Tensor): T {
  return binaryInPlace(self, op, 0, (a) => compute(a));
}

// Filling a tensor in the graph cuts the gradient to it (the value no longer depends on
// it): its earlier history gets zeros. PyTorch names the node after the call.
function fillOp(name: string) {
  return defineOp({
    name,
    forward: (ctx, self: Tensor, value: number) => {
      const out = Tensor._empty(self._shape.slice(), self.dtype);
      kernels.fill(out, value);
      return out;
    },
    backward: (ctx, g) => [zerosLike(g)],
  });
}
const FILL_OPS: Record<string, ReturnType<typeof fillOp>> = { zero_: fillOp('ZeroBackward0'), fill_: fillOp('FillBackward2') };

export function fillInPlace<T extends Tensor>(self: T, op: 'zero_' | 'fill_', value: number): T {
  checkTensor(op, self, 'self');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw opTypeError(op, `value must be a number, got ${typeof value}`);
  if (self.dtype === int32) checkInt32Value(op, Number(value));
  if (self.dtype === int64) int64Value(op, Number(value));
  checkWritable(op, self, true);
  if (recording(self)) return writeResult(op, self, FILL_OPS[op](self, Number(value))) as T;
  kernels.fill(self, Number(value));
  self._version.value++;
  return self;
}

const copyFrom = defineOp({
  name: 'CopyBackwards',
  forward: (ctx, self: Tensor, src: Tensor) => {
    const out = Tensor._empty(self._shape.slice(), self.dtype);
    kernels.copy(out, src);
    return out;
  },
  // zeros, not g·0 (NaN where g is infinite)
  backward: (ctx, g) => [ctx.needsInputGrad[0] ? zerosLike(g) : null, g],
});

/** self.copy_(src): src broadcast to self's shape and cast to its dtype. */
export function copyInPlace<T extends Tensor>(self: T, src: Tensor): T {
  checkTensor('copy_', self, 'self');
  checkTensor('copy_', src, 'src');
  checkWritable('copy_', self);
  const lead = self.ndim - src.ndim;
  const ok = lead >= 0 && src._shape.every((s, i) => s === 1 || s === self._shape[lead + i]);
  if (!ok) throw opError('copy_', `the source of shape ${fmtShape(src._shape)} cannot be broadcast to ${fmtShape(self._shape)}`);
  // Into an integer or bool tensor nothing is recorded: the copy cannot carry a gradient.
  if (isFloating(self.dtype) && recording(self, src)) return writeResult('copy_', self, copyFrom(self, src)) as T;
  kernels.copy(self, src._storage === self._storage ? cloneDetached(src) : src);
  self._version.value++;
  return self;
}

/** The grad_fn PyTorch gives a tensor overwritten in place by values that do not depend
 * on it (NormalBackward0, ...): its value is its input's, its gradient zero. */
export function overwriteOp(name: string): (self: Tensor) => Tensor {
  return defineOp({
    name,
    forward: (ctx, self: Tensor) => cloneDetached(self),
    backward: (ctx, g) => [zerosLike(g)],
  });
}

/** Runs `fill`, which writes new values into self through self's own layout (so random
 * fills keep their memory order); in a recorded graph self then takes over `node`. */
export function overwriteInPlace<T extends Tensor>(self: T, op: string, node: (t: Tensor) => Tensor, fill: (t: Tensor) => void): T {
  checkTensor(op, self, 'self');
  checkWritable(op, self);
  fill(self);
  if (recording(self)) return writeResult(op, self, node(self)) as T;
  self._version.value++;
  return self;
}
