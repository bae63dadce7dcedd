// Attention layers: MultiheadAttention, TransformerEncoderLayer, TransformerEncoder
// (PyTorch's torch.nn.modules.activation / transformer): PyTorch's constructor arguments,
// parameter names (in_proj_weight, in_proj_bias, out_proj.weight, ...), initialisation in
// PyTorch's order of draws, masks with PyTorch 1.13's conventions (a bool attnMask or
// keyPaddingMask is true where attention is NOT allowed) and repr.
import { Tensor } from '../tensor';
import { bool, type DType, type DTypeLike } from '../dtype';
import { Signature, checkInt, fmtShape, fmtValue, is, keyword, opError, opTypeError, optional, required, dtypeKeyword } from '../check';
import { registerClass } from '../ops/registry';
import { checkDevice, type Device } from '../device';
import { empty, zeros } from '../ops/creation';
import { getRngState, setRngState } from '../random';
import { where } from '../ops/arith';
import { attention } from '../ops/attention';
import { Module } from './module';
import { Parameter } from './parameter';
import { Dropout, Linear } from './layers';
import { LayerNorm } from './normalization';
import * as F from './functional';
import { ModuleList } from './containers';
import { constant_, xavierUniform_ } from './init';

const device = keyword('device', is.any, undefined);
const named = (sig: Signature, args: ArrayLike<unknown>) => {
  const values = sig.bind(args);
  return Object.fromEntries(sig.params.map((p, i) => [p.name, values[i]])) as any;
};

/** MultiheadAttention's output projection (PyTorch names the class so that quantisation
 * leaves it alone; the name shows in the repr). */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** The options of MultiheadAttention by name (PyTorch's keyword arguments). */
export interface MultiheadAttentionOptions {
  /** The model dimension E. */
  embedDim?: number;
  /** The number of attention heads (divides embedDim). */
  numHeads?: number;
  /** The dropout probability (between layers for a recurrent network). */
  dropout?: number;
  /** Whether the layer has biases (default true). */
  bias?: boolean;
  /** PyTorch's add_bias_kv: not supported (false only). */
  addBiasKv?: boolean;
  /** PyTorch's add_zero_attn: not supported (false only). */
  addZeroAttn?: boolean;
  /** The key features: embedDim only (null). */
  kdim?: number | null;
  /** The value features: embedDim only (null). */
  vdim?: number | null;
  /** Inputs and outputs are [B, L, ...] instead of [L, B, ...] (default false). */
  batchFirst?: boolean;
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32; tg.float64 or 'float64' for doubles). */
  dtype?: DTypeLike;
}

/** The options of MultiheadAttention.forward by name (PyTorch's keyword arguments). */
export interface MultiheadAttentionForwardOptions {
  /** A mask [N, S] of the keys to ignore (bool: true ignores; float: added). */
  keyPaddingMask?: Tensor | null;
  /** Whether to return the attention weights (default true). */
  needWeights?: boolean;
  /** A bool mask or a float mask added to the scores, broadcast to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Whether the weights are averaged over the heads (default true). */
  averageAttnWeights?: boolean;
}

const MHA = new Signature('MultiheadAttention', [
  required('embedDim', is.int, 4),
  required('numHeads', is.int, 2),
  optional('dropout', is.number, 0, 0.5),
  optional('bias', is.bool, true, false),
  optional('addBiasKv', is.bool, false),
  optional('addZeroAttn', is.bool, false),
  optional('kdim', is.nullable(is.int), null),
  optional('vdim', is.nullable(is.int), null),
  optional('batchFirst', is.bool, false, true),
  device,
  dtypeKeyword,
]);
const MHA_FORWARD = new Signature('MultiheadAttention.forward', [
  required('query', is.any), required('key', is.any), required('value', is.any),
  optional('keyPaddingMask', is.any, null), optional('needWeights', is.bool, true), optional('attnMask', is.any, null),
  optional('averageAttnWeights', is.bool, true),
]);

/** Multi-head attention (PyTorch's nn.MultiheadAttention): in_proj_weight [3E, E] (Xavier
 * uniform), in_proj_bias [3E] (zeros), out_proj a Linear(E, E) with zero bias.
 * forward(query, key, value, keyPaddingMask?, needWeights=true, attnMask?, averageAttnWeights=true)
 * gives [output, weights | null]: output [L, N, E] (batchFirst: [N, L, E]), weights
 * [N, L, S] averaged over heads (or [N, heads, L, S]). */
export class MultiheadAttention extends Module {
  /** The model dimension E. */
  readonly embedDim: number;
  /** The number of attention heads (divides embedDim). */
  readonly numHeads: number;
  /** The features per head, embedDim / numHeads. */
  readonly headDim: number;
  /** The dropout probability (between layers for a recurrent network). */
  readonly dropout: number;
  /** Inputs and outputs are [B, L, ...] instead of [L, B, ...] (default false). */
  readonly batchFirst: boolean;
  /** The query, key and value projections stacked, [3E, E]. */
  in_proj_weight: Parameter;
  /** Their biases, [3E]. */
  in_proj_bias: Parameter | null;
  /** The output projection. */
  out_proj: NonDynamicallyQuantizableLinear;

  /** PyTorch's MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True,
   * add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False, *, device, dtype). */
  constructor(embedDim: number | MultiheadAttentionOptions, numHeads?: number | MultiheadAttentionOptions, dropout?: number | MultiheadAttentionOptions, bias?: boolean | MultiheadAttentionOptions, ...rest: unknown[]);
  constructor(...args: unknown[]) {
    super();
    const v = named(MHA, args);
    const name = 'MultiheadAttention';
    this.embedDim = checkInt(name, 'embedDim', v.embedDim, 1);
    this.numHeads = checkInt(name, 'numHeads', v.numHeads, 1);
    if (this.embedDim % this.numHeads !== 0) throw opError(name, `embed_dim (${this.embedDim}) must be divisible by num_heads (${this.numHeads})`);
    if (v.addBiasKv || v.addZeroAttn) throw opError(name, 'addBiasKv and addZeroAttn are not supported');
    if ((v.kdim !== null && v.kdim !== this.embedDim) || (v.vdim !== null && v.vdim !== this.embedDim)) throw opError(name, 'kdim and vdim other than embedDim are not supported');
    if (v.device !== undefined) checkDevice(name, v.device);
    this.headDim = this.embedDim / this.numHeads;
    this.dropout = v.dropout;
    this.batchFirst = v.batchFirst;
    const E = this.embedDim;
    this.in_proj_weight = new Parameter(empty([3 * E, E], { dtype: v.dtype }));
    this.in_proj_bias = v.bias ? new Parameter(empty([3 * E], { dtype: v.dtype })) : null;
    // As PyTorch: out_proj draws its Linear init first, then _reset_parameters.
    this.out_proj = new NonDynamicallyQuantizableLinear(E, E, v.bias, { dtype: v.dtype });
    this.resetParameters();
  }

  /** PyTorch's _reset_parameters: Xavier-uniform in_proj_weight, zero biases. */
  resetParameters(): void {
    xavierUniform_(this.in_proj_weight);
    if (this.in_proj_bias) constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias) constant_(this.out_proj.bias, 0);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): [Tensor, Tensor | null];
  override forward(...args: unknown[]): [Tensor, Tensor | null] {
    const v = named(MHA_FORWARD, args);
    return this.attend(v.query, v.key, v.value, v.keyPaddingMask, v.needWeights, v.attnMask, v.averageAttnWeights);
  }

  private attend(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, average: boolean): [Tensor, Tensor | null] {
    const name = 'MultiheadAttention';
    for (const [n, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!(t instanceof Tensor)) throw opTypeError(name, `${n} must be a Tensor, got ${fmtValue(t)}`);
      if (t.ndim !== 3 && t.ndim !== 2) throw opError(name, `${n} must be [L, N, E]${this.batchFirst ? ' ([N, L, E] with batchFirst)' : ''} or unbatched [L, E], got ${fmtShape(t.shape)}`);
      if (t.shape[t.ndim - 1] !== this.embedDim) throw opError(name, `${n} has ${t.shape[t.ndim - 1]} features, expected embed_dim ${this.embedDim} (shape ${fmtShape(t.shape)})`);
    }
    const batched = query.ndim === 3;
    // Work batch-first: [N, L, E].
    const toNLE = (t: Tensor) => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const [q0, k0, v0] = [toNLE(query), toNLE(key), toNLE(value)];
    const [N, L, E] = q0.shape;
    const S = k0.shape[1];
    const H = this.numHeads, hd = this.headDim;
    const W = this.in_proj_weight, b = this.in_proj_bias;
    let q: Tensor, k: Tensor, v: Tensor;
    if (query === key && key === value) {
      const qkv = F.linear(q0, W, b);
      [q, k, v] = [0, 1, 2].map((i) => qkv.narrow(-1, i * E, E));
    } else {
      const part = (x: Tensor, i: number) => F.linear(x, W.narrow(0, i * E, E), b ? b.narrow(0, i * E, E) : null);
      [q, k, v] = [part(q0, 0), part(k0, 1), part(v0, 2)];
    }
    const heads = (t: Tensor, len: number) => t.reshape(N, len, H, hd).transpose(1, 2); // [N, H, len, hd]
    const mask = this.combinedMask(attnMask, keyPaddingMask, N, L, S, q.dtype);
    const [out, weights] = attention(heads(q, L), heads(k, S), heads(v, S), mask, this.dropout, false, this.training);
    let y = this.out_proj.forward(out.transpose(1, 2).reshape(N, L, E));
    y = !batched ? y.squeeze(0) : this.batchFirst ? y : y.transpose(0, 1);
    if (!needWeights) return [y, null];
    let w = average ? weights.mean(1) : weights;
    if (!batched) w = w.squeeze(0);
    return [y, w];
  }

  /** attnMask ([L, S] or [N·H, L, S]) and keyPaddingMask ([N, S]) as one float mask to add
   * to the scores, [N, H or 1, L, S]: bool entries true mean "not allowed" (-inf). */
  private combinedMask(attnMask: Tensor | null, keyPaddingMask: Tensor | null, N: number, L: number, S: number, dt: DType): Tensor | null {
    const name = 'MultiheadAttention';
    const asFloat = (m: Tensor) => (m.dtype === bool ? where(m, -Infinity, zeros([], { dtype: dt })) : m.to(dt));
    let mask: Tensor | null = null;
    if (attnMask != null) {
      if (!(attnMask instanceof Tensor)) throw opTypeError(name, `attnMask must be a Tensor, got ${fmtValue(attnMask)}`);
      if (attnMask.ndim === 2 && attnMask.shape[0] === L && attnMask.shape[1] === S) mask = asFloat(attnMask);
      else if (attnMask.ndim === 3 && attnMask.shape[0] === N * this.numHeads && attnMask.shape[1] === L && attnMask.shape[2] === S) mask = asFloat(attnMask).view(N, this.numHeads, L, S);
      else throw opError(name, `attnMask should be [${L}, ${S}] or [${N * this.numHeads}, ${L}, ${S}], got ${fmtShape(attnMask.shape)}`);
    }
    if (keyPaddingMask != null) {
      if (!(keyPaddingMask instanceof Tensor)) throw opTypeError(name, `keyPaddingMask must be a Tensor, got ${fmtValue(keyPaddingMask)}`);
      const kpm = keyPaddingMask.ndim === 1 && N === 1 ? keyPaddingMask.unsqueeze(0) : keyPaddingMask;
      if (kpm.ndim !== 2 || kpm.shape[0] !== N || kpm.shape[1] !== S) throw opError(name, `keyPaddingMask should be [${N}, ${S}], got ${fmtShape(keyPaddingMask.shape)}`);
      const padding = asFloat(kpm).view(N, 1, 1, S);
      mask = mask ? mask.add(padding) : padding;
    }
    return mask;
  }
}

/** The options of TransformerEncoderLayer by name (PyTorch's keyword arguments). */
export interface TransformerEncoderLayerOptions {
  /** The model dimension. */
  dModel?: number;
  /** The number of attention heads. */
  nhead?: number;
  /** The feed-forward block's hidden size (default 2048). */
  dimFeedforward?: number;
  /** The dropout probability (between layers for a recurrent network). */
  dropout?: number;
  /** 'relu' (default), 'gelu', a function or a module. */
  activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;
  /** The LayerNorms' eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs and outputs are [B, L, ...] instead of [L, B, ...] (default false). */
  batchFirst?: boolean;
  /** Apply the LayerNorms before the blocks instead of after them (default false). */
  normFirst?: boolean;
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32; tg.float64 or 'float64' for doubles). */
  dtype?: DTypeLike;
}

const gelu = (x: Tensor): Tensor => F.gelu(x);
const ENCODER_LAYER = new Signature('TransformerEncoderLayer', [
  required('dModel', is.int, 4),
  required('nhead', is.int, 2),
  optional('dimFeedforward', is.int, 2048, 8),
  optional('dropout', is.number, 0.1, 0.2),
  optional('activation', is.any, 'relu', 'gelu'),
  optional('layerNormEps', is.number, 1e-5, 1e-3),
  optional('batchFirst', is.bool, false, true),
  optional('normFirst', is.bool, false, true),
  device,
  dtypeKeyword,
]);

/** One Transformer encoder layer (PyTorch's nn.TransformerEncoderLayer): self-attention and
 * a feed-forward block (linear1, activation, dropout, linear2), each with a residual
 * connection and a LayerNorm, after (default) or before (normFirst) the block.
 * forward(src, srcMask?, srcKeyPaddingMask?) keeps src's shape. */
export class TransformerEncoderLayer extends Module {
  /** Apply the LayerNorms before the blocks instead of after them (default false). */
  readonly normFirst: boolean;
  /** F.relu, F.gelu, a function, or a module (then a child, as in PyTorch). */
  activation: ((x: Tensor) => Tensor) | Module;
  /** The self-attention block. */
  self_attn: MultiheadAttention;
  /** The feed-forward block's first layer. */
  linear1: Linear;
  /** The dropout probability (between layers for a recurrent network). */
  dropout: Dropout;
  /** The feed-forward block's second layer. */
  linear2: Linear;
  /** The LayerNorm of the attention block. */
  norm1: LayerNorm;
  /** The LayerNorm of the feed-forward block. */
  norm2: LayerNorm;
  /** The dropout after the attention block. */
  dropout1: Dropout;
  /** The dropout after the feed-forward block. */
  dropout2: Dropout;

  /** PyTorch's TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
   * activation=relu, layer_norm_eps=1e-05, batch_first=False, norm_first=False, *, device, dtype). */
  constructor(dModel: number | TransformerEncoderLayerOptions, nhead?: number | TransformerEncoderLayerOptions, dimFeedforward?: number | TransformerEncoderLayerOptions, dropout?: number | TransformerEncoderLayerOptions, ...rest: unknown[]);
  constructor(...args: unknown[]) {
    super();
    const v = named(ENCODER_LAYER, args);
    if (v.device !== undefined) checkDevice('TransformerEncoderLayer', v.device);
    const kw = { dtype: v.dtype };
    this.self_attn = new MultiheadAttention(v.dModel, v.nhead, { dropout: v.dropout, batchFirst: v.batchFirst, dtype: v.dtype });
    this.linear1 = new Linear(v.dModel, v.dimFeedforward, true, kw);
    this.dropout = new Dropout(v.dropout);
    this.linear2 = new Linear(v.dimFeedforward, v.dModel, true, kw);
    this.normFirst = v.normFirst;
    this.norm1 = new LayerNorm(v.dModel, v.layerNormEps, true, kw);
    this.norm2 = new LayerNorm(v.dModel, v.layerNormEps, true, kw);
    this.dropout1 = new Dropout(v.dropout);
    this.dropout2 = new Dropout(v.dropout);
    const act = v.activation;
    if (act === 'relu') this.activation = F.relu;
    else if (act === 'gelu') this.activation = gelu;
    else if (act instanceof Module || typeof act === 'function') this.activation = act;
    else throw opError('TransformerEncoderLayer', `activation should be relu/gelu, not ${fmtValue(act)}`);
  }

  override forward(src: Tensor, srcMask: Tensor | null = null, srcKeyPaddingMask: Tensor | null = null): Tensor {
    let x = src;
    if (this.normFirst) {
      x = x.add(this.selfAttentionBlock(this.norm1.forward(x), srcMask, srcKeyPaddingMask));
      return x.add(this.feedForwardBlock(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(this.selfAttentionBlock(x, srcMask, srcKeyPaddingMask)));
    return this.norm2.forward(x.add(this.feedForwardBlock(x)));
  }

  private selfAttentionBlock(x: Tensor, mask: Tensor | null, keyPaddingMask: Tensor | null): Tensor {
    const [y] = this.self_attn.forward(x, x, x, { attnMask: mask, keyPaddingMask, needWeights: false });
    return this.dropout1.forward(y);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    const a = this.activation instanceof Module ? (this.activation.forward(h) as Tensor) : this.activation(h);
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(a)));
  }
}

/** A deep copy of a module (Python's copy.deepcopy): parameters and buffers cloned, child
 * modules copied, other fields kept. Draws no random numbers. */
function deepCopy<T extends Module>(m: T): T {
  const copy = Object.create(Object.getPrototypeOf(m)) as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(m)) {
    const v = (m as unknown as Record<string | symbol, unknown>)[key];
    if (v instanceof Parameter) copy[key] = new Parameter(v.detach().clone(), v.requiresGrad);
    else if (v instanceof Tensor) copy[key] = v.detach().clone();
    else if (v instanceof Module) copy[key] = deepCopy(v);
    else if (v instanceof Map) copy[key] = new Map(v);
    else copy[key] = v;
  }
  return copy as unknown as T;
}

const ENCODER = new Signature('TransformerEncoder', [
  // The example is made when read, from the generator's state, which it leaves as it was.
  {
    ...required('encoderLayer', is.any),
    get example() {
      const state = getRngState();
      const layer = new TransformerEncoderLayer(4, 2, 8);
      setRngState(state);
      return layer;
    },
  },
  required('numLayers', is.int, 2), optional('norm', is.any, null), optional('enableNestedTensor', is.bool, true),
]);
/** A stack of numLayers copies of encoderLayer (PyTorch's nn.TransformerEncoder), then an
 * optional norm. forward(src, mask?, srcKeyPaddingMask?) keeps src's shape. */
export class TransformerEncoder extends Module {
  /** The number of stacked layers (default 1). */
  readonly numLayers: number;
  /** The copies of the encoder layer ("0", "1", ...). */
  layers: ModuleList;
  /** The norm applied after the layers, or null. */
  norm: Module | null;
  /** PyTorch's TransformerEncoder(encoder_layer, num_layers, norm=None, enable_nested_tensor=True). */
  constructor(encoderLayer: TransformerEncoderLayer | { encoderLayer: TransformerEncoderLayer; numLayers: number; norm?: Module | null }, numLayers?: number, norm?: Module | null, enableNestedTensor?: boolean);
  constructor(...args: unknown[]) {
    super();
    const v = named(ENCODER, args);
    if (!(v.encoderLayer instanceof Module)) throw opTypeError('TransformerEncoder', `encoderLayer must be a Module, got ${fmtValue(v.encoderLayer)}`);
    this.numLayers = checkInt('TransformerEncoder', 'numLayers', v.numLayers, 1);
    this.layers = new ModuleList(Array.from({ length: this.numLayers }, () => deepCopy(v.encoderLayer)));
    this.norm = v.norm;
  }
  override forward(src: Tensor, mask: Tensor | null = null, srcKeyPaddingMask: Tensor | null = null): Tensor {
    let x = src;
    for (const layer of this.layers.children()) x = (layer as TransformerEncoderLayer).forward(x, mask, srcKeyPaddingMask);
    return this.norm ? (this.norm.forward(x) as Tensor) : x;
  }
}

registerClass('nn.MultiheadAttention', 'module', MHA, MultiheadAttention);
registerClass('nn.TransformerEncoderLayer', 'module', ENCODER_LAYER, TransformerEncoderLayer);
registerClass('nn.TransformerEncoder', 'module', ENCODER, TransformerEncoder);
