// The normalisation ops of tg.nn.functional: batchNorm, instanceNorm, layerNorm, groupNorm.
// Each views its input as x [P, R, Q] with statistics per r over (p, q) and runs the
// fused Norm kernel (native/src/norm.cpp): one pass for the statistics, the normalisation
// and the affine transform, one for the input gradient. Batch norm is [N, C, spatial],
// layer norm [1, rows, normalized], group norm [1, N·groups, rest]; instance norm is batch
// norm of the input viewed as [1, N·C, ...], as PyTorch computes it.
import { Tensor } from '../tensor';
import { isGradEnabled, noGrad } from '../autograd/grad_mode';
import { checkKernelDType, fmtShape, fmtValue, is, opError, opTypeError, optional, required, type Param } from '../check';
import * as kernels from '../backend';
import { Group, NormOp } from '../native/table';
import { checkTensor } from './movement';
import { defineSpec, registerFunctionals, type Op } from './registry';
import { input } from './arith';
import { ones, zeros } from './creation';

/** How one call normalises: x viewed as [P, R, Q] (statistics per r over p and q). */
interface Plan {
  /** x's own shape, and the [P, R, Q] view of it. */
  inShape: number[];
  shape: [number, number, number];
  eps: number;
  /** The weight and bias as given (null: absent); forward receives the present ones. */
  weight: Tensor | null;
  bias: Tensor | null;
  /** How a parameter lines up: viewed as paramView over [P, R, Q] inside the kernel
   * (layer norm, batch norm), or as channelView over x around it (group norm). */
  paramView: [number, number, number] | null;
  channelView: number[] | null;
  /** Batch norm only: normalise with these running statistics (eval), or update them (training). */
  training: boolean;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  momentum: number;
  /** What forward computed, for backward: the statistics of each r, [R] (training), or the
   * given ones (eval). */
  mean?: Tensor;
  rstd?: Tensor;
}

const REDUCE_PQ = [0, 2];

/** The fused forward: out [P, R, Q], and the statistics it computed. */
function normForward(x3: Tensor, w3: Tensor | null, b3: Tensor | null, eps: number): { out: Tensor; mean: Tensor; rstd: Tensor } {
  const R = x3._shape[1];
  const out = Tensor._output(x3._shape.slice(), x3.dtype);
  const mean = Tensor._output([R], x3.dtype);
  const rstd = Tensor._output([R], x3.dtype);
  kernels.run(Group.Norm, NormOp.NormForward, [out, mean, rstd, x3, w3, b3, eps]);
  return { out, mean, rstd };
}

/** x̂ = (x - mean) rstd of x [P, R, Q]: from the saved statistics, or, with a graph being
 * recorded (createGraph), from x in tensor ops, so that a second derivative sees the
 * statistics depend on x. */
function normalized(x3: Tensor, mean: Tensor, rstd: Tensor, eps: number): { xhat: Tensor; rstd: Tensor } {
  if (!isGradEnabled()) return { xhat: x3.sub(mean.view(1, -1, 1)).mul(rstd.view(1, -1, 1)), rstd: rstd.view(1, -1, 1) };
  const centred = x3.sub(x3.mean(REDUCE_PQ, true));
  const is = centred.square().mean(REDUCE_PQ, true).add(eps).sqrt().reciprocal();
  return { xhat: centred.mul(is), rstd: is };
}

/** d x of the normalisation with batch statistics, given g = d out and the weight in w3:
 * rstd (gw - mean(gw) - x̂ mean(gw x̂)), gw = g w. The fused kernel, or tensor ops when
 * a graph is being recorded. */
function normInputGrad(x3: Tensor, w3: Tensor | null, g3: Tensor, mean: Tensor, rstd: Tensor, eps: number): Tensor {
  if (!isGradEnabled()) {
    const dx = Tensor._output(x3._shape.slice(), x3.dtype);
    kernels.run(Group.Norm, NormOp.NormBackward, [dx, mean, rstd, x3, w3, g3, 0]);
    return dx;
  }
  const { xhat, rstd: is } = normalized(x3, mean, rstd, eps);
  const gw = w3 ? g3.mul(w3) : g3;
  return gw.sub(gw.mean(REDUCE_PQ, true)).sub(xhat.mul(gw.mul(xhat).mean(REDUCE_PQ, true))).mul(is);
}

const kernelParam = (p: Tensor | null, plan: Plan): Tensor | null => (p && plan.paramView ? p.view(plan.paramView).expand(plan.shape) : null);

/** The sum of t [P, R, Q] down to a parameter applied as paramView, in p's shape. */
function paramGrad(t: Tensor, plan: Plan, p: Tensor): Tensor {
  const dims = plan.paramView!.flatMap((s, i) => (s === 1 && plan.shape[i] !== 1 ? [i] : []));
  return (dims.length ? t.sum(dims) : t).reshape(p._shape.slice());
}

/** The sum of t [N, C, ...] down to one value per channel, [C]. */
function channelSum(t: Tensor, channelView: number[]): Tensor {
  return t.sum(channelView.flatMap((s, i) => (s === 1 ? [i] : []))).reshape(-1);
}

function normalForward(x: Tensor, params: Tensor[], plan: Plan): Tensor {
  const { weight, bias, channelView } = plan;
  void params; // the same tensors as plan.weight and plan.bias: passed so that they are recorded
  const x3 = x.reshape(plan.shape);
  if (!plan.training) {
    // Eval batch norm: the running statistics are constants: x · scale + shift per channel.
    const cv = channelView!;
    const mean = plan.runningMean!.to(x.dtype);
    const rstd = (plan.rstd = plan.runningVar!.to(x.dtype).add(plan.eps).sqrt().reciprocal());
    plan.mean = mean;
    const scale = weight ? rstd.mul(weight) : rstd;
    const shift = bias ? bias.sub(mean.mul(scale)) : mean.mul(scale).neg();
    return x.mul(scale.view(cv)).add(shift.view(cv));
  }
  const { out, mean, rstd } = normForward(x3, kernelParam(weight, plan), kernelParam(bias, plan), plan.eps);
  plan.mean = mean;
  plan.rstd = rstd;
  if (plan.runningMean || plan.runningVar) updateRunningStats(plan, mean, rstd);
  let y = out.view(plan.inShape);
  if (channelView && !plan.paramView) {
    if (weight) y = y.mul(weight.view(channelView));
    if (bias) y = y.add(bias.view(channelView));
  }
  return y;
}

/** r = (1 - momentum) r + momentum · batch statistic, with the unbiased batch variance. */
function updateRunningStats(plan: Plan, mean: Tensor, rstd: Tensor): void {
  const n = plan.shape[0] * plan.shape[2];
  const { runningMean, runningVar, momentum } = plan;
  noGrad(() => {
    if (runningMean) runningMean.mul_(1 - momentum).add_(mean.mul(momentum).to(runningMean.dtype));
    if (runningVar) runningVar.mul_(1 - momentum).add_(rstd.square().reciprocal().sub(plan.eps).mul(momentum * n / (n - 1)).to(runningVar.dtype));
  });
}

interface NormSaved {
  x: Tensor;
  weight: Tensor | null;
  mean: Tensor;
  rstd: Tensor;
  plan: Plan;
}

function normBackward(g: Tensor, { x, weight, mean, rstd, plan }: NormSaved, needs: readonly boolean[]): (Tensor | null)[] {
  const grads: (Tensor | null)[] = [];
  const x3 = x.reshape(plan.shape);
  const xhat = () => normalized(x3, mean, rstd, plan.eps).xhat;
  const needWeight = weight !== null && needs[1];
  const needBias = plan.bias !== null && needs[weight ? 2 : 1];
  if (!plan.training) {
    const cv = plan.channelView!;
    const scale = weight ? rstd.mul(weight) : rstd;
    grads.push(needs[0] ? g.mul(scale.view(cv)) : null);
    if (weight) grads.push(needWeight ? channelSum(g.mul(x.sub(mean.view(cv)).mul(rstd.view(cv))), cv) : null);
    if (plan.bias) grads.push(needBias ? channelSum(g, cv) : null);
    return grads;
  }
  if (plan.paramView) {
    const g3 = g.reshape(plan.shape);
    grads.push(needs[0] ? normInputGrad(x3, kernelParam(weight, plan), g3, mean, rstd, plan.eps).view(plan.inShape) : null);
    if (weight) grads.push(needWeight ? paramGrad(g3.mul(xhat()), plan, weight) : null);
    if (plan.bias) grads.push(needBias ? paramGrad(g3, plan, plan.bias) : null);
    return grads;
  }
  // Group norm: the per-channel weight is applied outside the kernel: d x̂ = g · weight.
  const cv = plan.channelView!;
  const gHat = weight ? g.mul(weight.view(cv)) : g;
  grads.push(needs[0] ? normInputGrad(x3, null, gHat.reshape(plan.shape), mean, rstd, plan.eps).view(plan.inShape) : null);
  if (weight) grads.push(needWeight ? channelSum(g.mul(xhat().view(plan.inShape)), cv) : null);
  if (plan.bias) grads.push(needBias ? channelSum(g, cv) : null);
  return grads;
}

/** The spec of one normalisation: forward(x, [weight, bias as present], plan). */
function normSpec<F extends (input: Tensor, ...rest: any[]) => Tensor>(
  name: string, gradFn: string, params: Param[], prepare: (...bound: any[]) => [Tensor, Tensor[], Plan],
): Op<F> {
  return defineSpec<F, [Tensor, Tensor[], Plan], NormSaved>({
    name,
    gradFn,
    method: false,
    params,
    prepare,
    forward: normalForward,
    save: (out, x, params, plan) => ({ x, weight: plan.weight, mean: plan.mean!, rstd: plan.rstd!, plan }),
    backward: normBackward,
  });
}

// ---- argument checks ------------------------------------------------------------------------

const tensorOrNull = (v: unknown, op: string, name: string) => (v === null || v === undefined ? null : checkTensor(op, v, name));
const nullableTensor = (name: string, example?: unknown): Param => optional(name, tensorOrNull, null, example);
const eps = optional('eps', is.number, 1e-5, 1e-3);
const present = (...ts: (Tensor | null)[]): Tensor[] => ts.filter((t): t is Tensor => t !== null);

/** A float input, and weight and bias of `shape` (PyTorch's own wording where it has one). */
function checkParams(op: string, x: Tensor, weight: Tensor | null, bias: Tensor | null, shape: readonly number[], what: string): void {
  checkKernelDType(op, op, x.dtype);
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p === null) continue;
    if (p.ndim !== shape.length || p._shape.some((s, i) => s !== shape[i])) {
      throw opError(op, `${name} of shape ${fmtShape(p._shape)} does not match ${what} ${fmtShape(shape)} (input ${fmtShape(x._shape)})`);
    }
    if (p.dtype !== x.dtype) throw opTypeError(op, `${name} has dtype ${p.dtype} but the input has ${x.dtype}\nHint: convert it, e.g. ${name}.to(${JSON.stringify(x.dtype)})`);
  }
}

function checkChannels(op: string, x: Tensor, minDims: number): [number, number] {
  if (x.ndim < minDims) throw opError(op, `expected an input of at least ${minDims} dims [N, C, *], got ${fmtShape(x._shape)}`);
  return [x._shape[0], x._shape[1]];
}

const basePlan = (x: Tensor, weight: Tensor | null, bias: Tensor | null, epsValue: number) => ({
  inShape: x._shape.slice(), eps: epsValue, weight, bias, training: true, runningMean: null, runningVar: null, momentum: 0,
});

// ---- the public functions ------------------------------------------------------------------

function prepareBatchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  training: boolean, momentum: number, epsValue: number, op = 'batchNorm',
): [Tensor, Tensor[], Plan] {
  const [N, C] = checkChannels(op, x, 2);
  checkParams(op, x, weight, bias, [C], 'the number of channels');
  for (const [name, r] of [['runningMean', runningMean], ['runningVar', runningVar]] as const) {
    if (r !== null && (r.ndim !== 1 || r._shape[0] !== C)) {
      throw opError(op, `${name} should contain ${C} elements not ${r.numel()} (input ${fmtShape(x._shape)})`);
    }
  }
  const S = x.numel() / (N * C) || 0;
  if (!training && (!runningMean || !runningVar)) throw opError(op, 'runningMean and runningVar must be given in evaluation mode');
  if (training && N * S <= 1) throw opError(op, `Expected more than 1 value per channel when training, got input size ${fmtShape(x._shape)}`);
  const plan: Plan = {
    ...basePlan(x, weight, bias, epsValue),
    shape: [N, C, S],
    paramView: [1, C, 1],
    channelView: [1, C, ...x._shape.slice(2).map(() => 1)],
    training, runningMean, runningVar, momentum,
  };
  return [x, present(weight, bias), plan];
}

/** F.batchNorm's options by name (PyTorch's keyword arguments). */
export interface BatchNormOptions {
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight?: Tensor | null;
  /** The learnable shift; null: none. */
  bias?: Tensor | null;
  /** Normalise with the batch statistics and update the running ones (default false). */
  training?: boolean;
  /** The running statistics' update factor (default 0.1; null: a cumulative average). */
  momentum?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}
const batchNormSpec = normSpec<(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight?: Tensor | null | BatchNormOptions,
  bias?: Tensor | null | BatchNormOptions, training?: boolean | BatchNormOptions, momentum?: number | BatchNormOptions, eps?: number | BatchNormOptions,
) => Tensor>(
  'batchNorm', 'NativeBatchNormBackward0',
  [
    input,
    optional('runningMean', tensorOrNull, null, zeros(3)),
    optional('runningVar', tensorOrNull, null, ones(3)),
    nullableTensor('weight', ones(3).mul(2)),
    nullableTensor('bias', ones(3)),
    optional('training', is.bool, false, true),
    optional('momentum', is.number, 0.1, 0.3),
    eps,
  ],
  prepareBatchNorm,
);
/** Batch normalisation (PyTorch's F.batch_norm): x [N, C, *] normalised per channel with the
 * batch statistics (training; biased variance) or the running ones (eval), then
 * weight · x̂ + bias per channel. Training updates runningMean/runningVar [C] in place:
 * r = (1 - momentum) r + momentum · batch, with the unbiased batch variance. */
export const batchNorm = batchNormSpec.call;

/** F.layerNorm's options by name (PyTorch's keyword arguments). */
export interface LayerNormOptions {
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight?: Tensor | null;
  /** The learnable shift; null: none. */
  bias?: Tensor | null;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}
const layerNormSpec = normSpec<(
  input: Tensor, normalizedShape: number | number[], weight?: Tensor | null | LayerNormOptions, bias?: Tensor | null | LayerNormOptions, eps?: number | LayerNormOptions,
) => Tensor>(
  'layerNorm', 'NativeLayerNormBackward0',
  [input, required('normalizedShape', is.any, [3]), nullableTensor('weight', ones(3).mul(2)), nullableTensor('bias', ones(3)), eps],
  (x: Tensor, normalizedShape: unknown, weight: Tensor | null, bias: Tensor | null, epsValue: number) => {
    const op = 'layerNorm';
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 1)) {
      throw opTypeError(op, `normalizedShape must be a positive integer or an array of them, got ${fmtValue(normalizedShape)}`);
    }
    const k = shape.length;
    if (x.ndim < k || shape.some((s, i) => x._shape[x.ndim - k + i] !== s)) {
      throw opError(op, `Given normalized_shape=${fmtShape(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size ${fmtShape(x._shape)}`);
    }
    checkParams(op, x, weight, bias, shape, 'normalizedShape');
    const M = shape.reduce((a: number, b: number) => a * b, 1);
    const plan: Plan = { ...basePlan(x, weight, bias, epsValue), shape: [1, x.numel() / M || 0, M], paramView: [1, 1, M], channelView: null };
    return [x, present(weight, bias), plan];
  },
);
/** Layer normalisation (PyTorch's F.layer_norm): x [*, ...normalizedShape] normalised over
 * its last normalizedShape.length dims (biased variance), then weight · x̂ + bias (both of
 * shape normalizedShape). */
export const layerNorm = layerNormSpec.call;

/** F.groupNorm's options by name (PyTorch's keyword arguments). */
export interface GroupNormOptions {
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight?: Tensor | null;
  /** The learnable shift; null: none. */
  bias?: Tensor | null;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}
const groupNormSpec = normSpec<(
  input: Tensor, numGroups: number, weight?: Tensor | null | GroupNormOptions, bias?: Tensor | null | GroupNormOptions, eps?: number | GroupNormOptions,
) => Tensor>(
  'groupNorm', 'NativeGroupNormBackward0',
  [input, required('numGroups', is.int, 3), nullableTensor('weight', ones(3).mul(2)), nullableTensor('bias', ones(3)), eps],
  (x: Tensor, numGroups: number, weight: Tensor | null, bias: Tensor | null, epsValue: number) => {
    const op = 'groupNorm';
    const [N, C] = checkChannels(op, x, 2);
    if (numGroups < 1 || C % numGroups !== 0) {
      throw opError(op, `Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmtShape(x._shape)} and num_groups=${numGroups}`);
    }
    checkParams(op, x, weight, bias, [C], 'the number of channels');
    const plan: Plan = {
      ...basePlan(x, weight, bias, epsValue),
      shape: [1, N * numGroups, x.numel() / (N * numGroups) || 0],
      paramView: null,
      channelView: [1, C, ...x._shape.slice(2).map(() => 1)],
    };
    return [x, present(weight, bias), plan];
  },
);
/** Group normalisation (PyTorch's F.group_norm): the C channels of x [N, C, *] split into
 * numGroups consecutive groups, normalised per sample and group, then weight · x̂ + bias
 * per channel ([C] each). */
export const groupNorm = groupNormSpec.call;

/** F.instanceNorm's options by name (PyTorch's keyword arguments). */
export interface InstanceNormOptions {
  /** The running mean [C], updated in place; null: none. */
  runningMean?: Tensor | null;
  /** The running (unbiased) variance [C], updated in place; null: none. */
  runningVar?: Tensor | null;
  /** The learnable per-element (or per-channel) scale; null: none. */
  weight?: Tensor | null;
  /** The learnable shift; null: none. */
  bias?: Tensor | null;
  /** Normalise with the input's statistics (default true) rather than the running ones. */
  useInputStats?: boolean;
  /** The running statistics' update factor (default 0.1; null: a cumulative average). */
  momentum?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}
// No grad_fn of its own: PyTorch's instance_norm is batch norm of x viewed as [1, N·C, ...]
// with weight, bias and the running statistics repeated per sample; the running
// statistics then get the batch average of the per-instance ones.
const instanceNormSpec = defineSpec<(
  input: Tensor, runningMean?: Tensor | null | InstanceNormOptions, runningVar?: Tensor | null | InstanceNormOptions,
  weight?: Tensor | null | InstanceNormOptions, bias?: Tensor | null | InstanceNormOptions, useInputStats?: boolean | InstanceNormOptions,
  momentum?: number | InstanceNormOptions, eps?: number | InstanceNormOptions,
) => Tensor, [Tensor, Tensor | null, Tensor | null, Tensor | null, Tensor | null, boolean, number, number]>({
  name: 'instanceNorm',
  method: false,
  params: [
    input, nullableTensor('runningMean'), nullableTensor('runningVar'), nullableTensor('weight', ones(3).mul(2)), nullableTensor('bias', ones(3)),
    optional('useInputStats', is.bool, true), optional('momentum', is.number, 0.1), eps,
  ],
  forward: (x, runningMean, runningVar, weight, bias, useInputStats, momentum, epsValue) => {
    const op = 'instanceNorm';
    const [N, C] = checkChannels(op, x, 3);
    checkParams(op, x, weight, bias, [C], 'the number of channels');
    const rep = (t: Tensor | null) => (t === null ? null : t.unsqueeze(0).expand(N, C).reshape(-1));
    const rm = runningMean && rep(runningMean.detach()), rv = runningVar && rep(runningVar.detach());
    const out = batchNorm(x.reshape([1, N * C, ...x._shape.slice(2)]), rm, rv, rep(weight), rep(bias), useInputStats, momentum, epsValue);
    noGrad(() => {
      if (useInputStats && runningMean && rm) runningMean.copy_(rm.view(N, C).mean(0));
      if (useInputStats && runningVar && rv) runningVar.copy_(rv.view(N, C).mean(0));
    });
    return out.view(x._shape.slice());
  },
});
/** Instance normalisation (PyTorch's F.instance_norm): x [N, C, *] normalised per sample and
 * channel; the running statistics ([C], optional) get the batch average of the
 * per-instance mean and unbiased variance; useInputStats: false normalises with them instead. */
export const instanceNorm = instanceNormSpec.call;

registerFunctionals([batchNormSpec, layerNormSpec, groupNormSpec, instanceNormSpec] as Op<(...a: any[]) => unknown>[]);
