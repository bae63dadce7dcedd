// NumPy's .npy format (numpy/lib/format.py): "\x93NUMPY", a version (1.0, 2.0 or 3.0),
// the header length (u16, or u32 from 2.0), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and a
// newline, then the elements.
import type { Tensor } from '../tensor';
import { opError } from '../check';
import { checkTensor } from '../ops/movement';
import { FILE_DTYPE, readFile, readFileAsync, tensorBytes, tensorFromBytes, writeFile, writeFileAsync, type FileDType } from './bytes';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<FileDType, string> = { f32: '<f4', f64: '<f8', i32: '<i4', i64: '<i8', bool: '|b1' };
const KINDS: Record<string, FileDType> = { f4: 'f32', f8: 'f64', i4: 'i32', i8: 'i64', b1: 'bool' };

/** One tensor as the bytes of a version 1.0 .npy file (NumPy reads it with np.load). */
function npyParts(op: string, t: Tensor): Uint8Array[] {
  checkTensor(op, t, 'tensor');
  const shape = t.ndim === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[FILE_DTYPE[t.dtype]]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // NumPy aligns the data to 64 bytes: magic (6) + version (2) + length (2) + header + '\n'.
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = new Uint8Array(10);
  prefix.set(MAGIC);
  prefix[6] = 1;
  new DataView(prefix.buffer).setUint16(8, header.length, true);
  return [prefix, Buffer.from(header, 'latin1'), tensorBytes(t)];
}

/** Writes one tensor as a .npy file, replacing `path` atomically (as save does). */
export function saveNpy(t: Tensor, path: string): void {
  writeFile('saveNpy', path, npyParts('saveNpy', t));
}

/** saveNpy() that does not hold the event loop while the file is written. */
export async function saveNpyAsync(t: Tensor, path: string): Promise<void> {
  await writeFileAsync('saveNpyAsync', path, npyParts('saveNpyAsync', t));
}

/** Parses a .npy file's bytes; `what` (the path) goes into error messages. */
export function parseNpy(op: string, what: string, bytes: Uint8Array): Tensor {
  const fail = (message: string): Error => opError(op, `${what} is not a valid .npy file: ${message}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('it does not start with "\\x93NUMPY" (truncated, or another format?)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw fail(`unknown format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [lengthSize, headerLength] = major === 1 ? [2, view.getUint16(8, true)] : bytes.length >= 12 ? [4, view.getUint32(8, true)] : [4, Infinity];
  const start = 8 + lengthSize;
  if (start + headerLength > bytes.length) throw fail(`the header (${headerLength} bytes) runs past the end of the file (truncated?)`);
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + start, headerLength).toString(major === 3 ? 'utf8' : 'latin1');

  const field = (key: string, value: string): RegExpExecArray => {
    const m = new RegExp(`['"]${key}['"]\\s*:\\s*${value}`).exec(header);
    if (!m) throw fail(`the header has no valid '${key}' (${JSON.stringify(header.trim())})`);
    return m;
  };
  const descr = field('descr', `(?:(['"])(.*?)\\1|\\[)`)[2] ?? 'a structured dtype';
  const order = descr[0];
  const dtype = descr.length === 3 && '<>|='.includes(order) ? KINDS[descr.slice(1)] : undefined;
  if (dtype === undefined) {
    throw opError(op, `${what}: dtype ${descr} is not supported (float32 '<f4', float64 '<f8', int32 '<i4', int64 '<i8' as int32, bool '|b1')`);
  }
  const fortran = field('fortran_order', '(True|False)')[1] === 'True';
  const dims = field('shape', '\\(([^)]*)\\)')[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '');
  if (!dims.every((s) => /^\d+$/.test(s))) throw fail(`invalid shape (${dims.join(', ')})`);
  const shape = dims.map(Number);
  // A Fortran-order array is the C-order array of the reversed shape, transposed.
  const fileShape = fortran ? shape.slice().reverse() : shape;
  const t = tensorFromBytes(op, what, dtype, order === '>', fileShape, bytes.subarray(start + headerLength));
  return fortran ? t.permute(fileShape.map((_, i) => fileShape.length - 1 - i)).contiguous() : t;
}

/** Reads a .npy file into a new tensor. */
export function loadNpy(path: string): Tensor {
  return parseNpy('loadNpy', path, readFile('loadNpy', path));
}

/** loadNpy() that does not hold the event loop while the file is read. */
export async function loadNpyAsync(path: string): Promise<Tensor> {
  return parseNpy('loadNpyAsync', path, await readFileAsync('loadNpyAsync', path));
}
