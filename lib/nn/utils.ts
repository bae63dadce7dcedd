// tg.nn.utils: PyTorch's torch/nn/utils/clip_grad.py and convert_parameters.py. The
// gradient clipping runs the same tensor ops in the same order as PyTorch 1.13 (per-
// parameter norms, then the norm of those; a coefficient max_norm / (total + 1e-6) clamped
// at 1), in place on the gradients and without recording the graph.
import { Tensor } from '../tensor';
import { Signature, fmtShape, fmtValue, is, objectCheck, opError, opTypeError, optional, required } from '../check';
import { withSignature } from '../ops/registry';
import { noGrad } from '../autograd/grad_mode';
import { cat, stack } from '../ops/indexing';
import { checkTensor } from '../ops/movement';
import { zeros } from '../ops/creation';

/** Parameters as the utilities take them: one tensor or an iterable of tensors. */
export type TensorOrTensors = Tensor | Iterable<Tensor>;

function tensorList(op: string, parameters: unknown): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof parameters !== 'object' || typeof (parameters as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw opTypeError(op, `parameters must be a Tensor or an iterable of Tensors, got ${fmtValue(parameters)}`);
  }
  return [...(parameters as Iterable<unknown>)].map((p, i) => checkTensor(op, p, `parameters[${i}]`));
}

/** PyTorch's float(norm_type): a number, or 'inf' / '-inf' as Python's float() reads them. */
function normOrder(op: string, v: unknown): number {
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (v === 'inf' || v === '-inf') return v === 'inf' ? Infinity : -Infinity;
  throw opTypeError(op, `normType must be a number or 'inf', got ${fmtValue(v)}`);
}

const parametersParam = required('parameters', objectCheck(is.any));

function clipGradNormImpl(parameters: TensorOrTensors, maxNorm: number, normType: number | 'inf' | '-inf', errorIfNonfinite: boolean): Tensor {
  const op = 'clipGradNorm_';
  const grads = tensorList(op, parameters).flatMap((p) => (p.grad === null ? [] : [p.grad]));
  const p = normOrder(op, normType);
  return noGrad(() => {
    if (grads.length === 0) return zeros([]);
    const total =
      p === Infinity
        ? grads.length === 1
          ? grads[0].abs().amax()
          : stack(grads.map((g) => g.abs().amax())).amax()
        : stack(grads.map((g) => g.norm(p))).norm(p);
    if (errorIfNonfinite && !Number.isFinite(total.item())) {
      throw opError(op, `the total norm of order ${p} for gradients from \`parameters\` is non-finite (${total.item()}), so it cannot be clipped; to scale the gradients by the non-finite norm anyway, pass errorIfNonfinite: false`);
    }
    // Python's max_norm / t is t.reciprocal() * max_norm (torch.Tensor.__rdiv__).
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1.0);
    for (const g of grads) g.mul_(coef);
    return total;
  });
}

/** Scales the gradients of `parameters` in place so that their total `normType`-norm (taken
 * over all of them together, as one vector) is at most `maxNorm`; returns that total norm
 * before clipping, a 0-d tensor. PyTorch's torch.nn.utils.clip_grad_norm_. normType is a
 * number or 'inf'; errorIfNonfinite throws when the total norm is NaN or infinite. */
export const clipGradNorm_ = withSignature<
  (
    parameters: TensorOrTensors,
    maxNorm: number | ClipGradNormOptions,
    normType?: number | 'inf' | ClipGradNormOptions,
    errorIfNonfinite?: boolean | ClipGradNormOptions,
    options?: ClipGradNormOptions,
  ) => Tensor
>(
  'nn.utils.clipGradNorm_',
  'functional',
  new Signature('clipGradNorm_', [
    parametersParam,
    required('maxNorm', is.number, 0.5),
    optional('normType', is.any, 2.0, 1),
    optional('errorIfNonfinite', is.bool, false, true),
  ]),
  clipGradNormImpl,
);
/** clipGradNorm_'s options by name. */
export interface ClipGradNormOptions {
  /** The largest total norm the gradients keep. */
  maxNorm?: number;
  /** The p of the p-norm: a number, or 'inf' (default 2). */
  normType?: number | 'inf';
  /** Whether a NaN or infinite total norm throws rather than scaling the gradients (default false). */
  errorIfNonfinite?: boolean;
}

/** Clamps every gradient of `parameters` in place to [-clipValue, clipValue]. PyTorch's
 * torch.nn.utils.clip_grad_value_. */
export const clipGradValue_ = withSignature<(parameters: TensorOrTensors, clipValue: number | { clipValue?: number }) => void>(
  'nn.utils.clipGradValue_',
  'functional',
  new Signature('clipGradValue_', [parametersParam, required('clipValue', is.number, 0.5)]),
  (parameters: TensorOrTensors, clipValue: number) => {
    const params = tensorList('clipGradValue_', parameters);
    noGrad(() => params.forEach((p) => p.grad?.clamp_(-clipValue, clipValue)));
  },
);

/** The parameters flattened and concatenated into one 1-D tensor (a copy, differentiable).
 * PyTorch's torch.nn.utils.parameters_to_vector. */
export const parametersToVector = withSignature<(parameters: Iterable<Tensor> | { parameters?: Iterable<Tensor> }) => Tensor>(
  'nn.utils.parametersToVector',
  'functional',
  new Signature('parametersToVector', [parametersParam]),
  (parameters: Iterable<Tensor>) => {
    const params = tensorList('parametersToVector', parameters);
    if (params.length === 0) throw opError('parametersToVector', 'expected at least one parameter, got none');
    return cat(params.map((p) => p.reshape(-1)));
  },
);

/** Makes each parameter, in order, a view of the next numel() elements of the 1-D `vec`
 * (the parameters then share vec's storage, as PyTorch's `param.data = ...` does).
 * PyTorch's torch.nn.utils.vector_to_parameters. */
export const vectorToParameters = withSignature<(vec: Tensor, parameters: Iterable<Tensor> | { parameters?: Iterable<Tensor> }) => void>(
  'nn.utils.vectorToParameters',
  'functional',
  new Signature('vectorToParameters', [required('vec', is.any), parametersParam]),
  (vec: unknown, parameters: Iterable<Tensor>) => {
    const op = 'vectorToParameters';
    if (!(vec instanceof Tensor)) throw opTypeError(op, `expected a Tensor, but got: ${fmtValue(vec)}`);
    const params = tensorList(op, parameters);
    const needed = params.reduce((n, p) => n + p.numel(), 0);
    if (vec.ndim !== 1 || vec.numel() < needed) {
      throw opError(op, `vec must be a 1-D tensor of at least ${needed} elements (the parameters' total), got shape ${fmtShape(vec.shape)}`);
    }
    let pointer = 0;
    for (const p of params) {
      p.data = vec.narrow(0, pointer, p.numel()).detach().view(p.shape);
      pointer += p.numel();
    }
  },
);
