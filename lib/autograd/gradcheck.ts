// Finite-difference check of analytical gradients (PyTorch's gradcheck): for every input
// that requires grad and every output element, compares the backward pass with central
// differences. Use float64 inputs.
import { Tensor } from '../tensor';
import { noGrad } from './grad_mode';
import { grad } from './engine';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw with details on failure (default) instead of returning false. */
  raiseException?: boolean;
}

export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const diffInputs = inputs.filter((t) => t.requiresGrad);
  for (const t of diffInputs) {
    if (t.dtype !== 'float64') {
      throw new Error(`gradcheck: inputs that require grad should be float64 (got ${t.dtype}); float32 is too imprecise for finite differences`);
    }
  }
  const out = fn(...inputs);
  const flatOut = out.reshape(-1);
  const n = flatOut.numel();
  for (const [k, x] of diffInputs.entries()) {
    const m = x.numel();
    // Analytical Jacobian, one output element at a time.
    const analytical = new Float64Array(n * m);
    for (let i = 0; i < n; ++i) {
      const cot = Tensor._empty([n], out.dtype);
      cot._storage.data[i] = 1;
      const [g] = grad([flatOut], [x], { gradOutputs: [cot], retainGraph: true, allowUnused: true });
      if (g) analytical.set(g.reshape(-1).toTypedArray(), i * m);
    }
    // Numerical Jacobian: perturb each element of x in place (contiguous inputs only).
    const numerical = new Float64Array(n * m);
    const data = x.detach().contiguous();
    if (data._storage !== x._storage) throw new Error('gradcheck: inputs must be contiguous');
    const values = x._storage.data;
    noGrad(() => {
      for (let j = 0; j < m; ++j) {
        const at = x._offset + j;
        const orig = values[at];
        values[at] = orig + eps;
        const plus = fn(...inputs).reshape(-1).toTypedArray();
        values[at] = orig - eps;
        const minus = fn(...inputs).reshape(-1).toTypedArray();
        values[at] = orig;
        for (let i = 0; i < n; ++i) numerical[i * m + j] = (plus[i] - minus[i]) / (2 * eps);
      }
    });
    for (let idx = 0; idx < n * m; ++idx) {
      const a = analytical[idx];
      const b = numerical[idx];
      if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
        const msg =
          `gradcheck: Jacobian mismatch for output ${Math.floor(idx / m)} with respect to input ${k}, element ${idx % m}: ` +
          `analytical ${a}, numerical ${b}`;
        if (raiseException) throw new Error(msg);
        return false;
      }
    }
  }
  return true;
}
