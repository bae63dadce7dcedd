// tg.nn.functional's embedding and scaledDotProductAttention (PyTorch's F.embedding and
// the math form of PyTorch 2.0's F.scaled_dot_product_attention; torch 1.13 has none).
import type { Tensor } from '../tensor';
import { checkKernelDType, fmtShape, fmtValue, is, opError, opTypeError, optional, required } from '../check';
import { broadcastShapes } from '../layout';
import { checkTensor } from './movement';
import { defineSpec, registerFunctionals, type Op } from './registry';
import { indexAddInto, indexSelectChecked } from './indexing';
import { where } from './arith';
import { arange, tensor } from './creation';
import { firstOutside, indexTensor } from './indices';
import { dropout } from './dropout';
import { bool } from '../dtype';

// ---- embedding ------------------------------------------------------------------------------

interface EmbeddingSaved {
  index: Tensor;
  rows: number;
  paddingIdx: number | null;
}

const embeddingSpec = defineSpec<(
  input: Tensor, weight: Tensor, paddingIdx?: number | null | EmbeddingOptions, maxNorm?: number | null | EmbeddingOptions,
  normType?: number | EmbeddingOptions, scaleGradByFreq?: boolean | EmbeddingOptions, sparse?: boolean | EmbeddingOptions,
) => Tensor, [Tensor, Tensor, number | null], EmbeddingSaved>({
  name: 'embedding',
  gradFn: 'EmbeddingBackward0',
  method: false,
  params: [
    required('input', (v, op, name) => checkTensor(op, v, name)),
    required('weight', (v, op, name) => checkTensor(op, v, name), tensor([[1, 2], [3, 4], [5, 6]])),
    optional('paddingIdx', is.nullable(is.int), null),
    optional('maxNorm', is.nullable(is.number), null),
    optional('normType', is.number, 2),
    optional('scaleGradByFreq', is.bool, false),
    optional('sparse', is.bool, false),
  ],
  prepare: (indexArg: Tensor, weight: Tensor, paddingIdx: number | null, maxNorm: number | null, _normType: number, scaleGradByFreq: boolean, sparse: boolean) => {
    const op = 'embedding';
    if (maxNorm !== null || scaleGradByFreq || sparse) {
      throw opError(op, 'maxNorm, scaleGradByFreq and sparse are not supported (dense gradients only)');
    }
    const index = indexTensor(op, indexArg, 'input');
    if (weight.ndim !== 2) throw opError(op, `weight must be 2-D [num_embeddings, embedding_dim], got ${fmtShape(weight._shape)}`);
    const rows = weight._shape[0];
    let pad = paddingIdx;
    if (pad !== null) {
      if (pad < -rows || pad >= rows) throw opError(op, `paddingIdx ${pad} must be within num_embeddings (${rows})`);
      if (pad < 0) pad += rows;
    }
    const id = firstOutside(op, index, 0, rows);
    if (id !== undefined) {
      throw opError(op, `index ${id} is out of range for a weight of ${rows} rows ${fmtShape(weight._shape)} (indices of shape ${fmtShape(index._shape)} must lie in [0, ${rows}))`);
    }
    return [index, weight, pad];
  },
  // prepare checked the ids: indexSelect's own checks would read them again.
  forward: (index, weight) => indexSelectChecked(weight, 0, index.reshape(-1)).view([...index._shape, weight._shape[1]]),
  save: (_, index, weight, paddingIdx) => ({ index, rows: weight._shape[0], paddingIdx }),
  // Rows add up the gradients of every position that picked them; the padding row gets none.
  backward: (g, { index, rows, paddingIdx }) => {
    const D = g._shape[g.ndim - 1];
    let flat = g.reshape(-1, D);
    const ids = index.reshape(-1);
    if (paddingIdx !== null) flat = where(ids.ne(paddingIdx).unsqueeze(1), flat, 0);
    // Whole rows added in order of position: indexAdd's slab loop (a scatterAdd over the
    // ids expanded to [N, D] looked up the index for every element).
    return [null, indexAddInto(flat, [rows, D], 0, ids)];
  },
});

/** F.embedding's options by name (PyTorch's keyword arguments). */
export interface EmbeddingOptions {
  /** The row that gets no gradient (negative counts from the end); null: none. */
  paddingIdx?: number | null;
  /** PyTorch's max_norm renormalisation: not supported (null only). */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2). */
  normType?: number;
  /** PyTorch's scale_grad_by_freq: not supported (false only). */
  scaleGradByFreq?: boolean;
  /** Sparse gradients: not supported (false only). */
  sparse?: boolean;
}
/** A lookup table (PyTorch's F.embedding): row weight[i] for every int32 or int64 index i of input
 * (any shape, also 0-d), giving [...input.shape, embedding_dim]. Repeated indices add up
 * their gradients; the paddingIdx row (negative counts from the end) gets none. */
export const embedding = embeddingSpec.call;

// ---- scaled dot-product attention -------------------------------------------------------------

/** softmax(q kᵀ / √E + mask) v and the attention weights, for q [..., L, E], k [..., S, E],
 * v [..., S, Ev]; a bool mask is true where attention is allowed. */
export function attention(q: Tensor, k: Tensor, v: Tensor, attnMask: Tensor | null, dropoutP: number, isCausal: boolean, training = true): [Tensor, Tensor] {
  const op = 'scaledDotProductAttention';
  checkKernelDType(op, op, q.dtype);
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) {
    throw opError(op, `query, key and value must have at least 2 dims [..., L, E], got ${fmtShape(q._shape)}, ${fmtShape(k._shape)}, ${fmtShape(v._shape)}`);
  }
  const [L, E] = q._shape.slice(-2);
  const S = k._shape[k.ndim - 2];
  if (k._shape[k.ndim - 1] !== E || v._shape[v.ndim - 2] !== S) {
    throw opError(op, `key ${fmtShape(k._shape)} must be [..., S, ${E}] and value ${fmtShape(v._shape)} [..., S, Ev] for query ${fmtShape(q._shape)}`);
  }
  if (k.dtype !== q.dtype || v.dtype !== q.dtype) throw opTypeError(op, `query, key and value must have one dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`);
  if (isCausal && attnMask) throw opError(op, 'attnMask and isCausal cannot both be given');
  let scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(E));
  const mask = isCausal ? arange(L).unsqueeze(1).ge(arange(S).unsqueeze(0)) : attnMask;
  if (mask) {
    broadcastShapes(op, mask._shape, scores._shape);
    if (mask.dtype === bool) scores = where(mask, scores, -Infinity);
    else if (mask.dtype === q.dtype) scores = scores.add(mask);
    else throw opTypeError(op, `attnMask must be bool or of the query's dtype ${q.dtype}, got ${mask.dtype}`);
  }
  const weights = scores.softmax(-1);
  const used = dropoutP > 0 && training ? dropout(weights, dropoutP, true) : weights;
  const out = used.matmul(v);
  return [out, weights];
}

const sdpaSpec = defineSpec<(
  query: Tensor, key: Tensor, value: Tensor, attnMask?: Tensor | null | SdpaOptions, dropoutP?: number | SdpaOptions, isCausal?: boolean | SdpaOptions,
) => Tensor, [Tensor, Tensor, Tensor, Tensor | null, number, boolean]>({
  name: 'scaledDotProductAttention',
  method: false,
  params: [
    required('query', (v, op, name) => checkTensor(op, v, name), tensor([[0.5, 1.5, 2.5], [3.5, 0.25, 1.25]])),
    required('key', (v, op, name) => checkTensor(op, v, name), tensor([[1, 0, 2], [0.5, -1, 1], [2, 1, 0]])),
    required('value', (v, op, name) => checkTensor(op, v, name), tensor([[1, 2], [3, 4], [5, 6]])),
    optional('attnMask', (v, op, name) => (v === null ? null : checkTensor(op, v, name)), null, tensor([[0, -1, 0], [0, 0, -2]])),
    optional('dropoutP', (v, op, name) => {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw opError(op, `${name} must be in [0, 1], got ${fmtValue(v)}`);
      return v;
    }, 0),
    optional('isCausal', is.bool, false),
  ],
  forward: (q, k, v, attnMask, dropoutP, isCausal) => attention(q, k, v, attnMask, dropoutP, isCausal)[0],
});
/** F.scaledDotProductAttention's options by name (PyTorch's keyword arguments). */
export interface SdpaOptions {
  /** A bool mask or a float mask added to the scores, broadcast to [..., L, S]. */
  attnMask?: Tensor | null;
  /** The probability of dropping an attention weight (default 0). */
  dropoutP?: number;
  /** Mask the positions j > i (default false). */
  isCausal?: boolean;
}
/** Attention (PyTorch 2.0's F.scaled_dot_product_attention, its math form):
 * softmax(q kᵀ / √E + mask) v for q [..., L, E], k [..., S, E], v [..., S, Ev] → [..., L, Ev].
 * A bool attnMask is true where attention is allowed, a float one is added to the scores;
 * both broadcast to [..., L, S]. isCausal masks position j > i (top-left aligned); dropoutP
 * drops attention weights (always: this function has no eval mode, as in PyTorch). */
export const scaledDotProductAttention = sdpaSpec.call;

registerFunctionals([embeddingSpec, sdpaSpec] as Op<(...a: any[]) => unknown>[]);
