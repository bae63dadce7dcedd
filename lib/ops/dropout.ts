// Dropout (PyTorch's F.dropout), an op of its own module: nn.functional re-exports it, and
// scaled-dot-product attention (lib/ops/attention.ts) drops attention weights with it.
import { Tensor } from '../tensor';
import { checkFloatDType, fmtValue, opError } from '../check';
import { checkTensor } from './movement';

/** Zeroes each element with probability p and scales the others by 1 / (1 - p), in
 * training only; the output has x's shape (F.dropout). As PyTorch's _dropout_impl: the
 * mask is bernoulli_(1 - p) over a row-major tensor like x, divided by 1 - p, and
 * multiplied in (MulBackward0, mask saved); p = 0, training = false or an empty x return x
 * itself, and p = 1 multiplies by zero; those draw nothing. */
export function dropout(x: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  checkTensor('dropout', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw opError('dropout', `dropout probability has to be between 0 and 1, but got ${fmtValue(p)}`);
  }
  checkFloatDType('dropout', x.dtype);
  if (p === 0 || !training || x.numel() === 0) return x;
  const noise = p === 1 ? Tensor._empty([], x.dtype) : Tensor._empty(x._shape.slice(), x.dtype).bernoulli_(1 - p).div_(1 - p);
  return inplace ? x.mul_(noise) : x.mul(noise);
}
