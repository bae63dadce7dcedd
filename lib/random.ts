// Random-number generators: PyTorch's CPU generator (a 32-bit Mersenne Twister plus one
// cached normal), so that after tg.manualSeed(s) every random op gives what PyTorch
// gives after torch.manual_seed(s). The state is JS memory (a Uint32Array) that the
// native kernels borrow for one call: worker threads each have their own generators,
// and getState() is a plain copy. The draws and transforms run in native/src/random.cpp.
import { randomBytes } from 'crypto';
import { Tensor } from './tensor';
import { fmtValue, opError, opRangeError, opTypeError } from './check';
import { RandomOp } from './native/table';
import * as kernels from './backend';
import { cpu } from './native/kernels';
import { int32 } from './dtype';

// The state layout of native/include/tg/generator.h, in 32-bit words.
const MT_WORDS = 624;
const INDEX = 624;
const HAS_NORMAL = 625;
const SEED = 628; // the uint64 seed, low word first (only JS reads it)
const WORDS = 630;
const STATE_BYTES = WORDS * 4;

/** PyTorch's default_rng_seed_val: the seed of a new torch.Generator(). */
const DEFAULT_SEED = 67280421310721;
const TWO_64 = 1n << 64n;

/** A seed as PyTorch's uint64: an integer in [-2^63, 2^64), negative ones as two's complement. */
function seedToUint64(op: string, seed: unknown): bigint {
  if (typeof seed === 'number' && !Number.isInteger(seed)) throw opTypeError(op, `seed must be an integer, got ${seed}`);
  if (typeof seed !== 'number' && typeof seed !== 'bigint') throw opTypeError(op, `seed must be an integer, got ${fmtValue(seed)}`);
  const s = BigInt(seed);
  if (s < -(1n << 63n) || s >= TWO_64) throw opRangeError(op, `seed must be in [-2^63, 2^64), got ${seed}`);
  return BigInt.asUintN(64, s);
}

/** A non-deterministic seed below 2^53, so that it is a plain JS number. */
function nondeterministicSeed(): number {
  return Number(randomBytes(8).readBigUInt64LE() & ((1n << 53n) - 1n));
}

/** A random number generator: PyTorch's mt19937 CPU generator, so a seed gives PyTorch's
 * numbers (torch.Generator). */
export class Generator {
  /** @internal The state words (see native/include/tg/generator.h), alone in their
   * ArrayBuffer, which native code borrows. */
  readonly _state = new Uint32Array(new ArrayBuffer(STATE_BYTES));

  /** A new generator seeded as PyTorch seeds a new torch.Generator() (67280421310721). */
  constructor() {
    this.manualSeed(DEFAULT_SEED);
  }

  /** Seeds the generator (and forgets its cached normal). Only the low 32 bits of the
   * seed reach the Mersenne Twister, as in PyTorch: `manualSeed(2**40 + 7)` gives the
   * stream of `manualSeed(7)`, and `manualSeed(-1)` that of `manualSeed(2**32 - 1)`. */
  manualSeed(seed: number | bigint): this {
    const s = seedToUint64('manualSeed', seed);
    cpu.random(RandomOp.Seed, this._state, null, Number(s & 0xffffffffn), 0); // the generator is a CPU one
    this._state[SEED] = Number(s & 0xffffffffn);
    this._state[SEED + 1] = Number(s >> 32n);
    return this;
  }

  /** Seeds the generator with a non-deterministic seed (below 2^53) and returns it. */
  seed(): number {
    const s = nondeterministicSeed();
    this.manualSeed(s);
    return s;
  }

  /** The seed last given to manualSeed() or chosen by seed(), as PyTorch's uint64: a
   * negative seed reads back as its two's complement. A bigint when above 2^53 - 1. */
  initialSeed(): number | bigint {
    const s = (BigInt(this._state[SEED + 1]) << 32n) | BigInt(this._state[SEED]);
    return s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
  }

  /** A copy of the whole state (twister words, position, cached normal, seed). */
  getState(): Uint8Array {
    return new Uint8Array(this._state.buffer.slice(0));
  }

  /** Restores a state returned by getState(): the generator then replays the same stream. */
  setState(state: Uint8Array): this {
    if (!(state instanceof Uint8Array) || state.byteLength !== STATE_BYTES) {
      throw opTypeError('setState', `expected the Uint8Array of ${STATE_BYTES} bytes that getState() returns, got ${describe(state)}`);
    }
    const words = new Uint32Array(state.slice().buffer);
    if (words[INDEX] > MT_WORDS || words[HAS_NORMAL] > 1) throw opError('setState', 'the state is corrupt (not from getState())');
    this._state.set(words);
    return this;
  }
}

function describe(x: unknown): string {
  return x instanceof Uint8Array ? `${x.byteLength} bytes` : fmtValue(x);
}

/** The global generator behind tg.manualSeed and every random op without {generator}.
 * Like PyTorch's, it starts from a non-deterministic seed. */
export const defaultGenerator = new Generator();
defaultGenerator.seed();

/** The generator an op draws from: options.generator, else the global one. */
export function generatorOf(op: string, options?: { generator?: Generator | null }): Generator {
  const g = options?.generator;
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof Generator)) throw opTypeError(op, `generator must be a tg.Generator, got ${fmtValue(g)}`);
  return g;
}

/** Seeds the global generator (torch.manual_seed); returns it. */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** Seeds the global generator non-deterministically; returns the seed (torch.seed). */
export function seed(): number {
  return defaultGenerator.seed();
}

/** The global generator's seed (torch.initial_seed). */
export function initialSeed(): number | bigint {
  return defaultGenerator.initialSeed();
}

/** A copy of the global generator's state (torch.get_rng_state). */
export function getRngState(): Uint8Array {
  return defaultGenerator.getState();
}

/** Restores the global generator's state (torch.set_rng_state). */
export function setRngState(state: Uint8Array): void {
  defaultGenerator.setState(state);
}

/** @internal PyTorch's random64(): two 32-bit draws, the first the high word.
 *
 * For the DataLoader (test/golden/RNG-NOTES.md §8): each epoch of a shuffling DataLoader
 * without a generator draws `random64()` for its base seed, then, for RandomSampler,
 * `random64() & (2n**63n - 1n)` seeds a new Generator (whose low 32 bits are all that
 * count) on which `randperm(n, {generator})` gives the order. With a DataLoader
 * generator, the base seed is drawn from it and randperm runs on it directly. */
export function random64(generator: Generator = defaultGenerator): bigint {
  const out = Tensor._empty([2], int32);
  kernels.random(RandomOp.Bits, generator._state, out);
  const [hi, lo] = out.typedArray() as Int32Array;
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
