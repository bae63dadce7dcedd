// tg.nn.functional (usually imported as F): linear, losses and activations. Each op with
// its own PyTorch grad_fn is one spec; l1Loss is a composition, as in PyTorch.
import type { Tensor } from '../tensor';
import { float32, float64, int32, int64, isFloating, scalarTypeName } from '../dtype';
import { checkKernelDType, checkNumber, fmtShape, fmtValue, is, opError, opTypeError, required } from '../check';
import { broadcastShapes, numelOf, sameShape } from '../layout';
import { UnaryOp } from '../native/table';
import { addmm, checkMatmulDTypes } from '../ops/linalg';
import { checkTensor, input } from '../ops/movement';
import { asIndex } from '../ops/indices';
import { maskedGradOp, unaryOp, where } from '../ops/arith';
import { scatterAddInto } from '../ops/indexing';
import { defineSpec } from '../ops/registry';
import { warnOnce } from '../warnings';

/** How a loss reduces its per-element values: 'mean', 'sum', or 'none' (kept in the input's shape). */
export type Reduction = 'mean' | 'sum' | 'none';

/** @internal Checks a reduction option, naming `op` in the error. */
export function checkReduction(op: string, reduction: unknown): Reduction {
  const r = reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw opError(op, `${fmtValue(r)} is not a valid value for reduction (expected 'mean', 'sum' or 'none')`);
  }
  return r;
}

function reduce(l: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? l.mean() : reduction === 'sum' ? l.sum() : l;
}

// ---- linear -----------------------------------------------------------------------------

/** x @ weight^T + bias, for x of shape [..., in], weight [out, in], bias [out]: [..., out]
 * (PyTorch's F.linear, same grad_fn per form). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor('linear', x);
  checkTensor('linear', weight, 'weight');
  if (weight.ndim !== 2) throw opError('linear', `weight must be 2-D [out, in], got ${fmtShape(weight._shape)}`);
  if (x.ndim === 0 || x._shape[x.ndim - 1] !== weight._shape[1]) {
    throw opError(
      'linear',
      `mat1 and mat2 shapes cannot be multiplied (input ${fmtShape(x._shape)}, weight ${fmtShape(weight._shape)}: ` +
        `the last dim of the input must equal weight._shape[1] = ${weight._shape[1]})`,
    );
  }
  checkMatmulDTypes('linear', x, weight);
  if (bias != null) {
    broadcastShapes('linear', checkTensor('linear', bias, 'bias')._shape, [...x._shape.slice(0, -1), weight._shape[0]]);
    if (bias.dtype !== x.dtype) throw opTypeError('linear', `self and mat2 must have the same dtype\nHint: convert the bias, e.g. bias.to(${JSON.stringify(x.dtype)})`);
  }
  if (bias != null && x.ndim === 2) return addmm(bias, x, weight.t());
  if (bias != null && x.ndim === 3 && x.isContiguous()) {
    const out = addmm(bias, x.view(-1, x._shape[2]), weight.t());
    return out.view(x._shape[0], x._shape[1], weight._shape[0]);
  }
  const out = x.matmul(weight.t());
  return bias != null ? out.add(bias) : out;
}

// ---- pointwise losses -------------------------------------------------------------------

interface LossSpec<P> {
  name: string;
  /** PyTorch's kernel, which refuses two integer (or bool) operands (one float operand promotes the other). */
  kernel: string;
  /** The elementwise loss. */
  loss: (a: Tensor, b: Tensor, p: P) => Tensor;
  /** d loss / d a and d loss / d b, elementwise. */
  grads: (a: Tensor, b: Tensor, p: P) => [Tensor, Tensor | null];
}

/** PyTorch's mse_loss, l1_loss, smooth_l1_loss and huber_loss warn, then broadcast. */
function warnIfTargetSizeDiffers(op: string, input: Tensor, target: Tensor): void {
  if (sameShape(input.shape, target.shape)) return;
  warnOnce(
    `${op}: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}). ` +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
  );
}

function lossOp<P>(spec: LossSpec<P>) {
  const op = defineSpec<(a: Tensor, b: Tensor, reduction: Reduction, p: P) => Tensor, [Tensor, Tensor, Reduction, P], { a: Tensor; b: Tensor; reduction: Reduction; p: P }>({
    name: spec.name,
    gradFn: spec.name,
    method: false,
    params: [input, required('target', is.any), required('reduction', is.any), required('p', is.any)],
    forward: (a, b, reduction, p) => reduce(spec.loss(a, b, p), reduction),
    save: (out, a, b, reduction, p) => ({ a, b, reduction, p }),
    backward: (g, { a, b, reduction, p }, [needA, needB]) => {
      const scale = reduction === 'mean' ? g.div(numelOf(broadcastShapes(spec.name, a._shape, b._shape))) : g;
      const [da, db] = spec.grads(a, b, p);
      return [needA ? da.mul(scale) : null, needB && db ? db.mul(scale) : null];
    },
  }).run;
  return (op_: string, a: Tensor, b: Tensor, reduction: unknown, p: P, sameShapeRequired = false): Tensor => {
    checkTensor(op_, a, 'input');
    checkTensor(op_, b, 'target');
    if (sameShapeRequired && !sameShape(a._shape, b._shape)) {
      throw opError(op_, `Using a target size (${fmtShape(b._shape)}) that is different to the input size (${fmtShape(a._shape)}) is not supported`);
    }
    broadcastShapes(op_, a._shape, b._shape);
    warnIfTargetSizeDiffers(op_, a, b);
    if (!isFloating(b.dtype)) checkKernelDType(op_, spec.kernel, a.dtype);
    const dtype = a.dtype === float64 || b.dtype === float64 ? float64 : float32;
    return op(a.to(dtype), b.to(dtype), checkReduction(op_, reduction), p);
  };
}

const mse = lossOp<null>({
  name: 'MseLossBackward0',
  kernel: 'mse_cpu',
  loss: (a, b) => a.sub(b).square(),
  grads: (a, b) => {
    const d = a.sub(b).mul(2);
    return [d, d.neg()];
  },
});
/** The mean squared error (input - target)², reduced (F.mse_loss); input and target of one shape. */
export const mseLoss = (input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor =>
  mse('mseLoss', input, target, options.reduction, null);

/** Mean absolute error: |input - target| reduced (F.l1_loss; a composition in PyTorch too);
 * input and target of one shape. */
export function l1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkTensor('l1Loss', input, 'input');
  checkTensor('l1Loss', target, 'target');
  broadcastShapes('l1Loss', input._shape, target._shape);
  warnIfTargetSizeDiffers('l1Loss', input, target);
  return reduce(input.sub(target).abs(), checkReduction('l1Loss', options.reduction));
}

const smoothL1 = lossOp<number>({
  name: 'SmoothL1LossBackward0',
  kernel: 'smooth_l1_cpu',
  loss: (a, b, beta) => {
    const d = a.sub(b).abs();
    return beta === 0 ? d : where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta));
  },
  grads: (a, b, beta) => {
    const d = a.sub(b);
    // beta = 0 (the l1 loss): -1 at d = 0 and NaN at NaN, as PyTorch's kernel (d <= -beta ? -1 : ...).
    const da = beta === 0 ? where(d.le(0), -1, where(d.gt(0), 1, d)) : d.div(beta).clamp(-1, 1);
    return [da, da.neg()];
  },
});
/** The smooth L1 loss: 0.5 d²/beta for |d| < beta, |d| - 0.5 beta beyond (F.smooth_l1_loss);
 * input and target of one shape; beta defaults to 1. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction; beta?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || beta < 0) throw opError('smoothL1Loss', `beta must be a non-negative number, got ${fmtValue(beta)}`);
  return smoothL1('smoothL1Loss', input, target, options.reduction, beta);
}

const huber = lossOp<number>({
  name: 'HuberLossBackward0',
  kernel: 'huber_cpu',
  loss: (a, b, delta) => {
    const d = a.sub(b).abs();
    return where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta));
  },
  grads: (a, b, delta) => {
    const da = a.sub(b).clamp(-delta, delta);
    return [da, da.neg()];
  },
});
/** The Huber loss: 0.5 d² for |d| < delta, delta (|d| - 0.5 delta) beyond (F.huber_loss);
 * input and target of one shape; delta defaults to 1. */
export function huberLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction; delta?: number } = {}): Tensor {
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0)) throw opError('huberLoss', `delta must be a positive number, got ${fmtValue(delta)}`);
  return huber('huberLoss', input, target, options.reduction, delta);
}

interface BceParams {
  weight: Tensor | null;
}

const bce = lossOp<BceParams>({
  name: 'BinaryCrossEntropyBackward0',
  kernel: 'binary_cross_entropy',
  // Each log is clamped to >= -100, so p = 0 or 1 gives a finite loss.
  loss: (p, y, { weight }) => {
    const l = y.mul(p.log().clamp(-100, null)).add(y.neg().add(1).mul(p.neg().log1p().clamp(-100, null))).neg();
    return weight ? l.mul(weight) : l;
  },
  grads: (p, y, { weight }) => {
    const dp = p.sub(y).div(p.mul(p.neg().add(1)).clamp(1e-12, null));
    const dy = p.neg().log1p().clamp(-100, null).sub(p.log().clamp(-100, null));
    return weight ? [dp.mul(weight), dy.mul(weight)] : [dp, dy];
  },
});
/** A weight (or posWeight) must broadcast to the input's shape, not beyond it (PyTorch's
 * in-place multiply by it fails otherwise). */
function checkLossWeight(op: string, input: Tensor, weight: Tensor | null | undefined, name: string): void {
  if (weight == null) return;
  const shape = broadcastShapes(op, input._shape, checkTensor(op, weight, name).shape);
  if (!sameShape(shape, input._shape)) throw opError(op, `output with shape ${fmtShape(input._shape)} doesn't match the broadcast shape ${fmtShape(shape)}\nHint: ${name} must broadcast to the input's shape`);
}

/** The binary cross entropy -(y log p + (1 - y) log(1 - p)) of probabilities p against targets
 * y of the same shape, with an optional weight broadcast to it (F.binary_cross_entropy). */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { reduction?: Reduction; weight?: Tensor | null } = {}): Tensor {
  checkTensor('binaryCrossEntropy', input, 'input');
  checkTensor('binaryCrossEntropy', target, 'target');
  if (target.dtype !== input.dtype) {
    throw opTypeError('binaryCrossEntropy', `Found dtype ${scalarTypeName(target.dtype)} but expected ${scalarTypeName(input.dtype)}\nHint: convert the target, e.g. target.to(${JSON.stringify(input.dtype)})`);
  }
  checkLossWeight('binaryCrossEntropy', input, options.weight, 'weight');
  const outOfRange = input.lt(0).logicalOr(input.gt(1)).logicalOr(input.ne(input)).sum().item();
  if (outOfRange) throw opError('binaryCrossEntropy', 'all elements of input should be between 0 and 1');
  return bce('binaryCrossEntropy', input, target, options.reduction, { weight: options.weight ?? null }, true);
}

interface BceLogitsParams {
  weight: Tensor | null;
  posWeight: Tensor | null;
}

/** log(1 + exp(-x)) = -log(sigmoid(x)), without overflow. */
function softplusNeg(x: Tensor): Tensor {
  return x.abs().neg().exp().log1p().add(x.neg().clamp(0, null));
}

const bceLogits = lossOp<BceLogitsParams>({
  name: 'BinaryCrossEntropyWithLogitsBackward0',
  kernel: 'binary_cross_entropy_with_logits',
  // PyTorch's stable form (1 - y) x + (1 + (pw - 1) y) (log(1 + exp(-|x|)) + max(-x, 0)),
  // pw = posWeight or 1: an infinite logit gives inf or NaN exactly where PyTorch's does
  // (max(x, 0) - x y + ... would be inf - inf = NaN at x = inf, y = 0).
  loss: (x, y, { weight, posWeight }) => {
    const sp = softplusNeg(x);
    const l = y.neg().add(1).mul(x).add(posWeight ? posWeight.sub(1).mul(y).add(1).mul(sp) : sp);
    return weight ? l.mul(weight) : l;
  },
  grads: (x, y, { weight, posWeight }) => {
    const s = x.sigmoid();
    const dx = posWeight ? posWeight.mul(y).add(y.neg().add(1)).mul(s).sub(posWeight.mul(y)) : s.sub(y);
    const dy = posWeight ? posWeight.sub(1).mul(softplusNeg(x)).sub(x) : x.neg();
    return weight ? [dx.mul(weight), dy.mul(weight)] : [dx, dy];
  },
});
/** The binary cross entropy of sigmoid(input) against targets of input's shape, computed
 * stably from logits; weight and posWeight (per class, along the last dim) broadcast to it
 * (F.binary_cross_entropy_with_logits). */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor {
  checkTensor('binaryCrossEntropyWithLogits', input, 'input');
  checkTensor('binaryCrossEntropyWithLogits', target, 'target');
  // PyTorch computes in the input's dtype and writes into a tensor of the target's.
  for (const t of [input, target]) {
    if (!isFloating(t.dtype)) {
      throw opTypeError('binaryCrossEntropyWithLogits', `result type Float can't be cast to the desired output type ${scalarTypeName(t.dtype)}\nHint: input and target must be floating tensors, e.g. target.float()`);
    }
  }
  checkLossWeight('binaryCrossEntropyWithLogits', input, options.weight, 'weight');
  checkLossWeight('binaryCrossEntropyWithLogits', input, options.posWeight, 'posWeight');
  return bceLogits(
    'binaryCrossEntropyWithLogits',
    input,
    target,
    options.reduction,
    { weight: options.weight ?? null, posWeight: options.posWeight ?? null },
    true,
  );
}

// ---- classification losses ---------------------------------------------------------------

/** The options of nllLoss (PyTorch's weight=, ignore_index=, reduction=). */
export interface NllOptions {
  /** 'mean' (default: divided by the summed weights of the kept targets), 'sum' or 'none'. */
  reduction?: Reduction;
  /** A weight per class, of shape [C] (default none). */
  weight?: Tensor | null;
  /** A target value whose samples count for nothing (default -100). */
  ignoreIndex?: number;
}

interface NllInfo {
  reduction: Reduction;
  index: Tensor; // target with a class dim, ignored entries mapped to 0
  scale: Tensor; // per-element weight (0 where ignored), target's shape with a class dim
  total: Tensor; // the mean's divisor (sum of weights)
}

function nllOp(gradFn: string) {
  return defineSpec<(logp: Tensor, info: NllInfo) => Tensor, [Tensor, NllInfo], NllInfo & { shape: number[] }>({
    name: 'nllLoss',
    gradFn,
    method: false,
    params: [input, required('plan', is.any)],
    forward: (logp, info) => {
      const picked = logp.gather(1, info.index).mul(info.scale).neg().squeeze(1);
      if (info.reduction === 'none') return picked;
      const s = picked.sum();
      return info.reduction === 'sum' ? s : s.div(info.total);
    },
    // Saved (as PyTorch saves target, weight and total_weight): freed after backward.
    save: (out, logp, { reduction, index, scale, total }) => ({ reduction, index, scale, total, shape: logp._shape }),
    backward: (g, { reduction, index, scale, total, shape }) => {
      // A mean over no kept target (total 0) is NaN, but its gradient is 0, as PyTorch's
      // (which never writes ignored entries): g / 0 would make inf·0 = NaN below.
      let gl = reduction === 'none' ? g.unsqueeze(1) : reduction === 'sum' ? g : g.div(where(total.eq(0), 1, total));
      gl = gl.mul(scale).neg().expand(index._shape.slice());
      return [scatterAddInto(gl, shape, 1, index)];
    },
  }).run;
}
const nllLoss1d = nllOp('NllLossBackward0');
const nllLoss2d = nllOp('NllLoss2DBackward0');

/** Checks target against input [N, C, d...] (or [C] with a 0-d target) and builds the gather plan. */
function nllPlan(op: string, input: Tensor, target: Tensor, options: NllOptions): NllInfo {
  checkTensor(op, input, 'input');
  checkTensor(op, target, 'target');
  if (target.dtype !== int32 && target.dtype !== int64) {
    throw opTypeError(op, `target must hold class indices as an int32 or int64 tensor, got ${target.dtype} (use tg.tensor(labels, {dtype: 'int32'}))`);
  }
  target = asIndex(op, target, 'target');
  const expected = [input._shape[0], ...input._shape.slice(2)];
  if (input.ndim < 2 || !sameShape(target._shape, expected)) {
    throw opError(op, `expected target of shape ${fmtShape(expected)} for input of shape ${fmtShape(input._shape)}, got ${fmtShape(target._shape)}`);
  }
  const C = input._shape[1];
  const ignoreIndex = options.ignoreIndex ?? -100;
  const t = target.contiguous().typedArray() as Int32Array;
  for (const v of t) {
    if (v !== ignoreIndex && (v < 0 || v >= C)) throw opError(op, `Target ${v} is out of bounds (the input has ${C} classes)`);
  }
  const valid = target.ne(ignoreIndex);
  const index = where(valid, target, 0).unsqueeze(1);
  const weight = options.weight;
  if (weight != null && (checkTensor(op, weight, 'weight').ndim !== 1 || weight._shape[0] !== C)) {
    throw opError(op, `weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape: ${fmtShape(weight._shape)}`);
  }
  if (weight != null && weight.dtype !== input.dtype) {
    throw opTypeError(op, `expected scalar type ${scalarTypeName(input.dtype)} but found ${scalarTypeName(weight.dtype)}\nHint: convert the weight, e.g. weight.to(${JSON.stringify(input.dtype)})`);
  }
  const perElement = weight != null ? weight.to(input.dtype).indexSelect(0, index.reshape(-1)).reshape(index._shape.slice()) : null;
  const scale = perElement ? perElement.mul(valid.unsqueeze(1)) : valid.unsqueeze(1).to(input.dtype);
  return { reduction: checkReduction(op, options.reduction), index, scale, total: scale.sum() };
}

function checkClassInput(op: string, input: Tensor): void {
  if (input.ndim === 0) throw opError(op, 'expected an input of shape [C] or [N, C, d1, ...], got a 0-d tensor');
}

/** nllLoss, with `op` (nllLoss or crossEntropy) named in its errors. */
function nll(op: string, input: Tensor, target: Tensor, options: NllOptions): Tensor {
  checkTensor(op, input, 'input');
  checkTensor(op, target, 'target');
  checkClassInput(op, input);
  if (input.ndim === 1) {
    // Unbatched: [C] with a 0-d target.
    if (target.ndim !== 0) throw opError(op, `expected a 0-d target for input of shape ${fmtShape(input._shape)}, got ${fmtShape(target._shape)}`);
    const out = nll(op, input.unsqueeze(0), target.reshape(1), options);
    return options.reduction === 'none' ? out.squeeze(0) : out;
  }
  checkKernelDType(op, 'nll_loss_out_frame', input.dtype);
  const info = nllPlan(op, input, target, options);
  if (input.ndim === 2) return nllLoss1d(input, info);
  if (input.ndim === 4) return nllLoss2d(input, info);
  // PyTorch folds other ranks into [N, C, 1, -1] and reshapes a 'none' result back.
  const folded = nllLoss2d(input, info);
  return info.reduction === 'none' ? folded.view(...target._shape) : folded;
}

/** The negative log likelihood of log-probabilities [N, C, d...] (or [C]) at int32 class
 * targets [N, d...] (or 0-d) (F.nll_loss). */
export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  return nll('nllLoss', input, target, options);
}

/** The options of crossEntropy: nllLoss's and labelSmoothing (PyTorch's label_smoothing=). */
export interface CrossEntropyOptions extends NllOptions {
  /** How much of each target's probability is spread evenly over the C classes, in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/** logSoftmax over the class dim, then nllLoss; optional label smoothing (F.cross_entropy):
 * logits [N, C, d...] (or [C]) and int32 targets [N, d...] (or 0-d). */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkTensor('crossEntropy', input, 'input');
  checkTensor('crossEntropy', target, 'target');
  if (!isFloating(target.dtype) && target.dtype !== int32 && target.dtype !== int64) {
    throw opTypeError('crossEntropy', `target must be int32 or int64 class indices, got ${target.dtype}`);
  }
  if (isFloating(target.dtype)) {
    throw opTypeError('crossEntropy', 'class-probability targets are not supported; pass int32 or int64 class indices');
  }
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || eps < 0 || eps > 1) throw opError('crossEntropy', `labelSmoothing must be in [0, 1], got ${fmtValue(eps)}`);
  checkClassInput('crossEntropy', input);
  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = input.logSoftmax(classDim);
  const nllValue = nll('crossEntropy', logp, target, options);
  if (eps === 0) return nllValue;
  // PyTorch: (1 - eps) * nll + eps / C * (the reduced sum of -logp over classes).
  const ignoreIndex = options.ignoreIndex ?? -100;
  const C = input._shape[classDim];
  const reduction = checkReduction('crossEntropy', options.reduction);
  const keep = target.ne(ignoreIndex);
  let smooth = logp.sum(classDim).neg();
  if (options.weight != null) smooth = logp.mul(options.weight.reshape(classDim === 1 ? [C, ...input._shape.slice(2).map(() => 1)] : [C])).sum(classDim).neg();
  smooth = where(keep, smooth, 0);
  // The mean divides by what nllLoss's mean divides by: the summed weights of the kept targets.
  const divisor = () =>
    options.weight != null ? where(keep, options.weight.to(input.dtype).indexSelect(0, where(keep, target, 0).reshape(-1)).reshape(target._shape.slice()), 0).sum() : keep.sum().to(input.dtype);
  const smoothReduced = reduction === 'none' ? smooth : reduction === 'sum' ? smooth.sum() : smooth.sum().div(divisor());
  return nllValue.mul(1 - eps).add(smoothReduced.mul(eps / C));
}

export { dropout } from '../ops/dropout';
export type { DropoutOptions } from '../ops/dropout';

// ---- activations ---------------------------------------------------------------------------

/** max(x, 0) elementwise (F.relu). */
export const relu = (x: Tensor): Tensor => checkTensor('relu', x).relu();
/** 1 / (1 + e^-x) elementwise (F.sigmoid). */
export const sigmoid = (x: Tensor): Tensor => checkTensor('sigmoid', x).sigmoid();
/** tanh x elementwise (F.tanh). */
export const tanh = (x: Tensor): Tensor => checkTensor('tanh', x).tanh();
/** exp(x) / sum(exp(x)) along `dim`; the input's shape (F.softmax). */
export const softmax = (x: Tensor, dim: number): Tensor => checkTensor('softmax', x).softmax(dim);
/** log(softmax(x)) along `dim`, computed stably; the input's shape (F.log_softmax). */
export const logSoftmax = (x: Tensor, dim: number): Tensor => checkTensor('logSoftmax', x).logSoftmax(dim);

const leakyReluBackward = maskedGradOp('LeakyReluBackwardBackward0');
const leakyReluOp = unaryOp({
  gradFn: 'LeakyReluBackward0',
  code: UnaryOp.LeakyRelu,
  floatOnlyKernel: 'leaky_relu_cpu',
  save: 'x',
  grad: (g, x, [slope]) => leakyReluBackward(g, x, x.gt(0), 1, slope),
});
/** x for x ≥ 0, negativeSlope·x below, elementwise (F.leaky_relu). */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => leakyReluOp(x, checkNumber('leakyRelu', 'negativeSlope', negativeSlope));

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const geluOp = unaryOp({
  gradFn: 'GeluBackward0',
  code: UnaryOp.Gelu,
  floatOnlyKernel: 'GeluKernelImpl',
  save: 'x',
  // d/dx x·Φ(x) = Φ(x) + x·φ(x)
  grad: (g, x) => {
    const cdf = x.mul(SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI);
    return g.mul(cdf.add(x.mul(pdf)));
  },
});

/** GELU's tanh approximation: 0.5 x (1 + tanh(k (x + c x³))), PyTorch's kBeta and kKappa. */
const GELU_TANH_K = Math.sqrt(2 / Math.PI);
const GELU_TANH_C = 0.044715;
/** u = k (x + c x³), the argument of the tanh. */
const geluTanhInner = (x: Tensor): Tensor => x.pow(3).mul(GELU_TANH_C).add(x).mul(GELU_TANH_K);
const geluTanhOp = defineSpec<(x: Tensor) => Tensor, [Tensor], { x: Tensor }>({
  name: 'gelu',
  gradFn: 'GeluBackward0',
  method: false,
  params: [input],
  forward: (x) => geluTanh(x),
  save: (out, x) => ({ x }),
  backward: (g, { x }) => {
    // d/dx 0.5 x (1 + tanh(u)), u = k (x + c x^3)
    const th = geluTanhInner(x).tanh();
    const du = x.mul(x).mul(3 * GELU_TANH_C).add(1).mul(GELU_TANH_K);
    return [g.mul(th.add(1).mul(0.5).add(x.mul(0.5).mul(th.mul(th).neg().add(1)).mul(du)))];
  },
}).run;

function geluTanh(x: Tensor): Tensor {
  return geluTanhInner(x).tanh().add(1).mul(x).mul(0.5);
}

/** GELU: exact x·Φ(x) (default) or the tanh approximation ({approximate: 'tanh'}),
 * elementwise (F.gelu). */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate === 'none') return geluOp(x);
  if (approximate === 'tanh') {
    checkKernelDType('gelu', 'GeluKernelImpl', checkTensor('gelu', x).dtype);
    return geluTanhOp(x);
  }
  throw opError('gelu', `approximate must be 'none' or 'tanh', got ${fmtValue(approximate)}`);
}

const siluOp = unaryOp({
  gradFn: 'SiluBackward0',
  code: UnaryOp.Silu,
  floatOnlyKernel: 'silu_cpu',
  save: 'x',
  grad: (g, x) => {
    const s = x.sigmoid();
    return g.mul(s).mul(x.mul(s.neg().add(1)).add(1));
  },
});
/** x·sigmoid(x) elementwise (F.silu). */
export const silu = (x: Tensor): Tensor => siluOp(x);

const softplusOp = unaryOp({
  gradFn: 'SoftplusBackward0',
  code: UnaryOp.Softplus,
  floatOnlyKernel: 'softplus_cpu',
  save: 'x',
  // sigmoid(beta x), not exp/(1 + exp): finite at any x, so the branch where does not pick
  // gets 0·finite (not 0·inf = NaN) in a second derivative.
  grad: (g, x, [beta, threshold]) => {
    const bx = x.mul(beta);
    return where(bx.gt(threshold), g, g.mul(bx.sigmoid()));
  },
});
/** log(1 + exp(beta x)) / beta, and exactly x where beta x > threshold, elementwise (F.softplus). */
export const softplus = (x: Tensor, beta = 1, threshold = 20): Tensor =>
  softplusOp(x, checkNumber('softplus', 'beta', beta), checkNumber('softplus', 'threshold', threshold));

const eluOp = unaryOp({
  gradFn: 'EluBackward0',
  code: UnaryOp.Elu,
  floatOnlyKernel: 'elu_cpu',
  save: 'x',
  // exp of min(x, 0) (strictly: 0 at x = 0, where PyTorch's second derivative is 0): exp(x)
  // overflows for large x, and the branch where does not pick would get 0·inf = NaN.
  grad: (g, x, [alpha]) => where(x.gt(0), g, g.mul(where(x.lt(0), x, 0).exp()).mul(alpha)),
});
/** x for x > 0, alpha (e^x - 1) below, elementwise (F.elu). */
export const elu = (x: Tensor, alpha = 1): Tensor => eluOp(x, checkNumber('elu', 'alpha', alpha));

export { hardtanh, softsign, logSigmoid, mish, hardswish, selu, celu, prelu } from './activations';
export type { HardtanhOptions, CeluOptions } from './activations';
export { normalize, cosineSimilarity, pairwiseDistance, pad, oneHot } from './distance';
// ---- convolution, pooling, sliding blocks, resampling (lib/nn/conv.ts) ---------------------
export {
  conv1d, conv2d, convTranspose2d, maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d,
  unfold, fold, interpolate,
} from './conv';
export type { Size, ConvOptions, ConvTransposeOptions, MaxPoolOptions, AvgPoolOptions, BlockOptions, InterpolateOptions } from './conv';
// ---- normalisation, embedding, attention, recurrent cells (lib/ops: their specs) ------------
export { batchNorm, instanceNorm, layerNorm, groupNorm } from '../ops/norm';
export type { BatchNormOptions, InstanceNormOptions, LayerNormOptions, GroupNormOptions } from '../ops/norm';
export { embedding, scaledDotProductAttention } from '../ops/attention';
export type { EmbeddingOptions, SdpaOptions } from '../ops/attention';
export { lstmCell, gruCell, rnnTanhCell } from '../ops/recurrent';
export type { NormalizeOptions, CosineOptions, PairwiseOptions, PadMode, PadOptions } from './distance';
