// Finite-difference checks of analytical gradients, as PyTorch's gradcheck and
// gradgradcheck: for every input that requires grad and every element of every float
// output, the backward pass is compared with central differences. Use float64 inputs.
import { Tensor } from '../tensor';
import { float64, isFloating } from '../dtype';
import { fmtShape } from '../check';
import { sameShape } from '../layout';
import { grad } from './engine';

/** gradcheck's options (PyTorch's eps=, atol=, rtol=, raise_exception=). */
export interface GradcheckOptions {
  /** The finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw with details on failure (default) instead of returning false. */
  raiseException?: boolean;
}

/** What the checked function returns: a tensor or several. @inline */
type Outputs = Tensor | Tensor[];

function floatOutputs(out: Outputs): Tensor[] {
  return (Array.isArray(out) ? out : [out]).filter((o) => isFloating(o.dtype));
}

/** The storage index of each logical (row-major) element of x. */
function storageIndices(x: Tensor): number[] {
  const idx = [x._storage.start + x._offset];
  for (let d = x.ndim - 1; d >= 0; --d) {
    const size = x.shape[d];
    const stride = x._strides[d];
    const base = idx.slice();
    idx.length = 0;
    // Dims are processed innermost first, so each new dim becomes the outer loop.
    for (let i = 0; i < size; ++i) for (const b of base) idx.push(b + i * stride);
  }
  return idx;
}

function checkInputs(inputs: readonly Tensor[]): void {
  let any = false;
  inputs.forEach((t, i) => {
    if (!t.requiresGrad) return;
    any = true;
    if (t.dtype !== float64) {
      throw new Error(`gradcheck: input ${i} requires grad and is ${t.dtype}; use float64, float32 is too imprecise for finite differences`);
    }
    // Perturbing one memory location of an overlapping view would move several elements.
    if (t.shape.some((s, d) => s > 1 && t._strides[d] === 0)) {
      throw new Error(
        `gradcheck: The ${i}th input has a dimension with stride 0. gradcheck only supports inputs that are ` +
          'non-overlapping to be able to compute the numerical gradients correctly. You should call .contiguous on ' +
          'the input before passing it to gradcheck.',
      );
    }
  });
  if (!any) {
    throw new Error('gradcheck: expects at least one input tensor to require gradient, but none of them have requiresGrad: true.');
  }
}

/** d out / d x, one row per element of out (zero when out does not depend on x). */
function analyticalJacobian(out: Tensor, x: Tensor, inputIndex: number): Float64Array {
  const n = out.numel();
  const m = x.numel();
  const jac = new Float64Array(n * m);
  if (!out.requiresGrad) return jac;
  const flat = out.reshape(-1);
  for (let i = 0; i < n; ++i) {
    const cot = Tensor._empty([n], out.dtype);
    cot.typedArray()[i] = 1;
    const [g] = grad([flat], [x], { gradOutputs: [cot], retainGraph: true, allowUnused: true });
    if (!g) continue;
    if (g.dtype !== x.dtype || !sameShape(g.shape, x.shape)) {
      throw new Error(
        `gradcheck: the gradient of input ${inputIndex} is ${fmtShape(g.shape)} ${g.dtype}, ` +
          `but the input is ${fmtShape(x.shape)} ${x.dtype}`,
      );
    }
    jac.set(g.toTypedArray() as Float32Array | Float64Array, i * m); // float (checked above)
  }
  return jac;
}

/** Central differences of every float output w.r.t. x, perturbing x's storage in place. */
function numericalJacobians(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[], x: Tensor, sizes: number[], eps: number): Float64Array[] {
  const m = x.numel();
  const jacs = sizes.map((n) => new Float64Array(n * m));
  const values = x._storage.data as Float32Array | Float64Array; // inputs are float
  const evaluate = () => floatOutputs(fn(...inputs)).map((o) => o.toTypedArray() as Float32Array | Float64Array);
  storageIndices(x).forEach((at, j) => {
    const orig = values[at];
    values[at] = orig + eps;
    const plus = evaluate();
    values[at] = orig - eps;
    const minus = evaluate();
    values[at] = orig;
    jacs.forEach((jac, o) => {
      for (let i = 0; i < sizes[o]; ++i) jac[i * m + j] = (plus[o][i] - minus[o][i]) / (2 * eps);
    });
  });
  return jacs;
}

/** Checks the gradients of fn's float outputs w.r.t. its inputs that require grad. */
export function gradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  checkInputs(inputs);
  const outs = floatOutputs(fn(...inputs));
  const sizes = outs.map((o) => o.numel());
  for (const [k, x] of inputs.entries()) {
    if (!x.requiresGrad) continue;
    const m = x.numel();
    const numerical = numericalJacobians(fn, inputs, x, sizes, eps);
    for (const [o, out] of outs.entries()) {
      const analytical = analyticalJacobian(out, x, k);
      for (let idx = 0; idx < analytical.length; ++idx) {
        const a = analytical[idx];
        const b = numerical[o][idx];
        if (Math.abs(a - b) <= atol + rtol * Math.abs(b)) continue;
        const msg =
          `gradcheck: Jacobian mismatch for output ${o} with respect to input ${k}: d out[${Math.floor(idx / m)}] / ` +
          `d in[${idx % m}] is ${a} analytically but ${b} numerically`;
        if (raiseException) throw new Error(msg);
        return false;
      }
    }
  }
  return true;
}

// Fixed pseudo-random values in [-1, 1) for gradgradcheck's default output gradients
// (mulberry32): not all equal, so that mistakes that cancel for uniform values show.
function pseudoRandomLike(t: Tensor, seed: number): Tensor {
  const out = Tensor._empty(t.shape.slice(), float64);
  const data = out.typedArray();
  let s = seed >>> 0;
  for (let i = 0; i < data.length; ++i) {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    data[i] = ((r ^ (r >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out.requiresGrad_(true);
}

export interface GradgradcheckOptions extends GradcheckOptions {
  /** The output gradients to differentiate with (default: fixed pseudo-random float64). */
  gradOutputs?: Tensor[];
}

/** Checks second derivatives: gradcheck of the function (inputs, gradOutputs) -> the
 * gradients of fn's outputs w.r.t. its inputs, computed with createGraph. */
export function gradgradcheck(fn: (...inputs: Tensor[]) => Outputs, inputs: Tensor[], options: GradgradcheckOptions = {}): boolean {
  const { gradOutputs = floatOutputs(fn(...inputs)).map((o, i) => pseudoRandomLike(o, i + 1)), ...rest } = options;
  const n = inputs.length;
  const gradients = (...args: Tensor[]): Tensor[] => {
    const outs = floatOutputs(fn(...args.slice(0, n)));
    const used = outs.map((o, i) => [o, args[n + i]] as const).filter(([o]) => o.requiresGrad);
    const diff = args.slice(0, n).filter((t) => t.requiresGrad);
    const grads = grad(
      used.map(([o]) => o),
      diff,
      { gradOutputs: used.map(([, g]) => g), createGraph: true, allowUnused: true },
    );
    return grads.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(gradients, [...inputs, ...gradOutputs], rest);
}
