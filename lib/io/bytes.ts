// What the file formats share: reading and writing files with errors that name the op
// and the path, and tensors to and from little-endian bytes.
import * as fs from 'fs';
import * as os from 'os';
import type { Tensor } from '../tensor';
import type { DType } from '../dtype';
import { checkShape, fmtShape, opError } from '../check';
import { numelOf } from '../layout';
import { from } from '../ops/creation';
import { contiguousData } from '../ops/movement';

/** Element types found in files: tensorgrad's, plus int64, which is read as int32 when
 * every value fits (PyTorch's default integer type is int64). */
export type FileDType = 'f32' | 'f64' | 'i32' | 'i64' | 'bool';

const ITEM_SIZE: Record<FileDType, number> = { f32: 4, f64: 8, i32: 4, i64: 8, bool: 1 };

export const FILE_DTYPE: Record<DType, FileDType> = { float32: 'f32', float64: 'f64', int32: 'i32', bool: 'bool' };

// Typed arrays use the host's byte order; both formats are little-endian.
function checkHost(op: string): void {
  if (os.endianness() !== 'LE') throw opError(op, 'big-endian hosts are not supported');
}

export function readFile(op: string, path: string): Uint8Array {
  checkHost(op);
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw opError(op, `cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

export function writeFile(op: string, path: string, parts: Uint8Array[]): void {
  checkHost(op);
  try {
    // Part by part: a large state dict is not concatenated in memory first.
    const fd = fs.openSync(path, 'w');
    try {
      for (const p of parts) {
        for (let done = 0; done < p.length; ) done += fs.writeSync(fd, p, done, p.length - done);
      }
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw opError(op, `cannot write ${JSON.stringify(path)}: ${(e as Error).message}`);
  }
}

export function itemSize(dtype: FileDType): number {
  return ITEM_SIZE[dtype];
}

/** The elements of t in row-major order as little-endian bytes (no copy when contiguous). */
export function tensorBytes(t: Tensor): Uint8Array {
  const a = contiguousData(t);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A new tensor with a copy of `bytes`, which hold `shape`'s elements of `dtype`. */
export function tensorFromBytes(op: string, what: string, dtype: FileDType, bigEndian: boolean, shape: number[], bytes: Uint8Array): Tensor {
  checkShape(op, shape);
  const size = ITEM_SIZE[dtype];
  const expected = numelOf(shape) * size;
  if (bytes.length !== expected) {
    throw opError(op, `${what}: shape ${fmtShape(shape)} of ${dtype} needs ${expected} bytes, the file has ${bytes.length}`);
  }
  // A fresh, aligned ArrayBuffer: file offsets need not be multiples of the item size.
  const buffer = new ArrayBuffer(bytes.length);
  const u8 = new Uint8Array(buffer);
  u8.set(bytes);
  if (bigEndian && size > 1) {
    for (let i = 0; i < u8.length; i += size) u8.subarray(i, i + size).reverse();
  }
  switch (dtype) {
    case 'f32': return from(new Float32Array(buffer), shape);
    case 'f64': return from(new Float64Array(buffer), shape);
    case 'i32': return from(new Int32Array(buffer), shape);
    case 'bool': return from(u8.map((b) => (b !== 0 ? 1 : 0)), shape);
    case 'i64': {
      const wide = new BigInt64Array(buffer);
      const out = new Int32Array(wide.length);
      for (let i = 0; i < wide.length; ++i) {
        const v = wide[i];
        if (v < -2147483648n || v > 2147483647n) throw opError(op, `${what}: int64 value ${v} does not fit in int32`);
        out[i] = Number(v);
      }
      return from(out, shape);
    }
  }
}
