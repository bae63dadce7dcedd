// Fuzzes tg.load and tg.loadNpy (issue 13): valid files with mutated headers (bytes
// flipped, inserted, deleted; tokens swapped for hostile ones; length fields changed) and
// truncated files. Whatever the mutation, the outcome is a clear Error naming the op, or
// a well-formed result (tensors in records without prototypes): never a crash, a hang, a
// stack overflow or a prototype-linked object. Bounded in count and in time.
//
// TG_FILE_FUZZ_SEED=n replays a run; TG_FILE_FUZZ_ITERS=n sets the number of files.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import * as tg from '../../lib/index';
import { Rng } from '../helpers/random';

const SEED = process.env.TG_FILE_FUZZ_SEED !== undefined ? Number(process.env.TG_FILE_FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const ITERATIONS = Number(process.env.TG_FILE_FUZZ_ITERS ?? 2000);
const TIME_BUDGET_MS = 15_000; // per format; a run stops early rather than slow CI down
fs.writeSync(2, `file-fuzz.test.ts: seed ${SEED}, ${ITERATIONS} files per format (replay with TG_FILE_FUZZ_SEED=${SEED})\n`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-file-fuzz-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function seedFiles(): { safetensors: Buffer[]; npy: Buffer[] } {
  const write = (name: string, save: (file: string) => void): Buffer => {
    const file = path.join(tmp, name);
    save(file);
    return fs.readFileSync(file);
  };
  const w = tg.arange(6).float().reshape(2, 3);
  return {
    safetensors: [
      write('flat.safetensors', (f) => tg.save({ w, b: tg.tensor([1, 2], { dtype: 'float64' }), m: tg.tensor([true, false]) }, f)),
      write('tree.safetensors', (f) => tg.save({ model: { w }, opt: [{ step: 3, buf: tg.zeros(2, { dtype: 'int32' }) }], name: 'x', done: null }, f)),
    ],
    npy: [
      write('f.npy', (f) => tg.saveNpy(w, f)),
      write('b.npy', (f) => tg.saveNpy(tg.tensor([true]), f)),
      write('s.npy', (f) => tg.saveNpy(tg.tensor(2.5, { dtype: 'float64' }), f)),
    ],
  };
}

const HOSTILE_TOKENS = [
  '"__proto__"', '"constructor"', "'__proto__'", '"toString"', '-1', '1e309', '99999999999999999999', '1.5', '[[[[[[[[', ']]]]',
  '{', '}', '(', ')', ',', ':', '"', "'", '\\', 'True', 'None', '"F16"', "'<f8'", "'>i8'", '"$tensor"', '\u0000', '\u00ff',
];

/** The header's span in `bytes` and how to write a new header length into a copy. */
interface Format {
  op: string;
  load: (file: string) => unknown;
  headerStart: (bytes: Buffer) => number;
  headerLength: (bytes: Buffer) => number;
  setHeaderLength: (bytes: Buffer, n: number) => void;
}

const SAFETENSORS: Format = {
  op: 'load',
  load: tg.load,
  headerStart: () => 8,
  headerLength: (b) => Number(b.readBigUInt64LE(0)),
  setHeaderLength: (b, n) => b.writeBigUInt64LE(BigInt(Math.max(0, n))),
};
const NPY: Format = {
  op: 'loadNpy',
  load: tg.loadNpy,
  headerStart: () => 10,
  headerLength: (b) => b.readUInt16LE(8),
  setHeaderLength: (b, n) => b.writeUInt16LE(Math.max(0, Math.min(0xffff, n)), 8),
};

/** One mutated copy of `seed`: several edits inside the header (keeping the length field
 * right, most of the time, so that parsing gets past it), or a truncation, or a wrong
 * length field. */
function mutate(rng: Rng, seed: Buffer, format: Format): Buffer {
  const kind = rng.int(10);
  if (kind === 0) return seed.subarray(0, rng.int(seed.length));
  const bytes = Buffer.from(seed);
  if (kind === 1) {
    const n = format.headerLength(bytes);
    const choices = [0, n - 1, n + 1, n + rng.int(64) - 32, 2 ** 31, 0xffff, rng.int(2 ** 30)];
    format.setHeaderLength(bytes, choices[rng.int(choices.length)]);
    if (format === SAFETENSORS && rng.int(4) === 0) bytes.writeBigUInt64LE(2n ** 64n - 1n - BigInt(rng.int(1000)));
    return bytes;
  }
  const start = format.headerStart(bytes);
  const length = format.headerLength(bytes);
  let header = bytes.subarray(start, start + length).toString('latin1');
  for (let edits = 1 + rng.int(3); edits > 0; --edits) {
    const at = rng.int(header.length + 1);
    const token = HOSTILE_TOKENS[rng.int(HOSTILE_TOKENS.length)];
    switch (rng.int(5)) {
      case 0: header = header.slice(0, at) + String.fromCharCode(rng.int(256)) + header.slice(at + 1); break;
      case 1: header = header.slice(0, at) + header.slice(at + 1 + rng.int(8)); break;
      case 2: header = header.slice(0, at) + token + header.slice(at); break;
      case 3: header = header.slice(0, at) + token + header.slice(at + token.length); break;
      case 4: header = header.slice(0, at) + header.slice(rng.int(header.length), rng.int(header.length)) + header.slice(at); break;
    }
  }
  const newHeader = Buffer.from(header, 'latin1');
  const out = Buffer.concat([bytes.subarray(0, start), newHeader, bytes.subarray(start + length)]);
  format.setHeaderLength(out, rng.int(8) === 0 ? length : newHeader.length);
  return out;
}

/** A loaded value is tensors and JSON values in arrays and prototype-free records. */
function expectWellFormed(v: unknown, depth = 0): void {
  expect(depth).toBeLessThan(200);
  if (v instanceof tg.Tensor) {
    expect(v.numel()).toBe(v.shape.reduce((a, b) => a * b, 1));
    return;
  }
  if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return;
  expect(typeof v).toBe('object');
  if (!Array.isArray(v)) expect(Object.getPrototypeOf(v)).toBe(null);
  for (const x of Object.values(v as object)) expectWellFormed(x, depth + 1);
}

function fuzz(format: Format, seeds: Buffer[]): { rejected: number; loaded: number } {
  const rng = new Rng(SEED ^ (format === NPY ? 0x9e3779b9 : 0));
  const file = path.join(tmp, `fuzzed-${format.op}`);
  const deadline = Date.now() + TIME_BUDGET_MS;
  const counts = { rejected: 0, loaded: 0 };
  for (let i = 0; i < ITERATIONS && Date.now() < deadline; ++i) {
    const bytes = mutate(rng, seeds[rng.int(seeds.length)], format);
    fs.writeFileSync(file, bytes);
    let result: unknown;
    try {
      result = format.load(file);
    } catch (e) {
      const message = (e as Error).message;
      if (!(e instanceof Error) || !message.startsWith(`${format.op}: `) || /Maximum call stack|Array buffer allocation/.test(message)) {
        throw new Error(`iteration ${i} (seed ${SEED}): unclear error ${String(e)} for ${JSON.stringify(bytes.subarray(0, 300).toString('latin1'))}`);
      }
      ++counts.rejected;
      continue;
    }
    expectWellFormed(result);
    ++counts.loaded;
  }
  return counts;
}

describe('file fuzz', () => {
  const seeds = seedFiles();
  test('load: mutated headers and truncated files give clear errors or well-formed results', () => {
    const { rejected, loaded } = fuzz(SAFETENSORS, seeds.safetensors);
    expect(rejected).toBeGreaterThan(loaded); // the mutations do reach the checks
  });
  test('loadNpy: mutated headers and truncated files give clear errors or well-formed results', () => {
    const { rejected, loaded } = fuzz(NPY, seeds.npy);
    expect(rejected).toBeGreaterThan(loaded);
  });
});
