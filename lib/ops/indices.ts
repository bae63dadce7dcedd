// Index and label tensors: ops that take one (gather, indexSelect, nllLoss/crossEntropy
// targets, ...) accept int32 and int64 (PyTorch's default integer dtype). The index
// kernels read int32: an int64 index is narrowed once here, each value checked, since a
// value beyond int32 can address no element (no dimension has 2^31 elements here).
import type { Tensor } from '../tensor';
import { opRangeError, opTypeError } from '../check';
import { from } from './creation';
import { checkTensor, contiguousData } from './movement';
import { int32, int64 } from '../dtype';

/** `t` (checked to be an int32 or int64 tensor) as an int32 tensor of the same values. */
export function asIndex(op: string, t: unknown, name = 'index'): Tensor {
  const x = checkTensor(op, t, name);
  if (x.dtype === int32) return x;
  if (x.dtype !== int64) throw opTypeError(op, `Expected dtype int32 or int64 for ${name}, got ${x.dtype}`);
  const wide = contiguousData(x, op) as BigInt64Array;
  const narrow = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; ++i) {
    const v = wide[i];
    if (v < -2147483648n || v > 2147483647n) throw opRangeError(op, `${name} value ${v} is out of bounds (index values are below 2^31)`);
    narrow[i] = Number(v);
  }
  return from(narrow, x.shape.slice());
}
