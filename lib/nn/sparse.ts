// nn.Embedding (PyTorch's torch.nn.modules.sparse): a lookup table of numEmbeddings rows.
import type { Tensor } from '../tensor';
import { int32, type DType, type DTypeLike } from '../dtype';
import { Signature, checkInt, is, keyword, opError, optional, required, dtypeKeyword } from '../check';
import { registerClass } from '../ops/registry';
import { checkDevice, type Device } from '../device';
import { empty } from '../ops/creation';
import { noGrad } from '../autograd/grad_mode';
import { Module } from './module';
import { Parameter } from './parameter';
import * as F from './functional';

/** The options of Embedding by name (PyTorch's keyword arguments). */
export interface EmbeddingOptions {
  /** The number of rows of the table. */
  numEmbeddings?: number;
  /** The size of each row. */
  embeddingDim?: number;
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
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32; tg.float64 or 'float64' for doubles). */
  dtype?: DTypeLike;
}

const EMBEDDING = new Signature('Embedding', [
  required('numEmbeddings', is.int, 5),
  required('embeddingDim', is.int, 2),
  optional('paddingIdx', is.nullable(is.int), null, 1),
  optional('maxNorm', is.nullable(is.number), null),
  optional('normType', is.number, 2),
  optional('scaleGradByFreq', is.bool, false),
  optional('sparse', is.bool, false),
  keyword('device', is.any, undefined),
  dtypeKeyword,
]);

/** A lookup table (PyTorch's nn.Embedding): weight [numEmbeddings, embeddingDim] drawn from
 * N(0, 1), the paddingIdx row (negative counts from the end) zero; forward(indices) gives
 * [...indices.shape, embeddingDim]. */
export class Embedding extends Module {
  /** The number of rows of the table. */
  readonly numEmbeddings: number;
  /** The size of each row. */
  readonly embeddingDim: number;
  /** The padding row, normalised to [0, numEmbeddings) (null: none). */
  readonly paddingIdx: number | null;
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight: Parameter;

  /** PyTorch's Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
   * norm_type=2.0, scale_grad_by_freq=False, sparse=False, *, device, dtype). */
  constructor(
    numEmbeddings: number | EmbeddingOptions, embeddingDim?: number | EmbeddingOptions, paddingIdx?: number | null | EmbeddingOptions,
    maxNorm?: number | null | EmbeddingOptions, normType?: number | EmbeddingOptions, scaleGradByFreq?: boolean | EmbeddingOptions,
    sparse?: boolean | EmbeddingOptions, options?: EmbeddingOptions,
  );
  constructor(...args: unknown[]) {
    super();
    const [n, dim, pad, maxNorm, , scaleGradByFreq, sparse, dev, dt] = EMBEDDING.bind(args) as [number, number, number | null, number | null, number, boolean, boolean, unknown, DType];
    this.numEmbeddings = checkInt('Embedding', 'numEmbeddings', n, 0);
    this.embeddingDim = checkInt('Embedding', 'embeddingDim', dim, 0);
    if (maxNorm !== null || scaleGradByFreq || sparse) throw opError('Embedding', 'maxNorm, scaleGradByFreq and sparse are not supported (dense gradients only)');
    if (pad !== null && (pad >= n || pad < -n)) throw opError('Embedding', `paddingIdx ${pad} must be within num_embeddings (${n})`);
    if (dev !== undefined) checkDevice('Embedding', dev as string);
    this.paddingIdx = pad === null ? null : pad < 0 ? pad + n : pad;
    this.weight = new Parameter(empty([n, dim], { dtype: dt }));
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: N(0, 1) from the global generator, the padding row zero. */
  resetParameters(): void {
    noGrad(() => {
      this.weight.normal_();
      if (this.paddingIdx !== null) this.weight.select(0, this.paddingIdx).fill_(0);
    });
  }

  override forward(input: Tensor): Tensor {
    if (input.dtype !== int32) throw opError('Embedding', `expected int32 indices, got ${input.dtype} of shape [${input.shape.join(', ')}]`);
    return F.embedding(input, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

registerClass('nn.Embedding', 'module', EMBEDDING, Embedding);
