// Convolution, pooling, sliding blocks and resampling of tg.nn.functional (PyTorch's
// F.conv1d/conv2d/conv_transpose2d, max/avg/adaptive pooling, unfold/fold, interpolate).
//
// Convolutions run on the packed GEMM (native/src/conv.cpp). The three kernels are each
// other's adjoints — Forward (y = x ⋆ w), InputGrad (x from y and w; conv_transpose2d) and
// WeightGrad (w from x and y) — so every backward below is made of the other two ops and
// higher-order gradients work. Pooling and nearest resampling run on one window kernel
// (native Pool group) whose per-dim window tables are built here.
import { Tensor } from '../tensor';
import { float32, int32, scalarTypeName } from '../dtype';
import * as kernels from '../backend';
import { ConvOp, Group, Im2colOp, PoolOp } from '../native/table';
import { Signature, checkKernelDType, objectCheck, fmtShape, fmtValue, is, opError, opTypeError, optional, required, type Check, type Param } from '../check';
import { numelOf } from '../layout';
import { defineSpec, type Grads } from '../ops/registry';
import { from } from '../ops/creation';
import { checkTensor } from '../ops/movement';
import { scatterAddInto } from '../ops/indexing';

// ---- arguments ---------------------------------------------------------------------------------

/** An int, or one per spatial dim (PyTorch's _pair / _single). */
export type Size = number | number[];

/** A size argument normalised to `n` dims, each >= min. */
function sizes(op: string, name: string, v: unknown, n: number, min: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(list) || list.length !== n || !list.every((s) => Number.isInteger(s) && s >= min)) {
    throw opError(op, `${name} must be an integer >= ${min} or a list of ${n} such integers, got ${fmtValue(v)}`);
  }
  return list as number[];
}

const size: Check = (v, op, name) => {
  if (typeof v === 'number') return v;
  // null (PyTorch's None: adaptive pooling keeps that dim) may arrive as undefined from a literal list.
  if (Array.isArray(v) && v.every((s) => typeof s === 'number' || s == null)) return v.map((s) => s ?? null);
  throw opTypeError(op, `${name} must be an integer or a list of integers, got ${fmtValue(v)}`);
};
const tensorArg: Check = (v, op, name) => checkTensor(op, v, name);
const optionalTensor: Check = (v, op, name) => (v == null ? null : checkTensor(op, v, name));
const input = required('input', tensorArg);
/** A value the public functions computed (a geometry, a window plan, a shape): taken as is. */
const internal = objectCheck(is.any);

// ---- convolution ---------------------------------------------------------------------------------

/** Where a convolution's windows lie (2 spatial dims; a 1-d conv has height 1). */
interface ConvGeometry {
  stride: number[];
  /** Padding before each dim; `padAfter` after it (they differ for an even 'same' kernel). */
  padding: number[];
  padAfter: number[];
  dilation: number[];
  groups: number;
}

/** A [N, C, L] or [N, C, H, W] tensor as [N, C, H, W] (a 1-d signal is one row). */
function as4d(t: Tensor): Tensor {
  return t.ndim === 3 ? t._view([t._shape[0], t._shape[1], 1, t._shape[2]], [t._strides[0], t._strides[1], 0, t._strides[2]], t._offset) : t;
}

function convArgs(geo: ConvGeometry): number[] {
  return [geo.stride[0], geo.stride[1], geo.padding[0], geo.padding[1], geo.dilation[0], geo.dilation[1], geo.groups];
}

/** The output size of a window dim: floor((n + before + after - d(k-1) - 1) / s) + 1. */
function convOutSize(n: number, k: number, geo: ConvGeometry, dim: number): number {
  return Math.floor((n + geo.padding[dim] + geo.padAfter[dim] - geo.dilation[dim] * (k - 1) - 1) / geo.stride[dim]) + 1;
}

/** y = x ⋆ w (+ bias per channel), unrecorded; x, w of one rank (3 or 4). */
function convForward(x: Tensor, w: Tensor, bias: Tensor | null, geo: ConvGeometry): Tensor {
  const x4 = as4d(x), w4 = as4d(w.contiguous());
  const spatial = [convOutSize(x4._shape[2], w4._shape[2], geo, 0), convOutSize(x4._shape[3], w4._shape[3], geo, 1)];
  const out = Tensor._output([x._shape[0], w._shape[0], ...(x.ndim === 3 ? [spatial[1]] : spatial)], x.dtype);
  const out4 = as4d(out);
  kernels.run(Group.Conv, ConvOp.Forward, [out4, x4, w4, bias, ...convArgs(geo)]);
  return out;
}

/** x of `shape` from y and w: Forward's adjoint in x (conv_transpose), unrecorded. */
function convInputGrad(y: Tensor, w: Tensor, geo: ConvGeometry, shape: number[], bias: Tensor | null = null): Tensor {
  const out = Tensor._output(shape, y.dtype);
  const out4 = as4d(out);
  kernels.run(Group.Conv, ConvOp.InputGrad, [out4, as4d(y.contiguous()), as4d(w.contiguous()), bias, ...convArgs(geo)]);
  return out;
}

/** w of `shape` from x and y: Forward's adjoint in w, unrecorded. */
function convWeightGrad(x: Tensor, y: Tensor, geo: ConvGeometry, shape: number[]): Tensor {
  const out = Tensor._output(shape, x.dtype);
  kernels.run(Group.Conv, ConvOp.WeightGrad, [as4d(out), as4d(x), as4d(y.contiguous()), null, ...convArgs(geo)]);
  return out;
}

/** The bias gradient: g summed over the batch and the spatial dims. */
const biasGrad = (g: Tensor): Tensor => g.sum(g.ndim === 3 ? [0, 2] : [0, 2, 3]);

// The recorded ops. Adjointness gives every gradient: for ⟨y, conv(x, w)⟩ = ⟨inputGrad(y, w), x⟩
// = ⟨weightGrad(x, y), w⟩, the gradients of each op are the other two applied to g.
const tensorParams: Param[] = [input, required('weight', tensorArg), optional('bias', optionalTensor, null), required('geometry', internal)];

const convolutionOp = defineSpec<(x: Tensor, w: Tensor, b: Tensor | null, geo: ConvGeometry) => Tensor, [Tensor, Tensor, Tensor | null, ConvGeometry], { x: Tensor; w: Tensor; geo: ConvGeometry }>({
  name: 'convolution',
  gradFn: 'ConvolutionBackward0',
  method: false,
  params: tensorParams,
  forward: convForward,
  save: (out, x, w, b, geo) => ({ x, w, geo }),
  backward: (g, { x, w, geo }, [needX, needW, needB]): Grads => [
    needX ? inputGradOp.call(g, w, geo, x._shape.slice()) : null,
    needW ? weightGradOp.call(x, g, geo, w._shape.slice()) : null,
    needB ? biasGrad(g) : null,
  ],
});

/** conv_transpose: inputGrad(x, w) + bias; its gradients are those of inputGrad. */
const convTransposeOp = defineSpec<(x: Tensor, w: Tensor, b: Tensor | null, geo: ConvGeometry, shape: number[]) => Tensor, [Tensor, Tensor, Tensor | null, ConvGeometry, number[]], { y: Tensor; w: Tensor; geo: ConvGeometry }>({
  name: 'convTranspose',
  gradFn: 'ConvolutionBackward0',
  method: false,
  params: [...tensorParams, required('shape', internal)],
  forward: (y, w, b, geo, shape) => convInputGrad(y, w, geo, shape, b),
  save: (out, y, w, b, geo) => ({ y, w, geo }),
  backward: (g, { y, w, geo }, [needY, needW, needB]): Grads => [
    needY ? convolutionOp.call(g, w, null, geo) : null,
    needW ? weightGradOp.call(g, y, geo, w._shape.slice()) : null,
    needB ? biasGrad(g) : null,
  ],
});

const inputGradOp = defineSpec<(y: Tensor, w: Tensor, geo: ConvGeometry, shape: number[]) => Tensor, [Tensor, Tensor, ConvGeometry, number[]], { y: Tensor; w: Tensor; geo: ConvGeometry }>({
  name: 'convInputGrad',
  gradFn: 'ConvolutionBackwardBackward0',
  method: false,
  params: [input, required('weight', tensorArg), required('geometry', internal), required('shape', internal)],
  forward: (y, w, geo, shape) => convInputGrad(y, w, geo, shape),
  save: (out, y, w, geo) => ({ y, w, geo }),
  backward: (g, { y, w, geo }, [needY, needW]): Grads => [
    needY ? convolutionOp.call(g, w, null, geo) : null,
    needW ? weightGradOp.call(g, y, geo, w._shape.slice()) : null,
  ],
});

const weightGradOp = defineSpec<(x: Tensor, y: Tensor, geo: ConvGeometry, shape: number[]) => Tensor, [Tensor, Tensor, ConvGeometry, number[]], { x: Tensor; y: Tensor; geo: ConvGeometry }>({
  name: 'convWeightGrad',
  gradFn: 'ConvolutionBackwardBackward0',
  method: false,
  params: [input, required('grad', tensorArg), required('geometry', internal), required('shape', internal)],
  forward: (x, y, geo, shape) => convWeightGrad(x, y, geo, shape),
  save: (out, x, y, geo) => ({ x, y, geo }),
  backward: (g, { x, y, geo }, [needX, needY]): Grads => [
    needX ? inputGradOp.call(y, g, geo, x._shape.slice()) : null,
    needY ? convolutionOp.call(x, g, null, geo) : null,
  ],
});

/** PyTorch's checks of a convolution's operands (its messages), for `dims` spatial dims. */
function checkConvOperands(op: string, x: Tensor, w: Tensor, bias: Tensor | null, dims: number, groups: number, transposed: boolean): void {
  checkKernelDType(op, 'slow_conv2d_cpu', x.dtype);
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) {
    throw opError(op, `Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${op}, but got input of size: ${fmtShape(x._shape)}`);
  }
  if (w.ndim !== dims + 2) {
    throw opError(op, `weight must be ${dims + 2}-D [${transposed ? 'in, out/groups' : 'out, in/groups'}, kernel...], got ${fmtShape(w._shape)}`);
  }
  for (const [t, name] of [[w, 'weight'], [bias, 'bias']] as const) {
    if (t && t.dtype !== x.dtype) {
      throw opTypeError(op, `Input type (${scalarTypeName(x.dtype)}) and ${name} type (${scalarTypeName(t.dtype)}) should be the same\nHint: convert one, e.g. ${name}.to(${JSON.stringify(x.dtype)})`);
    }
  }
  const channels = x._shape[x.ndim - dims - 1];
  if (!transposed && w._shape[0] % groups !== 0) {
    throw opError(op, `Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(w._shape)} instead`);
  }
  const expected = transposed ? w._shape[0] : w._shape[1] * groups;
  if (channels !== expected) {
    throw opError(
      op,
      transposed
        ? `Given transposed=1, weight of size ${fmtShape(w._shape)}, expected input${fmtShape(x._shape)} to have ${expected} channels, but got ${channels} channels instead`
        : `Given groups=${groups}, weight of size ${fmtShape(w._shape)}, expected input${fmtShape(x._shape)} to have ${expected} channels, but got ${channels} channels instead`,
    );
  }
  if (transposed && channels % groups !== 0) throw opError(op, `Given groups=${groups}, the input's ${channels} channels are not divisible by groups`);
  const outChannels = transposed ? w._shape[1] * groups : w._shape[0];
  if (bias && (bias.ndim !== 1 || bias._shape[0] !== outChannels)) {
    throw opError(op, `Given weight of size ${fmtShape(w._shape)}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${fmtShape(bias._shape)} instead`);
  }
}

/** conv1d / conv2d: checks, 'same'/'valid' padding, unbatched input. */
function conv(op: string, dims: number, x: Tensor, w: Tensor, bias: Tensor | null, stride: Size, padding: Size | 'same' | 'valid', dilation: Size, groups: number): Tensor {
  if (!Number.isInteger(groups) || groups < 1) throw opError(op, `non-positive groups is not supported (got ${fmtValue(groups)})`);
  checkConvOperands(op, x, w, bias, dims, groups, false);
  const s = sizes(op, 'stride', stride, dims, 1);
  const d = sizes(op, 'dilation', dilation, dims, 1);
  const k = w._shape.slice(2);
  let before: number[], after: number[];
  if (padding === 'same') {
    if (s.some((v) => v !== 1)) throw opError(op, "padding='same' is not supported for strided convolutions");
    // Total d(k-1) per dim: half before, the rest (one more for an odd total) after.
    before = k.map((kk, i) => Math.floor((d[i] * (kk - 1)) / 2));
    after = k.map((kk, i) => d[i] * (kk - 1) - before[i]);
  } else if (padding === 'valid') {
    before = after = new Array<number>(dims).fill(0);
  } else if (typeof padding === 'string') {
    throw opError(op, `Invalid padding string '${padding}' (expected 'same', 'valid' or integers)`);
  } else {
    before = after = sizes(op, 'padding', padding, dims, 0);
  }
  const spatial = x._shape.slice(-dims);
  const padded = spatial.map((n, i) => n + before[i] + after[i]);
  const span = k.map((kk, i) => d[i] * (kk - 1) + 1);
  if (padded.some((p, i) => p < span[i])) {
    throw opError(
      op,
      `Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${span.join(' x ')}). ` +
        `Kernel size can't be greater than actual input size (input ${fmtShape(x._shape)}, weight ${fmtShape(w._shape)})`,
    );
  }
  const pad2 = (v: number[]) => (dims === 1 ? [0, v[0]] : v);
  const geo: ConvGeometry = { stride: dims === 1 ? [1, s[0]] : s, padding: pad2(before), padAfter: pad2(after), dilation: dims === 1 ? [1, d[0]] : d, groups };
  const batched = x.ndim === dims + 2;
  const out = convolutionOp.call(batched ? x : x.unsqueeze(0), w, bias, geo);
  return batched ? out : out.squeeze(0);
}

const paddingArg: Check = (v, op, name) => (v === 'same' || v === 'valid' ? v : size(v, op, name));
const convParams = (example: unknown): Param[] => [
  input,
  required('weight', tensorArg),
  optional('bias', optionalTensor, null),
  optional('stride', size, 1, example),
  optional('padding', paddingArg, 0, 1),
  optional('dilation', size, 1, example),
  optional('groups', is.int, 1, 1),
];
const CONV1D = new Signature('conv1d', convParams(2));
const CONV2D = new Signature('conv2d', convParams([2, 1]));

/** Options of conv1d/conv2d (PyTorch's keyword arguments). */
export interface ConvOptions {
  /** The stride, one per spatial dim (default 1). */
  stride?: Size;
  /** Per dim, or 'same' (output as large as the input; stride 1) or 'valid' (0). */
  padding?: Size | 'same' | 'valid';
  /** The spacing of the kernel taps (default 1). */
  dilation?: Size;
  /** Channel groups (default 1). */
  groups?: number;
}

/** PyTorch's F.conv1d: input [N, Cin, L] (or [Cin, L]), weight [Cout, Cin/groups, k], bias
 * [Cout] → [N, Cout, Lout], Lout = floor((L + 2·padding − dilation·(k−1) − 1) / stride) + 1.
 * Cross-correlation (no kernel flip); groups = Cin is a depthwise convolution. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOptions, stride?: Size | ConvOptions, padding?: Size | 'same' | 'valid' | ConvOptions, dilation?: Size | ConvOptions, groups?: number | ConvOptions): Tensor;
export function conv1d(...args: unknown[]): Tensor {
  const [x, w, b, s, p, d, g] = CONV1D.bind(args) as [Tensor, Tensor, Tensor | null, Size, Size | 'same', Size, number];
  return conv('conv1d', 1, x, w, b, s, p, d, g);
}

/** PyTorch's F.conv2d: input [N, Cin, H, W] (or [Cin, H, W]), weight [Cout, Cin/groups, kH, kW],
 * bias [Cout] → [N, Cout, Hout, Wout] (each dim as conv1d's). grad_fn ConvolutionBackward0. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOptions, stride?: Size | ConvOptions, padding?: Size | 'same' | 'valid' | ConvOptions, dilation?: Size | ConvOptions, groups?: number | ConvOptions): Tensor;
export function conv2d(...args: unknown[]): Tensor {
  const [x, w, b, s, p, d, g] = CONV2D.bind(args) as [Tensor, Tensor, Tensor | null, Size, Size | 'same', Size, number];
  return conv('conv2d', 2, x, w, b, s, p, d, g);
}

const CONV_TRANSPOSE2D = new Signature('convTranspose2d', [
  input,
  required('weight', tensorArg),
  optional('bias', optionalTensor, null),
  optional('stride', size, 1, 2),
  optional('padding', size, 0, 1),
  optional('outputPadding', size, 0, 1),
  optional('groups', is.int, 1, 1),
  optional('dilation', size, 1, 2),
]);

/** Options of convTranspose2d. */
export interface ConvTransposeOptions {
  /** The stride, one per spatial dim (default 1). */
  stride?: Size;
  /** Zero padding on both sides, one per spatial dim (default 0). */
  padding?: Size;
  /** Extra size at the end of each output dim (default 0). */
  outputPadding?: Size;
  /** Channel groups (default 1). */
  groups?: number;
  /** The spacing of the kernel taps (default 1). */
  dilation?: Size;
}

/** PyTorch's F.conv_transpose2d: the gradient of conv2d with respect to its input. input
 * [N, Cin, H, W] (or [Cin, H, W]), weight [Cin, Cout/groups, kH, kW] → [N, Cout, Hout, Wout],
 * Hout = (H−1)·stride − 2·padding + dilation·(kH−1) + outputPadding + 1. */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvTransposeOptions, stride?: Size | ConvTransposeOptions, padding?: Size | ConvTransposeOptions, outputPadding?: Size | ConvTransposeOptions, groups?: number | ConvTransposeOptions, dilation?: Size | ConvTransposeOptions): Tensor;
export function convTranspose2d(...args: unknown[]): Tensor {
  const op = 'convTranspose2d';
  const [x, w, bias, stride, padding, outputPadding, groups, dilation] = CONV_TRANSPOSE2D.bind(args) as [Tensor, Tensor, Tensor | null, Size, Size, Size, number, Size];
  if (!Number.isInteger(groups) || groups < 1) throw opError(op, `non-positive groups is not supported (got ${fmtValue(groups)})`);
  checkConvOperands(op, x, w, bias, 2, groups, true);
  const s = sizes(op, 'stride', stride, 2, 1);
  const p = sizes(op, 'padding', padding, 2, 0);
  const op_ = sizes(op, 'outputPadding', outputPadding, 2, 0);
  const d = sizes(op, 'dilation', dilation, 2, 1);
  if (op_.some((v, i) => v >= s[i] && v >= d[i])) {
    throw opError(op, `output padding must be smaller than either stride or dilation, but got outputPadding ${fmtValue(op_)}, stride ${fmtValue(s)}, dilation ${fmtValue(d)}`);
  }
  const batched = x.ndim === 4;
  const x4 = batched ? x : x.unsqueeze(0);
  const spatial = [0, 1].map((i) => (x4._shape[2 + i] - 1) * s[i] - 2 * p[i] + d[i] * (w._shape[2 + i] - 1) + op_[i] + 1);
  if (spatial.some((n) => n < 1)) throw opError(op, `the output size ${fmtShape(spatial)} is too small (input ${fmtShape(x._shape)}, weight ${fmtShape(w._shape)})`);
  const geo: ConvGeometry = { stride: s, padding: p, padAfter: p, dilation: d, groups };
  const out = convTransposeOp.call(x4, w, bias, geo, [x4._shape[0], w._shape[1] * groups, ...spatial]);
  return batched ? out : out.squeeze(0);
}

// ---- pooling windows -------------------------------------------------------------------------------

/** One dim's windows for the Pool kernel: [O, 3] int32 rows of (first input position, taps, divisor factor). */
type WindowTable = Int32Array;

function windowTensor(table: WindowTable): Tensor {
  return from(table, [table.length / 3, 3]);
}

/** Regular windows: o·stride − padding, `k` taps `dilation` apart; the avg divisor factor
 * counts the padded window (clipped at the end of the padding) or only the input. */
function regularWindows(out: number, n: number, k: number, stride: number, padding: number, countIncludePad: boolean): WindowTable {
  const t = new Int32Array(3 * out);
  for (let o = 0; o < out; o++) {
    const start = o * stride - padding;
    t[3 * o] = start;
    t[3 * o + 1] = k;
    t[3 * o + 2] = countIncludePad ? Math.min(start + k, n + padding) - start : Math.min(start + k, n) - Math.max(start, 0);
  }
  return t;
}

/** Adaptive windows: cell o covers floor(o·n/out) .. ceil((o+1)·n/out) − 1. */
function adaptiveWindows(out: number, n: number): WindowTable {
  const t = new Int32Array(3 * out);
  for (let o = 0; o < out; o++) {
    const start = Math.floor((o * n) / out);
    const taps = Math.ceil(((o + 1) * n) / out) - start;
    t.set([start, taps, taps], 3 * o);
  }
  return t;
}

/** What a pooling call reads: the windows of rows and columns and their dilations, over
 * the last 2 dims (`dims` 2) or the last one as a single row (`dims` 1: nearest 1-d). */
interface PoolPlan {
  rows: WindowTable;
  cols: WindowTable;
  dilation: number[];
  dims: 1 | 2;
}

/** x [..., H, W] (dims 2) or [..., W] (dims 1) as planes [P, H, W] (a view when possible). */
function planes(x: Tensor, dims: 1 | 2): Tensor {
  const [H, W] = dims === 2 ? x._shape.slice(-2) : [1, x._shape[x.ndim - 1]];
  return x.reshape(numelOf(x._shape.slice(0, -dims)), H, W);
}

function poolOutShape(x: Tensor, plan: PoolPlan): number[] {
  const cols = plan.cols.length / 3;
  return plan.dims === 2 ? [...x._shape.slice(0, -2), plan.rows.length / 3, cols] : [...x._shape.slice(0, -1), cols];
}

function runPool(op: number, out: Tensor, indices: Tensor | null, x: Tensor, plan: PoolPlan): void {
  const d = plan.dims;
  kernels.run(Group.Pool, op, [planes(out, d), indices && planes(indices, d), planes(x, d), windowTensor(plan.rows), windowTensor(plan.cols), plan.dilation[0], plan.dilation[1]]);
}

/** Window max and its flat position h·W + w per plane (int32), unrecorded. */
function maxPoolRaw(x: Tensor, plan: PoolPlan): [Tensor, Tensor] {
  const shape = poolOutShape(x, plan);
  const out = Tensor._output(shape, x.dtype);
  const indices = Tensor._output(shape.slice(), int32);
  runPool(PoolOp.Max, out, indices, x, plan);
  return [out, indices];
}

function avgPoolRaw(x: Tensor, plan: PoolPlan): Tensor {
  const out = Tensor._output(poolOutShape(x, plan), x.dtype);
  runPool(PoolOp.Avg, out, null, x, plan);
  return out;
}

/** The window max ops: forward returns the max computed beside its indices (`found`);
 * the gradient goes to each window's max position (scatter-add, so overlaps add up). */
function maxPoolSpec(gradFn: string) {
  return defineSpec<(x: Tensor, found: [Tensor, Tensor]) => Tensor, [Tensor, [Tensor, Tensor]], { indices: Tensor; shape: number[] }>({
    name: gradFn,
    gradFn,
    method: false,
    params: [input, required('found', internal)],
    forward: (x, found) => found[0],
    save: (out, x, found) => ({ indices: found[1], shape: x._shape.slice() }),
    backward: (g, { indices, shape }): Grads => {
      const [H, W] = shape.slice(-2);
      const P = numelOf(shape) / (H * W);
      const L = indices._shape[indices.ndim - 2] * indices._shape[indices.ndim - 1];
      return [scatterAddInto(g.reshape(P, L), [P, H * W], 1, indices.reshape(P, L)).reshape(shape)];
    },
  });
}
const maxPoolOp = maxPoolSpec('MaxPool2DWithIndicesBackward0');
const adaptiveMaxPoolOp = maxPoolSpec('AdaptiveMaxPool2DBackward0');

/** The window-average ops and their backward: each is the other's adjoint. The same pair
 * with one-tap windows is nearest-neighbour resampling. */
function averageSpecs(gradFn: string) {
  const forwardOp = defineSpec<(x: Tensor, plan: PoolPlan) => Tensor, [Tensor, PoolPlan], { plan: PoolPlan; shape: number[] }>({
    name: gradFn,
    gradFn,
    method: false,
    params: [input, required('plan', internal)],
    forward: avgPoolRaw,
    save: (out, x, plan) => ({ plan, shape: x._shape.slice() }),
    backward: (g, { plan, shape }): Grads => [backwardOp.call(g, plan, shape)],
  });
  const backwardOp = defineSpec<(g: Tensor, plan: PoolPlan, shape: number[]) => Tensor, [Tensor, PoolPlan, number[]], { plan: PoolPlan }>({
    name: `${gradFn}Backward`,
    gradFn: gradFn.replace(/Backward(\d)$/, 'BackwardBackward$1'),
    method: false,
    params: [input, required('plan', internal), required('shape', internal)],
    forward: (g, plan, shape) => {
      const out = Tensor._output(shape, g.dtype);
      runPool(PoolOp.AvgBackward, out, null, g, plan);
      return out;
    },
    save: (out, g, plan) => ({ plan }),
    backward: (gg, { plan }): Grads => [forwardOp.call(gg, plan)],
  });
  return forwardOp;
}
const avgPoolOp = averageSpecs('AvgPool2DBackward0');
const adaptiveAvgPoolOp = averageSpecs('AdaptiveAvgPool2DBackward0');
const nearest1dOp = averageSpecs('UpsampleNearest1DBackward1');
const nearest2dOp = averageSpecs('UpsampleNearest2DBackward1');

/** A pooling input: float, [C, H, W] or [N, C, H, W] (`dims` = 2; 1-d pools pass theirs as 2-d). */
function checkPoolInput(op: string, x: Tensor, dims: number): void {
  checkKernelDType(op, `${op}_cpu`, x.dtype);
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) {
    throw opError(op, `Expected ${dims + 1}D or ${dims + 2}D (batch mode) tensor for input, but got: ${fmtShape(x._shape)}`);
  }
  if (x._shape.slice(-dims - 1).some((s) => s === 0)) throw opError(op, `Expected input's non-batch dimensions to have positive length, but input has a shape of ${fmtShape(x._shape)}`);
}

/** PyTorch's pooling_output_shape, with its checks (messages name op and shapes). */
function poolOutSize(op: string, n: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  let out = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  // The last window must start inside the input or the left padding.
  if (ceilMode && (out - 1) * s >= n + p) out--;
  return out;
}

interface PoolArgs {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  out: number[];
}

function poolArgs(op: string, x: Tensor, dims: number, kernelSize: unknown, stride: unknown, padding: unknown, dilation: unknown, ceilMode: boolean): PoolArgs {
  const k = sizes(op, 'kernelSize', kernelSize, dims, 1);
  const s = stride == null || (Array.isArray(stride) && stride.length === 0) ? k : sizes(op, 'stride', stride, dims, 1);
  const p = sizes(op, 'padding', padding, dims, 0);
  const d = sizes(op, 'dilation', dilation, dims, 1);
  p.forEach((pp, i) => {
    if (pp > k[i] / 2) throw opError(op, `pad should be at most half of kernel size, but got pad=${pp} and kernel_size=${k[i]}`);
  });
  const spatial = x._shape.slice(-dims);
  const out = spatial.map((n, i) => poolOutSize(op, n, k[i], s[i], p[i], d[i], ceilMode));
  if (out.some((o) => o < 1)) {
    throw opError(op, `Given input size: (${x._shape.slice(-dims - 1).join('x')}). Calculated output size: (${[x._shape[x.ndim - dims - 1], ...out].join('x')}). Output size is too small`);
  }
  return { k, s, p, d, out };
}

/** 1-d pools are 2-d pools over [.., 1, L] (PyTorch's unsqueeze(-2) ... squeeze(-2)). */
function as2dArgs(a: PoolArgs): PoolArgs {
  return { k: [1, a.k[0]], s: [1, a.s[0]], p: [0, a.p[0]], d: [1, a.d[0]], out: [1, a.out[0]] };
}

function maxPool(op: string, dims: number, x: Tensor, kernelSize: Size, stride: Size | null, padding: Size, dilation: Size, ceilMode: boolean, returnIndices: boolean): Tensor | [Tensor, Tensor] {
  checkPoolInput(op, x, dims);
  let a = poolArgs(op, x, dims, kernelSize, stride, padding, dilation, ceilMode);
  const x2 = dims === 1 ? x.unsqueeze(-2) : x;
  if (dims === 1) a = as2dArgs(a);
  const [H, W] = x2._shape.slice(-2);
  const plan: PoolPlan = {
    rows: regularWindows(a.out[0], H, a.k[0], a.s[0], a.p[0], true),
    cols: regularWindows(a.out[1], W, a.k[1], a.s[1], a.p[1], true),
    dilation: a.d,
    dims: 2,
  };
  const found = maxPoolRaw(x2, plan);
  let out = maxPoolOp.call(x2, found);
  let indices = found[1];
  if (dims === 1) (out = out.squeeze(-2)), (indices = indices.squeeze(-2));
  return returnIndices ? [out, indices] : out;
}

const maxPoolParams = (example: unknown): Param[] => [
  input,
  required('kernelSize', size, 2),
  optional('stride', is.nullable(size), null, example),
  optional('padding', size, 0, 1),
  optional('dilation', size, 1, example),
  optional('ceilMode', is.bool, false, true),
  optional('returnIndices', is.bool, false, true),
];
const MAX_POOL1D = new Signature('maxPool1d', maxPoolParams(1));
const MAX_POOL2D = new Signature('maxPool2d', maxPoolParams([1, 2]));

/** Options of maxPool1d/maxPool2d. */
export interface MaxPoolOptions {
  /** Default: kernelSize. */
  stride?: Size | null;
  /** Implicit -inf padding on both sides (at most half the kernel). */
  padding?: Size;
  /** The spacing of the window taps (default 1). */
  dilation?: Size;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** Return [values, indices] (default false). */
  returnIndices?: boolean;
}

/** PyTorch's F.max_pool1d: input [N, C, L] (or [C, L]) → [N, C, Lout], the max of each
 * window (padding counts as −inf; the first maximal element of a window gets the gradient).
 * With returnIndices, [values, indices] (int32 positions along L). */
export function maxPool1d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: Size, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: Size, stride?: Size | null, padding?: Size, dilation?: Size, ceilMode?: boolean, returnIndices?: boolean): Tensor | [Tensor, Tensor];
export function maxPool1d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const [x, k, s, p, d, c, r] = MAX_POOL1D.bind(args) as [Tensor, Size, Size | null, Size, Size, boolean, boolean];
  return maxPool('maxPool1d', 1, x, k, s, p, d, c, r);
}

/** PyTorch's F.max_pool2d: input [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout], each
 * Hout = floor((H + 2·padding − dilation·(k−1) − 1) / stride) + 1 (rounded up with ceilMode).
 * With returnIndices, [values, indices] (int32 flat positions h·W + w). grad_fn
 * MaxPool2DWithIndicesBackward0. */
export function maxPool2d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Size, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Size, stride?: Size | null, padding?: Size, dilation?: Size, ceilMode?: boolean, returnIndices?: boolean): Tensor | [Tensor, Tensor];
export function maxPool2d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const [x, k, s, p, d, c, r] = MAX_POOL2D.bind(args) as [Tensor, Size, Size | null, Size, Size, boolean, boolean];
  return maxPool('maxPool2d', 2, x, k, s, p, d, c, r);
}

function avgPool(op: string, dims: number, x: Tensor, kernelSize: Size, stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean): Tensor {
  checkPoolInput(op, x, dims);
  let a = poolArgs(op, x, dims, kernelSize, stride, padding, 1, ceilMode);
  const x2 = dims === 1 ? x.unsqueeze(-2) : x;
  if (dims === 1) a = as2dArgs(a);
  const [H, W] = x2._shape.slice(-2);
  const plan: PoolPlan = {
    rows: regularWindows(a.out[0], H, a.k[0], a.s[0], a.p[0], countIncludePad),
    cols: regularWindows(a.out[1], W, a.k[1], a.s[1], a.p[1], countIncludePad),
    dilation: [1, 1],
    dims: 2,
  };
  const out = avgPoolOp.call(x2, plan);
  return dims === 1 ? out.squeeze(-2) : out;
}

const avgPoolParams = (example: unknown): Param[] => [
  input,
  required('kernelSize', size, 2),
  optional('stride', is.nullable(size), null, example),
  optional('padding', size, 0, 1),
  optional('ceilMode', is.bool, false, true),
  optional('countIncludePad', is.bool, true, false),
];
const AVG_POOL1D = new Signature('avgPool1d', avgPoolParams(1));
const AVG_POOL2D = new Signature('avgPool2d', avgPoolParams([1, 2]));

/** Options of avgPool1d/avgPool2d. */
export interface AvgPoolOptions {
  /** Default: kernelSize. */
  stride?: Size | null;
  /** Implicit zero padding on both sides (at most half the kernel). */
  padding?: Size;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** Whether the divisor counts padding positions (never those past the padded input). */
  countIncludePad?: boolean;
}

/** PyTorch's F.avg_pool1d: input [N, C, L] (or [C, L]) → [N, C, Lout], the mean of each window. */
export function avgPool1d(input: Tensor, kernelSize: Size, stride?: Size | null | AvgPoolOptions, padding?: Size | AvgPoolOptions, ceilMode?: boolean | AvgPoolOptions, countIncludePad?: boolean | AvgPoolOptions): Tensor;
export function avgPool1d(...args: unknown[]): Tensor {
  const [x, k, s, p, c, inc] = AVG_POOL1D.bind(args) as [Tensor, Size, Size | null, Size, boolean, boolean];
  return avgPool('avgPool1d', 1, x, k, s, p, c, inc);
}

/** PyTorch's F.avg_pool2d: input [N, C, H, W] (or [C, H, W]) → [N, C, Hout, Wout], the mean
 * of each window (sizes as maxPool2d's). grad_fn AvgPool2DBackward0. */
export function avgPool2d(input: Tensor, kernelSize: Size, stride?: Size | null | AvgPoolOptions, padding?: Size | AvgPoolOptions, ceilMode?: boolean | AvgPoolOptions, countIncludePad?: boolean | AvgPoolOptions): Tensor;
export function avgPool2d(...args: unknown[]): Tensor {
  const [x, k, s, p, c, inc] = AVG_POOL2D.bind(args) as [Tensor, Size, Size | null, Size, boolean, boolean];
  return avgPool('avgPool2d', 2, x, k, s, p, c, inc);
}

/** The adaptive output size: an int, or one per dim where null keeps the input's. */
function adaptiveSize(op: string, x: Tensor, outputSize: unknown): number[] {
  const spatial = x._shape.slice(-2);
  const list = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((v) => v === null || (Number.isInteger(v) && v >= 1))) {
    throw opError(op, `outputSize must be a positive integer or a list of 2 (each a positive integer or null), got ${fmtValue(outputSize)}`);
  }
  return list.map((v, i) => (v === null ? spatial[i] : v));
}

function adaptivePlan(x: Tensor, out: number[]): PoolPlan {
  const [H, W] = x._shape.slice(-2);
  return { rows: adaptiveWindows(out[0], H), cols: adaptiveWindows(out[1], W), dilation: [1, 1], dims: 2 };
}

const ADAPTIVE_AVG = new Signature('adaptiveAvgPool2d', [input, required('outputSize', size, [2, 1])]);
const ADAPTIVE_MAX = new Signature('adaptiveMaxPool2d', [input, required('outputSize', size, [2, 1]), optional('returnIndices', is.bool, false, true)]);

/** PyTorch's F.adaptive_avg_pool2d: input [N, C, H, W] (or [C, H, W]) → [N, C, oH, oW]; output
 * cell i averages input rows floor(i·H/oH) .. ceil((i+1)·H/oH) − 1 (likewise columns). An
 * outputSize entry null keeps that dim. Output 1x1 is a mean (grad_fn MeanBackward1, as PyTorch). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Size | (number | null)[] | { outputSize: Size | (number | null)[] }): Tensor;
export function adaptiveAvgPool2d(...args: unknown[]): Tensor {
  const op = 'adaptiveAvgPool2d';
  const [x, outputSize] = ADAPTIVE_AVG.bind(args) as [Tensor, unknown];
  checkPoolInput(op, x, 2);
  const out = adaptiveSize(op, x, outputSize);
  if (out[0] === 1 && out[1] === 1) return x.mean([-2, -1], true);
  return adaptiveAvgPoolOp.call(x, adaptivePlan(x, out));
}

/** PyTorch's F.adaptive_max_pool2d: adaptiveAvgPool2d's windows, their max (ties: the first
 * maximal element). With returnIndices, [values, indices] (int32 flat positions h·W + w). */
export function adaptiveMaxPool2d(input: Tensor, outputSize: Size | (number | null)[], options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: Size | (number | null)[], options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: Size | (number | null)[], returnIndices?: boolean): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(...args: unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'adaptiveMaxPool2d';
  const [x, outputSize, returnIndices] = ADAPTIVE_MAX.bind(args) as [Tensor, unknown, boolean];
  checkPoolInput(op, x, 2);
  const plan = adaptivePlan(x, adaptiveSize(op, x, outputSize));
  const found = maxPoolRaw(x, plan);
  const out = adaptiveMaxPoolOp.call(x, found);
  return returnIndices ? [out, found[1]] : out;
}

// ---- unfold / fold ---------------------------------------------------------------------------------

/** The sliding-block layout of unfold/fold: kernel, stride, padding, dilation (2 each). */
interface Blocks {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
}

function blockArgs(b: Blocks): number[] {
  return [b.k[0], b.k[1], b.s[0], b.s[1], b.p[0], b.p[1], b.d[0], b.d[1]];
}

function blockCount(spatial: number[], b: Blocks): number[] {
  return spatial.map((n, i) => Math.floor((n + 2 * b.p[i] - b.d[i] * (b.k[i] - 1) - 1) / b.s[i]) + 1);
}

function unfoldRaw(x: Tensor, b: Blocks): Tensor {
  const [N, C, H, W] = x._shape;
  const L = numelOf(blockCount([H, W], b));
  const out = Tensor._output([N, C * b.k[0] * b.k[1], L], x.dtype);
  kernels.run(Group.Im2col, Im2colOp.Im2col, [out, x, ...blockArgs(b)]);
  return out;
}

function foldRaw(cols: Tensor, b: Blocks, outputSize: number[]): Tensor {
  const [N, CK] = cols._shape;
  const out = Tensor._output([N, CK / (b.k[0] * b.k[1]), ...outputSize], cols.dtype);
  kernels.run(Group.Im2col, Im2colOp.Col2im, [out, cols.contiguous(), ...blockArgs(b)]);
  return out;
}

const unfoldOp = defineSpec<(x: Tensor, b: Blocks) => Tensor, [Tensor, Blocks], { b: Blocks; size: number[] }>({
  name: 'unfold',
  gradFn: 'Im2ColBackward0',
  method: false,
  params: [input, required('blocks', internal)],
  forward: unfoldRaw,
  save: (out, x, b) => ({ b, size: x._shape.slice(2) }),
  backward: (g, { b, size }): Grads => [foldOp.call(g, b, size)],
});

const foldOp = defineSpec<(x: Tensor, b: Blocks, outputSize: number[]) => Tensor, [Tensor, Blocks, number[]], { b: Blocks }>({
  name: 'fold',
  gradFn: 'Col2ImBackward0',
  method: false,
  params: [input, required('blocks', internal), required('outputSize', internal)],
  forward: foldRaw,
  save: (out, x, b) => ({ b }),
  backward: (g, { b }): Grads => [unfoldOp.call(g, b)],
});

function blocks(op: string, kernelSize: unknown, dilation: unknown, padding: unknown, stride: unknown): Blocks {
  return {
    k: sizes(op, 'kernelSize', kernelSize, 2, 1),
    d: sizes(op, 'dilation', dilation, 2, 1),
    p: sizes(op, 'padding', padding, 2, 0),
    s: sizes(op, 'stride', stride, 2, 1),
  };
}

const blockParams: Param[] = [optional('dilation', size, 1, 2), optional('padding', size, 0, 1), optional('stride', size, 1, 2)];
const UNFOLD = new Signature('unfold', [input, required('kernelSize', size, 2), ...blockParams]);
const FOLD = new Signature('fold', [input, required('outputSize', size, [4, 4]), required('kernelSize', size, 2), ...blockParams]);

/** Options of unfold/fold. */
export interface BlockOptions {
  /** The spacing of the block taps (default 1). */
  dilation?: Size;
  /** Zero padding on both sides (default 0). */
  padding?: Size;
  /** The step between blocks (default 1). */
  stride?: Size;
}

/** PyTorch's F.unfold (im2col): input [N, C, H, W] (or [C, H, W]) → [N, C·kH·kW, L], rows
 * ordered (channel, kernel row, kernel col), columns the block positions in row-major order. */
export function unfold(input: Tensor, kernelSize: Size, dilation?: Size | BlockOptions, padding?: Size | BlockOptions, stride?: Size | BlockOptions): Tensor;
export function unfold(...args: unknown[]): Tensor {
  const op = 'unfold';
  const [x, k, d, p, s] = UNFOLD.bind(args) as [Tensor, Size, Size, Size, Size];
  checkKernelDType(op, 'im2col_out_cpu', x.dtype);
  if (x.ndim !== 3 && x.ndim !== 4) throw opError(op, `Input Error: Only 3D or 4D input Tensors are supported (got ${fmtShape(x._shape)})`);
  const b = blocks(op, k, d, p, s);
  const count = blockCount(x._shape.slice(-2), b);
  if (count.some((c) => c < 1)) {
    throw opError(op, `Given input with spatial size ${fmtShape(x._shape.slice(-2))}, kernelSize ${fmtValue(b.k)}, dilation ${fmtValue(b.d)}, padding ${fmtValue(b.p)}, calculated shape of the array of sliding blocks as ${fmtShape(count)}, but its components must be at least one.`);
  }
  const batched = x.ndim === 4;
  const out = unfoldOp.call(batched ? x : x.unsqueeze(0), b);
  return batched ? out : out.squeeze(0);
}

/** PyTorch's F.fold (col2im), unfold's adjoint: input [N, C·kH·kW, L] (or [C·kH·kW, L]) →
 * [N, C, outputSize...], overlapping values summed. */
export function fold(input: Tensor, outputSize: Size, kernelSize: Size, dilation?: Size | BlockOptions, padding?: Size | BlockOptions, stride?: Size | BlockOptions): Tensor;
export function fold(...args: unknown[]): Tensor {
  const op = 'fold';
  const [x, o, k, d, p, s] = FOLD.bind(args) as [Tensor, Size, Size, Size, Size, Size];
  checkKernelDType(op, 'col2im_out_cpu', x.dtype);
  if (x.ndim !== 2 && x.ndim !== 3) throw opError(op, `Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${fmtShape(x._shape)})`);
  const b = blocks(op, k, d, p, s);
  const outputSize = sizes(op, 'outputSize', o, 2, 1);
  const x3 = x.ndim === 3 ? x : x.unsqueeze(0);
  const kk = b.k[0] * b.k[1];
  if (x3._shape[1] % kk !== 0) {
    throw opError(op, `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${x3._shape[1]} and kernel_size=${fmtValue(b.k)}`);
  }
  const count = blockCount(outputSize, b);
  if (count.some((c) => c < 1) || numelOf(count) !== x3._shape[2]) {
    throw opError(op, `Given outputSize=${fmtValue(outputSize)}, kernelSize=${fmtValue(b.k)}, dilation=${fmtValue(b.d)}, padding=${fmtValue(b.p)}, stride=${fmtValue(b.s)}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${count.join(' * ')} = ${numelOf(count)}, but got input.size(2)=${x3._shape[2]}.`);
  }
  const out = foldOp.call(x3, b, outputSize);
  return x.ndim === 3 ? out : out.squeeze(0);
}

// ---- interpolate -------------------------------------------------------------------------------------

/** Options of interpolate. */
export interface InterpolateOptions {
  /** The output's spatial size (one of size, scaleFactor). */
  size?: Size | null;
  /** The output is floor(input · scaleFactor); positions map back by 1 / scaleFactor. */
  scaleFactor?: number | number[] | null;
  /** 'nearest' (default) or 'bilinear'. */
  mode?: 'nearest' | 'bilinear';
  /** bilinear only: corners of input and output align (default false). */
  alignCorners?: boolean | null;
}

const INTERPOLATE = new Signature('interpolate', [
  input,
  optional('size', is.nullable(size), null, [4, 4]),
  optional('scaleFactor', is.nullable(size), null),
  optional('mode', is.oneOf('nearest', 'bilinear'), 'nearest', 'bilinear'),
  optional('alignCorners', is.nullable(is.bool), null),
]);

/** The input coordinate scale of one dim, as PyTorch's compute_scales_value (in the
 * precision `round` gives: float32 for nearest, the input's for bilinear). */
function coordinateScale(n: number, out: number, factor: number | null, round: (v: number) => number = Math.fround): number {
  return round(factor !== null ? 1 / factor : n / out);
}

/** Bilinear source taps of one dim: (i0, i1, λ0, λ1) per output position (PyTorch's
 * area_pixel_compute_source_index and compute_indices_weights_linear, in the input's precision). */
function linearTaps(n: number, out: number, factor: number | null, alignCorners: boolean, dtype: Tensor['dtype']): { i0: Int32Array; i1: Int32Array; l0: number[]; l1: number[] } {
  const round = dtype === float32 ? Math.fround : (v: number) => v;
  const scale = alignCorners ? (out > 1 ? round((n - 1) / (out - 1)) : 0) : coordinateScale(n, out, factor, round);
  const i0 = new Int32Array(out), i1 = new Int32Array(out), l0: number[] = [], l1: number[] = [];
  for (let o = 0; o < out; o++) {
    const src = alignCorners ? round(scale * o) : Math.max(round(round(scale * (o + 0.5)) - 0.5), 0);
    const lo = Math.min(Math.floor(src), n - 1);
    i0[o] = lo;
    i1[o] = lo + (lo < n - 1 ? 1 : 0);
    l1[o] = round(src - lo);
    l0[o] = round(1 - l1[o]);
  }
  return { i0, i1, l0, l1 };
}

type Taps = ReturnType<typeof linearTaps>;

/** Weights of `dtype` along dim -1 (a row) or -2 (a column). */
function weights(values: number[], dim: -1 | -2, dtype: Tensor['dtype']): Tensor {
  return from(new Float64Array(values), dim === -1 ? [values.length] : [values.length, 1]).to(dtype);
}

/** One dim of bilinear resampling: λ0·x[i0] + λ1·x[i1] along dim (neighbours only, as
 * PyTorch: a non-finite value elsewhere does not spread). Unrecorded. */
function lerpAlong(x: Tensor, dim: -1 | -2, t: Taps): Tensor {
  const a = x.indexSelect(dim, from(t.i0)).mul(weights(t.l0, dim, x.dtype));
  return a.add(x.indexSelect(dim, from(t.i1)).mul(weights(t.l1, dim, x.dtype)));
}

/** The same map as a matrix [out, n] (row o holds λ0 at i0 and λ1 at i1), for the adjoint. */
function lerpMatrix(n: number, t: Taps, dtype: Tensor['dtype']): Tensor {
  const out = t.l0.length;
  const m = new Float64Array(out * n);
  for (let o = 0; o < out; o++) {
    m[o * n + t.i0[o]] += t.l0[o];
    m[o * n + t.i1[o]] += t.l1[o];
  }
  return from(m, [out, n]).to(dtype);
}

interface BilinearPlan {
  rows: Taps;
  cols: Taps;
  size: number[];
}

const bilinearOp = defineSpec<(x: Tensor, plan: BilinearPlan) => Tensor, [Tensor, BilinearPlan], { plan: BilinearPlan; dtype: Tensor['dtype'] }>({
  name: 'upsampleBilinear2d',
  gradFn: 'UpsampleBilinear2DBackward1',
  method: false,
  params: [input, required('plan', internal)],
  forward: (x, plan) => lerpAlong(lerpAlong(x, -1, plan.cols), -2, plan.rows),
  save: (out, x, plan) => ({ plan, dtype: x.dtype }),
  // The adjoint of out = R_rows · x · R_colsᵀ: R_rowsᵀ · g · R_cols (recorded: higher orders work).
  backward: (g, { plan, dtype }): Grads => [
    lerpMatrix(plan.size[0], plan.rows, dtype).t().matmul(g).matmul(lerpMatrix(plan.size[1], plan.cols, dtype)),
  ],
});

/** PyTorch's nearest_idx: floor(o · scale) in float32, at most n − 1 (exact for out = n, 2n). */
function nearestWindows(n: number, out: number, factor: number | null): WindowTable {
  const scale = coordinateScale(n, out, factor);
  const t = new Int32Array(3 * out);
  for (let o = 0; o < out; o++) {
    const src = out === n ? o : out === 2 * n ? o >> 1 : Math.min(Math.floor(Math.fround(o * scale)), n - 1);
    t.set([src, 1, 1], 3 * o);
  }
  return t;
}

/** PyTorch's F.interpolate: resamples [N, C, L] (nearest) or [N, C, H, W] (nearest,
 * bilinear) to `size`, or to floor(n · scaleFactor) with positions mapped back by
 * 1 / scaleFactor. Nearest reads input floor(o · scale); bilinear reads (o + 0.5)·scale − 0.5
 * (clamped at 0), or o·(n−1)/(out−1) with alignCorners. No antialiasing. */
export function interpolate(input: Tensor, size?: Size | null | InterpolateOptions, scaleFactor?: number | number[] | null | InterpolateOptions, mode?: 'nearest' | 'bilinear' | InterpolateOptions, alignCorners?: boolean | null | InterpolateOptions): Tensor;
export function interpolate(...args: unknown[]): Tensor {
  const op = 'interpolate';
  const [x, size, scaleFactor, mode, alignCorners] = INTERPOLATE.bind(args) as [Tensor, Size | null, number | number[] | null, 'nearest' | 'bilinear', boolean | null];
  checkKernelDType(op, mode === 'nearest' ? 'upsample_nearest2d_out_frame' : 'upsample_bilinear2d_out_frame', x.dtype);
  const dims = x.ndim - 2;
  if (mode === 'bilinear' && dims !== 2) throw opError(op, `Got ${x.ndim}D input, but bilinear mode needs 4D input`);
  if (dims !== 1 && dims !== 2) throw opError(op, `Input Error: Only 3D and 4D input Tensors are supported (got ${x.ndim}D) for the modes: nearest | bilinear`);
  if (mode === 'nearest' && alignCorners !== null) {
    throw opError(op, 'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  if ((size === null) === (scaleFactor === null)) throw opError(op, 'either size or scaleFactor should be defined (and not both)');
  const spatial = x._shape.slice(2);
  const factors = scaleFactor === null ? null : sizesOrFactors(op, 'scaleFactor', scaleFactor, dims);
  const out = factors ? spatial.map((n, i) => Math.floor(n * factors[i])) : sizes(op, 'size', size, dims, 1);
  if (out.some((o) => o < 1)) throw opError(op, `the output size ${fmtShape(out)} (input ${fmtShape(x._shape)}) must be positive`);
  const factor = (i: number) => (factors ? factors[i] : null);
  if (mode === 'bilinear') {
    const align = alignCorners ?? false;
    const plan = { rows: linearTaps(spatial[0], out[0], factor(0), align, x.dtype), cols: linearTaps(spatial[1], out[1], factor(1), align, x.dtype), size: spatial };
    return bilinearOp.call(x, plan);
  }
  const cols = nearestWindows(spatial[dims - 1], out[dims - 1], factor(dims - 1));
  if (dims === 1) return nearest1dOp.call(x, { rows: new Int32Array([0, 1, 1]), cols, dilation: [1, 1], dims: 1 });
  return nearest2dOp.call(x, { rows: nearestWindows(spatial[0], out[0], factor(0)), cols, dilation: [1, 1], dims: 2 });
}

/** Positive scale factors, one or one per dim. */
function sizesOrFactors(op: string, name: string, v: number | number[], n: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(list) || list.length !== n || !list.every((f) => typeof f === 'number' && f > 0 && Number.isFinite(f))) {
    throw opError(op, `${name} must be a positive number or a list of ${n}, got ${fmtValue(v)}`);
  }
  return list;
}
