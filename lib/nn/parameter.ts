// nn.Parameter: a leaf tensor that a Module registers as one of its parameters when it
// is assigned to a property (PyTorch's Parameter, a Tensor subclass).
import { Tensor } from '../tensor';
import { checkTensor } from '../ops/movement';
import { noGrad } from '../autograd/grad_mode';

/** A tensor that a Module registers as a parameter when it is assigned to a property: a leaf
 * that requires grad by default (torch.nn.Parameter). */
export class Parameter extends Tensor {
  /** Shares `data`'s storage (like PyTorch's Parameter(t)) as a leaf that requires grad. */
  constructor(data: Tensor, requiresGrad = true) {
    checkTensor('Parameter', data, 'data');
    super(data._storage, data.shape.slice(), data._strides.slice(), data._offset, data.dtype, data._version);
    this._base = data._base;
    this.requiresGrad_(requiresGrad);
  }

  /** PyTorch's printout: "Parameter containing:" and the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/** Clears the gradients of `params` (Module.zeroGrad and Optimizer.zeroGrad): either drops
 * them (setToNone) or zeroes them in place, cut from any graph that created them. */
export function zeroGrads(params: Iterable<Tensor>, setToNone: boolean): void {
  noGrad(() => {
    for (const p of params) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) {
        p.grad = null;
      } else {
        // A gradient built with createGraph is part of a graph: cut it before writing into it.
        if (g.gradFn !== null) g.detach_();
        else g.requiresGrad_(false);
        g.zero_();
      }
    }
  });
}
