// CPU storage: typed-array memory over a JS ArrayBuffer that V8 owns. Views share a
// Storage; native code only borrows the memory during a call. shareMemory_() moves a
// storage to a SharedArrayBuffer (PyTorch's share_memory_): worker threads then see the
// same memory (lib/threads/transfer.ts).
import { DTYPES, itemSize, type DType, type TypedArray } from './dtype';
import type { Backend, NativeMemory, StorageLike } from './backend';
import { native } from './native/binding';
import { cpu } from './native/kernels';
import { fmtShape } from './check';
import { memoryPool, PoolFill } from './memory-pool';

export type { NativeMemory } from './backend';

export function typedArray(dtype: DType, buffer: ArrayBufferLike, byteOffset = 0, n?: number): TypedArray {
  return new dtype.array(buffer as ArrayBuffer, byteOffset, n);
}

/** Zeroes elements [start, end) (a BigInt64Array takes 0n, the others 0). */
export function zeroFill(data: TypedArray, start: number, end: number): void {
  if (data instanceof BigInt64Array) data.fill(0n, start, end);
  else data.fill(0, start, end);
}

// Memory that a kernel is about to overwrite whole (an op's output) need not be zeroed
// first: zeroing cost as much as the op itself for mid-size outputs. Such memory comes
// from Buffer.allocUnsafeSlow (an ArrayBuffer of its own, not zero-filled). Tests set
// TENSORGRAD_POISON_OUTPUTS=1 to fill it with 0xff bytes (NaN, -1) instead, so that an
// element a kernel failed to write shows up in results rather than passing as 0.
const poisonOutputs = process.env.TENSORGRAD_POISON_OUTPUTS === '1';

// From this size on, a buffer is mmapped by malloc (native/include/tg/memory.h) and asks for huge pages.
const HUGE_PAGE_MIN_BYTES = 4 << 20;

function rawBuffer(bytes: number): ArrayBuffer {
  const buffer = Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer; // byteOffset 0, bytes long
  if (poisonOutputs) new Uint8Array(buffer).fill(0xff);
  return buffer;
}

// Storages up to 32 KB are carved out of shared slabs: allocating an ArrayBuffer costs about
// a microsecond (as much as a 64x64 matrix product), and even a typed-array view costs a
// few hundred instructions, so all storages of a dtype on a slab share one typed array
// over the whole slab. Chunks are never reused; a slab is freed by the GC once no tensor
// on it is alive (a pooled slab's memory is then reused). Three size classes bound what a
// long-lived tensor keeps alive to 16 times its size: a scalar (say, a loss kept per epoch)
// at most a 16 KB slab, a chunk of up to 8 KB a 128 KB one, of up to 32 KB a 512 KB one.
class Slabs {
  private slab: ArrayBuffer;
  private used = 0;
  private views: (TypedArray | undefined)[] = []; // by dtype code

  constructor(
    private readonly slabBytes: number,
    readonly maxChunk: number,
  ) {
    this.slab = slabBuffer(slabBytes);
  }

  /** A chunk of n elements, zero-filled unless `uninitialized`: its first element in
   * `data(dtype)` (a number, not a tuple: this runs for every small tensor). */
  carve(dtype: DType, n: number, uninitialized: boolean): number {
    const size = (n * dtype.itemsize + 15) & ~15; // 16-byte aligned chunks
    if (this.used + size > this.slabBytes) {
      this.slab = slabBuffer(this.slabBytes);
      this.used = 0;
      this.views = [];
    }
    const start = this.used / dtype.itemsize;
    this.used += size;
    if (!uninitialized) zeroFill(this.data(dtype), start, start + n);
    return start;
  }

  /** The current slab, and the typed array of `dtype` over all of it. */
  get memory(): ArrayBuffer {
    return this.slab;
  }
  data(dtype: DType): TypedArray {
    return (this.views[dtype.code] ??= typedArray(dtype, this.slab));
  }
}

/** A slab's memory: a pooled block (reused once the slab is collected) when there is a pool. */
function slabBuffer(bytes: number): ArrayBuffer {
  return memoryPool?.allocate(bytes, poisonOutputs ? PoolFill.Poison : PoolFill.Uninitialized) ?? rawBuffer(bytes);
}

/** A buffer of its own for a storage over the slab limit that the pool does not serve. */
function plainBuffer(bytes: number, uninitialized: boolean): ArrayBuffer {
  const buffer = uninitialized ? rawBuffer(bytes) : new ArrayBuffer(bytes);
  // Before anything touches it: huge pages make its first writes and every pass over it faster.
  if (bytes >= HUGE_PAGE_MIN_BYTES) native.adviseHugePages(buffer);
  return buffer;
}

function poolFill(uninitialized: boolean): PoolFill {
  if (!uninitialized) return PoolFill.Zero;
  return poisonOutputs ? PoolFill.Poison : PoolFill.Uninitialized;
}

const tinySlabs = new Slabs(16384, 256);
const smallSlabs = new Slabs(131072, 8192);
const mediumSlabs = new Slabs(524288, 32768);

export class Storage implements StorageLike {
  /** The kernels that compute on this memory (lib/backend.ts). */
  readonly backend: Backend = cpu;

  private constructor(
    /** Element i of this storage is data[start + i] (data may be shared with other storages). */
    public data: TypedArray,
    public start: number,
    /** The memory native code receives (an ArrayBuffer is cheaper to pass than a typed array)... */
    public buffer: NativeMemory,
    /** ...and where element 0 is in it, counted in elements. */
    public origin: number,
    /** The dtype code (native/ops.table). */
    readonly code: number,
    /** The number of elements. */
    readonly length: number,
  ) {}

  /** Whether the memory is gone: its ArrayBuffer was transferred to another thread (which
   * detaches it here) or resized below this storage. Typed arrays then read undefined. */
  get lost(): boolean {
    return this.data.length < this.start + this.length;
  }

  /** Storage for n elements, zero-filled unless `uninitialized` (for a caller that writes
   * every element next). Its memory never moves (an ArrayBuffer, not a small on-heap typed
   * array), so native code may borrow the pointer during a call. `op` and `shape` name the
   * op the user called and the tensor in the message if memory runs out. */
  static allocate(dtype: DType, n: number, uninitialized = false, op?: string, shape?: readonly number[]): Storage {
    const bytes = n * dtype.itemsize;
    if (bytes > mediumSlabs.maxChunk) {
      let buffer: ArrayBuffer | undefined;
      try {
        buffer = memoryPool !== null && bytes <= memoryPool.maxBytes ? memoryPool.allocate(bytes, poolFill(uninitialized)) : plainBuffer(bytes, uninitialized);
        if (buffer === undefined) throw new Error('Array buffer allocation failed');
      } catch (e) {
        // V8's "Array buffer allocation failed", or Node's limit on one Buffer
        const tensor = shape ? `a ${fmtShape(shape)} ${dtype.name} tensor` : `${n} ${dtype.name} elements`;
        throw new RangeError(`${op ?? 'out of memory'}: cannot allocate ${tensor} (${bytes} bytes): ${(e as Error).message}`);
      }
      return new Storage(typedArray(dtype, buffer), 0, buffer, 0, dtype.code, n);
    }
    const slabs = bytes <= tinySlabs.maxChunk ? tinySlabs : bytes <= smallSlabs.maxChunk ? smallSlabs : mediumSlabs;
    const start = slabs.carve(dtype, n, uninitialized);
    return new Storage(slabs.data(dtype), start, slabs.memory, start, dtype.code, n);
  }

  /** Storage over an existing typed array of `dtype` (shares its memory, shared memory too). */
  static wrap(data: TypedArray, dtype: DType): Storage {
    const origin = data.byteOffset / itemSize(dtype);
    const memory = data.buffer instanceof SharedArrayBuffer ? new Uint8Array(data.buffer) : (data.buffer as ArrayBuffer);
    return new Storage(data, 0, memory, origin, dtype.code, data.length);
  }

  get dtype(): DType {
    return DTYPES[this.code];
  }

  /** Whether the memory is a SharedArrayBuffer (visible to other threads). */
  get isShared(): boolean {
    return this.data.buffer instanceof SharedArrayBuffer;
  }

  /** Moves the elements to a SharedArrayBuffer of their own, in place: every tensor on
   * this storage (views, detached aliases) follows. Does nothing if already shared. */
  shareMemory_(): void {
    if (this.isShared) return;
    const shared = typedArray(this.dtype, new SharedArrayBuffer(this.length * itemSize(this.dtype)));
    (shared as Float64Array).set(this.view(0, this.length) as Float64Array); // both of this.dtype
    this.data = shared;
    this.start = 0;
    this.buffer = new Uint8Array(shared.buffer);
    this.origin = 0;
  }

  /** The n elements from element `offset` on, as a typed array sharing this memory. */
  view(offset: number, n: number): TypedArray {
    return this.data.subarray(this.start + offset, this.start + offset + n) as TypedArray;
  }
}

/** PyTorch's version counter: bumped by every in-place write, shared by a tensor, its
 * views and detach() — but not by `.data`, whose writes autograd does not see. */
export class VersionCounter {
  value = 0;
}
