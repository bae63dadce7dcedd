// NumPy's .npy format (numpy/lib/format.py): "\x93NUMPY", a version (1.0, 2.0 or 3.0),
// the header length (u16, or u32 from 2.0), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and a
// newline, then the elements.
import type { Tensor } from '../tensor';
import { fmtValue, opError } from '../check';
import { checkTensor } from '../ops/movement';
import { FILE_DTYPE, readFile, readFileAsync, tensorBytes, tensorFromBytes, writeFile, writeFileAsync, type FileDType } from './bytes';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<FileDType, string> = { f32: '<f4', f64: '<f8', i32: '<i4', i64: '<i8', bool: '|b1' };
const KINDS: Partial<Record<string, FileDType>> = { f4: 'f32', f8: 'f64', i4: 'i32', i8: 'i64', b1: 'bool' };

/** One tensor as the bytes of a version 1.0 .npy file (NumPy reads it with np.load). */
function npyParts(op: string, t: Tensor): Uint8Array[] {
  checkTensor(op, t, 'tensor');
  const shape = t.ndim === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[FILE_DTYPE[t.dtype.name]]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // NumPy aligns the data to 64 bytes: magic (6) + version (2) + length (2) + header + '\n'.
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = new Uint8Array(10);
  prefix.set(MAGIC);
  prefix[6] = 1;
  new DataView(prefix.buffer).setUint16(8, header.length, true);
  return [prefix, Buffer.from(header, 'latin1'), tensorBytes(op, t)];
}

/** Writes one tensor as a .npy file, replacing `path` atomically (as save does) (numpy.save). */
export function saveNpy(t: Tensor, path: string): void {
  writeFile('saveNpy', path, npyParts('saveNpy', t));
}

/** saveNpy() that does not hold the event loop while the file is written. */
export async function saveNpyAsync(t: Tensor, path: string): Promise<void> {
  await writeFileAsync('saveNpyAsync', path, npyParts('saveNpyAsync', t));
}

// As NumPy's reader (numpy.lib.format's max_header_size): a longer header is refused.
const MAX_HEADER = 10_000;
// The header's values nest a few levels (a structured dtype's list of tuples).
const MAX_DEPTH = 32;

/** A Python literal: the header dict, and the values in it. */
type PyValue = string | number | boolean | null | PySequence | PyDict;
interface PySequence {
  kind: 'tuple' | 'list';
  items: PyValue[];
}
type PyDict = Map<string, PyValue>;

/** Parses the Python literal `text` (what ast.literal_eval, which NumPy uses, accepts of
 * dicts, tuples, lists, strings, integers, True, False and None); `fail` makes errors. */
function parsePythonLiteral(text: string, fail: (message: string) => Error): PyValue {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) ++i;
  };
  const expected = (what: string): Error =>
    fail(`expected ${what} at character ${i} of the header ${JSON.stringify(text.trim())}`);
  const parseString = (): string => {
    const quote = text[i++];
    let out = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\n') break;
      if (text[i] === '\\') {
        const escaped = text[i + 1];
        const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0' };
        if (escaped === undefined || !(escaped in simple)) throw expected('a string escape Python knows');
        out += simple[escaped];
        i += 2;
      } else out += text[i++];
    }
    if (text[i] !== quote) throw expected(`the closing ${quote} of a string`);
    ++i;
    return out;
  };
  /** Items up to `close`, separated by commas (a trailing comma is allowed). */
  const parseItems = (close: string, item: () => void): void => {
    let comma = true;
    for (;;) {
      skipSpace();
      if (text[i] === close) {
        ++i;
        return;
      }
      if (!comma) throw expected(`',' or '${close}'`);
      item();
      skipSpace();
      comma = text[i] === ',';
      if (comma) ++i;
    }
  };
  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) throw fail(`the header nests deeper than ${MAX_DEPTH} levels`);
    skipSpace();
    const c = text[i];
    if (c === "'" || c === '"') return parseString();
    if (c === '{') {
      ++i;
      const dict: PyDict = new Map();
      parseItems('}', () => {
        const key = parseValue(depth + 1);
        if (typeof key !== 'string') throw fail(`the header has a key that is not a string (${fmtValue(key)})`);
        if (dict.has(key)) throw fail(`the header has the key '${key}' twice`);
        skipSpace();
        if (text[i++] !== ':') throw expected("':'");
        dict.set(key, parseValue(depth + 1));
      });
      return dict;
    }
    if (c === '(' || c === '[') {
      ++i;
      const items: PyValue[] = [];
      const close = c === '(' ? ')' : ']';
      const start = i;
      parseItems(close, () => items.push(parseValue(depth + 1)));
      // (x) is x in parentheses; (x,) and (x, y) are tuples.
      if (c === '(' && items.length === 1 && !text.slice(start, i - 1).trimEnd().endsWith(',')) return items[0];
      return { kind: c === '(' ? 'tuple' : 'list', items };
    }
    const m = /^(?:(-?\d{1,16})L?|True|False|None)/.exec(text.slice(i, i + 18));
    if (!m) throw expected('a Python literal');
    i += m[0].length;
    return m[1] !== undefined ? Number(m[1]) : m[0] === 'None' ? null : m[0] === 'True';
  };
  const value = parseValue(0);
  skipSpace();
  if (i !== text.length) throw expected('the end of the header');
  return value;
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
  if (headerLength > MAX_HEADER) throw fail(`the header length ${headerLength} exceeds ${MAX_HEADER} bytes, NumPy's limit for a safe header`);
  if (start + headerLength > bytes.length) throw fail(`the header (${headerLength} bytes) runs past the end of the file (truncated?)`);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, headerLength).toString(major === 3 ? 'utf8' : 'latin1');

  const header = parsePythonLiteral(text, fail);
  if (!(header instanceof Map)) throw fail(`the header is not a dict (${JSON.stringify(text.trim())})`);
  const keys = [...header.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    throw fail(`the header's keys are ${fmtValue(keys)}; NumPy's are exactly 'descr', 'fortran_order' and 'shape'`);
  }
  const descr = header.get('descr');
  const fortran = header.get('fortran_order');
  const shapeValue = header.get('shape');
  if (typeof fortran !== 'boolean') throw fail(`'fortran_order' is ${fmtValue(fortran)}, not True or False`);
  const shape = shapeValue !== null && typeof shapeValue === 'object' && !(shapeValue instanceof Map) && shapeValue.kind === 'tuple' ? shapeValue.items : undefined;
  if (!shape || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw fail(`'shape' is not a tuple of non-negative integers (${JSON.stringify(text.trim())})`);
  }
  const descrText = typeof descr === 'string' ? descr : 'a structured dtype';
  const order = descrText[0];
  const dtype = descrText.length === 3 && '<>|='.includes(order) ? KINDS[descrText.slice(1)] : undefined;
  if (dtype === undefined) {
    throw opError(op, `${what}: dtype ${descrText} is not supported (float32 '<f4', float64 '<f8', int32 '<i4', int64 '<i8', bool '|b1')`);
  }
  // A Fortran-order array is the C-order array of the reversed shape, transposed.
  const fileShape = fortran ? (shape as number[]).slice().reverse() : (shape as number[]);
  const t = tensorFromBytes(op, what, dtype, order === '>', fileShape, bytes.subarray(start + headerLength));
  return fortran ? t.permute(fileShape.map((_, i) => fileShape.length - 1 - i)).contiguous() : t;
}

/** Reads a .npy file into a new tensor of its shape and dtype (numpy.load). */
export function loadNpy(path: string): Tensor {
  return parseNpy('loadNpy', path, readFile('loadNpy', path));
}

/** loadNpy() that does not hold the event loop while the file is read. */
export async function loadNpyAsync(path: string): Promise<Tensor> {
  return parseNpy('loadNpyAsync', path, await readFileAsync('loadNpyAsync', path));
}
