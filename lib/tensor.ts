// The Tensor: a strided view (shape, strides, offset) over a Storage, plus autograd
// state. Methods are thin: each delegates to the op defined in lib/ops/.
import { inspectCustom } from './inspect';
import { isFloating, type DType, type TypedArray } from './dtype';
import { Storage, VersionCounter } from './storage';
import { Size, contiguousStrides, isContiguous, numelOf, toSize } from './layout';
import { checkBool, fmtShape, fmtValue, normDim, opError, opTypeError } from './check';
import * as kernels from './backend';
import { BinaryOp } from './native/binding';
import type { Node } from './autograd/function';
import * as engine from './autograd/engine';
import * as hooks from './autograd/hooks';
import type { GradHook, PostAccumulateGradHook, RemovableHandle } from './autograd/hooks';
import { Device, cpu, toTarget } from './device';
import { tensorRepr } from './print';
import { warnOnce } from './warnings';
import * as E from './ops/arith';
import './ops/elementwise';
import * as R from './ops/reduce';
import * as L from './ops/linalg';
import * as M from './ops/movement';
import * as I from './ops/indexing';
import * as P from './ops/inplace';
import * as Rnd from './ops/random';
import type { ReduceDims } from './ops/reduce';
import { attachMethods } from './ops/registry';

export type Scalar = number;
export type TensorOrScalar = Tensor | number;
/** Nested arrays of numbers (or booleans), as tolist() returns and tensor() accepts. */
export type NestedArray = number | boolean | NestedArray[];

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
  /** The node that produced this tensor (null for leaves). `gradFn.name` is PyTorch's name. */
  gradFn: Node | null = null;

  /** @internal Use the creation functions (tg.tensor, tg.zeros, ...) instead. */
  constructor(storage: Storage, shape: number[], strides: number[], offset: number, dtype: DType, version?: VersionCounter) {
    this._storage = storage;
    this._shape = shape instanceof Size ? Array.from(shape) : shape; // a user may pass x.shape
    this._strides = strides;
    this._offset = offset;
    this._dtype = dtype;
    this._versionCounter = version ?? null;
  }

  /** @internal A new contiguous tensor (zero-filled). */
  static _empty(shape: number[], dtype: DType, op?: string): Tensor {
    return new Tensor(Storage.allocate(dtype, numelOf(shape), false, { op, shape }), shape, contiguousStrides(shape), 0, dtype);
  }

  /** @internal A new contiguous tensor for a kernel that writes every element of it next
   * (its memory is not zeroed first). `op` names the op in an out-of-memory error. */
  static _output(shape: number[], dtype: DType, op?: string): Tensor {
    return new Tensor(Storage.allocate(dtype, numelOf(shape), true, { op, shape }), shape, contiguousStrides(shape), 0, dtype);
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
    return v;
  }

  // ---- metadata -------------------------------------------------------------------

  /** The sizes, as a Size (an array that prints as torch.Size([...])). It is made on first
   * use: ops read the plain _shape, so they pay nothing for it. */
  get shape(): Readonly<Size> {
    return (this._size ??= toSize(this._shape));
  }
  get dtype(): DType {
    return this._dtype;
  }
  get ndim(): number {
    return this._shape.length;
  }
  dim(): number {
    return this._shape.length;
  }
  numel(): number {
    if (this._numel < 0) this._numel = numelOf(this._shape);
    return this._numel;
  }
  /** size() is the shape; size(d) one dim (negative counts from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return toSize(this._shape);
    return this._shape[normDim('size', dim, this.ndim)];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return this._strides.slice();
    return this._strides[normDim('stride', dim, this.ndim)];
  }
  storageOffset(): number {
    return this._offset;
  }
  isContiguous(): boolean {
    if (this._contiguous < 0) this._contiguous = isContiguous(this._shape, this._strides) ? 1 : 0;
    return this._contiguous === 1;
  }
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
  isShared(): boolean {
    return this._storage.isShared;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  // ---- autograd state ---------------------------------------------------------------

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
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

  /** Keeps .grad for this non-leaf tensor after backward. */
  retainGrad(): void {
    if (!this._requiresGrad) throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn === null) return;
    this.gradFn.retained ??= [];
    if (!this.gradFn.retained.includes(this)) this.gradFn.retained.push(this);
  }
  get retainsGrad(): boolean {
    return this.gradFn?.retained?.includes(this) ?? false;
  }

  /** Registers a hook called with this tensor's gradient whenever backward computes it
   * (PyTorch's register_hook): on a leaf, its total gradient before .grad accumulates it;
   * on a non-leaf, before its gradFn runs. The hook may return a tensor of the gradient's
   * shape to use instead. Returns a handle whose remove() unregisters it. */
  registerHook(hook: GradHook): RemovableHandle {
    return hooks.registerHook(this, hook);
  }

  /** Registers a hook called with this leaf once backward has accumulated its .grad
   * (PyTorch's register_post_accumulate_grad_hook); DDP starts its all-reduces from it.
   * Returns a handle whose remove() unregisters it. */
  registerPostAccumulateGradHook(hook: PostAccumulateGradHook): RemovableHandle {
    return hooks.registerPostAccumulateGradHook(this, hook);
  }

  /** @internal Called by defineOp on an op's output. */
  _setGradFn(node: Node): void {
    this.gradFn = node;
    this._requiresGrad = true;
  }

  /** Computes gradients of this tensor w.r.t. the graph leaves (accumulated into .grad).
   * backward(), backward(gradient), backward(gradient, options) or backward(options). */
  backward(gradient?: Tensor | null | engine.BackwardOptions, options: engine.BackwardOptions = {}): void {
    if (gradient != null && !(gradient instanceof Tensor)) {
      if (typeof gradient !== 'object') throw opTypeError('backward', `gradient must be a Tensor, got ${fmtValue(gradient)}`);
      engine.backward([this], [null], gradient);
      return;
    }
    engine.backward([this], [gradient ?? null], options);
  }

  /** A tensor sharing storage (and version counter) with this one, cut from the graph. */
  detach(): Tensor {
    const t = new Tensor(this._storage, this._shape, this._strides, this._offset, this._dtype, this._version);
    t._base = this._base;
    return t;
  }

  /** Detaches this tensor in place: it becomes a leaf that does not require grad. */
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

  /** The single value of a one-element tensor as a JS number (boolean for bool). */
  item(): number {
    if (this.numel() !== 1) {
      throw opError('item', `a Tensor with ${this.numel()} elements cannot be converted to Scalar (shape ${fmtShape(this._shape)})`);
    }
    M.checkMemory('item', this);
    const s = this._storage;
    const v = s.data[s.start + this._offset];
    return (this._dtype === 'bool' ? v !== 0 : v) as number;
  }

  /** A contiguous copy of the elements, in row-major order, as a typed array. */
  toTypedArray(): TypedArray {
    return M.contiguousData(this, 'toTypedArray').slice() as TypedArray;
  }

  /** Zero-copy access to the elements of a contiguous tensor (writes show in the tensor). */
  typedArray(): TypedArray {
    if (!this.isContiguous()) {
      throw opError('typedArray', 'the tensor is not contiguous; call contiguous() first or use toTypedArray() for a copy');
    }
    M.checkMemory('typedArray', this);
    return this._storage.view(this._offset, this.numel());
  }

  /** The elements as nested JS arrays (a number for a 0-d tensor). */
  tolist(): NestedArray {
    const data = M.contiguousData(this, 'tolist');
    const asValue = (v: number): number | boolean => (this._dtype === 'bool' ? v !== 0 : v);
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return asValue(data[offset]);
      const n = this._shape[dim];
      const step = numelOf(this._shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; ++i) out[i] = build(dim + 1, offset + i * step);
      return out;
    };
    return build(0, 0);
  }

  /** A tensor with another dtype, or on another device (this tensor if nothing changes). */
  to(target: DType | Device | string | { dtype?: DType; device?: Device | string }): Tensor {
    const dtype = toTarget('to', target);
    return dtype === undefined || dtype === this._dtype ? this : E.toDType(this, dtype);
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  int(): Tensor {
    return this.to('int32');
  }
  bool(): Tensor {
    return this.to('bool');
  }

  toString(): string {
    return tensorRepr({
      shape: this._shape,
      dtype: this._dtype,
      values: M.contiguousData(this, 'toString'),
      requiresGrad: this._requiresGrad && this.gradFn === null,
      gradFnName: this.gradFn?.name ?? null,
    });
  }
  [inspectCustom](): string {
    return this.toString();
  }

  // ---- elementwise ----------------------------------------------------------------

  add(other: TensorOrScalar, options?: { alpha?: number }): Tensor {
    return E.add(this, other, options);
  }
  sub(other: TensorOrScalar, options?: { alpha?: number }): Tensor {
    return E.sub(this, other, options);
  }
  mul(other: TensorOrScalar): Tensor {
    return E.mul(this, other);
  }
  div(other: TensorOrScalar): Tensor {
    return E.div(this, other);
  }
  pow(exponent: TensorOrScalar): Tensor {
    return E.pow(this, exponent);
  }
  maximum(other: Tensor): Tensor {
    return E.maximum(this, other);
  }
  minimum(other: Tensor): Tensor {
    return E.minimum(this, other);
  }

  // ---- reductions -----------------------------------------------------------------

  /** max(): the largest element; max(dim, keepdim): {values, indices} along dim. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  max(dim?: number, keepdim?: boolean): Tensor | R.ValuesIndices {
    return dim === undefined ? R.max(this) : R.maxDim(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  min(dim?: number, keepdim?: boolean): Tensor | R.ValuesIndices {
    return dim === undefined ? R.min(this) : R.minDim(this, dim, keepdim);
  }

  // ---- linear algebra ---------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  t(): Tensor {
    return L.t(this);
  }
  /** Transpose of a 2-D tensor (PyTorch's `.T` for 2-D). */
  get T(): Tensor {
    return L.t(this);
  }

  // ---- views and shape ----------------------------------------------------------------

  reshape(...shape: (number | number[])[]): Tensor {
    return M.reshape(this, shape);
  }
  view(...shape: (number | number[])[]): Tensor {
    return M.view(this, shape);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return M.transpose(this, dim0, dim1);
  }
  permute(...dims: (number | number[])[]): Tensor {
    return M.permute(this, dims);
  }
  squeeze(dim?: number): Tensor {
    return M.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return M.unsqueeze(this, dim);
  }
  expand(...shape: (number | number[])[]): Tensor {
    return M.expand(this, shape);
  }
  expandAs(other: Tensor): Tensor {
    return M.expand(this, [other._shape.slice()]);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return M.flatten(this, startDim, endDim);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return M.narrow(this, dim, start, length);
  }
  /** The slice at `index` along `dim`, with that dim removed (x[i] for dim 0). */
  select(dim: number, index: number): Tensor {
    return M.select(this, dim, index);
  }
  contiguous(): Tensor {
    return M.contiguous(this);
  }
  clone(): Tensor {
    return M.clone(this);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }

  // ---- in place ---------------------------------------------------------------------

  add_(other: TensorOrScalar, options?: { alpha?: number }): this {
    return P.binaryInPlace(this, 'add_', other, (a, b) => E.add(a, b, options), (options?.alpha ?? 1) === 1 ? BinaryOp.Add : undefined);
  }
  sub_(other: TensorOrScalar, options?: { alpha?: number }): this {
    return P.binaryInPlace(this, 'sub_', other, (a, b) => E.sub(a, b, options), (options?.alpha ?? 1) === 1 ? BinaryOp.Sub : undefined);
  }
  mul_(other: TensorOrScalar): this {
    return P.binaryInPlace(this, 'mul_', other, E.mul, BinaryOp.Mul);
  }
  div_(other: TensorOrScalar): this {
    return P.binaryInPlace(this, 'div_', other, E.div, BinaryOp.Div);
  }
  pow_(exponent: TensorOrScalar): this {
    return P.binaryInPlace(this, 'pow_', exponent, E.pow);
  }
  clamp_(min?: number | null, max?: number | null): this {
    return P.unaryInPlace(this, 'clamp_', (a) => a.clamp(min, max));
  }
  neg_(): this {
    return P.unaryInPlace(this, 'neg_', (a) => a.neg());
  }
  relu_(): this {
    return P.unaryInPlace(this, 'relu_', (a) => a.relu());
  }
  zero_(): this {
    return P.fillInPlace(this, 'zero_', 0);
  }
  fill_(value: number): this {
    return P.fillInPlace(this, 'fill_', value);
  }
  copy_(src: Tensor): this {
    return P.copyInPlace(this, src);
  }
  /** Fills with normal values (in memory order, as PyTorch); options.generator picks the generator. */
  normal_(mean = 0, std = 1, options?: Rnd.RandomOptions): this {
    return Rnd.normalInPlace(this, mean, std, options);
  }
  /** Fills with uniform values in [from, to). */
  uniform_(from = 0, to = 1, options?: Rnd.RandomOptions): this {
    return Rnd.uniformInPlace(this, from, to, options);
  }
  /** Fills with 1 (probability p) or 0. */
  bernoulli_(p = 0.5, options?: Rnd.RandomOptions): this {
    return Rnd.bernoulliInPlace(this, p, options);
  }
}

function leafOnlyError(value: boolean): Error {
  return new Error(
    'you can only change requires_grad flags of leaf variables.' +
      (value ? '' : " If you want to use a computed variable in a subgraph that doesn't require differentiation use detach().") +
      '\nHint: to compute gradients of an intermediate result use retainGrad().',
  );
}

// The ops defined as specs (lib/ops/registry.ts) become methods now that the class exists.
attachMethods(Tensor);
