// Index and label tensors: ops that take one (gather, indexSelect, nllLoss/crossEntropy
// targets, ...) accept int32 and int64 (PyTorch's default integer dtype). The index kernels
// (indexSelect, gather, scatter, indexAdd, ...) read either as it comes; ops that compute
// with the values in JS or in int32 kernels (advanced indexing, loss targets) narrow an
// int64 index to int32 once, each value checked: a value beyond int32 can address no
// element (no dimension has 2^31 elements here).
import type { Tensor } from '../tensor';
import { opRangeError, opTypeError } from '../check';
import { from } from './creation';
import { checkTensor, contiguousData } from './movement';
import { int32, int64 } from '../dtype';

/** Where an int64's low 32-bit half sits in an Int32Array over its bytes: first on a
 * little-endian host. */
const LOW_HALF = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** `t` checked to be an int32 or int64 tensor (what the index kernels read). */
export function indexTensor(op: string, t: unknown, name = 'index'): Tensor {
  const x = checkTensor(op, t, name);
  if (x.dtype !== int32 && x.dtype !== int64) throw opTypeError(op, `Expected dtype int32 or int64 for ${name}, got ${x.dtype}`);
  return x;
}

/** The first value of the int32 or int64 `index` outside [lo, hi) (both within int32), or
 * undefined when all lie in it. */
export function firstOutside(op: string, index: Tensor, lo: number, hi: number): number | bigint | undefined {
  return scanOutside(contiguousData(index, op) as IndexData, lo, hi);
}

type IndexData = Int32Array | BigInt64Array;

/** firstOutside on the index's values. An int64 is read as its two 32-bit halves (no
 * BigInt per value: about 10 ns each): it fits in int32 when its high half is its low
 * half's sign extension. The scan ORs a flag per value and looks for the culprit only when
 * one is set: 4096 values in 4.6 µs (int32) and 5.2 µs (int64) against 6.6 and 9.3 with an
 * early return per value (Node 20, optimised code). */
function scanOutside(data: IndexData, lo: number, hi: number): number | bigint | undefined {
  const span = hi - lo; // v is inside when (v - lo) as unsigned is below it
  let outside = 0;
  if (data instanceof Int32Array) {
    for (let k = 0; k < data.length; ++k) outside |= (data[k] - lo) >>> 0 >= span ? 1 : 0;
    return outside ? data.find((v) => v < lo || v >= hi) : undefined;
  }
  const halves = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  // h ^ 1 is the other half of the int64 whose low half is at h.
  for (let h = LOW_HALF; h < halves.length; h += 2) {
    const low = halves[h];
    outside |= (halves[h ^ 1] ^ (low >> 31)) | ((low - lo) >>> 0 >= span ? 1 : 0);
  }
  if (!outside) return undefined;
  for (let h = LOW_HALF; h < halves.length; h += 2) {
    const low = halves[h];
    if (halves[h ^ 1] !== low >> 31 || low < lo || low >= hi) return data[h >> 1];
  }
  return undefined;
}

/** The values of `index`, an int32 or int64 tensor whose values all lie in
 * [lo, hi) (both within int32; else a RangeError from `outOfRange(value)`), as int32:
 * the index's own memory when it is a contiguous int32 tensor (do not write to it). */
export function checkedIndexValues(op: string, index: Tensor, lo: number, hi: number, outOfRange: (value: number | bigint) => string): Int32Array {
  const data = contiguousData(index, op) as IndexData;
  const bad = scanOutside(data, lo, hi);
  if (bad !== undefined) throw opRangeError(op, outOfRange(bad));
  if (data instanceof Int32Array) return data;
  const halves = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  const narrow = new Int32Array(data.length);
  for (let i = 0; i < narrow.length; ++i) narrow[i] = halves[2 * i + LOW_HALF];
  return narrow;
}

/** `t` (checked to be an int32 or int64 tensor) as an int32 tensor of the same values. */
export function asIndex(op: string, t: unknown, name = 'index'): Tensor {
  const x = indexTensor(op, t, name);
  if (x.dtype === int32) return x;
  const narrow = checkedIndexValues(op, x, -(2 ** 31), 2 ** 31, (bad) => `${name} value ${bad} is out of bounds (index values are below 2^31)`);
  return from(narrow, x.shape.slice());
}
