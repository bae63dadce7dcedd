// Normalisation layers: BatchNorm1d/2d, LayerNorm, GroupNorm (PyTorch's torch.nn.modules
// batchnorm/normalization): PyTorch's constructor arguments, parameter and buffer names
// (weight, bias, running_mean, running_var, num_batches_tracked), initial values, train/eval
// behaviour and repr.
import type { Tensor } from '../tensor';
import { int32, type DType, type DTypeLike } from '../dtype';
import { Signature, checkInt, fmtShape, fmtValue, is, keyword, opError, optional, required, dtypeKeyword } from '../check';
import { registerClass } from '../ops/registry';
import { checkDevice, type Device } from '../device';
import { ones, tensor, zeros } from '../ops/creation';
import { noGrad } from '../autograd/grad_mode';
import { pythonRepr } from '../optim/optimizer';
import { Module } from './module';
import { Parameter } from './parameter';
import * as F from './functional';

const device = keyword('device', is.any, undefined);
const bool = (b: boolean) => (b ? 'True' : 'False');

/** The options of BatchNorm1d/2d by name (PyTorch's keyword arguments). */
export interface BatchNormOptions {
  /** The number of channels C. */
  numFeatures?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** The running statistics' update factor (default 0.1; null: a cumulative average). */
  momentum?: number | null;
  /** Whether the layer has a learnable weight and bias (default true). */
  affine?: boolean;
  /** Whether the layer keeps running statistics (default true). */
  trackRunningStats?: boolean;
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32; tg.float64 or 'float64' for doubles). */
  dtype?: DTypeLike;
}

const BATCH_NORM_PARAMS = (name: string) =>
  new Signature(name, [
    required('numFeatures', is.int, 3),
    optional('eps', is.number, 1e-5, 1e-3),
    optional('momentum', is.nullable(is.number), 0.1, 0.3),
    optional('affine', is.bool, true, false),
    optional('trackRunningStats', is.bool, true, false),
    device,
    dtypeKeyword,
  ]);

/** The batch norms: per-channel statistics of [N, C, *] inputs (PyTorch's _BatchNorm). */
abstract class BatchNormBase extends Module {
  /** The number of channels C. */
  readonly numFeatures: number;
  /** Added to the variance for stability (default 1e-5). */
  readonly eps: number;
  /** null: a cumulative average (1 / numBatchesTracked) instead of an exponential one. */
  readonly momentum: number | null;
  /** Whether the layer has a learnable weight and bias (default true). */
  readonly affine: boolean;
  /** Whether the layer keeps running statistics (default true). */
  readonly trackRunningStats: boolean;
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight!: Parameter | null;
  /** The learnable shift; null: none. */
  bias!: Parameter | null;
  /** The running mean [C] (a buffer). */
  running_mean!: Tensor | null;
  /** The running variance [C] (a buffer). */
  running_var!: Tensor | null;
  /** The number of training batches seen (a buffer). */
  num_batches_tracked!: Tensor | null;

  constructor(signature: Signature, args: unknown[]) {
    super();
    const [numFeatures, eps, momentum, affine, trackRunningStats, dev, dt] = signature.bind(args) as [number, number, number | null, boolean, boolean, unknown, DType];
    const name = this.constructor.name;
    this.numFeatures = checkInt(name, 'numFeatures', numFeatures, 1);
    if (dev !== undefined) checkDevice(name, dev as string);
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype: dt })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype: dt })) : null;
    this.registerBuffer('running_mean', trackRunningStats ? zeros([numFeatures], { dtype: dt }) : null);
    this.registerBuffer('running_var', trackRunningStats ? ones([numFeatures], { dtype: dt }) : null);
    this.registerBuffer('num_batches_tracked', trackRunningStats ? tensor(0, { dtype: int32 }) : null);
  }

  /** The input ranks this layer takes (PyTorch's _check_input_dim). */
  protected abstract readonly ranks: number[];

  /** Running statistics back to mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }

  override forward(input: Tensor): Tensor {
    if (!this.ranks.includes(input.ndim)) {
      throw opError(this.constructor.name, `expected ${this.ranks.map((r) => `${r}D`).join(' or ')} input (got ${input.ndim}D input of shape ${fmtShape(input.shape)})`);
    }
    if (input.shape[1] !== this.numFeatures) {
      throw opError(this.constructor.name, `expected ${this.numFeatures} channels (input.shape[1]), got input of shape ${fmtShape(input.shape)}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      noGrad(() => this.num_batches_tracked!.add_(1));
      if (this.momentum === null) factor = 1 / this.num_batches_tracked.item();
    }
    // Eval with statistics tracked uses the running ones; otherwise the batch's.
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const track = !this.training || this.trackRunningStats;
    return F.batchNorm(input, track ? this.running_mean : null, track ? this.running_var : null, this.weight, this.bias, useBatchStats, factor, this.eps);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pythonRepr(this.eps)}, momentum=${pythonRepr(this.momentum)}, affine=${bool(this.affine)}, track_running_stats=${bool(this.trackRunningStats)}`;
  }
}

const BATCH_NORM_1D = BATCH_NORM_PARAMS('BatchNorm1d');
/** Batch normalisation of [N, C] or [N, C, L] inputs (PyTorch's nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  /** PyTorch's BatchNorm1d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, *, device, dtype). */
  constructor(numFeatures: number | BatchNormOptions, eps?: number | BatchNormOptions, momentum?: number | null | BatchNormOptions, affine?: boolean | BatchNormOptions, trackRunningStats?: boolean | BatchNormOptions, options?: BatchNormOptions);
  constructor(...args: unknown[]) {
    super(BATCH_NORM_1D, args);
  }
}

const BATCH_NORM_2D = BATCH_NORM_PARAMS('BatchNorm2d');
/** Batch normalisation of [N, C, H, W] inputs (PyTorch's nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  /** PyTorch's BatchNorm2d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, *, device, dtype). */
  constructor(numFeatures: number | BatchNormOptions, eps?: number | BatchNormOptions, momentum?: number | null | BatchNormOptions, affine?: boolean | BatchNormOptions, trackRunningStats?: boolean | BatchNormOptions, options?: BatchNormOptions);
  constructor(...args: unknown[]) {
    super(BATCH_NORM_2D, args);
  }
}

/** The options of LayerNorm by name (PyTorch's keyword arguments). */
export interface LayerNormOptions {
  /** The trailing shape normalised over. */
  normalizedShape?: number | number[];
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Whether the layer has a learnable weight and bias (default true). */
  elementwiseAffine?: boolean;
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32; tg.float64 or 'float64' for doubles). */
  dtype?: DTypeLike;
}
const LAYER_NORM = new Signature('LayerNorm', [
  required('normalizedShape', is.any, 3),
  optional('eps', is.number, 1e-5, 1e-3),
  optional('elementwiseAffine', is.bool, true, false),
  device,
  dtypeKeyword,
]);
/** Layer normalisation over the last dims (PyTorch's nn.LayerNorm): weight ones and bias
 * zeros of shape normalizedShape. */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: number[];
  /** Added to the variance for stability (default 1e-5). */
  readonly eps: number;
  /** Whether the layer has a learnable weight and bias (default true). */
  readonly elementwiseAffine: boolean;
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight: Parameter | null;
  /** The learnable shift; null: none. */
  bias: Parameter | null;
  /** PyTorch's LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True, *, device, dtype). */
  constructor(normalizedShape: number | number[] | LayerNormOptions, eps?: number | LayerNormOptions, elementwiseAffine?: boolean | LayerNormOptions, options?: LayerNormOptions);
  constructor(...args: unknown[]) {
    super();
    const [shape, eps, affine, dev, dt] = LAYER_NORM.bind(args) as [number | number[], number, boolean, unknown, DType];
    const dims = typeof shape === 'number' ? [shape] : shape;
    if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
      throw opError('LayerNorm', `normalizedShape must be a non-negative integer or an array of them, got ${fmtValue(shape)}`);
    }
    if (dev !== undefined) checkDevice('LayerNorm', dev as string);
    this.normalizedShape = dims.slice();
    this.eps = eps;
    this.elementwiseAffine = affine;
    this.weight = affine ? new Parameter(ones(dims, { dtype: dt })) : null;
    this.bias = affine ? new Parameter(zeros(dims, { dtype: dt })) : null;
  }
  override forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')}${this.normalizedShape.length === 1 ? ',' : ''}), eps=${pythonRepr(this.eps)}, elementwise_affine=${bool(this.elementwiseAffine)}`;
  }
}

/** The options of GroupNorm by name (PyTorch's keyword arguments). */
export interface GroupNormOptions {
  /** The number of groups the channels are split into. */
  numGroups?: number;
  /** The number of channels C. */
  numChannels?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Whether the layer has a learnable weight and bias (default true). */
  affine?: boolean;
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32; tg.float64 or 'float64' for doubles). */
  dtype?: DTypeLike;
}
const GROUP_NORM = new Signature('GroupNorm', [
  required('numGroups', is.int, 1),
  required('numChannels', is.int, 3),
  optional('eps', is.number, 1e-5, 1e-3),
  optional('affine', is.bool, true, false),
  device,
  dtypeKeyword,
]);
/** Group normalisation (PyTorch's nn.GroupNorm): weight ones and bias zeros per channel. */
export class GroupNorm extends Module {
  /** The number of groups the channels are split into. */
  readonly numGroups: number;
  /** The number of channels C. */
  readonly numChannels: number;
  /** Added to the variance for stability (default 1e-5). */
  readonly eps: number;
  /** Whether the layer has a learnable weight and bias (default true). */
  readonly affine: boolean;
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight: Parameter | null;
  /** The learnable shift; null: none. */
  bias: Parameter | null;
  /** PyTorch's GroupNorm(num_groups, num_channels, eps=1e-05, affine=True, *, device, dtype). */
  constructor(numGroups: number | GroupNormOptions, numChannels?: number | GroupNormOptions, eps?: number | GroupNormOptions, affine?: boolean | GroupNormOptions, options?: GroupNormOptions);
  constructor(...args: unknown[]) {
    super();
    const [numGroups, numChannels, eps, affine, dev, dt] = GROUP_NORM.bind(args) as [number, number, number, boolean, unknown, DType];
    if (numGroups < 1 || numChannels % numGroups !== 0) throw opError('GroupNorm', `num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    if (dev !== undefined) checkDevice('GroupNorm', dev as string);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = affine;
    this.weight = affine ? new Parameter(ones([numChannels], { dtype: dt })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype: dt })) : null;
  }
  override forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pythonRepr(this.eps)}, affine=${bool(this.affine)}`;
  }
}

registerClass('nn.BatchNorm1d', 'module', BATCH_NORM_1D, BatchNorm1d);
registerClass('nn.BatchNorm2d', 'module', BATCH_NORM_2D, BatchNorm2d);
registerClass('nn.LayerNorm', 'module', LAYER_NORM, LayerNorm);
registerClass('nn.GroupNorm', 'module', GROUP_NORM, GroupNorm);
