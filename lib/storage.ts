// CPU storage: a typed array over a JS ArrayBuffer that V8 owns. Views share a Storage;
// native code only borrows the memory during a call.
import { itemSize, type DType, type TypedArray } from './dtype';

const DTYPE_CODES: Record<DType, number> = { float32: 0, float64: 1, int32: 2, bool: 3 };

// Small buffers are carved out of shared slabs: allocating an ArrayBuffer costs about a
// microsecond, a typed-array view into an existing one a few tens of nanoseconds. Chunks
// are never reused, so each is zero-filled; a slab is freed by the GC once no tensor on
// it is alive (a long-lived small tensor keeps at most one slab alive).
const SLAB_BYTES = 16384;
const SMALL_BYTES = 256;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function typedArray(dtype: DType, buffer: ArrayBuffer, byteOffset: number, n: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, byteOffset, n);
    case 'float64': return new Float64Array(buffer, byteOffset, n);
    case 'int32': return new Int32Array(buffer, byteOffset, n);
    case 'bool': return new Uint8Array(buffer, byteOffset, n);
  }
}

export class Storage {
  /** @param data the elements; @param buffer data's ArrayBuffer (passed to native code,
   * cheaper than the typed array); @param base where data starts in buffer, in elements. */
  private constructor(
    readonly data: TypedArray,
    readonly buffer: ArrayBuffer,
    readonly base: number,
    /** The dtype code of native/include/tg/dtype.h. */
    readonly code: number,
  ) {}

  /** Zero-filled storage for n elements. Its memory never moves (an ArrayBuffer, not a small
   * on-heap typed array), so native code may borrow the pointer during a call. */
  static allocate(dtype: DType, n: number): Storage {
    const bytes = n * itemSize(dtype);
    if (bytes > SMALL_BYTES) {
      const buffer = new ArrayBuffer(bytes);
      return new Storage(typedArray(dtype, buffer, 0, n), buffer, 0, DTYPE_CODES[dtype]);
    }
    const size = (bytes + 15) & ~15; // 16-byte aligned chunks
    if (slabUsed + size > SLAB_BYTES) {
      slab = new ArrayBuffer(SLAB_BYTES);
      slabUsed = 0;
    }
    const offset = slabUsed;
    slabUsed += size;
    return new Storage(typedArray(dtype, slab, offset, n), slab, offset / itemSize(dtype), DTYPE_CODES[dtype]);
  }

  /** Storage over an existing typed array of `dtype` (shares its memory). */
  static wrap(data: TypedArray, dtype: DType): Storage {
    return new Storage(data, data.buffer as ArrayBuffer, data.byteOffset / itemSize(dtype), DTYPE_CODES[dtype]);
  }
}

/** PyTorch's version counter: bumped by every in-place write, shared by a tensor, its
 * views and detach() — but not by `.data`, whose writes autograd does not see. */
export class VersionCounter {
  value = 0;
}
