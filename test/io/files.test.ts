// tg.save / tg.load (safetensors) and tg.saveNpy / tg.loadNpy: round trips, and bad
// files, which must give a clear error and never crash.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-io-'));
const file = (name: string): string => path.join(tmp, name);

function writeRaw(name: string, bytes: number[]): string {
  fs.writeFileSync(file(name), Buffer.from(bytes));
  return file(name);
}

/** Writes a safetensors file from a header object and data bytes. */
function writeSafetensors(name: string, header: unknown, data: number[] | Uint8Array = [], headerSize?: bigint): string {
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(headerSize ?? BigInt(json.length));
  fs.writeFileSync(file(name), Buffer.concat([size, json, Buffer.from(data)]));
  return file(name);
}

const samples = (): Record<string, tg.Tensor> => ({
  f32: tg.tensor([[1.5, -2], [3, 1e-30]]),
  f64: tg.tensor([Math.PI, -0, 1e300], { dtype: 'float64' }),
  i32: tg.tensor([[-2147483648, 7, 2147483647]], { dtype: 'int32' }),
  flag: tg.tensor([true, false, true]),
  scalar: tg.tensor(42),
  empty: tg.zeros(0, 3),
  strided: tg.arange(6).float().reshape(2, 3).t(), // saved in logical (row-major) order
});

function expectSameTensors(got: Record<string, unknown>, want: Record<string, tg.Tensor>): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, t] of Object.entries(want)) {
    const g = got[k] as tg.Tensor;
    expect([k, g.dtype, g.shape]).toEqual([k, t.dtype, t.shape]);
    expect(Object.is(g.toTypedArray()[0], t.toTypedArray()[0])).toBe(true);
    expect(g.tolist()).toEqual(t.tolist());
  }
}

describe('safetensors', () => {
  test('a record of tensors round-trips exactly, every dtype and layout', () => {
    const want = samples();
    tg.save(want, file('all.safetensors'));
    expectSameTensors(tg.load(file('all.safetensors')), want);
  });

  test('the file is plain safetensors: aligned data, no gaps, keys as given', () => {
    tg.save({ b: tg.ones(3), a: tg.ones(1, { dtype: 'float64' }) }, file('plain.safetensors'));
    const bytes = fs.readFileSync(file('plain.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    expect(header).toEqual({
      __metadata__: { format: 'pt' },
      b: { dtype: 'F32', shape: [3], data_offsets: [8, 20] },
      a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
    });
    expect(bytes.length).toBe(8 + n + 20);
  });

  test('a model state dict round-trips through save/load into a fresh model', () => {
    const a = new tg.nn.Sequential(new tg.nn.Linear(3, 4), new tg.nn.ReLU(), new tg.nn.Linear(4, 2));
    tg.noGrad(() => a.parameters().forEach((p, i) => p.copy_(tg.arange(p.numel()).float().mul(0.37 * (i + 1)).sin().reshape(p.shape.slice()))));
    tg.save(a.stateDict(), file('model.safetensors'));
    const b = new tg.nn.Sequential(new tg.nn.Linear(3, 4), new tg.nn.ReLU(), new tg.nn.Linear(4, 2));
    b.loadStateDict(tg.load(file('model.safetensors')));
    const x = tg.tensor([[0.5, -1, 2], [3, 0, -0.25]]);
    expect(b.forward(x).tolist()).toEqual(a.forward(x).tolist());
  });

  test('nested records and arrays with JSON values keep their structure', () => {
    const obj = { model: { w: tg.ones(2) }, history: [1.5, { t: tg.zeros(1) }], name: 'run', done: false, none: null };
    tg.save(obj, file('nested.safetensors'));
    const back = tg.load<typeof obj>(file('nested.safetensors'));
    expect(back.model.w.tolist()).toEqual([1, 1]);
    expect((back.history[1] as { t: tg.Tensor }).t.tolist()).toEqual([0]);
    expect([back.history[0], back.name, back.done, back.none]).toEqual([1.5, 'run', false, null]);
  });

  test('what save cannot store is an error naming where it is', () => {
    expect(() => tg.save(tg.ones(2) as unknown as tg.Saveable, file('x'))).toThrow(
      'save: expected a record of tensors (e.g. model.stateDict()) or records/arrays nesting them, got Tensor; name it ({x: tensor}) or use tg.saveNpy for one tensor',
    );
    expect(() => tg.save({ a: { lr: NaN } }, file('x'))).toThrow('save: cannot store the number NaN at a.lr (only finite numbers)');
    expect(() => tg.save({ a: [new Map()] } as unknown as tg.Saveable, file('x'))).toThrow('save: cannot store Map at a.0');
    expect(() => tg.save({ 'b.c': 1, b: { c: tg.ones(1) }, x: { 'y.z': tg.ones(1) }, 'x.y': { z: tg.ones(1) } }, file('x'))).toThrow(
      'save: two tensors would be stored under the name "x.y.z"',
    );
    expect(() => tg.save({ a: { $tensor: 'b' } }, file('x'))).toThrow('save: a record at a has a key "$tensor", which save() reserves');
    expect(() => tg.save({ a: tg.ones(1) }, path.join(tmp, 'no', 'such', 'dir.safetensors'))).toThrow('save: cannot write');
  });

  const bad: [string, () => string, string][] = [
    ['a missing file', () => file('missing.safetensors'), 'load: cannot read'],
    ['an empty file', () => writeRaw('e', []), 'it has 0 bytes, fewer than the 8-byte header size (truncated?)'],
    ['a header size past the end', () => writeSafetensors('h', { a: 1 }, [], 1000n), 'the header size 1000 exceeds the 7 bytes after it (truncated?)'],
    ['a huge header size', () => writeSafetensors('hh', {}, [], 2n ** 62n), "the header size 4611686018427387904 exceeds the format's limit of 100000000"],
    ['a header that is not JSON', () => writeRaw('j', [4, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from('{"a"')]), 'the header is not valid JSON'],
    ['a header that is an array', () => writeSafetensors('arr', [1, 2]), 'the header is not a JSON object'],
    ['an unsupported dtype', () => writeSafetensors('f16', { h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, [0, 0, 0, 0]), 'tensor "h" has dtype F16, which tensorgrad does not read (supported: F32, F64, I32, I64, BOOL)'],
    ['truncated data', () => writeSafetensors('td', { x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, [0, 0, 0, 0]), 'tensor "x" has data_offsets [0, 16] outside the 4 data bytes (truncated?)'],
    ['offsets that disagree with the shape', () => writeSafetensors('sz', { x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), 'tensor "x": shape [3] of f32 needs 12 bytes, the file has 8'],
    ['a negative size', () => writeSafetensors('neg', { x: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), 'tensor "x" has an invalid shape [-1]'],
    ['reversed offsets', () => writeSafetensors('rev', { x: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4)), 'has data_offsets [4, 0]'],
    ['an entry without dtype', () => writeSafetensors('nod', { x: { shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'tensor "x" has no dtype'],
    ['a structure referring to a missing tensor', () => writeSafetensors('tree', { __metadata__: { 'tensorgrad.tree': '{"a":{"$tensor":"a"}}' } }), 'metadata refers to a tensor "a" that is not in the file'],
  ];
  test.each(bad)('%s gives a clear error', (_what, make, message) => {
    const p = make();
    expect(() => tg.load(p)).toThrow(message);
  });

  test('every truncation and every corrupted header byte of a valid file is an Error, never a crash', () => {
    tg.save(samples(), file('victim.safetensors'));
    const bytes = fs.readFileSync(file('victim.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    for (let len = 0; len < bytes.length; ++len) {
      fs.writeFileSync(file('cut'), bytes.subarray(0, len));
      expect(() => tg.load(file('cut'))).toThrow(Error);
    }
    for (let i = 0; i < 8 + n; ++i) {
      const copy = Buffer.from(bytes);
      copy[i] ^= 0x5a;
      fs.writeFileSync(file('flip'), copy);
      try {
        tg.load(file('flip')); // a flip inside a name or in padding can leave a valid file
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/^load: /);
      }
    }
  });
});

describe('npy', () => {
  test('tensors round-trip exactly', () => {
    for (const [name, t] of Object.entries(samples())) {
      tg.saveNpy(t, file(`${name}.npy`));
      expectSameTensors({ [name]: tg.loadNpy(file(`${name}.npy`)) }, { [name]: t });
    }
  });

  test('the header is NumPy\'s: version 1.0, 64-byte aligned', () => {
    tg.saveNpy(tg.zeros(3), file('h.npy'));
    const bytes = fs.readFileSync(file('h.npy'));
    const n = bytes.readUInt16LE(8);
    expect((10 + n) % 64).toBe(0);
    expect(bytes.subarray(10, 10 + n).toString('latin1').trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  });

  function writeNpy(name: string, header: string, data: number[] = [], version = 1): string {
    const h = Buffer.from(header, 'latin1');
    const lengthBytes = version === 1 ? 2 : 4;
    const prefix = Buffer.alloc(8 + lengthBytes);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(prefix);
    if (version === 1) prefix.writeUInt16LE(h.length, 8);
    else prefix.writeUInt32LE(h.length, 8);
    fs.writeFileSync(file(name), Buffer.concat([prefix, h, Buffer.from(data)]));
    return file(name);
  }

  test('Fortran order, big-endian data, int64 and version 2.0 headers are read', () => {
    // [[1, 2, 3], [4, 5, 6]] stored column by column: 1 4 2 5 3 6
    const f = writeNpy('f.npy', "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", [1, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 6, 0, 0, 0]);
    expect(tg.loadNpy(f).tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    // 1.5 as a big-endian double: 3f f8 00 00 00 00 00 00
    const be = writeNpy('be.npy', "{'descr': '>f8', 'fortran_order': False, 'shape': (), }", [0x3f, 0xf8, 0, 0, 0, 0, 0, 0]);
    expect([tg.loadNpy(be).dtype, tg.loadNpy(be).item()]).toEqual([tg.float64, 1.5]);
    const i64 = writeNpy('i64.npy', "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 2);
    expect([tg.loadNpy(i64).dtype, tg.loadNpy(i64).tolist()]).toEqual([tg.int64, [-2]]);
  });

  test.each([
    ['not npy', () => writeRaw('n.npy', [...Buffer.from('hello world')]), 'does not start with "\\x93NUMPY"'],
    ['a header past the end', () => writeRaw('t.npy', [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 100, 0, 0x7b]), 'the header (100 bytes) runs past the end of the file (truncated?)'],
    ['truncated data', () => writeNpy('d.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", [0, 0, 0, 0]), 'shape [2] of f32 needs 8 bytes, the file has 4'],
    ['float16', () => writeNpy('h.npy', "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", [0, 0]), "dtype <f2 is not supported (float32 '<f4', float64 '<f8', int32 '<i4', int64 '<i8', bool '|b1')"],
    ['a structured dtype', () => writeNpy('s.npy', "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0]), 'dtype a structured dtype is not supported'],
    ['no shape', () => writeNpy('ns.npy', "{'descr': '<f4', 'fortran_order': False, }"), "the header's keys are [\"descr\", \"fortran_order\"]; NumPy's are exactly 'descr', 'fortran_order' and 'shape'"],
    ['a bad shape', () => writeNpy('bs.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }"), "expected a Python literal at character 54 of the header \"{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }\""],
    ['an unknown version', () => writeNpy('v.npy', '{}', [], 9), 'unknown format version 9.0'],
  ])('%s gives a clear error', (_what, make, message) => {
    const p = make();
    expect(() => tg.loadNpy(p)).toThrow(message);
  });
});
