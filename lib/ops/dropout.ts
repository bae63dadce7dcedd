// Dropout (PyTorch's F.dropout), an op of its own module: nn.functional re-exports it, and
// scaled-dot-product attention (lib/ops/attention.ts) drops attention weights with it.
import { Tensor } from '../tensor';
import { checkFloatDType, fmtValue, is, opError, optional } from '../check';
import { input } from './movement';
import { functional } from './registry';

/** dropout's options (PyTorch's p=, training=, inplace=). */
export interface DropoutOptions {
  /** The probability of zeroing an element (default 0.5). */
  p?: number;
  /** Whether to drop at all (default true; false returns the input). */
  training?: boolean;
  /** Whether to multiply the input in place (default false). */
  inplace?: boolean;
}

// As PyTorch's _dropout_impl: the mask is bernoulli_(1 - p) over a row-major tensor like x,
// divided by 1 - p, and multiplied in (MulBackward0, mask saved); p = 0, training = false
// or an empty x return x itself, and p = 1 multiplies by zero; those draw nothing.
function dropoutImpl(x: Tensor, p: number, training: boolean, inplace: boolean): Tensor {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw opError('dropout', `dropout probability has to be between 0 and 1, but got ${fmtValue(p)}`);
  }
  checkFloatDType('dropout', x.dtype);
  if (p === 0 || !training || x.numel() === 0) return x;
  const noise = p === 1 ? Tensor._empty([], x.dtype) : Tensor._empty(x._shape.slice(), x.dtype).bernoulli_(1 - p).div_(1 - p);
  return inplace ? x.mul_(noise) : x.mul(noise);
}

/** Zeroes each element with probability p and scales the others by 1 / (1 - p), in
 * training only; the output has the input's shape (F.dropout). */
export const dropout = functional<
  (
    input: Tensor,
    p?: number | DropoutOptions,
    training?: boolean | DropoutOptions,
    inplace?: boolean | DropoutOptions,
    options?: DropoutOptions,
  ) => Tensor
>('dropout', [input, optional('p', is.any, 0.5, 0.25), optional('training', is.bool, true, false), optional('inplace', is.bool, false, true)], dropoutImpl);
