// Fuzzes the addon's entry points directly, bypassing every check in lib/ (DESIGN
// principle 5: the native core never crashes the process, whatever it is handed).
//
// Each iteration builds a valid call to one entry point, then perhaps mutates it: lying
// view metadata (dtype code, ndim, shapes, strides, offsets), short, detached, shrunk or
// shared buffers, typed arrays and other things where an ArrayBuffer belongs, aliased
// and overlapping operands, truncated or detached scratch, bad opcodes, numbers, dims,
// index values and generator states, missing arguments. Then:
//  - a TypeScript model of binding/views.h says whether the binding must reject the call;
//  - a valid call that no mutation touched must succeed;
//  - anything thrown must be a JS Error;
//  - a call that returns must have written nothing outside its output (bytes are
//    compared, so this catches stray writes inside a buffer that no sanitizer sees).
// scripts/test-sanitize.sh runs this file under ASan/UBSan as well, which catches
// out-of-bounds accesses and undefined behaviour that no JS-level check can see.
//
// TG_FUZZ_SEED=n replays a run, TG_FUZZ_ITERS=n sets the number of iterations, and
// TG_FUZZ_VERBOSE=1 prints each case before its call (to find the one that crashes).
//
// New entry points: add a row to ENTRY_POINTS (its parameters and a valid call).
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { afterAll, describe, expect, test } from 'vitest';
import { meta, native } from '../lib/native/binding';
import {
  BINARY_OPS, BinaryOp, CONV_OPS, Group, IM2COL_OPS, INDEX_OPS, IndexOp, OPTIM_OPS, OptimOp, POOL_OPS, RANDOM_OPS, REDUCE_OPS, ReduceOp, SOFTMAX_OPS,
  UNARY_OPS, UnaryOp,
} from '../lib/native/table';

const SEED = process.env.TG_FUZZ_SEED !== undefined ? Number(process.env.TG_FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const ITERATIONS = Number(process.env.TG_FUZZ_ITERS ?? 4000);
const VERBOSE = !!process.env.TG_FUZZ_VERBOSE;
// Calls whose views describe more work than this (huge broadcasts) are not made.
const WORK_LIMIT = 1 << 16;
// No call within that limit takes this long, even under the sanitizers (100x headroom);
// one that does twice in a row is looping over nothing (once may be a busy machine).
const SLOW_CALL_MS = 1000;
// A call running this long is stuck: the watchdog below ends the process.
const HANG_MS = 60_000;
// A crash kills the worker before any assertion can report, so the seed goes out first.
fs.writeSync(2, `fuzz.test.ts: seed ${SEED}, ${ITERATIONS} iterations (replay with TG_FUZZ_SEED=${SEED})\n`);

/** sfc32: a small seedable generator, so a seed replays the same run everywhere. */
class Rng {
  private a = 0x9e3779b9;
  private b = 0x243f6a88;
  private c = 0xb7e15162;
  private d: number;
  constructor(seed: number) {
    this.d = seed | 0;
    for (let i = 0; i < 16; ++i) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) + t;
    this.c |= 0;
    return t >>> 0;
  }
  float(): number {
    return this.u32() / 2 ** 32;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
}

// ---------------------------------------------------------------------------------
// Calls: what is passed, and what the binding is told about each view.

// The dtype codes of native/include/tg/dtype.h, with their element types.
type DType = 'f32' | 'f64' | 'i32' | 'bool';
const CODE: Record<DType, number> = { f32: 0, f64: 1, i32: 2, bool: 3 };
const ELEMENT = [Float32Array, Float64Array, Int32Array, Uint8Array] as const; // by code
// Words of a generator state (kGeneratorWords of tg/generator.h); word 624 is the index.
const GENERATOR_WORDS = 630;

// Resizable ArrayBuffers (ES2024) are in Node 20, not in this project's ES2022 typings.
interface ResizableBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  resize(byteLength: number): void;
}
const resizableBuffer = (byteLength: number, maxByteLength: number): ResizableBuffer =>
  new (ArrayBuffer as unknown as new (n: number, options: { maxByteLength: number }) => ResizableBuffer)(byteLength, { maxByteLength });
const isResizable = (b: ArrayBufferLike): b is ResizableBuffer => (b as Partial<ResizableBuffer>).resizable === true;
/** A buffer that is neither detached nor empty. */
const isLive = (b: unknown): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0;

/** A view argument: the buffer passed and the metadata written for it. */
interface ViewArg {
  buffer: unknown; // normally an ArrayBuffer; mutations put anything here
  dtype: number; // a code; may lie about the buffer's contents (any dtype over any bytes is valid)
  ndim: number; // may lie about shape.length
  offset: number;
  shape: number[];
  strides: number[];
}
type Arg = { view: ViewArg } | { value: unknown };
type Outcome = 'ok' | 'throw' | 'any';

interface Call {
  entry: EntryPoint;
  args: Arg[];
  /** What the kernel does once the binding has accepted the views; mutations update it. */
  kernel: Outcome;
  notes: string[];
  /** The scratch the views' metadata goes to; registered with init() before the call. */
  scratch: Int32Array;
  /** Runs after the metadata is written, right before the call (e.g. detaches the scratch). */
  beforeCall?: () => void;
}

/** A parameter of an entry point, in the order the binding reads them. */
type Param =
  | { kind: 'opcode'; count: number }
  | { kind: 'view' } // an ArrayBuffer described in the scratch
  | { kind: 'operand' } // a view or a JS number
  | { kind: 'viewOrNull' } // random's out, softmax's b
  | { kind: 'number'; anyValid?: boolean } // anyValid: every number is a valid value
  | { kind: 'threads' } // setNumThreads' integer in 1..1024
  | { kind: 'scratch' } // init's Int32Array
  | { kind: 'state' } // random's generator state: an ArrayBuffer the kernel writes
  | { kind: 'hyper' }; // optimStep's hyperparameters: a Float64Array

interface EntryPoint {
  name: string;
  /** For a generic kernel group (native/ops.table): the call is run(group, ...args). */
  group?: number;
  params: Param[];
  /** A valid call (args in params order); its kernel outcome says how sure it is. */
  make(rng: Rng): { args: Arg[]; kernel: Outcome };
  /** At least the elements a correct kernel visits, given the views the binding read (null: not a view). */
  work(views: (ModelView | null)[]): number;
  /** Binding-level rules beyond each parameter's own (e.g. binary's operands). */
  accepts?(args: Arg[]): boolean;
  /** Up to this many further arguments, all views (optimStep's state buffers). */
  moreViews?: number;
  /** Whether the view argument at position i may be written; default: the first view (out). */
  writes?(i: number): boolean;
}

// ---------------------------------------------------------------------------------
// Valid calls.

const HUGE_SIZES = [3, 65537, 2 ** 20, 2 ** 31 - 1];

/** A shape: mostly small; sometimes empty with huge other dims (no element to touch). */
function randomShape(rng: Rng, minNdim = 0, maxNdim = 4): number[] {
  const ndim = maxNdim >= 4 && rng.chance(0.03) ? rng.int(5, 8) : rng.int(minNdim, maxNdim);
  if (ndim > 0 && rng.chance(0.06)) {
    const shape = Array.from({ length: ndim }, () => rng.pick(HUGE_SIZES));
    shape[rng.int(0, ndim - 1)] = 0;
    return shape;
  }
  return Array.from({ length: ndim }, () => (rng.chance(0.05) ? 0 : rng.int(1, ndim > 4 ? 2 : 4)));
}

const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** An ArrayBuffer of `bytes`, in one of the ways JS makes them, holding random `dtype` values. */
function newBuffer(rng: Rng, bytes: number, dtype: DType): ArrayBuffer {
  const buffer = rng.pick([
    () => new ArrayBuffer(bytes),
    () => new Uint8Array(bytes).buffer, // a small typed array lives on V8's heap until its buffer is asked for
    () => resizableBuffer(bytes, 2 * bytes + 64),
  ])();
  if (rng.chance(0.5)) {
    const raw = new Uint8Array(buffer);
    for (let i = 0; i < raw.length; ++i) raw[i] = rng.u32() & 255; // any bit pattern: NaNs, denormals, extremes
  } else {
    const values = new ELEMENT[CODE[dtype]](buffer, 0, Math.floor(bytes / ELEMENT[CODE[dtype]].BYTES_PER_ELEMENT));
    for (let i = 0; i < values.length; ++i) values[i] = dtype === 'f32' || dtype === 'f64' ? (rng.float() - 0.5) * 8 : rng.int(0, 3);
  }
  return buffer;
}

/** A view of `shape` over a fresh buffer: permuted, padded, offset, broadcast (inputs); or dense. */
function makeView(rng: Rng, dtype: DType, shape: number[], role: 'out' | 'in' | 'dense'): ViewArg {
  const ndim = shape.length;
  const strides = new Array<number>(ndim).fill(0);
  let offset = rng.chance(0.5) ? 0 : rng.int(1, 3);
  let length: number;
  if (numelOf(shape) === 0) {
    // Nothing is addressed, so the binding checks no bound: any strides and offset go.
    for (let d = 0; d < ndim; ++d) strides[d] = rng.pick([0, 1, rng.int(0, 9), 2 ** 31 - 1]);
    if (rng.chance(0.3)) offset = rng.pick([2 ** 31 - 1, rng.int(0, 100)]);
    length = rng.int(0, 3);
  } else {
    const order = [...Array(ndim).keys()];
    if (role !== 'dense' && rng.chance(0.3)) order.sort(() => rng.float() - 0.5);
    let step = 1;
    for (let i = ndim - 1; i >= 0; --i) {
      const d = order[i];
      // Huge dims are always broadcast: such a view must not need a huge buffer.
      const broadcast = shape[d] > 1024 || (role === 'in' && shape[d] > 1 && rng.chance(0.15));
      strides[d] = broadcast ? 0 : shape[d] === 1 ? rng.int(0, 5) : step;
      if (!broadcast) step *= shape[d] + (role !== 'dense' && rng.chance(0.2) ? 1 : 0);
    }
    let last = offset;
    for (let d = 0; d < ndim; ++d) last += (shape[d] - 1) * strides[d];
    length = last + 1 + rng.int(0, 2);
  }
  // Sometimes a few bytes more than whole elements: the binding must round down.
  const bytes = length * ELEMENT[CODE[dtype]].BYTES_PER_ELEMENT + (rng.chance(0.1) ? rng.int(1, 3) : 0);
  return { buffer: newBuffer(rng, bytes, dtype), dtype: CODE[dtype], ndim, offset, shape: [...shape], strides };
}

const anyNumber = (rng: Rng): number =>
  rng.chance(0.4)
    ? rng.pick([0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 1e300, -1e300, 5e-324, 3.5e38])
    : (rng.float() - 0.5) * 10;
const anyDType = (rng: Rng): DType => rng.pick(['f32', 'f64', 'i32', 'bool'] as const);
/** A dtype every op of a kind supports (sure to work), or another one (may not). */
function opDType(rng: Rng, sure: readonly DType[]): { dtype: DType; kernel: Outcome } {
  const dtype = rng.chance(0.8) ? rng.pick(sure) : anyDType(rng);
  return { dtype, kernel: sure.includes(dtype) ? 'ok' : 'any' };
}

/** An int32 index view of `shape` with every value in [0, size). */
function indexView(rng: Rng, shape: number[], size: number): ViewArg {
  const v = makeView(rng, 'i32', shape, 'in');
  const values = new Int32Array(v.buffer as ArrayBuffer, 0, Math.floor((v.buffer as ArrayBuffer).byteLength / 4));
  for (let i = 0; i < values.length; ++i) values[i] = size > 0 ? rng.int(0, size - 1) : 0;
  return v;
}

const view = (v: ViewArg): Arg => ({ view: v });
const value = (x: unknown): Arg => ({ value: x });
const viewNumel = (v: ModelView | null): number => (v ? v.numel : 0);

const BOOL_RESULT = new Set<string>(['Eq', 'Ne', 'Gt', 'Ge', 'Lt', 'Le', 'LogicalAnd', 'LogicalOr']);
const INDEX_RESULT = new Set<string>(['ArgMax', 'ArgMin', 'CountNonzero']);

const ENTRY_POINTS: EntryPoint[] = [
  {
    name: 'unary',
    params: [{ kind: 'opcode', count: UNARY_OPS.length }, { kind: 'view' }, { kind: 'view' }, { kind: 'number', anyValid: true }, { kind: 'number', anyValid: true }],
    make(rng) {
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      const shape = randomShape(rng);
      return {
        args: [value(rng.int(0, UNARY_OPS.length - 1)), view(makeView(rng, dtype, shape, 'out')), view(makeView(rng, dtype, shape, 'in')),
          value(anyNumber(rng)), value(anyNumber(rng))],
        kernel,
      };
    },
    work: (v) => viewNumel(v[1]),
  },
  {
    name: 'binary',
    params: [{ kind: 'opcode', count: BINARY_OPS.length }, { kind: 'view' }, { kind: 'operand' }, { kind: 'operand' }],
    make(rng) {
      const op = rng.int(0, BINARY_OPS.length - 1);
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      const shape = randomShape(rng);
      const numberAt = rng.chance(0.3) ? rng.int(2, 3) : -1; // not both: the binding rejects that
      const operand = (i: number): Arg => (i === numberAt ? value(anyNumber(rng)) : view(makeView(rng, dtype, shape, 'in')));
      const out = makeView(rng, BOOL_RESULT.has(BINARY_OPS[op]) ? 'bool' : dtype, shape, 'out');
      return { args: [value(op), view(out), operand(2), operand(3)], kernel };
    },
    work: (v) => viewNumel(v[1]),
    accepts: (args) => !(typeof argValue(args[2]) === 'number' && typeof argValue(args[3]) === 'number'),
  },
  {
    name: 'where',
    params: [{ kind: 'view' }, { kind: 'view' }, { kind: 'operand' }, { kind: 'operand' }],
    make(rng) {
      const dtype = anyDType(rng);
      const shape = randomShape(rng);
      const operand = (): Arg => (rng.chance(0.2) ? value(anyNumber(rng)) : view(makeView(rng, dtype, shape, 'in')));
      return { args: [view(makeView(rng, dtype, shape, 'out')), view(makeView(rng, 'bool', shape, 'in')), operand(), operand()], kernel: 'ok' };
    },
    work: (v) => viewNumel(v[0]),
  },
  {
    name: 'copy',
    params: [{ kind: 'view' }, { kind: 'view' }],
    make(rng) {
      const shape = randomShape(rng);
      return { args: [view(makeView(rng, anyDType(rng), shape, 'out')), view(makeView(rng, anyDType(rng), shape, 'in'))], kernel: 'ok' };
    },
    work: (v) => viewNumel(v[0]),
  },
  {
    name: 'fill',
    params: [{ kind: 'view' }, { kind: 'number', anyValid: true }],
    make(rng) {
      return { args: [view(makeView(rng, anyDType(rng), randomShape(rng), 'out')), value(anyNumber(rng))], kernel: 'ok' };
    },
    work: (v) => viewNumel(v[0]),
  },
  {
    name: 'reduce',
    params: [{ kind: 'opcode', count: REDUCE_OPS.length }, { kind: 'view' }, { kind: 'view' }],
    make(rng) {
      const op = rng.int(0, REDUCE_OPS.length - 1);
      const { dtype, kernel } = opDType(rng, ['f32', 'f64', 'i32']);
      const shape = randomShape(rng);
      const outShape = shape.map((s) => (rng.chance(0.5) ? 1 : s));
      const out = makeView(rng, INDEX_RESULT.has(REDUCE_OPS[op]) ? 'i32' : dtype, outShape, 'out');
      // The extreme of an empty set is an error.
      const extremeOfNothing = shape.includes(0) && ['Max', 'Min', 'ArgMax', 'ArgMin'].includes(REDUCE_OPS[op]);
      return { args: [value(op), view(out), view(makeView(rng, dtype, shape, 'in'))], kernel: extremeOfNothing ? 'any' : kernel };
    },
    work: (v) => viewNumel(v[1]) + viewNumel(v[2]),
  },
  {
    name: 'matmul',
    params: [{ kind: 'view' }, { kind: 'view' }, { kind: 'view' }],
    make(rng) {
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      let batch = randomShape(rng, 0, 2);
      let [m, n, k] = [rng.int(0, 4), rng.int(0, 4), rng.int(0, 4)];
      if (rng.chance(0.03)) {
        // A huge batch of empty products (b broadcast over it): there is nothing to do.
        batch = Array.from({ length: rng.int(1, 2) }, () => rng.pick(HUGE_SIZES));
        if (rng.chance(0.5)) m = 0;
        else n = 0;
      }
      return {
        args: [view(makeView(rng, dtype, [...batch, m, n], 'out')), view(makeView(rng, dtype, [...batch, m, k], 'in')),
          view(makeView(rng, dtype, [...batch, k, n], 'in'))],
        kernel,
      };
    },
    // out's elements times K (a's last dim), which may be 0.
    work: (v) => viewNumel(v[0]) * Math.max(1, v[1] && v[1].shape.length > 0 ? v[1].shape[v[1].shape.length - 1] : 0),
  },
  {
    name: 'indexOp',
    group: Group.Index,
    params: [{ kind: 'opcode', count: INDEX_OPS.length }, { kind: 'view' }, { kind: 'view' }, { kind: 'view' }, { kind: 'number' }],
    make(rng) {
      const op = rng.int(0, INDEX_OPS.length - 1);
      const { dtype, kernel } = opDType(rng, ['f32', 'f64', 'i32']);
      const full = randomShape(rng, 1, 4); // the shape indexed by index values
      const dim = rng.int(0, full.length - 1);
      let sel: number[]; // the shape indexed by position
      let index: ViewArg;
      if (INDEX_OPS[op] === 'IndexSelect' || INDEX_OPS[op] === 'IndexAdd') {
        sel = [...full];
        sel[dim] = full[dim] === 0 ? 0 : rng.int(0, 4);
        index = indexView(rng, [sel[dim]], full[dim]);
      } else {
        sel = full.map((s, d) => (d === dim ? (full[d] === 0 ? 0 : rng.int(0, 4)) : rng.int(0, Math.min(s, 4))));
        index = indexView(rng, sel, full[dim]);
      }
      // IndexSelect and Gather write the selected shape; IndexAdd and ScatterAdd the full one.
      const writesFull = INDEX_OPS[op] === 'IndexAdd' || INDEX_OPS[op] === 'ScatterAdd';
      const out = makeView(rng, dtype, writesFull ? full : sel, 'out');
      const x = makeView(rng, dtype, writesFull ? sel : full, 'in');
      return { args: [value(op), view(out), view(x), view(index), value(dim)], kernel };
    },
    work: (v) => viewNumel(v[1]) + viewNumel(v[2]) + viewNumel(v[3]),
  },
  {
    name: 'softmax',
    group: Group.Softmax,
    params: [{ kind: 'opcode', count: SOFTMAX_OPS.length }, { kind: 'view' }, { kind: 'view' }, { kind: 'viewOrNull' }, { kind: 'number' }],
    make(rng) {
      const op = rng.int(0, SOFTMAX_OPS.length - 1);
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      const shape = randomShape(rng, 1, 4);
      // Backward ops read the forward's output (a) and the output gradient (b).
      const b = SOFTMAX_OPS[op].endsWith('Backward') ? view(makeView(rng, dtype, shape, 'in')) : value(null);
      return { args: [value(op), view(makeView(rng, dtype, shape, 'out')), view(makeView(rng, dtype, shape, 'in')), b, value(rng.int(0, shape.length - 1))], kernel };
    },
    work: (v) => viewNumel(v[1]),
  },
  {
    name: 'conv',
    group: Group.Conv,
    params: [
      { kind: 'opcode', count: CONV_OPS.length }, { kind: 'view' }, { kind: 'view' }, { kind: 'view' }, { kind: 'viewOrNull' },
      ...Array.from({ length: 7 }, () => ({ kind: 'number' }) as const),
    ],
    make(rng) {
      const op = rng.int(0, CONV_OPS.length - 1);
      const name = CONV_OPS[op];
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      const groups = rng.int(1, 2);
      const [n, cig, cog] = [rng.int(0, 3), rng.int(0, 2), rng.int(0, 2)];
      const [kh, kw, oh, ow, h, w] = [rng.int(1, 3), rng.int(1, 3), rng.int(0, 4), rng.int(0, 4), rng.int(0, 5), rng.int(0, 5)];
      // The output-sized views, the weight and an input gradient are dense; x may be strided.
      const x = makeView(rng, dtype, [n, cig * groups, h, w], name === 'InputGrad' ? 'dense' : 'in');
      const wt = makeView(rng, dtype, [cog * groups, cig, kh, kw], 'dense');
      const y = makeView(rng, dtype, [n, cog * groups, oh, ow], 'dense');
      const [out, a, b] = name === 'Forward' ? [y, x, wt] : name === 'InputGrad' ? [x, y, wt] : [wt, x, y];
      const bias = name !== 'WeightGrad' && rng.chance(0.5) ? view(makeView(rng, dtype, [out.shape[1]], 'in')) : value(null);
      const geometry = [rng.int(1, 2), rng.int(1, 2), rng.int(0, 1), rng.int(0, 1), rng.int(1, 2), rng.int(1, 2), groups];
      return { args: [value(op), view(out), view(a), view(b), bias, ...geometry.map(value)], kernel };
    },
    // Each output element reads at most all of the other two views (an upper bound).
    work: (v) => viewNumel(v[1]) * (viewNumel(v[2]) + viewNumel(v[3]) + 1) + viewNumel(v[2]) * viewNumel(v[3]),
  },
  {
    name: 'im2col',
    group: Group.Im2col,
    params: [{ kind: 'opcode', count: IM2COL_OPS.length }, { kind: 'view' }, { kind: 'view' }, ...Array.from({ length: 8 }, () => ({ kind: 'number' }) as const)],
    make(rng) {
      const op = rng.int(0, IM2COL_OPS.length - 1);
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      const [n, c, h, w] = [rng.int(0, 2), rng.int(0, 2), rng.int(3, 5), rng.int(3, 5)]; // every layout has a block
      const [kh, kw, sh, sw, ph, pw, dh, dw] = [rng.int(1, 2), rng.int(1, 2), rng.int(1, 2), rng.int(1, 2), rng.int(0, 1), rng.int(0, 1), 1, rng.int(1, 2)];
      const blocks = (size: number, k: number, s: number, p: number, d: number) => Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
      const l = blocks(h, kh, sh, ph, dh) * blocks(w, kw, sw, pw, dw);
      const image = makeView(rng, dtype, [n, c, h, w], IM2COL_OPS[op] === 'Im2col' ? 'in' : 'dense');
      const cols = makeView(rng, dtype, [n, c * kh * kw, l], 'dense');
      const [out, x] = IM2COL_OPS[op] === 'Im2col' ? [cols, image] : [image, cols];
      return { args: [value(op), view(out), view(x), ...[kh, kw, sh, sw, ph, pw, dh, dw].map(value)], kernel };
    },
    work: (v) => viewNumel(v[1]) + viewNumel(v[2]),
  },
  {
    name: 'pool',
    group: Group.Pool,
    params: [
      { kind: 'opcode', count: POOL_OPS.length }, { kind: 'view' }, { kind: 'viewOrNull' }, { kind: 'view' }, { kind: 'view' }, { kind: 'view' },
      { kind: 'number' }, { kind: 'number' },
    ],
    make(rng) {
      const op = rng.int(0, POOL_OPS.length - 1);
      const name = POOL_OPS[op];
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      const [p, h, w, oh, ow] = [rng.int(0, 3), rng.int(1, 5), rng.int(1, 5), rng.int(0, 4), rng.int(0, 4)];
      // Window tables (first position, taps, divisor factor): any values are valid (taps < 0: none).
      const table = (o: number) => {
        const t = makeView(rng, 'i32', [o, 3], 'in');
        const values = new Int32Array(t.buffer as ArrayBuffer, 0, Math.floor((t.buffer as ArrayBuffer).byteLength / 4));
        for (let i = 0; i < values.length; ++i) values[i] = rng.int(-2, 4);
        return t;
      };
      const big = makeView(rng, dtype, [p, h, w], name === 'AvgBackward' ? 'out' : 'in');
      const small = makeView(rng, dtype, [p, oh, ow], name === 'AvgBackward' ? 'in' : 'out');
      const indices = name === 'Max' ? view(makeView(rng, 'i32', [p, oh, ow], 'out')) : value(null);
      const [out, x] = name === 'AvgBackward' ? [big, small] : [small, big];
      return { args: [value(op), view(out), indices, view(x), view(table(oh)), view(table(ow)), value(rng.int(1, 2)), value(rng.int(1, 2))], kernel };
    },
    // Each output element reads at most all of the input.
    work: (v) => viewNumel(v[1]) * (viewNumel(v[3]) + 1) + viewNumel(v[4]) + viewNumel(v[5]),
    writes: (i) => i === 1 || i === 2, // out, and Max's indices
  },
  {
    name: 'optimStep',
    params: [{ kind: 'opcode', count: OPTIM_OPS.length }, { kind: 'hyper' }, { kind: 'view' }, { kind: 'view' }],
    moreViews: 3,
    make(rng) {
      const op = rng.int(0, OPTIM_OPS.length - 1);
      const { dtype, kernel } = opDType(rng, ['f32', 'f64']);
      // The hyperparameters of each op and the state buffers their flags call for (ops.def).
      const name = OPTIM_OPS[op];
      const h = new Float64Array({ Sgd: 7, Adam: 9, Rmsprop: 7, Adagrad: 4 }[name]).map(() => (rng.chance(0.3) ? 0 : anyNumber(rng)));
      const nstate =
        name === 'Sgd' ? Number(h[1] !== 0) : name === 'Adam' ? (h[6] !== 0 ? 3 : 2) : name === 'Rmsprop' ? 1 + Number(h[5] !== 0) + Number(h[4] > 0) : 1;
      // param, grad and state: dense, of one size (their shapes may differ).
      const shape = randomShape(rng);
      const dense = (): Arg => view(makeView(rng, dtype, rng.chance(0.8) ? shape : [numelOf(shape)], 'dense'));
      return { args: [value(op), value(h), dense(), dense(), ...Array.from({ length: nstate }, dense)], kernel };
    },
    work: (v) => viewNumel(v[2]),
    writes: (i) => i === 2 || i >= 4, // the parameter and its state, in place
  },
  {
    name: 'random',
    params: [{ kind: 'opcode', count: RANDOM_OPS.length }, { kind: 'state' }, { kind: 'viewOrNull' }, { kind: 'number' }, { kind: 'number' }],
    make(rng) {
      const op = rng.int(0, RANDOM_OPS.length - 1);
      const name = RANDOM_OPS[op];
      const state = new Uint32Array(GENERATOR_WORDS).map(() => rng.u32());
      state[624] = rng.int(0, 624); // the index of the next word; beyond 624 the kernel refuses the state
      // Every op's own out dtypes and parameters (ops.def).
      const outDType: DType =
        name === 'Bits' || name === 'Randperm' ? 'i32' : name === 'Bernoulli' ? anyDType(rng) : name === 'Randint' ? rng.pick(['i32', 'f32', 'f64'] as const) : rng.pick(['f32', 'f64'] as const);
      const out = name === 'Seed' ? value(null) : view(makeView(rng, outDType, randomShape(rng, name === 'Randperm' ? 1 : 0, name === 'Randperm' ? 1 : 4), 'out'));
      const [p0, p1] =
        name === 'Seed' ? [rng.u32(), anyNumber(rng)] : name === 'Randint' ? [rng.int(-100, 100), rng.pick([1, 7, 2 ** 32, 2 ** 53])] : [anyNumber(rng), anyNumber(rng)];
      return { args: [value(op), value(state.buffer), out, value(p0), value(p1)], kernel: 'ok' };
    },
    work: (v) => viewNumel(v[2]),
  },
  {
    name: 'setNumThreads',
    params: [{ kind: 'threads' }],
    make: (rng) => ({ args: [value(rng.int(1, 4))], kernel: 'ok' }),
    work: () => 0,
  },
  {
    name: 'getNumThreads',
    params: [],
    make: () => ({ args: [], kernel: 'ok' }),
    work: () => 0,
  },
  {
    name: 'init',
    params: [{ kind: 'scratch' }],
    make: (rng) => ({ args: [value(new Int32Array(newBuffer(rng, 4 * rng.int(0, 64), 'i32')))], kernel: 'ok' }),
    work: () => 0,
  },
];

function argValue(arg: Arg): unknown {
  return 'view' in arg ? arg.view.buffer : arg.value;
}

// ---------------------------------------------------------------------------------
// Mutations. Each returns the kernel outcome it leaves: 'keep' when the kernel does the
// same as before (the binding model still decides whether the binding accepts).

type Mutation = (rng: Rng, call: Call) => Outcome | 'keep' | null; // null: not applicable

const viewsOf = (call: Call): ViewArg[] => call.args.flatMap((a) => ('view' in a ? [a.view] : []));
const liveViewsOf = (call: Call): ViewArg[] => viewsOf(call).filter((v) => isLive(v.buffer));

/** Things that are neither an ArrayBuffer nor a Uint8Array (shared storage's form), some of
 * them close: other typed arrays, a bare SharedArrayBuffer. */
function notABuffer(rng: Rng, near: unknown): unknown {
  return rng.pick([
    () => undefined, () => null, () => 0, () => 2.5, () => NaN, () => 'x', () => [1, 2, 3], () => ({ byteLength: 16 }),
    () => 1n, () => true, () => Symbol('s'), () => () => 1, () => new DataView(new ArrayBuffer(16)),
    () => new SharedArrayBuffer(64), () => new Float64Array(8), () => (isLive(near) ? new Int16Array(near, 0, Math.floor(near.byteLength / 2)) : new Int32Array(4)),
  ])();
}

function detach(buffer: unknown): boolean {
  if (!isLive(buffer)) return false;
  structuredClone(buffer, { transfer: [buffer] });
  return true;
}

const MUTATIONS: Record<string, Mutation> = {
  dtype(rng, call) {
    const v = rng.pick(viewsOf(call));
    if (!v) return null;
    v.dtype = rng.pick([-1, 4, 2 ** 31 - 1, -(2 ** 31), rng.int(0, 3)]);
    return 'any';
  },
  ndim(rng, call) {
    const v = rng.pick(viewsOf(call));
    if (!v) return null;
    v.ndim = rng.pick([9, 16, -1, -(2 ** 31), 2 ** 31 - 1, rng.int(0, 8)]);
    return 'any';
  },
  sizeOrStride(rng, call) {
    const v = rng.pick(viewsOf(call));
    if (!v || v.shape.length === 0) return null;
    const d = rng.int(0, v.shape.length - 1);
    const which = rng.chance(0.5) ? v.shape : v.strides;
    which[d] = rng.pick([-1, -(2 ** 31), 0, which[d] + 1, 2 ** 20, 2 ** 31 - 1]);
    // A huge size with a real stride runs off the buffer; with stride 0 it would be real work.
    if (v.shape[d] > 4) v.strides[d] = Math.max(1, v.strides[d]);
    return 'any';
  },
  offset(rng, call) {
    const v = rng.pick(viewsOf(call));
    if (!v) return null;
    const length = v.buffer instanceof ArrayBuffer ? Math.floor(v.buffer.byteLength / ELEMENT[v.dtype]?.BYTES_PER_ELEMENT) || 0 : 0;
    v.offset = rng.pick([-1, -(2 ** 31), 2 ** 31 - 1, length, length + 1, Math.max(0, length - 1), v.offset + 1]);
    return 'keep';
  },
  shortBuffer(rng, call) {
    const v = rng.pick(liveViewsOf(call));
    if (!v) return null;
    const buffer = v.buffer as ArrayBuffer;
    v.buffer = buffer.slice(0, rng.int(0, buffer.byteLength - 1));
    return 'keep';
  },
  notABuffer(rng, call) {
    const v = rng.pick(viewsOf(call));
    if (!v) return null;
    v.buffer = notABuffer(rng, v.buffer);
    return 'any';
  },
  operandIsNumber(rng, call) {
    const slots = call.entry.params.flatMap((p, i) => (p.kind === 'operand' && i < call.args.length && 'view' in call.args[i] ? [i] : []));
    if (slots.length === 0) return null;
    call.args[rng.pick(slots)] = value(anyNumber(rng));
    return 'keep';
  },
  detach(rng, call) {
    const v = rng.pick(liveViewsOf(call));
    return v && detach(v.buffer) ? 'keep' : null;
  },
  shrink(rng, call) {
    const buffer = rng.pick(liveViewsOf(call))?.buffer as ArrayBuffer | undefined;
    if (!buffer || !isResizable(buffer)) return null;
    buffer.resize(rng.int(0, buffer.byteLength));
    return 'keep';
  },
  alias(rng, call) {
    // An input shares out's memory.
    const views = liveViewsOf(call);
    if (views.length < 2) return null;
    rng.pick(views.slice(1)).buffer = views[0].buffer;
    return 'any';
  },
  overlap(rng, call) {
    // An input is out's view shifted by a few elements: a kernel that writes out while it
    // still reads the input sees its input change under it (an index turning invalid).
    const views = liveViewsOf(call);
    if (views.length < 2) return null;
    const out = views[0];
    const input = rng.pick(views.slice(1));
    Object.assign(input, { ...out, shape: [...out.shape], strides: [...out.strides] });
    // Either one may lead: the binding may then find the shifted view off the buffer's end.
    if (rng.chance(0.5)) input.offset += rng.int(1, 2);
    else out.offset += rng.int(1, 2);
    return 'any';
  },
  scratchAsBuffer(rng, call) {
    const v = rng.pick(viewsOf(call));
    if (!v) return null;
    // A scratch of this call's own: later mutations may detach or shrink it.
    if (call.scratch === meta) call.scratch = new Int32Array(64);
    v.buffer = call.scratch.buffer;
    return 'any';
  },
  hyper(rng, call) {
    const i = call.entry.params.findIndex((p) => p.kind === 'hyper');
    if (i < 0 || i >= call.args.length) return null;
    const h = argValue(call.args[i]);
    if (!(h instanceof Float64Array) || !isLive(h.buffer)) return null;
    const param = liveViewsOf(call)[0];
    call.args[i] = value(
      rng.pick([
        () => new Float64Array(rng.pick([0, 1, h.length - 1, h.length + 1, 100])),
        () => new Float32Array(h),
        () => (detach(h.buffer), h),
        // The parameter's own memory: the update writes its hyperparameters as it goes.
        () => (param ? new Float64Array(param.buffer as ArrayBuffer, 0, Math.min(h.length, (param.buffer as ArrayBuffer).byteLength >> 3)) : h),
        () => notABuffer(rng, null),
      ])(),
    );
    return 'any';
  },
  state(rng, call) {
    const i = call.entry.params.findIndex((p) => p.kind === 'state');
    if (i < 0 || i >= call.args.length) return null;
    const words = new Uint32Array(GENERATOR_WORDS);
    words[624] = rng.pick([625, 2 ** 32 - 1, 2 ** 31]); // an index the kernel must refuse
    call.args[i] = value(
      rng.pick([
        () => words.buffer,
        () => new ArrayBuffer(4 * GENERATOR_WORDS + rng.pick([-4, -1, 4])),
        () => new SharedArrayBuffer(4 * GENERATOR_WORDS),
        () => words,
        () => notABuffer(rng, words.buffer),
      ])(),
    );
    return 'any';
  },
  dropArgs(rng, call) {
    if (call.args.length === 0) return null;
    call.args.length = rng.int(0, call.args.length - 1);
    return 'any';
  },
  extraArgs(rng, call) {
    call.args.push(value(notABuffer(rng, null)), value(anyNumber(rng)));
    return 'keep';
  },
  opcode(rng, call) {
    const p = call.entry.params[0];
    if (p?.kind !== 'opcode' || call.args.length === 0) return null;
    call.args[0] = value(rng.pick([-1, p.count, p.count + 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, NaN, Infinity, 0.5, '0', undefined, rng.int(0, p.count - 1)]));
    return 'any';
  },
  number(rng, call) {
    const slots = call.entry.params.flatMap((p, i) => ((p.kind === 'number' || p.kind === 'threads') && i < call.args.length ? [i] : []));
    if (slots.length === 0) return null;
    const i = rng.pick(slots);
    const p = call.entry.params[i];
    call.args[i] = value(rng.chance(0.8) ? anyNumber(rng) : rng.pick([undefined, null, '1', {}, 1n, true]));
    return p.kind === 'number' && p.anyValid ? 'keep' : 'any';
  },
  indexValue(rng, call) {
    // On a call no other mutation has touched yet: [op, out, x, index, dim].
    if (call.entry.name !== 'indexOp' || call.notes.length > 0) return null;
    const [op, out, x, index, dim] = call.args.map((a) => ('view' in a ? a.view : a.value)) as [number, ViewArg, ViewArg, ViewArg, number];
    const offsets = elementOffsets(index);
    if (offsets.length === 0) return null;
    // Out of range along dim of the operand indexed by value: x for IndexSelect and Gather.
    const size = (INDEX_OPS[op] === 'IndexSelect' || INDEX_OPS[op] === 'Gather' ? x : out).shape[dim];
    const buffer = index.buffer as ArrayBuffer;
    new Int32Array(buffer, 0, buffer.byteLength >> 2)[rng.pick(offsets)] = rng.pick([-1, -(2 ** 31), size, size + 1, 2 ** 31 - 1]);
    return 'throw';
  },
  shortScratch(rng, call) {
    call.scratch = new Int32Array(rng.int(0, 12));
    return 'keep';
  },
  detachedScratch(rng, call) {
    const scratch = new Int32Array(64);
    call.scratch = scratch;
    call.beforeCall = () => detach(scratch.buffer);
    return 'keep';
  },
  shrunkScratch(rng, call) {
    const buffer = resizableBuffer(4 * 64, 4 * 128);
    const keep = rng.int(0, 12);
    call.scratch = new Int32Array(buffer);
    call.beforeCall = () => buffer.byteLength > 0 && buffer.resize(4 * keep); // unless detached since
    return 'keep';
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

/** The element indices of a view (none for views too large to list). */
function elementOffsets(v: { offset: number; shape: number[]; strides: number[] }): number[] {
  const n = numelOf(v.shape);
  if (!(n > 0 && n <= WORK_LIMIT) || v.shape.length !== v.strides.length) return [];
  const out: number[] = [];
  const idx = new Array<number>(v.shape.length).fill(0);
  for (let i = 0; i < n; ++i) {
    let off = v.offset;
    for (let d = 0; d < idx.length; ++d) off += idx[d] * v.strides[d];
    out.push(off);
    for (let d = idx.length - 1; d >= 0 && ++idx[d] === v.shape[d]; --d) idx[d] = 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------
// The model of the binding: which calls it must reject before any kernel runs.

/** A view as binding/views.h reads it. */
interface ModelView {
  buffer: ArrayBuffer;
  dtype: number;
  offset: number;
  shape: number[];
  strides: number[];
  numel: number;
}

const MAX_NUMEL = 2 ** 48;
const INT64_MAX = 2n ** 63n - 1n;

class MetaCursor {
  private pos = 0;
  // A detached or shrunk scratch has fewer ints than at init. Counted from the buffer:
  // V8 11.3's optimised code can read a detached typed array's old .length once it has
  // also seen length-tracking ones (resizable buffers), as this test makes it do.
  private readonly length: number;
  constructor(private readonly meta: Int32Array) {
    this.length = (meta.buffer.byteLength - meta.byteOffset) >> 2;
  }
  /** The next n ints, or null past the end. */
  take(n: number): number[] | null {
    if (n > this.length - this.pos) return null;
    this.pos += n;
    return Array.from({ length: n }, (_, i) => this.meta[this.pos - n + i]);
  }
}

/** readView of binding/views.h: the view, or null where it throws. */
function modelView(x: unknown, meta: MetaCursor): ModelView | null {
  if (!(x instanceof ArrayBuffer)) return null; // also a SharedArrayBuffer or a typed array
  const head = meta.take(3);
  if (!head) return null;
  const [dtype, ndim, offset] = head;
  if (dtype < 0 || dtype > 3 || ndim < 0 || ndim > 8 || offset < 0) return null;
  const dims = meta.take(2 * ndim);
  if (!dims) return null;
  const shape = dims.slice(0, ndim);
  const strides = dims.slice(ndim);
  let numel = 1;
  let last = BigInt(offset);
  for (let d = 0; d < ndim; ++d) {
    if (shape[d] < 0 || strides[d] < 0) return null;
    numel *= shape[d];
    if (numel > MAX_NUMEL) return null;
    if (shape[d] > 0) last += BigInt(shape[d] - 1) * BigInt(strides[d]);
    if (last > INT64_MAX) return null;
  }
  const length = Math.floor(x.byteLength / ELEMENT[dtype].BYTES_PER_ELEMENT);
  if (numel > 0 && last >= BigInt(length)) return null;
  return { buffer: x, dtype, offset, shape, strides, numel };
}

interface Verdict {
  accepted: boolean;
  views: (ModelView | null)[]; // per param; null for numbers
}

function modelBinding(call: Call): Verdict {
  const { entry, args } = call;
  const views: (ModelView | null)[] = [];
  const reject = { accepted: false, views };
  if (args.length < entry.params.length) return reject;
  const cursor = new MetaCursor(call.scratch);
  for (let i = 0; i < entry.params.length; ++i) {
    const p = entry.params[i];
    const x = argValue(args[i]);
    views.push(null);
    let ok = true;
    if (p.kind === 'opcode') ok = typeof x === 'number' && (x | 0) >= 0 && (x | 0) < p.count; // napi_get_value_int32: ToInt32
    else if (p.kind === 'number') ok = typeof x === 'number';
    else if (p.kind === 'threads') ok = typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 1024;
    else if (p.kind === 'scratch') ok = Object.prototype.toString.call(x) === '[object Int32Array]';
    else if (p.kind === 'state') ok = x instanceof ArrayBuffer && x.byteLength === 4 * GENERATOR_WORDS;
    else if (p.kind === 'hyper') ok = Object.prototype.toString.call(x) === '[object Float64Array]';
    else if (!(p.kind === 'operand' && typeof x === 'number') && !(p.kind === 'viewOrNull' && x === null)) ok = !!(views[i] = modelView(x, cursor));
    if (!ok) return reject;
  }
  if (entry.moreViews !== undefined) {
    if (args.length > entry.params.length + entry.moreViews) return reject;
    for (let i = entry.params.length; i < args.length; ++i) if (!(views[i] = modelView(argValue(args[i]), cursor))) return reject;
  }
  if (entry.accepts && !entry.accepts(args)) return reject;
  return { accepted: true, views };
}

// ---------------------------------------------------------------------------------
// Running a call.

// A kernel looping over nothing cannot be interrupted from JS, and the run would hang
// without a word. A worker thread watches each call and kills the process, naming the
// call, once it has run for HANG_MS. It counts its own ticks rather than reading the
// clock, so that a machine that stops the whole process for a while (as loaded ones here
// did, a few times in long runs) does not look like a stuck call.
const TICK_MS = 500;
// call: [1 while a call runs, the call's number]
const watch = { call: new Int32Array(new SharedArrayBuffer(8)), label: new Uint8Array(new SharedArrayBuffer(2048)) };
const watchdog = new Worker(
  `const { workerData: { call, label } } = require('worker_threads');
  let seen = -1, ticks = 0;
  setInterval(() => {
    const number = Atomics.load(call, 1);
    if (Atomics.load(call, 0) === 0 || number !== seen) {
      seen = number;
      ticks = 0;
    } else if (++ticks * ${TICK_MS} >= ${HANG_MS}) {
      const text = new TextDecoder().decode(label.slice()).replace(/\\0+$/, '');
      require('fs').writeSync(2, 'fuzz.test.ts: this call has run for over ${HANG_MS / 1000} s, killing the process: ' + text + '\\n');
      process.kill(process.pid, 'SIGKILL');
    }
  }, ${TICK_MS});`,
  { eval: true, workerData: watch },
);
watchdog.unref();

/** Runs fn under the watchdog and returns how long it took in ms. */
function watched(label: string, fn: () => void): number {
  watch.label.fill(0);
  new TextEncoder().encodeInto(label, watch.label);
  Atomics.add(watch.call, 1, 1);
  Atomics.store(watch.call, 0, 1);
  const start = performance.now();
  try {
    fn();
  } finally {
    Atomics.store(watch.call, 0, 0);
  }
  return performance.now() - start;
}

function writeMeta(call: Call, rng: Rng): void {
  const ints: number[] = [];
  for (const a of call.args) {
    // The binding reads no metadata for a number operand nor for random's null out.
    if ('view' in a && typeof a.view.buffer !== 'number' && a.view.buffer !== null)
      ints.push(a.view.dtype, a.view.ndim, a.view.offset, ...a.view.shape, ...a.view.strides);
  }
  const s = call.scratch;
  // Junk after the metadata, for views whose ndim lies into it.
  for (let i = 0; i < Math.min(s.length, ints.length + 24); ++i)
    s[i] = i < ints.length ? ints[i] : rng.chance(0.5) ? rng.int(0, 4) : rng.u32() | 0;
}

function show(call: Call): string {
  const text = (x: unknown): string =>
    x instanceof ArrayBuffer ? `ArrayBuffer(${x.byteLength})` : ArrayBuffer.isView(x) || x instanceof SharedArrayBuffer
      ? `${x.constructor.name}(${x.byteLength} bytes)` : typeof x === 'string' ? `'${x}'` : Array.isArray(x) ? `[${x}]` : String(x);
  const arg = (a: Arg): string => {
    if (!('view' in a)) return text(a.value);
    const v = a.view;
    return `${text(v.buffer)}{dtype ${v.dtype}, ndim ${v.ndim}, offset ${v.offset}, shape [${v.shape}], strides [${v.strides}]}`;
  };
  return `${call.entry.name}(${call.args.map(arg).join(', ')}) scratch ${call.scratch.length}; ${call.notes.join(', ') || 'valid'}`;
}

// A detached buffer cannot be viewed; it has no bytes.
const bytesOf = (buffer: ArrayBufferLike): Uint8Array => (buffer.byteLength === 0 ? new Uint8Array(0) : new Uint8Array(buffer));

/** Every distinct buffer the call can see, with its bytes before the call. */
function snapshot(call: Call): Map<ArrayBufferLike, Uint8Array> {
  const snaps = new Map<ArrayBufferLike, Uint8Array>();
  for (const x of [...call.args.map(argValue), call.scratch]) {
    const buffer = x instanceof ArrayBuffer || x instanceof SharedArrayBuffer ? x : ArrayBuffer.isView(x) ? x.buffer : null;
    if (buffer && !snaps.has(buffer)) snaps.set(buffer, bytesOf(buffer).slice());
  }
  return snaps;
}

/** After a call that returned: no byte changed but within the views it writes and the generator state. */
function checkWrites(call: Call, snaps: Map<ArrayBufferLike, Uint8Array>, views: (ModelView | null)[]): string | null {
  const { params } = call.entry;
  const firstView = params.findIndex((p) => p.kind === 'view' || p.kind === 'viewOrNull');
  const writes = call.entry.writes ?? ((i: number) => i === firstView);
  const state = argValue(call.args[params.findIndex((p) => p.kind === 'state')] ?? value(null));
  const writable = new Map<ArrayBufferLike, Set<number>>(); // byte positions, per buffer
  views.forEach((v, i) => {
    if (!v || !writes(i)) return;
    const bytes = writable.get(v.buffer) ?? new Set<number>();
    writable.set(v.buffer, bytes);
    const bpe = ELEMENT[v.dtype].BYTES_PER_ELEMENT;
    for (const e of elementOffsets(v)) for (let b = 0; b < bpe; ++b) bytes.add(e * bpe + b);
  });
  for (const [buffer, before] of snaps) {
    if (buffer === state) continue;
    const after = bytesOf(buffer);
    for (let i = 0; i < Math.min(before.length, after.length); ++i) {
      if (before[i] !== after[i] && !writable.get(buffer)?.has(i)) {
        return `byte ${i} of a ${before.length}-byte buffer changed outside the views the call writes`;
      }
    }
  }
  return null;
}

const stats = { calls: 0, accepted: 0, threw: 0, tooBig: 0 };

function runOne(rng: Rng, iteration: number): void {
  const entry = rng.pick(ENTRY_POINTS);
  const made = entry.make(rng);
  const call: Call = { entry, args: made.args, kernel: made.kernel, notes: [], scratch: meta };
  const mutations = rng.chance(0.35) ? 0 : rng.int(1, 3);
  for (let m = 0; m < mutations; ++m) {
    const name = rng.pick(MUTATION_NAMES);
    const effect = MUTATIONS[name](rng, call);
    if (effect === null) continue;
    call.notes.push(name);
    if (effect === 'any' || call.kernel === 'any') call.kernel = 'any';
    else if (effect === 'throw') call.kernel = 'throw';
  }
  if (call.scratch !== meta) native.init(call.scratch);
  try {
    check(call, rng, () => `fuzz seed ${SEED}, iteration ${iteration}: ${show(call)}`);
  } finally {
    if (call.scratch !== meta || entry.name === 'init') native.init(meta);
  }
}

/** Makes the call and checks what it did against the model. */
function check(call: Call, rng: Rng, context: () => string): void {
  writeMeta(call, rng);
  const snaps = snapshot(call);
  call.beforeCall?.();
  const verdict = modelBinding(call);
  if (verdict.accepted && call.entry.work(verdict.views) > WORK_LIMIT) {
    stats.tooBig++; // a legitimately huge broadcast: correct, but too slow to run here
    return;
  }
  const expected: Outcome = verdict.accepted ? call.kernel : 'throw';
  if (VERBOSE) fs.writeSync(2, `${context()} -> expect ${expected}\n`);

  const group = call.entry.group;
  const fn = group !== undefined ? (...a: unknown[]) => (native.run as (...b: unknown[]) => void)(group, ...a)
    : (native as unknown as Record<string, (...a: unknown[]) => unknown>)[call.entry.name];
  let threw = false;
  let error: unknown;
  let result: unknown;
  stats.calls++;
  const ms = watched(context(), () => {
    try {
      result = fn(...call.args.map(argValue));
    } catch (e) {
      threw = true;
      error = e;
    }
  });
  // The work is bounded by WORK_LIMIT, so a slow call is a kernel looping over nothing.
  if (ms > SLOW_CALL_MS) {
    const again = watched(context(), () => {
      try {
        fn(...call.args.map(argValue));
      } catch {
        // only the time counts
      }
    });
    if (again > SLOW_CALL_MS) throw new Error(`${context()}\ntook ${ms.toFixed(0)} ms, then ${again.toFixed(0)} ms`);
  }
  if (threw) {
    stats.threw++;
    if (!(error instanceof Error) || typeof error.message !== 'string' || error.message === '')
      throw new Error(`${context()}\nthrew a non-Error or an empty message: ${String(error)}`);
    if (expected === 'ok') throw new Error(`${context()}\nexpected success, threw: ${error.message}`);
    return;
  }
  stats.accepted++;
  if (expected === 'throw') throw new Error(`${context()}\nexpected an error, but the call returned`);
  if (call.entry.name === 'getNumThreads' && !(typeof result === 'number' && result >= 1))
    throw new Error(`${context()}\ngetNumThreads returned ${String(result)}`);
  const problem = checkWrites(call, snaps, verdict.views);
  if (problem) throw new Error(`${context()}\n${problem}`);
}

const threadsBefore = native.getNumThreads();
afterAll(() => {
  void watchdog.terminate();
  native.init(meta);
  native.setNumThreads(threadsBefore);
});

test(`fuzz the native entry points (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  for (let i = 0; i < ITERATIONS; ++i) runOne(rng, i);
  if (VERBOSE) fs.writeSync(2, `${JSON.stringify(stats)}\n`);
  // The mix must stay useful: many calls reach the kernels, many are rejected.
  expect(stats.accepted).toBeGreaterThan(ITERATIONS * 0.3);
  expect(stats.threw).toBeGreaterThan(ITERATIONS * 0.2);
  expect(stats.tooBig).toBeLessThan(ITERATIONS * 0.05);
});

// The calls behind the bugs the fuzzer found (and one it rarely lines up), kept as plain
// cases. Some fail only under scripts/test-sanitize.sh (undefined behaviour), the others
// anywhere (a hang is caught by the time limit, a bad read by the expected error).
describe('calls that once crashed, hung or hit undefined behaviour', () => {
  type Meta = [dtype: DType, offset: number, shape: number[], strides: number[]];
  /** Writes views as [dtype, ndim, offset, shape, strides] into `scratch`, in order. */
  function views(scratch: Int32Array, ...vs: Meta[]): void {
    scratch.set(vs.flatMap(([dtype, offset, shape, strides]) => [CODE[dtype], shape.length, offset, ...shape, ...strides]));
  }
  const vec = (dtype: DType, n: number, offset = 0): Meta => [dtype, offset, [n], [1]];
  const H = 2 ** 31 - 1;
  const quick = (label: string, fn: () => void): void => expect(watched(label, fn)).toBeLessThan(SLOW_CALL_MS);

  test('a scratch detached or shrunk after init reads as truncated', () => {
    const detached = new Int32Array(64);
    const buffer = resizableBuffer(256, 512);
    const shrunk = new Int32Array(buffer);
    try {
      for (const [scratch, spoil] of [[detached, () => detach(detached.buffer)], [shrunk, () => buffer.resize(4)]] as const) {
        native.init(scratch);
        views(scratch, vec('f32', 4), vec('f32', 4));
        spoil();
        expect(() => native.unary(UnaryOp.Neg, new ArrayBuffer(16), new ArrayBuffer(16), 0, 0)).toThrow(/metadata is truncated/);
      }
    } finally {
      native.init(meta);
    }
  });

  test('an empty matmul over a huge broadcast batch does nothing', () => {
    views(meta, ['f32', 0, [2 ** 20, 2 ** 20, 0, 3], [0, 0, 0, 0]], ['f32', 0, [2 ** 20, 2 ** 20, 0, 2], [0, 0, 0, 0]],
      ['f32', 0, [2 ** 20, 2 ** 20, 2, 3], [0, 0, 3, 1]]);
    quick('an empty matmul', () => native.matmul(new ArrayBuffer(0), new ArrayBuffer(0), new ArrayBuffer(24)));
  });

  test('indexSelect with no indices and huge other dims does nothing', () => {
    views(meta, ['f64', 1, [0, H, 65537], [1, 0, 0]], ['f64', 1, [0, H, 65537], [H, 1, 5]], vec('i32', 0));
    quick('indexSelect with no indices', () => native.run(Group.Index, IndexOp.IndexSelect, new ArrayBuffer(8), new ArrayBuffer(8), new ArrayBuffer(0), 0));
  });

  test('empty views with huge strides and offsets', () => {
    views(meta, ['f32', H, [3, 0, H], [H, H, H]], ['f32', H, [3, 0, H], [H, 0, H]], ['f32', 0, [3, 0, H], [7, H, 1]]);
    native.binary(BinaryOp.Maximum, new ArrayBuffer(4), new ArrayBuffer(4), new ArrayBuffer(4));
    views(meta, ['f32', 0, [0, 1, 1, 1], [H, H, H, H]], ['f32', 0, [0, H, H, H], [H, H, H, 1]]);
    native.reduce(ReduceOp.Sum, new ArrayBuffer(4), new ArrayBuffer(4));
  });

  test('int32 scatterAdd wraps around', () => {
    const out = new Int32Array([-1891988200]);
    views(meta, vec('i32', 1), vec('i32', 1), vec('i32', 1));
    native.run(Group.Index, IndexOp.ScatterAdd, out.buffer, new Int32Array([-1606824557]).buffer, new Int32Array([0]).buffer, 0);
    expect(out[0]).toBe(-1891988200 - 1606824557 + 2 ** 32);
  });

  test('a copy onto itself shifted by one element', () => {
    const a = new Float64Array([1, 2, 3, 4, 5]);
    views(meta, vec('f64', 4, 0), vec('f64', 4, 1));
    native.copy(a.buffer, a.buffer);
    expect(Array.from(a)).toEqual([2, 3, 4, 5, 5]);
  });

  test('gather whose output overwrites its own index', () => {
    // index = b[0..4), out = b[1..5): writing out[0] = x[b[0]] turns index[1] into -100000.
    const b = new ArrayBuffer(20);
    views(meta, vec('i32', 4, 1), vec('i32', 4), vec('i32', 4));
    expect(() => native.run(Group.Index, IndexOp.Gather, b, new Int32Array(4).fill(-100000).buffer, b, 0)).toThrow(/index -100000 is out of bounds/);
  });

  test('an optimizer step whose hyperparameters are in the parameter it updates', () => {
    // SGD's h is param[0..7): lr 1, the rest 0. The first chunk of 65536 elements turns
    // h[1] (momentum) into -1, and the second chunk used to read it and update a momentum
    // buffer that was never passed (a null pointer).
    const n = 70000;
    const param = new Float64Array(n);
    param[0] = 1;
    views(meta, vec('f64', n), vec('f64', n));
    const threads = native.getNumThreads();
    native.setNumThreads(2); // one chunk per task; with one thread the step is a single pass
    try {
      native.optimStep(OptimOp.Sgd, new Float64Array(param.buffer, 0, 7), param.buffer, new Float64Array(n).fill(1).buffer);
    } finally {
      native.setNumThreads(threads);
    }
    expect(param[n - 1]).toBe(-1); // p - lr * g
  });
});
