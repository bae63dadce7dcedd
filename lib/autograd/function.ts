// User-defined differentiable ops (tg.autograd.defineOp, PyTorch's autograd.Function):
// forward and backward side by side. Calling one runs forward without recording; if any
// tensor argument requires grad, it also creates the graph node (the output's gradFn, a
// Node: lib/ops/registry.ts, which records the built-in ops the same way) that the engine
// later calls backward on.
import { Tensor } from '../tensor';
import { fmtShape, fmtValue } from '../check';
import { MAX_ARGS, compileRun, type OpDef } from '../ops/registry';

/** Defines an op; the returned function runs it and records it when needed (the
 * registry's runSource). The op's tensor arguments are its Tensor arguments and the
 * Tensors inside array arguments (cat), in order; backward returns one gradient for each. */
export function defineOp<Args extends any[], Info = unknown>(def: OpDef<Args, Info>): (...args: Args) => Tensor {
  if (def.forward.length > MAX_ARGS + 1) throw new Error(`defineOp ${def.name}: at most ${MAX_ARGS} arguments`);
  return compileRun(def) as unknown as (...args: Args) => Tensor;
}

/** Whether a gradient of shape `grad` can be summed down to an input of shape `input`
 * (PyTorch's is_expandable_to(input, grad)). */
function reducibleTo(grad: readonly number[], input: readonly number[]): boolean {
  const lead = grad.length - input.length;
  return lead >= 0 && input.every((s, i) => s === grad[lead + i] || s === 1);
}

/** defineOp for user code (tg.autograd.defineOp): checks the definition, and what forward
 * and backward return, as PyTorch's autograd.Function does, with errors naming the op.
 * The library's own ops use defineOp, which skips these checks on every call. */
export function defineCheckedOp<Args extends any[], Info = unknown>(def: OpDef<Args, Info>): (...args: Args) => Tensor {
  if (def === null || typeof def !== 'object') throw new TypeError(`defineOp: expected {name, forward, backward}, got ${fmtValue(def)}`);
  const { name, forward, backward } = def;
  if (typeof name !== 'string' || name === '') throw new TypeError(`defineOp: name must be a non-empty string, got ${fmtValue(name)}`);
  if (typeof forward !== 'function' || typeof backward !== 'function') {
    throw new TypeError(`defineOp ${name}: forward and backward must be functions`);
  }
  if (forward.length > MAX_ARGS + 1) throw new Error(`defineOp ${name}: at most ${MAX_ARGS} arguments`);
  return defineOp<Args, Info>({
    name,
    forward(ctx, ...args) {
      const out = forward(ctx, ...args);
      if (!(out instanceof Tensor)) throw new TypeError(`${name}: forward must return a Tensor, got ${fmtValue(out)}`);
      return out;
    },
    backward(ctx, grad) {
      let grads: unknown = backward(ctx, grad);
      if (grads instanceof Tensor || grads == null) grads = [grads]; // one gradient need not be in an array
      const expected = ctx.next.length;
      if (!Array.isArray(grads) || grads.length !== expected) {
        throw new Error(
          `function ${name} returned an incorrect number of gradients (expected ${expected}, got ${Array.isArray(grads) ? grads.length : fmtValue(grads)})`,
        );
      }
      grads.forEach((g: unknown, i) => {
        if (g == null) return;
        const invalid = `function ${name} returned an invalid gradient at index ${i} - `;
        if (!(g instanceof Tensor)) throw new TypeError(`${invalid}expected a Tensor or null, got ${fmtValue(g)}`);
        if (!reducibleTo(g._shape, ctx.inputShapes[i])) {
          throw new Error(`${invalid}got ${fmtShape(g._shape)} but expected shape compatible with ${fmtShape(ctx.inputShapes[i])}`);
        }
      });
      return grads as (Tensor | null | undefined)[];
    },
  });
}
