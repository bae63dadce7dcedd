// tg.save / tg.load in the safetensors format (huggingface/safetensors): an 8-byte
// little-endian header size N, N bytes of JSON {name: {dtype, shape, data_offsets},
// "__metadata__": {string: string}}, then the tensors' bytes back to back.
//
// A record of tensors (a state dict) is stored as exactly that, readable by
// safetensors.torch.load_file. Anything else that nests tensors in records and arrays
// with numbers, strings, booleans and null (an optimizer's stateDict(), a checkpoint
// {model, optimizer, epoch}) stores its tensors under dotted paths ("optimizer.state.0.expAvg")
// and its structure as JSON in the metadata, so load() gives the same nesting back.
import { Tensor } from '../tensor';
import { fmtValue, opError, opTypeError } from '../check';
import { FILE_DTYPE, itemSize, readFile, readFileAsync, tensorBytes, tensorFromBytes, writeFile, writeFileAsync, type FileDType } from './bytes';

/** What save() stores: tensors nested in plain records and arrays, with JSON values. */
export type Saveable = Tensor | number | string | boolean | null | Saveable[] | { [key: string]: Saveable | undefined };

const TO_FILE: Record<FileDType, string> = { f32: 'F32', f64: 'F64', i32: 'I32', i64: 'I64', bool: 'BOOL' };
const FROM_FILE: Record<string, FileDType> = { F32: 'f32', F64: 'f64', I32: 'i32', I64: 'i64', BOOL: 'bool' };
/** The metadata key holding a nested object's structure; tensors appear in it as {"$tensor": name}. */
const TREE_KEY = 'tensorgrad.tree';
const MAX_HEADER = 100_000_000; // the format's limit

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** The tensors by name and, for anything but a flat record of tensors, the structure. */
function flatten(obj: unknown): { tensors: [string, Tensor][]; tree: unknown } {
  if (!isPlainObject(obj) && !Array.isArray(obj)) {
    throw opTypeError(
      'save',
      `expected a record of tensors (e.g. model.stateDict()) or records/arrays nesting them, got ${fmtValue(obj)}` +
        (obj instanceof Tensor ? '; name it ({x: tensor}) or use tg.saveNpy for one tensor' : ''),
    );
  }
  const values = Object.values(obj);
  if (isPlainObject(obj) && values.every((v) => v instanceof Tensor)) return { tensors: Object.entries(obj as Record<string, Tensor>), tree: null };

  const tensors: [string, Tensor][] = [];
  const names = new Set<string>();
  const walk = (v: unknown, path: string[]): unknown => {
    const where = path.join('.') || '(root)';
    if (v instanceof Tensor) {
      if (names.has(where)) throw opError('save', `two tensors would be stored under the name "${where}"`);
      names.add(where);
      tensors.push([where, v]);
      return { $tensor: where };
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw opError('save', `cannot store the number ${v} at ${where} (only finite numbers)`);
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
    if (isPlainObject(v)) {
      if ('$tensor' in v) throw opError('save', `a record at ${where} has a key "$tensor", which save() reserves`);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x, [...path, k]);
      return out;
    }
    throw opTypeError('save', `cannot store ${fmtValue(v)} at ${where} (tensors, numbers, strings, booleans, null, arrays and plain objects only)`);
  };
  return { tensors, tree: walk(obj, []) };
}

/** The file's bytes, in parts (header, then each tensor's data). */
export function serialize(obj: Saveable): Uint8Array[] {
  const { tensors, tree } = flatten(obj);
  // Widest items first: with no gaps allowed between tensors, this keeps each one's data
  // aligned to its item size.
  const ordered = [...tensors].sort(([, a], [, b]) => itemSize(FILE_DTYPE[b.dtype]) - itemSize(FILE_DTYPE[a.dtype]));
  const header: Record<string, unknown> = {};
  const metadata: Record<string, string> = { format: 'pt' };
  if (tree !== null) metadata[TREE_KEY] = JSON.stringify(tree);
  header.__metadata__ = metadata;
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of ordered) {
    const bytes = tensorBytes(t);
    header[name] = { dtype: TO_FILE[FILE_DTYPE[t.dtype]], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    data.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // the data starts 8-byte aligned
  const head = Buffer.from(json, 'utf8');
  const size = new Uint8Array(8);
  new DataView(size.buffer).setBigUint64(0, BigInt(head.length), true);
  return [size, head, ...data];
}

function isIndex(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

/** Parses a safetensors file; `what` (the path) goes into error messages. */
export function deserialize(op: string, what: string, bytes: Uint8Array): Record<string, unknown> {
  const fail = (message: string): Error => opError(op, `${what} is not a valid safetensors file: ${message}`);
  if (bytes.length < 8) throw fail(`it has ${bytes.length} bytes, fewer than the 8-byte header size (truncated?)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) throw fail(`the header size ${n} exceeds the ${bytes.length - 8} bytes after it (truncated?)`);
  if (n > MAX_HEADER) throw fail(`the header size ${n} exceeds the format's limit of ${MAX_HEADER}`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(n)).toString('utf8'));
  } catch (e) {
    throw fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) throw fail('the header is not a JSON object');
  const dataLength = bytes.length - headerEnd;
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(entry)) throw fail('__metadata__ is not an object');
      metadata = entry;
      continue;
    }
    if (!isPlainObject(entry)) throw fail(`the entry of tensor "${name}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string') throw fail(`tensor "${name}" has no dtype`);
    const fileDType = FROM_FILE[dtype];
    if (fileDType === undefined) {
      throw opError(op, `${what}: tensor "${name}" has dtype ${dtype}, which tensorgrad does not read (supported: F32, F64, I32, I64 as int32, BOOL)`);
    }
    if (!Array.isArray(shape) || !shape.every(isIndex)) throw fail(`tensor "${name}" has an invalid shape ${fmtValue(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1] || offsets[1] > dataLength) {
      throw fail(`tensor "${name}" has data_offsets ${fmtValue(offsets)} outside the ${dataLength} data bytes (truncated?)`);
    }
    const [begin, end] = offsets as number[];
    tensors[name] = tensorFromBytes(op, `${what}: tensor "${name}"`, fileDType, false, shape as number[], bytes.subarray(headerEnd + begin, headerEnd + end));
  }
  const tree = metadata[TREE_KEY];
  if (tree === undefined) return tensors;
  if (typeof tree !== 'string') throw fail(`metadata "${TREE_KEY}" is not a string`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(tree);
  } catch (e) {
    throw fail(`metadata "${TREE_KEY}" is not valid JSON (${(e as Error).message})`);
  }
  const rebuild = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rebuild);
    if (!isPlainObject(v)) return v;
    if ('$tensor' in v) {
      const t = tensors[v.$tensor as string];
      if (t === undefined) throw fail(`metadata refers to a tensor ${fmtValue(v.$tensor)} that is not in the file`);
      return t;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebuild(x)]));
  };
  return rebuild(parsed) as Record<string, unknown>;
}

/** Saves a state dict (or records/arrays nesting tensors) to `path` as safetensors. The
 * file is replaced atomically: killed midway, the previous file is still there whole. */
export function save(obj: Saveable, path: string): void {
  writeFile('save', path, serialize(obj));
}

/** save() that does not hold the event loop while the file is written. */
export async function saveAsync(obj: Saveable, path: string): Promise<void> {
  await writeFileAsync('saveAsync', path, serialize(obj));
}

/** Loads what save() (or safetensors' save_file) wrote: a record of tensors by name, or
 * the nested structure save() was given. Cast the result to what you saved: load<T>(). */
export function load<T = Record<string, Tensor>>(path: string): T {
  return deserialize('load', path, readFile('load', path)) as T;
}

/** load() that does not hold the event loop while the file is read. */
export async function loadAsync<T = Record<string, Tensor>>(path: string): Promise<T> {
  return deserialize('loadAsync', path, await readFileAsync('loadAsync', path)) as T;
}
