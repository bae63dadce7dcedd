// What the file formats share: reading and writing files with errors that name the op
// and the path, and tensors to and from little-endian bytes.
import * as fs from 'fs';
import * as os from 'os';
import { dirname as pathDirname } from 'path';
import { randomBytes } from 'crypto';
import type { Tensor } from '../tensor';
import type { DTypeName } from '../dtype';
import { checkShape, fmtShape, opError } from '../check';
import { numelOf } from '../layout';
import { from } from '../ops/creation';
import { contiguousData } from '../ops/movement';

/** Element types found in files (tensorgrad's). */
export type FileDType = 'f32' | 'f64' | 'i32' | 'i64' | 'bool';

const ITEM_SIZE: Record<FileDType, number> = { f32: 4, f64: 8, i32: 4, i64: 8, bool: 1 };

export const FILE_DTYPE: Record<DTypeName, FileDType> = { float32: 'f32', float64: 'f64', int32: 'i32', bool: 'bool', int64: 'i64' };

// Typed arrays use the host's byte order; both formats are little-endian.
function checkHost(op: string): void {
  if (os.endianness() !== 'LE') throw opError(op, 'big-endian hosts are not supported');
}

export function readFile(op: string, path: string): Uint8Array {
  checkHost(op);
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw readError(op, path, e);
  }
}

/** readFile without holding the event loop while the bytes arrive. */
export async function readFileAsync(op: string, path: string): Promise<Uint8Array> {
  checkHost(op);
  try {
    return await fs.promises.readFile(path);
  } catch (e) {
    throw readError(op, path, e);
  }
}

function readError(op: string, path: string, e: unknown): Error {
  return opError(op, `cannot read ${JSON.stringify(path)}: ${(e as Error).message}`);
}

// Saves are atomic: the bytes go to a temporary file next to the target, are flushed to
// the disk, and only then renamed over the target (rename within one directory replaces
// it atomically on POSIX and Windows). A process killed at any moment, or a full disk,
// leaves the old file or the new one, never a mix; what can be left behind is the
// temporary file, named after the target ("model.safetensors.tmp-<pid>-<random>").

/** Where a save goes: the file a symlink at `path` points to (the link stays a link), a
 * temporary name in that file's directory, and the permissions the file has now (a new
 * file gets the default ones). */
function savePaths(path: string): { target: string; temp: string; mode: number } {
  let target = path;
  let mode = 0o666; // less the umask, as for any new file
  try {
    target = fs.realpathSync(path);
    mode = fs.statSync(target).mode & 0o777;
  } catch {
    // no file there yet: the path itself
  }
  return { target, temp: `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`, mode };
}

function writeError(op: string, path: string, e: unknown): Error {
  return opError(op, `cannot write ${JSON.stringify(path)}: ${(e as Error).message}`);
}

/** fsync of the directory, so that the rename itself survives a power loss. Not every
 * platform can open a directory (Windows), and there the rename is all we have. */
function syncDirectory(file: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(pathDirname(file), 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort, see above
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function syncDirectoryAsync(file: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(pathDirname(file), 'r');
    await handle.sync();
  } catch {
    // best effort, as in syncDirectory
  } finally {
    await handle?.close();
  }
}

/** Writes `parts` one after another (a large state dict is not concatenated in memory
 * first) to `path`, atomically (see above). */
export function writeFile(op: string, path: string, parts: Uint8Array[]): void {
  checkHost(op);
  const { target, temp, mode } = savePaths(path);
  try {
    const fd = fs.openSync(temp, 'wx', mode);
    try {
      for (const p of parts) {
        for (let done = 0; done < p.length; ) done += fs.writeSync(fd, p, done, p.length - done);
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw writeError(op, path, e);
  }
  syncDirectory(target);
}

/** writeFile without holding the event loop while the bytes go out. */
export async function writeFileAsync(op: string, path: string, parts: Uint8Array[]): Promise<void> {
  checkHost(op);
  const { target, temp, mode } = savePaths(path);
  try {
    const handle = await fs.promises.open(temp, 'wx', mode);
    try {
      for (const p of parts) {
        for (let done = 0; done < p.length; ) done += (await handle.write(p, done, p.length - done)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, target);
  } catch (e) {
    await fs.promises.rm(temp, { force: true });
    throw writeError(op, path, e);
  }
  await syncDirectoryAsync(target);
}

export function itemSize(dtype: FileDType): number {
  return ITEM_SIZE[dtype];
}

/** The elements of t in row-major order as little-endian bytes (no copy when contiguous). */
export function tensorBytes(op: string, t: Tensor): Uint8Array {
  const a = contiguousData(t, op);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Checks, before anything is allocated, that `shape` is one tensorgrad can hold and that
 * `byteLength` bytes are exactly its elements of `dtype`. */
export function checkTensorBytes(op: string, what: string, dtype: FileDType, shape: readonly unknown[], byteLength: number): void {
  checkShape(`${op}: ${what}`, shape);
  const expected = numelOf(shape as number[]) * ITEM_SIZE[dtype];
  if (byteLength !== expected) {
    throw opError(op, `${what}: shape ${fmtShape(shape as number[])} of ${dtype} needs ${expected} bytes, the file has ${byteLength}`);
  }
}

/** A new tensor with a copy of `bytes`, which hold `shape`'s elements of `dtype`. */
export function tensorFromBytes(op: string, what: string, dtype: FileDType, bigEndian: boolean, shape: number[], bytes: Uint8Array): Tensor {
  checkTensorBytes(op, what, dtype, shape, bytes.length);
  const size = ITEM_SIZE[dtype];
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
    case 'i64': return from(new BigInt64Array(buffer), shape);
  }
}
