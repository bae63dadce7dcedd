// In-place ops on views of tensors in the graph (PyTorch's CopySlices). When an in-place
// op writes into a view v of a base b that is part of the graph, b's history gains a
// CopySlices node: its gradient is b's incoming gradient with the region of v replaced by
// what the in-place op's backward gives for v (and the op's other operands get theirs).
// The view's own gradFn becomes AsStridedBackward0 of b's new history, as do those of other
// views of b once they are read (Tensor.gradFn). A region is described by its storage
// geometry relative to b (sizes, strides, offset), as PyTorch's as_strided.
import { Tensor } from '../tensor';
import { Storage } from '../storage';
import { enableGrad } from '../autograd/grad_mode';
import { is, objectCheck, opError, required } from '../check';
import { sameShape } from '../layout';
import * as kernels from '../backend';
import { Node, defineMethods, defineSpec, type Op, type OpDef } from './registry';

/** Where a view lies in its base's storage; `baseStrides` is the base's own layout, which
 * the gradient is given before the region is read or written. */
export interface Geometry {
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  readonly baseStrides: number[];
}

/** The geometry of view `v` inside its base. */
export function geometryOf(v: Tensor, base: Tensor): Geometry {
  return { shape: v._shape.slice(), strides: v._strides.slice(), offset: v._offset - base._offset, baseStrides: base._strides.slice() };
}

/** `t`'s values in a new tensor laid out with `strides`. */
function copyLaidOut(t: Tensor, strides: number[]): Tensor {
  let span = 1;
  t._shape.forEach((s, i) => (span += s > 0 ? (s - 1) * strides[i] : 0));
  const out = new Tensor(Storage.allocate(t.dtype, t.numel() === 0 ? 0 : span, false, 'CopySlices'), t._shape.slice(), strides.slice(), 0, t.dtype);
  kernels.copy(out, t);
  return out;
}

/** `t` laid out with `strides`: itself if it is, else a copy. */
function laidOut(t: Tensor, strides: number[]): Tensor {
  return sameShape(t._strides, strides) ? t : copyLaidOut(t, strides);
}

/** The region `geo` of x (x laid out as the base). */
function region(x: Tensor, geo: Geometry): Tensor {
  const laid = laidOut(x, geo.baseStrides);
  return laid._view(geo.shape.slice(), geo.strides.slice(), laid._offset + geo.offset);
}

// PyTorch's as_strided (AsStridedBackward0) on a tensor laid out as the base: a view when x
// is, else the region of a copy. Its gradient is zeros with g in the region.
const asStrided: Op<(input: Tensor, geo: Geometry) => Tensor> = defineSpec<(input: Tensor, geo: Geometry) => Tensor, [Tensor, Geometry], { shape: number[]; geo: Geometry }>({
  name: 'asStrided',
  gradFn: 'AsStridedBackward0',
  params: [required('input', is.any), required('geo', objectCheck(is.any))],
  forward: (x, geo) => region(x, geo),
  save: (out, x, geo) => ({ shape: x._shape, geo }),
  backward: (g, { shape, geo }) => [asStridedScatter.call(Tensor._empty(shape.slice(), g.dtype), g, geo)],
});

// x with the region `geo` replaced by src (PyTorch 2's as_strided_scatter): the gradient
// of a view's base, given the gradient of the view. Gradients: x's outside the region,
// src's the region.
const asStridedScatter: Op<(input: Tensor, src: Tensor, geo: Geometry) => Tensor> = defineSpec<(input: Tensor, src: Tensor, geo: Geometry) => Tensor, [Tensor, Tensor, Geometry], { srcShape: number[]; geo: Geometry }>({
  name: 'asStridedScatter',
  gradFn: 'AsStridedScatterBackward0',
  params: [required('input', is.any), required('src', is.any), required('geo', objectCheck(is.any))],
  forward: (x, src, geo) => {
    const out = copyLaidOut(x, geo.baseStrides);
    kernels.copy(region(out, geo), src);
    return out;
  },
  save: (out, x, src, geo) => ({ srcShape: src._shape, geo }),
  backward: (gg, { srcShape, geo }, [needX, needSrc]) => [
    needX ? asStridedScatter.call(gg, Tensor._empty(srcShape.slice(), gg.dtype), geo) : null,
    needSrc ? asStrided.call(gg, geo) : null,
  ],
});

interface CopySlicesInfo {
  geo: Geometry;
  /** The in-place op's node: input 0 is the view it wrote, the others its operands. */
  fn: Node;
}

const copySlicesDef: OpDef<[], CopySlicesInfo> = {
  name: 'CopySlices',
  forward: () => {
    throw new Error('CopySlices is made by in-place ops, not called');
  },
  backward: (ctx, g) => {
    const { geo, fn } = ctx.info;
    const grads = fn.apply(asStrided.call(g, geo));
    if (!ctx.needsInputGrad[0]) return [null, ...grads.slice(1)];
    const gView = grads[0] ?? Tensor._empty(geo.shape.slice(), g.dtype);
    return [asStridedScatter.call(g, gView.dtype === g.dtype ? gView : gView.to(g.dtype), geo), ...grads.slice(1)];
  },
};

/** CopySlices: base's history before the write (input 0), then the other operands of the
 * in-place op `fn` (its inputs 1...). */
class CopySlices extends Node<CopySlicesInfo> {
  constructor(base: Tensor, geo: Geometry, fn: Node) {
    super(copySlicesDef as OpDef<any[], CopySlicesInfo>, 'CopySlices', [base]);
    for (let i = 1; i < fn.next.length; ++i) {
      this.next.push(fn.next[i]);
      this.needsInputGrad.push(fn.needsInputGrad[i]);
      this.inputShapes.push(fn.inputShapes[i]);
      this.inputDTypes.push(fn.inputDTypes[i]);
    }
    this.info = { geo, fn };
  }

  override release(): void {
    super.release();
    this.info.fn.release();
  }
}

/** The error PyTorch gives for an in-place write, with grad mode on, into a view that
 * autograd cannot rebase (or null when it can). */
export function viewWriteError(op: string, view: Tensor): Error | null {
  const base = view._base!;
  if (base.isLeaf && base.requiresGrad) {
    return opError(op, 'a view of a leaf Variable that requires grad is being used in an in-place operation.\nHint: modify it inside tg.noGrad(() => ...), or modify a clone.');
  }
  if (view._viewVersion === -1) {
    return opError(
      op,
      'A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use ' +
        'case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and ' +
        "the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside " +
        '(if you want the inplace to be tracked).',
    );
  }
  return null;
}

/** After the in-place op whose node is `fn` wrote into `view`: its base's history becomes
 * CopySlices, and the view's AsStridedBackward0 of it. */
export function rebaseView(view: Tensor, fn: Node): void {
  const base = view._base!;
  const geo = geometryOf(view, base);
  base._setGradFn(new CopySlices(base, geo, fn));
  view._setGradFn(viewNode(base, geo));
}

function viewNode(base: Tensor, geo: Geometry): Node {
  return enableGrad(() => asStrided.call(base, geo)).gradFn!;
}

defineMethods({
  _regenerateViewGradFn(this: Tensor): void {
    const base = this._base!;
    this._setGradFn(base.requiresGrad ? viewNode(base, geometryOf(this, base)) : this._gradFn!);
  },
});
declare module '../tensor' {
  interface Tensor {
    /** @internal Tensor.gradFn of a view whose storage changed in place since its gradFn was made. */
    _regenerateViewGradFn(): void;
  }
}
