// Distances and normalisation (F.normalize, F.cosineSimilarity, F.pairwiseDistance,
// tg.cdist), padding (F.pad) and F.oneHot. normalize, cosineSimilarity and
// pairwiseDistance are compositions, as in PyTorch; cdist and pad are ops of their own.
import { Tensor } from '../tensor';
import { Signature, checkInt, fmtShape, fmtValue, is, lazyExample, opError, opRangeError, opTypeError, optional, required, type Param } from '../check';
import * as kernels from '../backend';
import { broadcastShapes } from '../layout';
import { defineSpec, functional, withSignature, type Op } from '../ops/registry';
import { input, where } from '../ops/arith';
import { indexAddInto } from '../ops/indexing';
import { checkTensor, contiguousData } from '../ops/movement';
import { tensor } from '../ops/creation';
import { asIndex } from '../ops/indices';
import { int32, int64 } from '../dtype';

const tensorParam = (name: string, example?: number[][]) => {
  const p = required(name, (v, op, n) => checkTensor(op, v, n));
  return example ? lazyExample(p, () => tensor(example)) : p;
};

// ---- normalize, cosine similarity, pairwise distance -------------------------------------------

/** F.normalize's keyword arguments. */
export type NormalizeOptions = {
  /** The norm's exponent (default 2). */
  p?: number;
  /** The dim to work along. */
  dim?: number;
  /** The smallest denominator (or, for pairwiseDistance, what is added to the difference). */
  eps?: number;
};
/** x / max(‖x‖_p, eps) along dim (PyTorch's F.normalize; a zero vector gives 0). Shape: the input's. */
export const normalize = functional<
  (input: Tensor, p?: number | NormalizeOptions, dim?: number | NormalizeOptions, eps?: number | NormalizeOptions, options?: NormalizeOptions) => Tensor
>(
  'normalize',
  [input, optional('p', is.number, 2, 1), optional('dim', is.int, 1, 0), optional('eps', is.number, 1e-12, 0.5)],
  (x: Tensor, p: number, dim: number, eps: number) => x.div(x.norm(p, dim, true).clamp(eps).expandAs(x)),
);

/** F.cosineSimilarity's keyword arguments. */
export type CosineOptions = {
  /** The dim to work along. */
  dim?: number;
  /** The smallest denominator (or, for pairwiseDistance, what is added to the difference). */
  eps?: number;
};
/** The cosine of the angle between x1 and x2 along dim: sum(x1/max(‖x1‖, eps) · x2/max(‖x2‖, eps))
 * (PyTorch 1.13's F.cosine_similarity; x1 and x2 broadcast). Shape: the broadcast shape without dim. */
export const cosineSimilarity = functional<(x1: Tensor, x2: Tensor, dim?: number | CosineOptions, eps?: number | CosineOptions, options?: CosineOptions) => Tensor>(
  'cosineSimilarity',
  [tensorParam('x1', [[1, 2, 0.5], [-1, 0.25, 3]]), tensorParam('x2', [[0.5, -1, 2], [1, 1, 1]]), optional('dim', is.int, 1, 0), optional('eps', is.number, 1e-8, 0.5)],
  (a: Tensor, b: Tensor, dim: number, eps: number) => {
    const shape = broadcastShapes('cosineSimilarity', a._shape, b._shape) as number[];
    const [x1, x2] = [a, b].map((t) => (t._shape.length === shape.length && t._shape.every((s, i) => s === shape[i]) ? t : t.expand(shape)));
    const unit = (t: Tensor) => t.div(t.norm(2, dim, true).clamp(eps));
    return unit(x1).mul(unit(x2)).sum(dim);
  },
);

/** F.pairwiseDistance's keyword arguments. */
export type PairwiseOptions = {
  /** The norm's exponent (default 2). */
  p?: number;
  /** The smallest denominator (or, for pairwiseDistance, what is added to the difference). */
  eps?: number;
  /** Keep the reduced dim as size 1 (default false). */
  keepdim?: boolean;
};
/** ‖x1 - x2 + eps‖_p over the last dim (PyTorch's F.pairwise_distance). Shape: the broadcast shape without the last dim (kept as 1 with keepdim). */
export const pairwiseDistance = functional<
  (x1: Tensor, x2: Tensor, p?: number | PairwiseOptions, eps?: number | PairwiseOptions, keepdim?: boolean | PairwiseOptions, options?: PairwiseOptions) => Tensor
>(
  'pairwiseDistance',
  [tensorParam('x1', [[1, 2, 0.5], [-1, 0.25, 3]]), tensorParam('x2', [[0.5, -1, 2], [1, 1, 1]]), optional('p', is.number, 2, 1), optional('eps', is.number, 1e-6, 0.5), optional('keepdim', is.bool, false, true)],
  (x1: Tensor, x2: Tensor, p: number, eps: number, keepdim: boolean) => x1.sub(x2).add(eps).norm(p, -1, keepdim),
);

// ---- cdist ------------------------------------------------------------------------------------

interface Cdist {
  x1: Tensor;
  x2: Tensor;
  out: Tensor;
  p: number;
}

/** The differences x1[p] - x2[r]: [..., P, R, M]. */
const differences = (x1: Tensor, x2: Tensor) => x1.unsqueeze(-2).sub(x2.unsqueeze(-3));

const cdistOp = defineSpec<(x1: Tensor, x2: Tensor, p: number) => Tensor, [Tensor, Tensor, number], Cdist>({
  name: 'cdist',
  gradFn: 'CdistBackward0',
  params: [tensorParam('x1'), tensorParam('x2'), required('p', is.number)],
  forward: (x1, x2, p) => {
    const d = differences(x1, x2).abs();
    if (p === 0) return d.ne(0).to(x1.dtype).sum(-1);
    if (p === Infinity) return d.amax(-1);
    if (p === 1) return d.sum(-1);
    if (p === 2) return d.square().sum(-1).sqrt();
    return d.pow(p).sum(-1).pow(1 / p);
  },
  save: (out, x1, x2, p) => ({ x1, x2, out, p }),
  // d dist / d diff = sign(diff) |diff|^(p-1) / dist^(p-1), taken as 0 where dist is 0
  // (safe denominators: no inf or NaN in a branch `where` drops, for higher derivatives).
  backward: (g, { x1, x2, out, p }, [need1, need2]) => {
    const diff = differences(x1, x2);
    const gd = g.unsqueeze(-1);
    let local: Tensor;
    if (p === 0) local = diff.mul(0);
    else if (p === 1) local = diff.sign().mul(gd);
    else if (p === Infinity) local = diff.sign().mul(diff.abs().eq(out.unsqueeze(-1)).to(g.dtype)).mul(gd);
    else {
      const zero = out.eq(0).unsqueeze(-1);
      const scale = where(zero, 0, gd.div(where(zero, 1, out.unsqueeze(-1)).pow(p - 1)));
      const a = diff.abs();
      const power = p === 2 ? diff : diff.sign().mul(where(a.eq(0), 0, where(a.eq(0), 1, a).pow(p - 1)));
      local = power.mul(scale);
    }
    return [need1 ? local.sum(-2) : null, need2 ? local.sum(-3).neg() : null];
  },
});

/** tg.cdist's keyword arguments (`computeMode` is accepted and ignored: distances are always computed directly). */
export type CdistOptions = {
  /** The norm's exponent (default 2). */
  p?: number;
  /** Accepted and ignored: distances are always computed directly. */
  computeMode?: string | null;
};
/** The p-norm distance between each row of x1 [..., P, M] and each row of x2 [..., R, M]:
 * [..., P, R], batch dims broadcast (PyTorch's torch.cdist; computed directly, never
 * through the matmul expansion, so distances are exact). The gradient at distance 0 is 0. */
export const cdist = withSignature<(x1: Tensor, x2: Tensor, p?: number | CdistOptions, options?: CdistOptions) => Tensor>(
  'tg.cdist',
  'op',
  new Signature('cdist', [tensorParam('x1', [[1, 2, 0.5], [-1, 0.25, 3]]), tensorParam('x2', [[0.5, -1, 2], [1, 1, 1], [0, 0, 0]]), optional('p', is.number, 2, 1), optional('computeMode', is.any, null)]),
  (x1: Tensor, x2: Tensor, p: number) => {
    if (x1.ndim < 2 || x2.ndim < 2) throw opError('cdist', `cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D, X2 got: ${x2.ndim}D`);
    const m1 = x1._shape[x1.ndim - 1];
    const m2 = x2._shape[x2.ndim - 1];
    if (m1 !== m2) throw opError('cdist', `X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2} (shapes ${fmtShape(x1._shape)}, ${fmtShape(x2._shape)})`);
    if (!(p >= 0)) throw opRangeError('cdist', `cdist only supports non-negative p values, got ${p}`);
    if (x1.dtype !== x2.dtype) throw opTypeError('cdist', `X1 and X2 must have the same dtype, got ${x1.dtype} and ${x2.dtype}`);
    broadcastShapes('cdist', x1._shape.slice(0, -2), x2._shape.slice(0, -2));
    return cdistOp.call(x1, x2, p);
  },
);

// ---- pad ----------------------------------------------------------------------------------------

/** F.pad's modes ('circular' is not supported). */
export type PadMode = 'constant' | 'reflect' | 'replicate';

interface ConstantPad {
  amounts: number[];
}

/** The padded dims: [dim, before, after], from the last dim backwards (PyTorch's order). */
function padDims(ndim: number, amounts: number[]): [number, number, number][] {
  return Array.from({ length: amounts.length / 2 }, (_, i) => [ndim - 1 - i, amounts[2 * i], amounts[2 * i + 1]]);
}

const constantPadOp: Op<(x: Tensor, amounts: number[], value: number) => Tensor> = defineSpec<(x: Tensor, amounts: number[], value: number) => Tensor, [Tensor, number[], number], ConstantPad>({
  name: 'pad',
  gradFn: 'ConstantPadNdBackward0',
  params: [input, required('pad', is.any), required('value', is.number)],
  forward: (x, amounts, value) => {
    const dims = padDims(x.ndim, amounts);
    const shape = x._shape.slice();
    for (const [d, before, after] of dims) shape[d] += before + after;
    const out = Tensor._output(shape, x.dtype);
    kernels.fill(out, value);
    // The part of x that stays (negative amounts crop), and where it goes.
    let src = x;
    let dst = out;
    for (const [d, before, after] of dims) {
      const length = x._shape[d] - Math.max(-before, 0) - Math.max(-after, 0);
      if (length <= 0) return out;
      src = src.narrow(d, Math.max(-before, 0), length);
      dst = dst.narrow(d, Math.max(before, 0), length);
    }
    kernels.copy(dst, src);
    return out;
  },
  save: (out, x, amounts) => ({ amounts }),
  // The gradient is g cropped back: padding by the negated amounts.
  backward: (g, { amounts }): Tensor[] => [constantPadOp.call(g, amounts.map((a) => -a), 0)],
});

interface IndexPad {
  indices: [number, Tensor][];
  shape: number[];
}

/** For each padded position along a dim of size n, the source position (reflect: mirror
 * without repeating the edge; replicate: the nearest edge). */
function sourceIndex(mode: 'reflect' | 'replicate', n: number, before: number, after: number): Tensor {
  const index = Tensor._empty([n + before + after], int32);
  index.typedArray().forEach((_, i, a) => {
    const j = i - before;
    a[i] = mode === 'replicate' ? Math.min(Math.max(j, 0), n - 1) : j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
  });
  return index;
}

function indexPadSpec(gradFn: string) {
  return defineSpec<(x: Tensor, indices: [number, Tensor][]) => Tensor, [Tensor, [number, Tensor][]], IndexPad>({
    name: 'pad',
    gradFn,
    params: [input, required('indices', is.any)],
    forward: (x, indices) => indices.reduce((t, [d, index]) => t.indexSelect(d, index), x),
    save: (out, x, indices) => ({ indices, shape: x._shape.slice() }),
    // Each copy's gradient summed back to its source: the index-adds, last dim padded first.
    backward: (g, { indices, shape }) => {
      let grad = g;
      for (let k = indices.length - 1; k >= 0; --k) {
        const [d, index] = indices[k];
        const target = grad._shape.slice();
        target[d] = shape[d];
        grad = indexAddInto(grad, target, d, index);
      }
      return [grad];
    },
  }).call;
}
const INDEX_PADS = {
  reflect: [1, 2, 3].map((k) => indexPadSpec(`ReflectionPad${k}DBackward0`)),
  replicate: [1, 2, 3].map((k) => indexPadSpec(`ReplicationPad${k}DBackward0`)),
};

function padImpl(x: Tensor, amounts: unknown, mode: PadMode, value: number | null): Tensor {
  if (!Array.isArray(amounts) || !amounts.every((a) => typeof a === 'number' && Number.isInteger(a))) {
    throw opTypeError('pad', `pad must be an array of integers (before, after) pairs from the last dim, got ${fmtValue(amounts)}`);
  }
  if (amounts.length % 2 !== 0) throw opError('pad', `Padding length must be divisible by 2, got ${fmtValue(amounts)}`);
  if (amounts.length / 2 > x.ndim) {
    throw opError('pad', `Padding length too large: ${amounts.length} amounts pad ${amounts.length / 2} dims of a ${x.ndim}-d input ${fmtShape(x._shape)}`);
  }
  const dims = padDims(x.ndim, amounts);
  if (mode === 'constant') {
    for (const [d, before, after] of dims) {
      if (x._shape[d] + before + after < 0) {
        throw opError(
          'pad',
          `The input size ${x._shape[d]}, plus negative padding ${before} and ${after} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
        );
      }
    }
    return constantPadOp.call(x, amounts, value ?? 0);
  }
  if (value !== null && value !== 0) throw opError('pad', `Padding mode "${mode}" doesn't take in value argument (got value ${value})`);
  const k = amounts.length / 2;
  if (k < 1 || k > 3 || (x.ndim !== k + 1 && x.ndim !== k + 2)) {
    throw opError(
      'pad',
      `Padding mode "${mode}" takes 2, 4 or 6 amounts for a (k+1)-d or (k+2)-d input (k padded dims), got ${amounts.length} amounts for a ${x.ndim}-d input ${fmtShape(x._shape)}`,
    );
  }
  for (const [d, before, after] of dims) {
    if (before < 0 || after < 0) throw opError('pad', `Padding mode "${mode}" takes non-negative amounts, got ${fmtValue(amounts)}`);
    const n = x._shape[d];
    if (mode === 'reflect' && (before >= n || after >= n)) {
      throw opError(
        'pad',
        `Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${d} of input ${fmtShape(x._shape)}`,
      );
    }
    if (mode === 'replicate' && n === 0 && before + after > 0) throw opError('pad', `cannot replicate-pad dimension ${d} of size 0 (input ${fmtShape(x._shape)})`);
  }
  return INDEX_PADS[mode][k - 1](x, dims.map(([d, before, after]) => [d, sourceIndex(mode, x._shape[d], before, after)] as [number, Tensor]));
}

/** F.pad's keyword arguments. */
export type PadOptions = {
  /** 'constant' (default), 'reflect' or 'replicate'. */
  mode?: PadMode;
  /** The fill value of 'constant' padding (default 0). */
  value?: number | null;
};
/** Pads x by (before, after) amounts given from the last dim backwards (PyTorch's F.pad).
 * 'constant' (any rank; negative amounts crop) fills with `value`; 'reflect' (mirror without
 * the edge; each amount < the dim's size) and 'replicate' (repeat the edge) pad 1, 2 or 3
 * trailing dims of a batched or unbatched input. Shape: each padded dim grows by before + after. */
export const pad = functional<(input: Tensor, pad: number[], mode?: PadMode | PadOptions, value?: number | null | PadOptions, options?: PadOptions) => Tensor>(
  'pad',
  [input, required('pad', is.any, [1, 1]), optional('mode', is.oneOf('constant', 'reflect', 'replicate'), 'constant', 'replicate'), optional('value', is.nullable(is.number), null)],
  padImpl,
);

// ---- oneHot ------------------------------------------------------------------------------------

/** Class indices [...] as one-hot rows [..., numClasses] (int32; PyTorch's F.one_hot, there
 * int64); numClasses -1 takes max + 1. */
export const oneHot = functional<(input: Tensor, numClasses?: number | { numClasses?: number }) => Tensor>(
  'oneHot',
  [tensorParam('input'), optional('numClasses', is.int, -1, 5)],
  (t: Tensor, numClasses: number) => {
    if (t.dtype !== int32 && t.dtype !== int64) throw opTypeError('oneHot', `one_hot is only applicable to index tensors (int32 or int64), got ${t.dtype}`);
    const labels = contiguousData(asIndex('oneHot', t, 'input'), 'oneHot') as Int32Array;
    let max = -1;
    for (const v of labels) {
      if (v < 0) throw opRangeError('oneHot', `Class values must be non-negative, got ${v}`);
      max = Math.max(max, v);
    }
    let classes = numClasses;
    if (classes === -1) {
      if (labels.length === 0) throw opError('oneHot', 'Can not infer total number of classes from empty tensor.');
      classes = max + 1;
    }
    checkInt('oneHot', 'numClasses', classes, 0);
    if (max >= classes) throw opRangeError('oneHot', `Class values must be smaller than num_classes (${classes}), got ${max}`);
    const out = Tensor._empty([...t._shape, classes], int32);
    const data = out.typedArray();
    labels.forEach((v, i) => (data[i * classes + v] = 1));
    return out;
  },
);
