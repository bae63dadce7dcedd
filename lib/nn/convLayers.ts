// Convolution and pooling modules (PyTorch's nn.Conv1d/2d, ConvTranspose2d, MaxPool1d/2d,
// AvgPool1d/2d, AdaptiveAvgPool2d/AdaptiveMaxPool2d): PyTorch's constructor arguments and
// defaults, parameter names (weight, bias), initialisation (bit for bit after manualSeed)
// and printed repr.
import type { Tensor } from '../tensor';
import type { DType, DTypeLike } from '../dtype';
import { Signature, checkInt, fmtValue, is, keyword, opError, optional, required, type Param, dtypeKeyword } from '../check';
import { bindNamed, registerClass } from '../ops/registry';
import { checkDevice, type Device } from '../device';
import { empty } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import { resetLinear_ } from './init';
import * as C from './conv';
import type { Size } from './conv';

/** A size as Python prints a tuple: (3, 3), or (3,) for one dim. */
function tuple(v: readonly (number | null)[]): string {
  const items = v.map((x) => (x === null ? 'None' : String(x)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** A size argument as PyTorch's _single/_pair stores it: one entry per spatial dim. */
function expand(op: string, name: string, v: unknown, dims: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(dims).fill(v) : v;
  if (!Array.isArray(list) || list.length !== dims || !list.every((x) => Number.isInteger(x) && x >= min)) {
    throw opError(op, `${name} must be an integer >= ${min} or a list of ${dims} such integers, got ${fmtValue(v)}`);
  }
  return list as number[];
}

const sizeArg = is.any;

// ---- convolutions ---------------------------------------------------------------------------------

/** The options of a convolution module (PyTorch's _ConvNd). */
export interface ConvModuleOptions {
  /** Channels of the input (PyTorch in_channels). */
  inChannels?: number;
  /** Channels of the output (out_channels). */
  outChannels?: number;
  /** The kernel size, one per spatial dim (kernel_size). */
  kernelSize?: Size;
  /** The stride, one per spatial dim. */
  stride?: Size;
  /** Zero padding, one per spatial dim, or 'same' / 'valid'. */
  padding?: Size | 'same' | 'valid';
  /** ConvTranspose only. */
  outputPadding?: Size;
  /** The spacing of the kernel taps, one per spatial dim. */
  dilation?: Size;
  /** Channel groups (inChannels and outChannels both divisible by it). */
  groups?: number;
  /** The bias [outChannels], or null. */
  bias?: boolean;
  /** Only 'zeros' is built. */
  paddingMode?: 'zeros';
  /** 'cpu', the only device of this build. */
  device?: string | Device;
  /** The parameters' dtype (default float32). */
  dtype?: DTypeLike;
}

const convHead: Param[] = [required('inChannels', is.any, 2), required('outChannels', is.any, 4), required('kernelSize', sizeArg, 3)];
const convTail: Param[] = [
  optional('paddingMode', is.any, 'zeros'),
  keyword('device', is.any, undefined),
  dtypeKeyword,
];
const CONV_SIG = (name: string) =>
  new Signature(name, [
    ...convHead,
    optional('stride', sizeArg, 1, 2),
    optional('padding', sizeArg, 0, 1),
    optional('dilation', sizeArg, 1, 2),
    optional('groups', is.any, 1, 2),
    optional('bias', is.bool, true, false),
    ...convTail,
  ]);
const CONV1D = CONV_SIG('Conv1d');
const CONV2D = CONV_SIG('Conv2d');
const CONV_TRANSPOSE2D = new Signature('ConvTranspose2d', [
  ...convHead,
  optional('stride', sizeArg, 1, 2),
  optional('padding', sizeArg, 0, 1),
  optional('outputPadding', sizeArg, 0, 1),
  optional('groups', is.any, 1, 2),
  optional('bias', is.bool, true, false),
  optional('dilation', sizeArg, 1, 2),
  ...convTail,
]);

/** What the convolution modules share: checked options, parameters, init and repr. */
abstract class ConvNd extends Module {
  /** Channels of the input (PyTorch in_channels). */
  readonly inChannels: number;
  /** Channels of the output (out_channels). */
  readonly outChannels: number;
  /** The kernel size, one per spatial dim (kernel_size). */
  readonly kernelSize: number[];
  /** The stride, one per spatial dim. */
  readonly stride: number[];
  /** Zero padding, one per spatial dim, or 'same' / 'valid'. */
  readonly padding: number[] | 'same' | 'valid';
  /** The spacing of the kernel taps, one per spatial dim. */
  readonly dilation: number[];
  /** ConvTranspose2d only: extra size at the end of each output dim (output_padding). */
  readonly outputPadding: number[];
  /** Channel groups (inChannels and outChannels both divisible by it). */
  readonly groups: number;
  /** Only 'zeros' is built (padding_mode). */
  readonly paddingMode: 'zeros';
  /** The weight: [out, in/groups, k...] (ConvTranspose2d: [in, out/groups, k...]). */
  weight: Parameter;
  /** The bias [outChannels], or null. */
  bias: Parameter | null;

  protected constructor(name: string, dims: number, transposed: boolean, o: Record<string, unknown>) {
    super();
    this.inChannels = checkInt(name, 'inChannels', o.inChannels, 1);
    this.outChannels = checkInt(name, 'outChannels', o.outChannels, 1);
    this.groups = checkInt(name, 'groups', o.groups, 1);
    if (this.inChannels % this.groups !== 0) throw opError(name, `in_channels must be divisible by groups (got inChannels ${this.inChannels}, groups ${this.groups})`);
    if (this.outChannels % this.groups !== 0) throw opError(name, `out_channels must be divisible by groups (got outChannels ${this.outChannels}, groups ${this.groups})`);
    this.kernelSize = expand(name, 'kernelSize', o.kernelSize, dims, 1);
    this.stride = expand(name, 'stride', o.stride, dims, 1);
    this.dilation = expand(name, 'dilation', o.dilation, dims, 1);
    this.outputPadding = expand(name, 'outputPadding', o.outputPadding ?? 0, dims, 0);
    const padding = o.padding;
    if (padding === 'same' || padding === 'valid') {
      if (transposed) throw opError(name, `padding '${padding}' is not supported for transposed convolutions`);
      if (padding === 'same' && this.stride.some((s) => s !== 1)) throw opError(name, "padding='same' is not supported for strided convolutions");
      this.padding = padding;
    } else {
      this.padding = expand(name, 'padding', padding, dims, 0);
    }
    if (o.paddingMode !== 'zeros') {
      throw opError(name, `paddingMode ${fmtValue(o.paddingMode)} is not supported (only 'zeros' is built; pad the input yourself for 'reflect', 'replicate' or 'circular')`);
    }
    this.paddingMode = 'zeros';
    if (o.device !== undefined) checkDevice(name, o.device);
    const dtype = o.dtype as DType;
    const [a, b] = transposed ? [this.inChannels, this.outChannels / this.groups] : [this.outChannels, this.inChannels / this.groups];
    this.weight = new Parameter(empty([a, b, ...this.kernelSize], { dtype }));
    this.bias = o.bias ? new Parameter(empty([this.outChannels], { dtype })) : null;
    this.resetParameters();
  }

  /** PyTorch's reset_parameters: kaiming-uniform weight (a = √5), uniform(±1/√fanIn) bias,
   * fanIn = weight.size(1)·kernel (the same rule as Linear). */
  resetParameters(): void {
    resetLinear_(this.weight, this.bias);
  }

  override extraRepr(): string {
    const dims = this.kernelSize.length;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${tuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${tuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${tuple(this.outputPadding.slice(0, dims))}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/** A convolution module's arguments: positional as PyTorch's, or named in a trailing options object. */
export type ConvArgs = [number | ConvModuleOptions, (number | ConvModuleOptions)?, (Size | ConvModuleOptions)?, ...unknown[]];

/** PyTorch's nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
 * groups=1, bias=True, padding_mode='zeros', *, device, dtype): [N, Cin, L] → [N, Cout, Lout];
 * weight [Cout, Cin/groups, k], bias [Cout]. */
export class Conv1d extends ConvNd {
  constructor(...args: ConvArgs);
  constructor(...args: unknown[]) {
    super('Conv1d', 1, false, bindNamed(CONV1D, args));
  }
  override forward(input: Tensor): Tensor {
    return C.conv1d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

/** PyTorch's nn.Conv2d (Conv1d's arguments, sizes per dim): [N, Cin, H, W] → [N, Cout, Hout,
 * Wout]; weight [Cout, Cin/groups, kH, kW], bias [Cout]. */
export class Conv2d extends ConvNd {
  constructor(...args: ConvArgs);
  constructor(...args: unknown[]) {
    super('Conv2d', 2, false, bindNamed(CONV2D, args));
  }
  override forward(input: Tensor): Tensor {
    return C.conv2d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

/** PyTorch's nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
 * output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', *, device, dtype):
 * [N, Cin, H, W] → [N, Cout, Hout, Wout]; weight [Cin, Cout/groups, kH, kW]. */
export class ConvTranspose2d extends ConvNd {
  constructor(...args: ConvArgs);
  constructor(...args: unknown[]) {
    super('ConvTranspose2d', 2, true, bindNamed(CONV_TRANSPOSE2D, args));
  }
  override forward(input: Tensor): Tensor {
    return C.convTranspose2d(input, this.weight, this.bias, this.stride, this.padding as number[], this.outputPadding, this.groups, this.dilation);
  }
}

// ---- pooling -------------------------------------------------------------------------------------

/** A size as PyTorch keeps a pooling module's (an int stays an int, a list prints as a tuple). */
function sizeRepr(v: Size | (number | null)[]): string {
  return typeof v === 'number' ? String(v) : tuple(v);
}

const MAX_POOL = (name: string) =>
  new Signature(name, [
    required('kernelSize', sizeArg, 3),
    optional('stride', sizeArg, null, 1),
    optional('padding', sizeArg, 0, 1),
    optional('dilation', sizeArg, 1, 2),
    optional('returnIndices', is.bool, false, true),
    optional('ceilMode', is.bool, false, true),
  ]);
const MAX_POOL1D = MAX_POOL('MaxPool1d');
const MAX_POOL2D = MAX_POOL('MaxPool2d');

/** Options of the max-pooling modules. */
export interface MaxPoolModuleOptions {
  /** The window size (kernel_size). */
  kernelSize?: Size;
  /** Default: kernelSize. */
  stride?: Size | null;
  /** Implicit -inf padding on both sides. */
  padding?: Size;
  /** The spacing of the window taps. */
  dilation?: Size;
  /** Whether forward returns [values, indices] (return_indices). */
  returnIndices?: boolean;
  /** Round the output size up (ceil_mode). */
  ceilMode?: boolean;
}

/** A pooling module's arguments: positional as PyTorch's, or named in a trailing options object. */
export type PoolArgs<O> = [Size | O, ...unknown[]];

abstract class MaxPoolNd extends Module {
  /** The window size (kernel_size). */
  readonly kernelSize: Size;
  /** The window step (default kernelSize). */
  readonly stride: Size;
  /** Implicit -inf padding on both sides. */
  readonly padding: Size;
  /** The spacing of the window taps. */
  readonly dilation: Size;
  /** Whether forward returns [values, indices] (return_indices). */
  readonly returnIndices: boolean;
  /** Round the output size up (ceil_mode). */
  readonly ceilMode: boolean;
  protected constructor(signature: Signature, args: unknown[]) {
    super();
    const o = bindNamed(signature, args);
    this.kernelSize = o.kernelSize as Size;
    this.stride = (o.stride ?? o.kernelSize) as Size;
    this.padding = o.padding as Size;
    this.dilation = o.dilation as Size;
    this.returnIndices = o.returnIndices as boolean;
    this.ceilMode = o.ceilMode as boolean;
  }
  override extraRepr(): string {
    return `kernel_size=${sizeRepr(this.kernelSize)}, stride=${sizeRepr(this.stride)}, padding=${sizeRepr(this.padding)}, dilation=${sizeRepr(this.dilation)}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}

/** PyTorch's nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
 * ceil_mode=False): F.maxPool1d as a module ([N, C, L] → [N, C, Lout]). */
export class MaxPool1d extends MaxPoolNd {
  constructor(...args: PoolArgs<MaxPoolModuleOptions>);
  constructor(...args: unknown[]) {
    super(MAX_POOL1D, args);
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return C.maxPool1d(input, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices);
  }
}

/** PyTorch's nn.MaxPool2d (MaxPool1d's arguments, sizes per dim): [N, C, H, W] → [N, C, Hout, Wout]. */
export class MaxPool2d extends MaxPoolNd {
  constructor(...args: PoolArgs<MaxPoolModuleOptions>);
  constructor(...args: unknown[]) {
    super(MAX_POOL2D, args);
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return C.maxPool2d(input, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode, this.returnIndices);
  }
}

const AVG_POOL = (name: string) =>
  new Signature(name, [
    required('kernelSize', sizeArg, 3),
    optional('stride', sizeArg, null, 1),
    optional('padding', sizeArg, 0, 1),
    optional('ceilMode', is.bool, false, true),
    optional('countIncludePad', is.bool, true, false),
  ]);
const AVG_POOL1D = AVG_POOL('AvgPool1d');
const AVG_POOL2D = AVG_POOL('AvgPool2d');

/** Options of the average-pooling modules. */
export interface AvgPoolModuleOptions {
  /** The window size (kernel_size). */
  kernelSize?: Size;
  /** Default: kernelSize. */
  stride?: Size | null;
  /** Implicit zero padding on both sides. */
  padding?: Size;
  /** Round the output size up (ceil_mode). */
  ceilMode?: boolean;
  /** Whether the divisor counts padding positions (count_include_pad). */
  countIncludePad?: boolean;
}

abstract class AvgPoolNd extends Module {
  /** The window size (kernel_size). */
  readonly kernelSize: Size;
  /** The window step (default kernelSize). */
  readonly stride: Size;
  /** Implicit zero padding on both sides. */
  readonly padding: Size;
  /** Round the output size up (ceil_mode). */
  readonly ceilMode: boolean;
  /** Whether the divisor counts padding positions (count_include_pad). */
  readonly countIncludePad: boolean;
  protected constructor(signature: Signature, args: unknown[], private readonly dims: number) {
    super();
    const o = bindNamed(signature, args);
    // AvgPool1d keeps its sizes as 1-tuples (PyTorch's _single), AvgPool2d as given.
    const keep = (v: unknown) => (dims === 1 && typeof v === 'number' ? [v] : v) as Size;
    this.kernelSize = keep(o.kernelSize);
    this.stride = keep(o.stride ?? o.kernelSize);
    this.padding = keep(o.padding);
    this.ceilMode = o.ceilMode as boolean;
    this.countIncludePad = o.countIncludePad as boolean;
  }
  override extraRepr(): string {
    return `kernel_size=${sizeRepr(this.kernelSize)}, stride=${sizeRepr(this.stride)}, padding=${sizeRepr(this.padding)}`;
  }
}

/** PyTorch's nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False,
 * count_include_pad=True): F.avgPool1d as a module. */
export class AvgPool1d extends AvgPoolNd {
  constructor(...args: PoolArgs<AvgPoolModuleOptions>);
  constructor(...args: unknown[]) {
    super(AVG_POOL1D, args, 1);
  }
  override forward(input: Tensor): Tensor {
    return C.avgPool1d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}

/** PyTorch's nn.AvgPool2d (AvgPool1d's arguments, sizes per dim; divisor_override is not built). */
export class AvgPool2d extends AvgPoolNd {
  constructor(...args: PoolArgs<AvgPoolModuleOptions>);
  constructor(...args: unknown[]) {
    super(AVG_POOL2D, args, 2);
  }
  override forward(input: Tensor): Tensor {
    return C.avgPool2d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }
}

const ADAPTIVE_AVG = new Signature('AdaptiveAvgPool2d', [required('outputSize', sizeArg, [2, 3])]);
const ADAPTIVE_MAX = new Signature('AdaptiveMaxPool2d', [required('outputSize', sizeArg, [2, 3]), optional('returnIndices', is.bool, false, true)]);

/** PyTorch's nn.AdaptiveAvgPool2d(output_size): F.adaptiveAvgPool2d as a module. */
export class AdaptiveAvgPool2d extends Module {
  /** The output size (output_size); null keeps that dim. */
  readonly outputSize: Size | (number | null)[];
  constructor(outputSize: Size | (number | null)[] | { outputSize: Size | (number | null)[] });
  constructor(...args: unknown[]) {
    super();
    [this.outputSize] = ADAPTIVE_AVG.bind(args) as [Size];
  }
  override forward(input: Tensor): Tensor {
    return C.adaptiveAvgPool2d(input, this.outputSize as Size);
  }
  override extraRepr(): string {
    return `output_size=${sizeRepr(this.outputSize)}`;
  }
}

/** PyTorch's nn.AdaptiveMaxPool2d(output_size, return_indices=False). */
export class AdaptiveMaxPool2d extends Module {
  /** The output size (output_size); null keeps that dim. */
  readonly outputSize: Size | (number | null)[];
  /** Whether forward returns [values, indices] (return_indices). */
  readonly returnIndices: boolean;
  constructor(outputSize: Size | (number | null)[] | { outputSize: Size | (number | null)[]; returnIndices?: boolean }, returnIndices?: boolean);
  constructor(...args: unknown[]) {
    super();
    [this.outputSize, this.returnIndices] = ADAPTIVE_MAX.bind(args) as [Size, boolean];
  }
  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return C.adaptiveMaxPool2d(input, this.outputSize as Size, this.returnIndices);
  }
  override extraRepr(): string {
    return `output_size=${sizeRepr(this.outputSize)}`;
  }
}

registerClass('nn.Conv1d', 'module', CONV1D, Conv1d);
registerClass('nn.Conv2d', 'module', CONV2D, Conv2d);
registerClass('nn.ConvTranspose2d', 'module', CONV_TRANSPOSE2D, ConvTranspose2d);
registerClass('nn.MaxPool1d', 'module', MAX_POOL1D, MaxPool1d);
registerClass('nn.MaxPool2d', 'module', MAX_POOL2D, MaxPool2d);
registerClass('nn.AvgPool1d', 'module', AVG_POOL1D, AvgPool1d);
registerClass('nn.AvgPool2d', 'module', AVG_POOL2D, AvgPool2d);
registerClass('nn.AdaptiveAvgPool2d', 'module', ADAPTIVE_AVG, AdaptiveAvgPool2d);
registerClass('nn.AdaptiveMaxPool2d', 'module', ADAPTIVE_MAX, AdaptiveMaxPool2d);
