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
import {
  FILE_DTYPE, checkTensorBytes, itemSize, readFile, readFileAsync, tensorBytes, tensorFromBytes, writeFile, writeFileAsync,
  type FileDType,
} from './bytes';

/** What save() stores: tensors nested in plain records and arrays, with JSON values. */
export type Saveable = Tensor | number | string | boolean | null | Saveable[] | { [key: string]: Saveable | undefined };

const TO_FILE: Record<FileDType, string> = { f32: 'F32', f64: 'F64', i32: 'I32', i64: 'I64', bool: 'BOOL' };
const FROM_FILE = new Map<string, FileDType>([['F32', 'f32'], ['F64', 'f64'], ['I32', 'i32'], ['I64', 'i64'], ['BOOL', 'bool']]);
/** The metadata key holding a nested object's structure; tensors appear in it as {"$tensor": name}. */
const TREE_KEY = 'tensorgrad.tree';
const METADATA_KEY = '__metadata__';
const MAX_HEADER = 100_000_000; // the format's limit (safetensors' MAX_HEADER_SIZE)
/** How deep records and arrays may nest. Checkpoints nest a handful of levels; the bound
 * keeps the recursive walks of save and load far from the stack's limit. */
const MAX_DEPTH = 100;
/** Names that would reach Object.prototype (`__proto__`, `constructor`, `toString`, ...)
 * in code that copies a loaded record into a plain object: load rejects them, so save
 * does too. */
const PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function checkSavedKey(op: string, key: string, where: string): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw opError(op, `cannot store the key "${key}" at ${where}: it names a property of Object.prototype, which load() rejects as hostile`);
  }
}

/** The tensors by name and, for anything but a flat record of tensors, the structure. */
function flatten(op: string, obj: unknown): { tensors: [string, Tensor][]; tree: unknown } {
  if (!isPlainObject(obj) && !Array.isArray(obj)) {
    throw opTypeError(
      op,
      `expected a record of tensors (e.g. model.stateDict()) or records/arrays nesting them, got ${fmtValue(obj)}` +
        (obj instanceof Tensor ? '; name it ({x: tensor}) or use tg.saveNpy for one tensor' : ''),
    );
  }
  const tensors: [string, Tensor][] = [];
  const names = new Set<string>();
  const addTensor = (name: string, t: Tensor): void => {
    if (name === METADATA_KEY) throw opError(op, `cannot store a tensor named "${METADATA_KEY}": the safetensors format reserves it for metadata`);
    if (names.has(name)) throw opError(op, `two tensors would be stored under the name "${name}"`);
    names.add(name);
    tensors.push([name, t]);
  };
  const entries = Object.entries(obj);
  if (isPlainObject(obj) && entries.every(([, v]) => v instanceof Tensor)) {
    for (const [k, t] of entries) {
      checkSavedKey(op, k, '(root)');
      addTensor(k, t as Tensor);
    }
    return { tensors, tree: null };
  }

  const ancestors: unknown[] = []; // the records and arrays from the root down to here
  const walk = (v: unknown, path: string[]): unknown => {
    const where = path.join('.') || '(root)';
    if (v instanceof Tensor) {
      addTensor(where, v);
      return { $tensor: where };
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw opError(op, `cannot store the number ${v} at ${where} (only finite numbers)`);
      return v;
    }
    if (!Array.isArray(v) && !isPlainObject(v)) {
      throw opTypeError(op, `cannot store ${fmtValue(v)} at ${where} (tensors, numbers, strings, booleans, null, arrays and plain objects only)`);
    }
    const cycle = ancestors.indexOf(v);
    if (cycle >= 0) throw opError(op, `the object is cyclic: ${where} refers back to ${path.slice(0, cycle).join('.') || '(root)'}`);
    if (ancestors.length === MAX_DEPTH) throw opError(op, `the object nests deeper than ${MAX_DEPTH} levels (at ${where})`);
    ancestors.push(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x, i) => walk(x, [...path, String(i)]));
    else {
      if ('$tensor' in v) throw opError(op, `a record at ${where} has a key "$tensor", which save() reserves`);
      const record: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        checkSavedKey(op, k, where);
        if (x !== undefined) record[k] = walk(x, [...path, k]);
      }
      out = record;
    }
    ancestors.pop();
    return out;
  };
  return { tensors, tree: walk(obj, []) };
}

/** The file's bytes, in parts (header, then each tensor's data). */
export function serialize(op: string, obj: Saveable): Uint8Array[] {
  const { tensors, tree } = flatten(op, obj);
  // Widest items first: with no gaps allowed between tensors, this keeps each one's data
  // aligned to its item size.
  const ordered = [...tensors].sort(([, a], [, b]) => itemSize(FILE_DTYPE[b.dtype.name]) - itemSize(FILE_DTYPE[a.dtype.name]));
  const header: Record<string, unknown> = {};
  const metadata: Record<string, string> = { format: 'pt' };
  if (tree !== null) metadata[TREE_KEY] = JSON.stringify(tree);
  header[METADATA_KEY] = metadata;
  const data: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of ordered) {
    const bytes = tensorBytes(op, t);
    header[name] = { dtype: TO_FILE[FILE_DTYPE[t.dtype.name]], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
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

interface Entry {
  name: string;
  dtype: FileDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses a safetensors file; `what` (the path) goes into error messages. Everything is
 * validated before any tensor is allocated, as safetensors' own reader does: known keys,
 * dtypes and shapes, and data_offsets that tile the data exactly (no overlaps, no gaps).
 * Records in the result have no prototype. */
export function deserialize(op: string, what: string, bytes: Uint8Array): Record<string, unknown> {
  const fail = (message: string): Error => opError(op, `${what} is not a valid safetensors file: ${message}`);
  if (bytes.length < 8) throw fail(`it has ${bytes.length} bytes, fewer than the 8-byte header size (truncated?)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > MAX_HEADER) throw fail(`the header size ${n} exceeds the format's limit of ${MAX_HEADER}`);
  if (n > BigInt(bytes.length - 8)) throw fail(`the header size ${n} exceeds the ${bytes.length - 8} bytes after it (truncated?)`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(n)).toString('utf8'));
  } catch (e) {
    throw fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) throw fail('the header is not a JSON object');
  const checkName = (kind: string, name: string): void => {
    if (PROTOTYPE_KEYS.has(name)) throw fail(`${kind} "${name}" names a property of Object.prototype (a hostile file?)`);
  };

  const dataLength = bytes.length - headerEnd;
  const entries: Entry[] = [];
  let metadata: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(entry) || !Object.values(entry).every((v) => typeof v === 'string')) {
        throw fail(`${METADATA_KEY} is not an object of strings`);
      }
      metadata = entry;
      continue;
    }
    checkName('tensor', name);
    if (!isPlainObject(entry)) throw fail(`the entry of tensor "${name}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string') throw fail(`tensor "${name}" has no dtype`);
    const fileDType = FROM_FILE.get(dtype);
    if (fileDType === undefined) {
      throw opError(op, `${what}: tensor "${name}" has dtype ${dtype}, which tensorgrad does not read (supported: F32, F64, I32, I64, BOOL)`);
    }
    if (!Array.isArray(shape) || !shape.every(isIndex)) throw fail(`tensor "${name}" has an invalid shape ${fmtValue(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1] || offsets[1] > dataLength) {
      throw fail(`tensor "${name}" has data_offsets ${fmtValue(offsets)} outside the ${dataLength} data bytes (truncated?)`);
    }
    const [begin, end] = offsets as number[];
    checkTensorBytes(op, `${what}: tensor "${name}"`, fileDType, shape, end - begin);
    entries.push({ name, dtype: fileDType, shape: shape as number[], begin, end });
  }
  // As safetensors' reader: the tensors' data tile the data exactly, so that no byte is
  // read twice or hides unread (a polyglot file).
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of entries) {
    if (e.begin !== covered) {
      throw fail(
        e.begin < covered
          ? `tensor "${e.name}" has data_offsets [${e.begin}, ${e.end}] overlapping another tensor's data (which ends at ${covered})`
          : `there is a gap in the data: bytes ${covered}..${e.begin} belong to no tensor`,
      );
    }
    covered = e.end;
  }
  if (covered !== dataLength) throw fail(`the last ${dataLength - covered} data bytes belong to no tensor`);

  const tensors = new Map<string, Tensor>();
  for (const e of entries) tensors.set(e.name, tensorFromBytes(op, `${what}: tensor "${e.name}"`, e.dtype, false, e.shape, bytes.subarray(headerEnd + e.begin, headerEnd + e.end)));
  if (!Object.hasOwn(metadata, TREE_KEY)) {
    const record: Record<string, unknown> = Object.create(null);
    for (const [name, t] of tensors) record[name] = t;
    return record;
  }
  return rebuildTree(metadata[TREE_KEY] as string, tensors, fail, checkName);
}

/** The nested object save() described in the metadata, with the file's tensors in it. */
function rebuildTree(
  tree: string,
  tensors: Map<string, Tensor>,
  fail: (message: string) => Error,
  checkName: (kind: string, name: string) => void,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(tree); // V8's JSON parser is not recursive: any depth parses
  } catch (e) {
    throw fail(`metadata "${TREE_KEY}" is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(parsed) && !Array.isArray(parsed)) throw fail(`metadata "${TREE_KEY}" is not a JSON object or array`);
  const rebuild = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth === MAX_DEPTH) throw fail(`metadata "${TREE_KEY}" nests deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(v)) return v.map((x) => rebuild(x, depth + 1));
    const record = v as Record<string, unknown>;
    if (Object.hasOwn(record, '$tensor')) {
      const name = record.$tensor;
      const t = typeof name === 'string' && Object.keys(record).length === 1 ? tensors.get(name) : undefined;
      if (t === undefined) throw fail(`metadata refers to a tensor ${fmtValue(name)} that is not in the file`);
      return t;
    }
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(record)) {
      checkName('the key', k);
      out[k] = rebuild(x, depth + 1);
    }
    return out;
  };
  return rebuild(parsed, 0) as Record<string, unknown>;
}

/** Saves a state dict (or records/arrays nesting tensors) to `path` as safetensors (torch.save,
 * safetensors' save_file). The file is replaced atomically: killed midway, the previous file
 * is still there whole. */
export function save(obj: Saveable, path: string): void {
  writeFile('save', path, serialize('save', obj));
}

/** save() that does not hold the event loop while the file is written. */
export async function saveAsync(obj: Saveable, path: string): Promise<void> {
  await writeFileAsync('saveAsync', path, serialize('saveAsync', obj));
}

/** Loads what save() (or safetensors' save_file) wrote (torch.load, safetensors' load_file):
 * a record of tensors by name, or the nested structure save() was given (records come back without a prototype). Cast
 * the result to what you saved: load<T>(). */
export function load<T = Record<string, Tensor>>(path: string): T {
  return deserialize('load', path, readFile('load', path)) as T;
}

/** load() that does not hold the event loop while the file is read. */
export async function loadAsync<T = Record<string, Tensor>>(path: string): Promise<T> {
  return deserialize('loadAsync', path, await readFileAsync('loadAsync', path)) as T;
}
