// In-place ops. Without autograd they write straight into the tensor; when the graph is
// recorded, the out-of-place op computes the value (and its node), which is then
// written into the tensor's storage, and the tensor takes over that node (as PyTorch
// rebases the grad_fn of a tensor modified in place; a view's base gains a CopySlices
// node, ./copyslices). Every write bumps the version.
import { Tensor, type TensorOrScalar } from '../tensor';
import { gradMode } from '../autograd/grad_mode';
import { float32, float64, int32, int64, isFloating } from '../dtype';
import { checkInt32Value, fmtShape, int64Value, is, keyword, lazyExample, opError, opTypeError, optional, required } from '../check';
import { sameShape } from '../layout';
import * as kernels from '../backend';
import { checkTensor, clone, cloneDetached } from './movement';
import { BinaryOp } from '../native/table';
import { add, div, input, mul, operand, pow, sub, zerosLike } from './arith';
import { tensor } from './creation';
import { defineSpec, installMethods, type MethodsFor, type SpecsFor } from './registry';
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
function fillSpec(name: 'zero_' | 'fill_', gradFn: string) {
  return defineSpec<(self: Tensor, value: number) => Tensor, [Tensor, number]>({
    name,
    gradFn,
    params: [input, required('value', is.number)],
    forward: (self, value) => {
      const out = Tensor._empty(self._shape.slice(), self.dtype);
      kernels.fill(out, value);
      return out;
    },
    backward: (g) => [zerosLike(g)],
  }).call;
}
const FILL_OPS = { zero_: fillSpec('zero_', 'ZeroBackward0'), fill_: fillSpec('fill_', 'FillBackward2') };

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

const copyFrom = defineSpec<(self: Tensor, src: Tensor) => Tensor, [Tensor, Tensor]>({
  name: 'copy_',
  gradFn: 'CopyBackwards',
  params: [input, required('src', is.any)],
  forward: (self, src) => {
    const out = Tensor._empty(self._shape.slice(), self.dtype);
    kernels.copy(out, src);
    return out;
  },
  // zeros, not g·0 (NaN where g is infinite)
  backward: (g, saved, [needSelf]) => [needSelf ? zerosLike(g) : null, g],
}).call;

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
  return defineSpec<(self: Tensor) => Tensor, [Tensor]>({
    name,
    gradFn: name,
    params: [input],
    forward: (self) => cloneDetached(self),
    backward: (g) => [zerosLike(g)],
  }).call;
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

// ---- the in-place methods -------------------------------------------------------------------

/** The in-place arithmetic methods (Tensor methods only: PyTorch has no torch.add_); each
 * writes into input and returns it. Their specs follow. */
export interface InPlaceFns {
  /** input += alpha·other, in place (other broadcasts to input's shape) (torch.Tensor.add_). */
  add_: (input: Tensor, other: TensorOrScalar, options?: { alpha?: number }) => Tensor;
  /** input -= alpha·other, in place (torch.Tensor.sub_). */
  sub_: (input: Tensor, other: TensorOrScalar, options?: { alpha?: number }) => Tensor;
  /** input *= other, in place (torch.Tensor.mul_). */
  mul_: (input: Tensor, other: TensorOrScalar) => Tensor;
  /** input /= other, in place; a float tensor only (torch.Tensor.div_). */
  div_: (input: Tensor, other: TensorOrScalar) => Tensor;
  /** input **= exponent, in place (torch.Tensor.pow_). */
  pow_: (input: Tensor, exponent: TensorOrScalar) => Tensor;
  /** Limits the elements to [min, max] in place; either bound may be null, not both (torch.Tensor.clamp_). */
  clamp_: (input: Tensor, min?: number | Tensor | null, max?: number | Tensor | null, options?: { min?: number | Tensor | null; max?: number | Tensor | null }) => Tensor;
  /** Negates in place (torch.Tensor.neg_). */
  neg_: (input: Tensor) => Tensor;
  /** max(x, 0) in place (torch.Tensor.relu_). */
  relu_: (input: Tensor) => Tensor;
  /** Fills with zeros in place (torch.Tensor.zero_). */
  zero_: (input: Tensor) => Tensor;
  /** Fills with `value` in place (torch.Tensor.fill_). */
  fill_: (input: Tensor, value: number) => Tensor;
  /** Copies src's elements into input in place (src broadcasts to input's shape; dtypes
   * convert) (torch.Tensor.copy_). */
  copy_: (input: Tensor, src: Tensor) => Tensor;
}

/** add_ and sub_: the kernel writes into self directly unless alpha scales other. */
function addSubInPlace(name: 'add_' | 'sub_', outOfPlace: typeof add, code: number) {
  return defineSpec<InPlaceFns['add_'], [Tensor, TensorOrScalar, number]>({
    name,
    function: false,
    params: [input, required('other', operand), keyword('alpha', is.number, 1, 2)],
    forward: (self: Tensor, other: TensorOrScalar, alpha: number) =>
      alpha === 1 ? binaryInPlace(self, name, other, outOfPlace, code) : binaryInPlace(self, name, other, (a, b) => outOfPlace(a, b, { alpha })),
  });
}

const unaryParams = [input];
const inPlaceOps: SpecsFor<InPlaceFns> = {
  add_: addSubInPlace('add_', add, BinaryOp.Add),
  sub_: addSubInPlace('sub_', sub, BinaryOp.Sub),
  mul_: defineSpec({
    name: 'mul_',
    function: false,
    params: [input, required('other', operand)],
    forward: (self: Tensor, other: TensorOrScalar) => binaryInPlace(self, 'mul_', other, mul, BinaryOp.Mul),
  }),
  div_: defineSpec({
    name: 'div_',
    function: false,
    params: [input, required('other', operand)],
    forward: (self: Tensor, other: TensorOrScalar) => binaryInPlace(self, 'div_', other, div, BinaryOp.Div),
  }),
  pow_: defineSpec({
    name: 'pow_',
    function: false,
    params: [input, required('exponent', operand, 2)],
    forward: (self: Tensor, exponent: TensorOrScalar) => binaryInPlace(self, 'pow_', exponent, pow),
  }),
  clamp_: defineSpec({
    name: 'clamp_',
    function: false,
    params: [input, optional('min', is.any, null, -0.5), optional('max', is.any, null, 0.5)],
    forward: (self: Tensor, min: number | Tensor | null, max: number | Tensor | null) => unaryInPlace(self, 'clamp_', (a) => a.clamp(min, max)),
  }),
  neg_: defineSpec({ name: 'neg_', function: false, params: unaryParams, forward: (self: Tensor) => unaryInPlace(self, 'neg_', (a) => a.neg()) }),
  relu_: defineSpec({ name: 'relu_', function: false, params: unaryParams, forward: (self: Tensor) => unaryInPlace(self, 'relu_', (a) => a.relu()) }),
  zero_: defineSpec({ name: 'zero_', function: false, params: unaryParams, forward: (self: Tensor) => fillInPlace(self, 'zero_', 0) }),
  fill_: defineSpec({
    name: 'fill_',
    function: false,
    params: [input, required('value', is.any, 2)],
    forward: (self: Tensor, value: number) => fillInPlace(self, 'fill_', value),
  }),
  copy_: defineSpec({
    name: 'copy_',
    function: false,
    params: [input, lazyExample(required('src', (v, op, name) => checkTensor(op, v, name)), () => tensor([1, 2, 3]))],
    forward: (self: Tensor, src: Tensor) => copyInPlace(self, src),
  }),
};
installMethods(inPlaceOps);
declare module '../tensor' {
  interface Tensor extends MethodsFor<InPlaceFns> {}
}
