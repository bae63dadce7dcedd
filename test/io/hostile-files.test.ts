// Hostile files (issue 13, item 2): each class of malformed or malicious safetensors and
// .npy file is generated here and must be rejected with a clear error naming the op and
// the file; nothing load returns is linked to a prototype. Saving what load would reject
// fails loudly too.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

/** A safetensors file from the header's JSON text (written by hand: JSON.stringify cannot
 * write a "__proto__" key) and its data bytes. */
function safetensors(headerJson: string, data: Uint8Array | number = 0, headerSize?: bigint): string {
  const json = Buffer.from(headerJson);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(headerSize ?? BigInt(json.length));
  const file = path.join(tmp, `f${counter++}.safetensors`);
  fs.writeFileSync(file, Buffer.concat([size, json, typeof data === 'number' ? Buffer.alloc(data) : data]));
  return file;
}

const f32 = (begin: number, end: number, shape = [(end - begin) / 4]): string =>
  JSON.stringify({ dtype: 'F32', shape, data_offsets: [begin, end] });
const tree = (structure: string): string => JSON.stringify({ __metadata__: { 'tensorgrad.tree': structure } });

function npy(header: string, data: number | Uint8Array = 0, headerLength?: number): string {
  const h = Buffer.from(header, 'latin1');
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(headerLength ?? h.length, 8);
  const file = path.join(tmp, `f${counter++}.npy`);
  fs.writeFileSync(file, Buffer.concat([prefix, h, typeof data === 'number' ? Buffer.alloc(data) : data]));
  return file;
}

/** Every record in `v` (the result of load) has no prototype at all. */
function expectNoPrototypes(v: unknown): void {
  if (v instanceof tg.Tensor || v === null || typeof v !== 'object') return;
  if (!Array.isArray(v)) expect(Object.getPrototypeOf(v)).toBe(null);
  for (const x of Object.values(v)) expectNoPrototypes(x);
}

describe('hostile safetensors files are rejected', () => {
  const deep = 100_000;
  const cases: [string, () => string, string][] = [
    ['a tensor named __proto__', () => safetensors(`{"__proto__": ${f32(0, 4)}}`, 4), 'tensor "__proto__" names a property of Object.prototype (a hostile file?)'],
    ['a tensor named constructor', () => safetensors(`{"constructor": ${f32(0, 4)}}`, 4), 'tensor "constructor" names a property of Object.prototype'],
    ['a tensor named toString', () => safetensors(`{"toString": ${f32(0, 4)}, "a": ${f32(4, 8)}}`, 8), 'tensor "toString" names a property of Object.prototype'],
    ['a tree key __proto__', () => safetensors(`{"__metadata__": {"tensorgrad.tree": "{\\"a\\": {\\"__proto__\\": {\\"$tensor\\": \\"x\\"}}}"}, "x": ${f32(0, 4)}}`, 4), 'the key "__proto__" names a property of Object.prototype'],
    ['a tree key constructor', () => safetensors(tree('{"constructor": 1}')), 'the key "constructor" names a property of Object.prototype'],
    ['a tree referring to Object.prototype', () => safetensors(tree('{"a": {"$tensor": "__proto__"}}')), 'metadata refers to a tensor "__proto__" that is not in the file'],
    ['a tree referring to a function', () => safetensors(tree('{"a": {"$tensor": "constructor"}}')), 'metadata refers to a tensor "constructor" that is not in the file'],
    ['a tree with a non-string tensor reference', () => safetensors(tree('{"a": {"$tensor": ["x"]}}')), 'metadata refers to a tensor ["x"] that is not in the file'],
    ['a tree that is not a record or array', () => safetensors(tree('7')), 'metadata "tensorgrad.tree" is not a JSON object or array'],
    [`a tree nesting ${deep} levels`, () => safetensors(tree('['.repeat(deep) + ']'.repeat(deep))), 'metadata "tensorgrad.tree" nests deeper than 100 levels'],
    ['metadata values that are not strings', () => safetensors('{"__metadata__": {"format": {"pt": 1}}}'), '__metadata__ is not an object of strings'],
    ['overlapping data_offsets', () => safetensors(`{"a": ${f32(0, 8)}, "b": ${f32(4, 12)}}`, 12), 'tensor "b" has data_offsets [4, 12] overlapping another tensor\'s data (which ends at 8)'],
    ['the same bytes for two tensors', () => safetensors(`{"a": ${f32(0, 8)}, "b": ${f32(0, 8)}}`, 8), 'overlapping another tensor\'s data'],
    ['a gap before the first tensor', () => safetensors(`{"a": ${f32(4, 8)}, "b": ${f32(8, 12)}}`, 12), 'there is a gap in the data: bytes 0..4 belong to no tensor'],
    ['data no tensor claims', () => safetensors(`{"a": ${f32(0, 4)}}`, 12), 'the last 8 data bytes belong to no tensor'],
    ['reversed data_offsets', () => safetensors(`{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}`, 4), 'has data_offsets [4, 0]'],
    ['a header length beyond the file', () => safetensors('{}', 0, 1000n), 'the header size 1000 exceeds the 2 bytes after it (truncated?)'],
    ['a header length above the cap', () => safetensors('{}', 0, 100_000_001n), "the header size 100000001 exceeds the format's limit of 100000000"],
    ['a header length of 2^64 - 1', () => safetensors('{}', 0, 2n ** 64n - 1n), "exceeds the format's limit of 100000000"],
    ['a dtype named __proto__', () => safetensors(`{"a": {"dtype": "__proto__", "shape": [1], "data_offsets": [0, 4]}}`, 4), 'tensor "a" has dtype __proto__, which tensorgrad does not read'],
    ['a dtype named constructor', () => safetensors(`{"a": {"dtype": "constructor", "shape": [1], "data_offsets": [0, 4]}}`, 4), 'tensor "a" has dtype constructor, which tensorgrad does not read'],
    ['a dtype that is not a string', () => safetensors(`{"a": {"dtype": 5, "shape": [1], "data_offsets": [0, 4]}}`, 4), 'tensor "a" has no dtype'],
    ['a shape of 2^40 elements', () => safetensors(`{"a": {"dtype": "F32", "shape": [1048576, 1048576], "data_offsets": [0, 4]}}`, 4), 'tensor "a": [1048576, 1048576] has 1099511627776 elements; at most 2147483647 are supported'],
    ['a shape of 9 dims', () => safetensors(`{"a": {"dtype": "F32", "shape": [1,1,1,1,1,1,1,1,1], "data_offsets": [0, 4]}}`, 4), 'tensor "a": at most 8 dims are supported, got 9'],
    ['a fractional size', () => safetensors(`{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}`, 4), 'tensor "a" has an invalid shape [1.5]'],
    ['a size as a string', () => safetensors(`{"a": {"dtype": "F32", "shape": ["1"], "data_offsets": [0, 4]}}`, 4), 'tensor "a" has an invalid shape ["1"]'],
    ['a shape that disagrees with data_offsets', () => safetensors(`{"a": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4]}}`, 4), 'tensor "a": shape [1000] of f32 needs 4000 bytes, the file has 4'],
  ];
  test.each(cases)('%s', (_what, make, message) => {
    const file = make();
    let error: unknown;
    try {
      tg.load(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^load: /);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain(message);
  });

  test('what load returns has no prototypes, flat or nested', () => {
    const flat = safetensors(`{"a": ${f32(0, 4)}, "b": ${f32(4, 8)}}`, 8);
    const loaded = tg.load(flat);
    expect(Object.getPrototypeOf(loaded)).toBe(null);
    expect(Object.keys(loaded)).toEqual(['a', 'b']);
    const file = path.join(tmp, 'nested.safetensors');
    tg.save({ model: { w: tg.ones(2) }, history: [{ loss: 1 }, { t: tg.zeros(1) }], name: 'run' }, file);
    expectNoPrototypes(tg.load(file));
  });
});

describe('hostile .npy files are rejected', () => {
  const cases: [string, () => string, string][] = [
    ['a decoy descr inside a string value', () => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': "'descr': '<f8', 'shape': (1,)"}`, 8), "the header's keys are [\"descr\", \"fortran_order\", \"shape\", \"x\"]; NumPy's are exactly 'descr', 'fortran_order' and 'shape'"],
    ['a decoy before the real key', () => npy(`{'note': "'descr': '<f8'", 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}`, 8), "the header's keys are"],
    ['a key given twice', () => npy(`{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}`, 4), "the header has the key 'descr' twice"],
    ['a header that is not a dict', () => npy(`[('descr', '<f4')]`), 'the header is not a dict'],
    ['a key that is not a string', () => npy(`{1: 2}`), 'the header has a key that is not a string (1)'],
    ['an unterminated string', () => npy(`{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}`), 'expected'],
    ['text after the dict', () => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} {}`, 4), 'expected the end of the header'],
    ['a shape that is a list', () => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': [1]}`, 4), "'shape' is not a tuple of non-negative integers"],
    ['a shape in parentheses, not a tuple', () => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (1)}`, 4), "'shape' is not a tuple of non-negative integers"],
    ['a negative size', () => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}`), "'shape' is not a tuple of non-negative integers"],
    ['a shape of 2^40 elements', () => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576)}`, 4), '[1048576, 1048576] has 1099511627776 elements; at most 2147483647 are supported'],
    ['fortran_order that is not a bool', () => npy(`{'descr': '<f4', 'fortran_order': 'yes', 'shape': (1,)}`, 4), "'fortran_order' is \"yes\", not True or False"],
    ['a descr that is a number', () => npy(`{'descr': 4, 'fortran_order': False, 'shape': (1,)}`, 4), 'is not supported'],
    ['a header nesting 5000 levels', () => npy(`{'descr': ${'('.repeat(5000)}`), 'the header nests deeper than 32 levels'],
    ['a header longer than NumPy allows', () => npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}` + ' '.repeat(20_000), 4), "the header length 20055 exceeds 10000 bytes, NumPy's limit for a safe header"],
    ['a header length beyond the file', () => npy('{}', 0, 5000), 'the header (5000 bytes) runs past the end of the file (truncated?)'],
  ];
  test.each(cases)('%s', (_what, make, message) => {
    const file = make();
    expect(() => tg.loadNpy(file)).toThrow(/^loadNpy: /);
    expect(() => tg.loadNpy(file)).toThrow(message);
  });

  test("NumPy's own header forms parse: double quotes, Python 2 longs, no trailing comma, nested parentheses", () => {
    expect(tg.loadNpy(npy(`{"descr": "<i4", "fortran_order": False, "shape": (1L, 2L)}`, 8)).shape).toEqual([1, 2]);
    expect(tg.loadNpy(npy(`{'descr':'<f4','shape':(),'fortran_order':False,}\n`, 4)).shape).toEqual([]);
    expect(tg.loadNpy(npy(`{'descr': '<f4', 'fortran_order': False, 'shape': ((2, 1)), }`, 8)).shape).toEqual([2, 1]);
  });
});

describe('save refuses what load would reject', () => {
  const t = tg.ones(1);
  test.each([
    ['a tensor named __metadata__', { __metadata__: t }, 'save: cannot store a tensor named "__metadata__": the safetensors format reserves it for metadata'],
    ['a nested tree entry __metadata__ at the root', { __metadata__: t, epoch: 1 }, 'save: cannot store a tensor named "__metadata__"'],
    ['a key __proto__', JSON.parse('{"__proto__": 1, "a": 2}'), 'save: cannot store the key "__proto__" at (root): it names a property of Object.prototype, which load() rejects as hostile'],
    ['a tensor key __proto__', Object.defineProperty({}, '__proto__', { value: t, enumerable: true }), 'save: cannot store the key "__proto__" at (root)'],
    ['a key constructor', { a: { constructor: t } }, 'save: cannot store the key "constructor" at a'],
  ])('%s', (_what, obj, message) => {
    expect(() => tg.save(obj as tg.Saveable, path.join(tmp, 'refused'))).toThrow(message);
    expect(fs.existsSync(path.join(tmp, 'refused'))).toBe(false);
  });

  test('a cyclic object is a clear error', () => {
    const a: Record<string, unknown> = { w: t, inner: { x: 1 } };
    (a.inner as Record<string, unknown>).back = a;
    expect(() => tg.save(a as tg.Saveable, path.join(tmp, 'c'))).toThrow('save: the object is cyclic: inner.back refers back to (root)');
    const list: unknown[] = [t];
    list.push({ l: list });
    expect(() => tg.save({ list } as tg.Saveable, path.join(tmp, 'c'))).toThrow('save: the object is cyclic: list.1.l refers back to list');
    const shared = { w: t }; // the same record twice is not a cycle
    tg.save({ a: shared, b: shared }, path.join(tmp, 'shared'));
    expect(Object.keys(tg.load<Record<string, unknown>>(path.join(tmp, 'shared')))).toEqual(['a', 'b']);
  });

  test('nesting deeper than load accepts is a clear error', () => {
    let deep: unknown = t;
    for (let i = 0; i < 200; ++i) deep = [deep];
    expect(() => tg.save({ deep } as tg.Saveable, path.join(tmp, 'd'))).toThrow('save: the object nests deeper than 100 levels (at deep.0.0');
  });
});
