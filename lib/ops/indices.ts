// Index and label tensors: ops that take one (gather, indexSelect, nllLoss/crossEntropy
// targets, ...) accept int32 and int64 (PyTorch's default integer dtype). The index
// kernels read int32: an int64 index is narrowed once here, each value checked, since a
// value beyond int32 can address no element (no dimension has 2^31 elements here).
import type { Tensor } from '../tensor';
import { opRangeError, opTypeError } from '../check';
import { from } from './creation';
import { checkTensor, contiguousData } from './movement';
import { int32, int64 } from '../dtype';

/** Where an int64's low 32-bit half sits in an Int32Array over its bytes: first on a
 * little-endian host. */
const LOW_HALF = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** `t` (checked to be an int32 or int64 tensor) as an int32 tensor of the same values. */
export function asIndex(op: string, t: unknown, name = 'index'): Tensor {
  const x = checkTensor(op, t, name);
  if (x.dtype === int32) return x;
  if (x.dtype !== int64) throw opTypeError(op, `Expected dtype int32 or int64 for ${name}, got ${x.dtype}`);
  const wide = contiguousData(x, op) as BigInt64Array;
  // Read as 32-bit halves (no BigInt per element: about 10 ns each): a value fits in int32
  // when its high half is its low half's sign extension.
  const halves = new Int32Array(wide.buffer, wide.byteOffset, 2 * wide.length);
  const narrow = new Int32Array(wide.length);
  for (let i = 0; i < narrow.length; ++i) {
    const low = halves[2 * i + LOW_HALF];
    if (halves[2 * i + 1 - LOW_HALF] !== low >> 31) throw opRangeError(op, `${name} value ${wide[i]} is out of bounds (index values are below 2^31)`);
    narrow[i] = low;
  }
  return from(narrow, x.shape.slice());
}
