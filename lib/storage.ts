// CPU storage: typed-array memory over a JS ArrayBuffer that V8 owns. Views share a
// Storage; native code only borrows the memory during a call.
import { itemSize, type DType, type TypedArray } from './dtype';

const DTYPE_CODES: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };

function typedArray(dtype: DType, buffer: ArrayBuffer, byteOffset = 0, n?: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, byteOffset, n);
    case 'float64': return new Float64Array(buffer, byteOffset, n);
    case 'int32': return new Int32Array(buffer, byteOffset, n);
    case 'bool': return new Uint8Array(buffer, byteOffset, n);
  }
}

// Small storages are carved out of shared slabs: allocating an ArrayBuffer costs about a
// microsecond, and even a typed-array view costs a few hundred instructions, so all small
// storages of a dtype on a slab share one typed array over the whole slab. Chunks are
// never reused, so each is zero-filled; a slab is freed by the GC once no tensor on it is
// alive. Two size classes bound what a long-lived small tensor keeps alive: a scalar
// (say, a loss kept per epoch) at most a 16 KB slab, a chunk of up to 8 KB a 128 KB one.
class Slabs {
  private slab: ArrayBuffer;
  private used = 0;
  private views: Partial<Record<DType, TypedArray>> = {};

  constructor(
    private readonly slabBytes: number,
    readonly maxChunk: number,
  ) {
    this.slab = new ArrayBuffer(slabBytes);
  }

  /** A zero-filled chunk: [the slab's typed array of dtype, the chunk's first element, the slab]. */
  carve(dtype: DType, bytes: number): [TypedArray, number, ArrayBuffer] {
    const size = (bytes + 15) & ~15; // 16-byte aligned chunks
    if (this.used + size > this.slabBytes) {
      this.slab = new ArrayBuffer(this.slabBytes);
      this.used = 0;
      this.views = {};
    }
    const start = this.used / itemSize(dtype);
    this.used += size;
    return [(this.views[dtype] ??= typedArray(dtype, this.slab)), start, this.slab];
  }
}

const tinySlabs = new Slabs(16384, 256);
const smallSlabs = new Slabs(131072, 8192);

export class Storage {
  private constructor(
    /** Element i of this storage is data[start + i] (data may be shared with other storages). */
    readonly data: TypedArray,
    readonly start: number,
    /** The ArrayBuffer native code receives (cheaper to pass than a typed array)... */
    readonly buffer: ArrayBuffer,
    /** ...and where element 0 is in it, counted in elements. */
    readonly origin: number,
    /** The dtype code of native/include/tg/dtype.h. */
    readonly code: number,
  ) {}

  /** Zero-filled storage for n elements. Its memory never moves (an ArrayBuffer, not a small
   * on-heap typed array), so native code may borrow the pointer during a call. */
  static allocate(dtype: DType, n: number): Storage {
    const bytes = n * itemSize(dtype);
    if (bytes > smallSlabs.maxChunk) {
      const buffer = new ArrayBuffer(bytes);
      return new Storage(typedArray(dtype, buffer), 0, buffer, 0, DTYPE_CODES[dtype]);
    }
    const [data, start, slab] = (bytes <= tinySlabs.maxChunk ? tinySlabs : smallSlabs).carve(dtype, bytes);
    return new Storage(data, start, slab, start, DTYPE_CODES[dtype]);
  }

  /** Storage over an existing typed array of `dtype` (shares its memory). */
  static wrap(data: TypedArray, dtype: DType): Storage {
    return new Storage(data, 0, data.buffer as ArrayBuffer, data.byteOffset / itemSize(dtype), DTYPE_CODES[dtype]);
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
