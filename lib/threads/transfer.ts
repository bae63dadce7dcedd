// Tensors across threads. postMessage cannot carry a Tensor (a class instance over a
// Storage), so values go through encode() on the sending side and decode() on the
// receiving one: tensors inside arrays and plain objects become TensorMessages.
//  - A shared tensor (shareMemory_) sends its SharedArrayBuffer: the receiver's tensor
//    is a view of the same memory, no copy.
//  - Any other tensor sends a copy of the elements its view reaches, in a new
//    ArrayBuffer that is transferred (not cloned again); its own memory is never
//    detached, since slab-allocated storages share one buffer with other tensors.
// Either way dtype, shape, strides and the storage offset are kept (relative to the
// copied span); the received tensor is a leaf that does not require grad (autograd
// graphs do not cross threads), as PyTorch's multiprocessing queues give. A dtype travels
// as its name and arrives as the same singleton (tg.float32 === tg.float32 on every thread).
import { Tensor } from '../tensor';
import { Storage, typedArray } from '../storage';
import { asDType, DType, type DTypeName } from '../dtype';

const TAG = '__tensorgrad_tensor__';
const DTYPE_TAG = '__tensorgrad_dtype__';

/** How a tensor travels in a message (a structured-clonable record). */
export interface TensorMessage {
  /** Marks the record as a tensor. */
  [TAG]: 1;
  /** The tensor's dtype, by name. */
  dtype: DTypeName;
  /** The tensor's shape. */
  shape: number[];
  /** The tensor's strides, in elements. */
  strides: number[];
  /** The storage offset, in elements from the start of `memory` + byteOffset. */
  offset: number;
  /** The storage's memory: shared, or a copy transferred with the message. */
  memory: SharedArrayBuffer | ArrayBuffer;
  /** Where the storage starts in `memory`, in bytes. */
  byteOffset: number;
  /** Elements of storage from byteOffset on. */
  length: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The number of storage elements from t's offset through the last one its view reaches. */
function span(t: Tensor): number {
  if (t.numel() === 0) return 0;
  return 1 + t.shape.reduce((last, size, i) => last + (size - 1) * t._strides[i], 0);
}

function encodeTensor(t: Tensor, transfer: ArrayBuffer[]): TensorMessage {
  const s = t._storage;
  const common = { [TAG]: 1 as const, dtype: t.dtype.name, shape: t.shape.slice(), strides: t._strides.slice() };
  if (s.isShared) {
    return { ...common, offset: t._offset, memory: s.data.buffer as SharedArrayBuffer, byteOffset: s.data.byteOffset + s.start * t.dtype.itemsize, length: s.length };
  }
  const n = span(t);
  const copy = s.view(t._offset, n).slice();
  transfer.push(copy.buffer as ArrayBuffer);
  return { ...common, offset: 0, memory: copy.buffer as ArrayBuffer, byteOffset: 0, length: n };
}

function decodeTensor(m: TensorMessage): Tensor {
  const dtype = asDType(m.dtype)!; // a name encode() sent
  const storage = Storage.wrap(typedArray(dtype, m.memory, m.byteOffset, m.length), dtype);
  return new Tensor(storage, m.shape, m.strides, m.offset, dtype);
}

/** `value` with every Tensor inside arrays and plain objects replaced by a TensorMessage;
 * the ArrayBuffers to transfer are pushed onto `transfer`. Anything else is left for
 * the structured clone (class instances other than Tensor and DType lose their prototype there). */
export function encode(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value instanceof Tensor) return encodeTensor(value, transfer);
  if (value instanceof DType) return { [DTYPE_TAG]: value.name };
  if (Array.isArray(value)) return value.map((v) => encode(v, transfer));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, transfer);
    return out;
  }
  return value;
}

/** The inverse of encode(), on the receiving thread. */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (isPlainObject(value)) {
    if (value[TAG] === 1) return decodeTensor(value as unknown as TensorMessage);
    if (typeof value[DTYPE_TAG] === 'string') return asDType(value[DTYPE_TAG]);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v);
    return out;
  }
  return value;
}
