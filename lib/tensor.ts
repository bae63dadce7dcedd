// The Tensor: a strided view (shape, strides, offset) over a Storage, plus autograd
// state. The ops' methods are made from their specs (lib/ops/registry.ts) by the modules
// that define them, which the package entry (lib/index.ts) loads: this file imports none.
import { inspectCustom } from './inspect';
import { bool, float32, float64, int32, int64, isFloating, type DType, type DTypeLike, type NumberTypedArray, type TypedArray } from './dtype';
import { Storage, VersionCounter } from './storage';
import { Size, contiguousStrides, isContiguous, numelOf, toSize } from './layout';
import { checkBool, exactNumber, fmtShape, fmtValue, normDim, opError, opTypeError } from './check';
import * as kernels from './backend';
import type { Node } from './ops/registry';
import { Device, cpu, toTarget } from './device';
import { tensorRepr } from './print';
import { warnOnce } from './warnings';
import { gradMode } from './autograd/grad_mode';

export type Scalar = number;
/** A tensor, or a JS number that acts as a 0-d tensor (broadcasts to any shape). */
export type TensorOrScalar = Tensor | number;
/** Nested arrays of numbers (or booleans), as tolist() returns and tensor() accepts. */
export type NestedArray = number | bigint | boolean | NestedArray[];

/** An n-dimensional array of one dtype with autograd state (torch.Tensor). Make one with the
 * creation functions (tg.tensor, tg.zeros, tg.randn, ...); each op is a method here and a
 * tg.* function. */
export class Tensor {
  /** @internal */ _storage: Storage;
  /** @internal */ _versionCounter: VersionCounter | null;
  /** @internal */ _strides: number[];
  /** @internal */ _offset: number;
  /** @internal the tensor whose storage this one views (null if it owns it) */ _base: Tensor | null = null;
  /** @internal */ _requiresGrad = false;
  /** @internal */ _grad: Tensor | null = null;
  /** @internal The sizes as a plain array: what lib/ reads (an Array subclass such as Size
   * would take V8's slow paths in slice, map and for-of on every op). */ _shape: number[];
  /** The public Size of `_shape`, made on first read of .shape. */
  private _size: Size | null = null;
  private _dtype: DType;
  // Cached (-1: not yet known; numbers keep V8's field representation stable): the
  // layout only changes through the data setter, which copies them.
  private _numel = -1;
  private _contiguous = -1;
  /** @internal gradFn's value (see the getter: a view's is remade after an in-place change). */
  _gradFn: Node | null = null;
  /** @internal A view's version when its gradFn was made; a view created in noGrad of a
   * tensor that requires grad is -1 (PyTorch forbids modifying it in place with grad on). */
  _viewVersion = 0;

  /** @internal Use the creation functions (tg.tensor, tg.zeros, ...) instead. */
  constructor(storage: Storage, shape: number[], strides: number[], offset: number, dtype: DType, version?: VersionCounter) {
    this._storage = storage;
    // A user may pass x.shape (a Size): a plain copy. (Not `instanceof Size`: V8 compiles
    // it as its generic builtin, about 300 instructions for every tensor made.)
    this._shape = shape.constructor === Array ? shape : Array.from(shape);
    this._strides = strides;
    this._offset = offset;
    this._dtype = dtype;
    this._versionCounter = version ?? null;
  }

  /** @internal A new contiguous tensor (zero-filled). */
  static _empty(shape: number[], dtype: DType, op?: string): Tensor {
    return new Tensor(Storage.allocate(dtype, numelOf(shape), false, op, shape), shape, contiguousStrides(shape), 0, dtype);
  }

  /** @internal A new contiguous tensor for a kernel that writes every element of it next
   * (its memory is not zeroed first). `op` names the op in an out-of-memory error. */
  static _output(shape: number[], dtype: DType, op?: string): Tensor {
    return new Tensor(Storage.allocate(dtype, numelOf(shape), true, op, shape), shape, contiguousStrides(shape), 0, dtype);
  }

  /** @internal */
  static _onesLike(t: Tensor): Tensor {
    const out = Tensor._output(t._shape.slice(), t.dtype);
    kernels.fill(out, 1);
    return out;
  }

  /** @internal Shared with views and detach(); created on first use (most tensors never need one). */
  get _version(): VersionCounter {
    return (this._versionCounter ??= new VersionCounter());
  }

  /** @internal A view of this tensor's storage with another layout. */
  _view(shape: number[], strides: number[], offset: number): Tensor {
    const v = new Tensor(this._storage, shape, strides, offset, this._dtype, this._version);
    v._base = this._base ?? this;
    v._viewVersion = this._requiresGrad && !gradMode().enabled ? -1 : this._version.value;
    return v;
  }

  /** The node that produced this tensor (null for leaves). `gradFn.name` is PyTorch's name.
   * A view in the graph whose storage was changed in place since its gradFn was made gets
   * a new one, AsStridedBackward0 of its base's current history (as PyTorch regenerates a
   * view's grad_fn), so its gradient follows the in-place change. */
  get gradFn(): Node | null {
    if (this._base !== null && this._gradFn !== null && this._viewVersion !== this._version.value) this._regenerateViewGradFn();
    return this._gradFn;
  }
  /** Sets the node that produced this tensor (null makes it a leaf, as detach_ does). */
  set gradFn(node: Node | null) {
    this._gradFn = node;
  }

  // ---- metadata -------------------------------------------------------------------

  /** The sizes, as a Size (an array that prints as torch.Size([...])). It is made on first
   * use: ops read the plain _shape, so they pay nothing for it. */
  get shape(): Readonly<Size> {
    return (this._size ??= toSize(this._shape));
  }
  /** The element type (torch.Tensor.dtype): tg.float32, tg.float64, tg.int32, tg.int64 or
   * tg.bool, which print as PyTorch's (torch.float32); `x.dtype.name` is 'float32'. */
  get dtype(): DType {
    return this._dtype;
  }
  /** The number of dimensions (torch.Tensor.ndim). */
  get ndim(): number {
    return this._shape.length;
  }
  /** The number of dimensions (torch.Tensor.dim()). */
  dim(): number {
    return this._shape.length;
  }
  /** The number of elements: the product of the shape, 1 for a 0-d tensor (torch.Tensor.numel). */
  numel(): number {
    if (this._numel < 0) this._numel = numelOf(this._shape);
    return this._numel;
  }
  /** size() is the shape; size(d) one dim's size (negative counts from the end) (torch.Tensor.size). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return toSize(this._shape);
    return this._shape[normDim('size', dim, this.ndim)];
  }
  /** The step in elements between neighbours along each dim (torch.Tensor.stride); stride(d)
   * is one dim's. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[normDim('stride', dim, this.ndim)];
  }
  /** Where this view's first element sits in its storage, in elements (torch.Tensor.storage_offset). */
  storageOffset(): number {
    return this._offset;
  }
  /** Whether the elements lie in row-major order without gaps (torch.Tensor.is_contiguous). */
  isContiguous(): boolean {
    if (this._contiguous < 0) this._contiguous = isContiguous(this._shape, this._strides) ? 1 : 0;
    return this._contiguous === 1;
  }
  /** The device the storage lives on: always cpu here (torch.Tensor.device). */
  get device(): Device {
    return cpu;
  }
  /** Moves the storage to shared memory (a SharedArrayBuffer), in place: this tensor and
   * every view of its storage then post to worker threads without a copy (PyTorch's
   * share_memory_; see tg.threads). Returns this. */
  shareMemory_(): this {
    this._storage.shareMemory_();
    return this;
  }
  /** Whether the storage is in shared memory (torch.Tensor.is_shared); see shareMemory_. */
  isShared(): boolean {
    return this._storage.isShared;
  }
  /** Whether this tensor was made by the user rather than by a recorded op, i.e. gradFn is null
   * (torch.Tensor.is_leaf). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  // ---- autograd state ---------------------------------------------------------------

  /** Whether autograd records ops on this tensor (torch.Tensor.requires_grad). Set it on a
   * floating-point leaf only. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  /** Sets requiresGrad on a leaf (see requiresGrad_). */
  set requiresGrad(value: boolean) {
    checkBool('requiresGrad', 'requiresGrad', value);
    if (!this.isLeaf) throw leafOnlyError(value);
    this.requiresGrad_(value);
  }
  /** Sets requiresGrad on a leaf (in place); returns this. On a non-leaf, which requires
   * grad already, requiresGrad_(true) does nothing (as in PyTorch). */
  requiresGrad_(value = true): this {
    checkBool('requiresGrad_', 'requiresGrad', value);
    if (!this.isLeaf) {
      if (value) return this;
      throw leafOnlyError(value);
    }
    if (value && !isFloating(this._dtype)) {
      throw new Error(`only Tensors of floating point dtype can require gradients (got ${this._dtype})`);
    }
    this._requiresGrad = value;
    return this;
  }

  /** The gradient that backward accumulated into this leaf, of this tensor's shape and dtype,
   * or null (torch.Tensor.grad). Assignable (a tensor of the same shape and dtype, or null). */
  get grad(): Tensor | null {
    if (this.gradFn !== null && this._grad === null && !this.retainsGrad) {
      warnOnce(
        "grad: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be " +
          'populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, ' +
          'use .retainGrad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead.',
      );
    }
    return this._grad;
  }
  /** Replaces the gradient: a tensor of this shape and dtype, or null. */
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) throw new TypeError('grad: expected a Tensor or null');
      if (g.dtype !== this._dtype || g.ndim !== this.ndim || g._shape.some((s, i) => s !== this._shape[i])) {
        throw new Error(
          `assigned grad has data of a different size or type (${fmtShape(g._shape)} ${g.dtype} for a ` +
            `${fmtShape(this._shape)} ${this._dtype} tensor)`,
        );
      }
    }
    this._grad = g;
  }

  /** Keeps .grad for this non-leaf tensor after backward (torch.Tensor.retain_grad). */
  retainGrad(): void {
    if (!this._requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn === null) return;
    this.gradFn.retained ??= [];
    if (!this.gradFn.retained.includes(this)) this.gradFn.retained.push(this);
  }
  /** Whether retainGrad() was called on this non-leaf (torch.Tensor.retains_grad). */
  get retainsGrad(): boolean {
    return this.gradFn?.retained?.includes(this) ?? false;
  }

  /** @internal Called by defineOp on an op's output. */
  _setGradFn(node: Node): void {
    this._gradFn = node;
    if (this._base !== null) this._viewVersion = this._version.value;
    this._requiresGrad = true;
  }

  /** A tensor sharing storage (and version counter) with this one, cut from the graph (torch.Tensor.detach; not
   * a view for autograd: as in PyTorch, modifying it in place is allowed). */
  detach(): Tensor {
    return new Tensor(this._storage, this._shape, this._strides, this._offset, this._dtype, this._version);
  }

  /** Detaches this tensor in place: it becomes a leaf that does not require grad (torch.Tensor.detach_). */
  detach_(): this {
    this.gradFn = null;
    this._requiresGrad = false;
    return this;
  }

  /** An alias of the same storage that autograd does not track (writes are not versioned). */
  get data(): Tensor {
    return new Tensor(this._storage, this._shape, this._strides, this._offset, this._dtype);
  }
  /** Makes this tensor use `t`'s storage and layout (PyTorch's `x.data = t`). */
  set data(t: Tensor) {
    if (!(t instanceof Tensor)) throw new TypeError('data: expected a Tensor');
    if (t.dtype !== this._dtype) {
      throw opTypeError('data', `assigned tensor is ${t.dtype} but this tensor is ${this._dtype}`);
    }
    this._adopt(t);
  }
  /** @internal What the data setter does, dtype included (Module.to casts parameters in place). */
  _adopt(t: Tensor): void {
    this._dtype = t._dtype;
    this._storage = t._storage;
    this._shape = t._shape;
    this._size = null;
    this._strides = t._strides;
    this._offset = t._offset;
    this._numel = t._numel;
    this._contiguous = t._contiguous;
  }

  // ---- conversion ---------------------------------------------------------------

  /** The single value of a one-element tensor as a JS number (boolean for bool; an int64
   * value must be exactly representable as a number, or it is an error) (torch.Tensor.item). */
  item(): number {
    if (this.numel() !== 1) {
      throw opError('item', `a Tensor with ${this.numel()} elements cannot be converted to Scalar (shape ${fmtShape(this._shape)})`);
    }
    checkMemory('item', this);
    const s = this._storage;
    const v = s.data[s.start + this._offset];
    if (typeof v === 'bigint') return exactNumber('item', v);
    return (this._dtype === bool ? v !== 0 : v) as number;
  }

  /** A contiguous copy of the elements, in row-major order, as a typed array (as x.numpy().copy()).
   * Typed as an array of numbers; for an int64 tensor (a BigInt64Array) say so:
   * `x.toTypedArray<BigInt64Array>()`. */
  toTypedArray<T extends TypedArray = NumberTypedArray>(): T {
    return contiguousData(this, 'toTypedArray').slice() as T;
  }

  /** Zero-copy access to the elements of a contiguous tensor; writes show in the tensor (as
   * x.numpy()). Typed as for toTypedArray(): `x.typedArray<BigInt64Array>()` for int64. */
  typedArray<T extends TypedArray = NumberTypedArray>(): T {
    if (!this.isContiguous()) {
      throw opError('typedArray', 'the tensor is not contiguous; call contiguous() first or use toTypedArray() for a copy');
    }
    checkMemory('typedArray', this);
    return this._storage.view(this._offset, this.numel()) as T;
  }

  /** The elements as nested JS arrays of the tensor's shape (a number for a 0-d tensor;
   * int64 values must be exactly representable as numbers, or it is an error)
   * (torch.Tensor.tolist). */
  tolist(): NestedArray {
    return nestedList(contiguousData(this, 'tolist'), this._shape, this._dtype === bool, 0, 0);
  }

  /** The printout PyTorch gives: `tensor([...], requires_grad=True)` with its print options
   * (torch.Tensor.__repr__). */
  toString(): string {
    return tensorRepr({
      shape: this._shape,
      dtype: this._dtype.name,
      values: contiguousData(this, 'toString'),
      requiresGrad: this._requiresGrad && this.gradFn === null,
      gradFnName: this.gradFn?.name ?? null,
    });
  }
  /** What console.log and util.inspect print: the same as toString(). */
  [inspectCustom](): string {
    return this.toString();
  }

  // ---- linear algebra ---------------------------------------------------------------

  /** Transpose of a 2-D tensor (PyTorch's `.T` for 2-D). */
  get T(): Tensor {
    return this.t();
  }
}

/** Checks that t's memory is still there before `op` reads it (see Storage.lost). */
export function checkMemory(op: string, t: Tensor): Tensor {
  if (t._storage.lost) {
    throw opError(op, "the tensor's memory was detached (transferred to another thread?) or shrunk (a resized ArrayBuffer)");
  }
  return t;
}

/** A contiguous copy that is not part of any graph. */
export function cloneDetached(t: Tensor): Tensor {
  const out = Tensor._output(t._shape.slice(), t.dtype);
  kernels.copy(out, t);
  return out;
}

/** The elements of contiguous `data` from `offset` as nested arrays of shape[dim:]
 * (Tensor.tolist). Module-level functions, not per-call closures: a server calls tolist
 * per request, and V8 kept recompiling the closures (50 TurboFan jobs per bench run). */
function nestedList(data: TypedArray, shape: readonly number[], isBool: boolean, dim: number, offset: number): NestedArray {
  if (dim === shape.length) return listValue(data[offset], isBool);
  const n = shape[dim];
  const out: NestedArray[] = new Array(n);
  if (dim === shape.length - 1) {
    for (let i = 0; i < n; ++i) out[i] = listValue(data[offset + i], isBool);
  } else {
    const step = numelOf(shape.slice(dim + 1));
    for (let i = 0; i < n; ++i) out[i] = nestedList(data, shape, isBool, dim + 1, offset + i * step);
  }
  return out;
}

function listValue(v: number | bigint, isBool: boolean): number | boolean {
  return typeof v === 'bigint' ? exactNumber('tolist', v) : isBool ? v !== 0 : v;
}

/** The elements in row-major order: the storage itself when contiguous, else a copy;
 * `op` names the caller in an error. */
export function contiguousData(t: Tensor, op = 'contiguousData'): TypedArray {
  checkMemory(op, t);
  if (t.isContiguous()) return t._storage.view(t._offset, t.numel());
  const copy = cloneDetached(t);
  return copy._storage.view(0, copy.numel());
}

function leafOnlyError(value: boolean): Error {
  return new Error(
    'you can only change requires_grad flags of leaf variables.' +
      (value ? '' : " If you want to use a computed variable in a subgraph that doesn't require differentiation use detach().") +
      '\nHint: to compute gradients of an intermediate result use retainGrad().',
  );
}
