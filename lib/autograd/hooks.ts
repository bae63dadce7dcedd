// Gradient hooks (PyTorch's Tensor.register_hook and register_post_accumulate_grad_hook),
// kept beside the graph rather than in it: the engine (engine.ts) asks here when a
// gradient is ready. A hook on a leaf sees the leaf's total gradient before it is
// accumulated into .grad; a hook on a non-leaf sees the gradient of that tensor before its
// gradFn runs. Either may return a tensor to use instead.
import type { Tensor } from '../tensor';
import { fmtShape, fmtValue, opError, opTypeError } from '../check';
import { sameShape } from '../layout';
import { defineMethods, type Node } from '../ops/registry';

/** A gradient hook: gets the gradient, may return a replacement (same shape). */
export type GradHook = (grad: Tensor) => Tensor | void | undefined;
/** A post-accumulate-grad hook: gets the leaf, whose .grad has just been accumulated. */
export type PostAccumulateGradHook = (tensor: Tensor) => void;

/** What register*Hook returns (PyTorch's RemovableHandle): remove() unregisters the hook. */
export class RemovableHandle {
  /** @internal */
  constructor(private readonly list: unknown[], private readonly hook: unknown) {}
  /** Unregisters the hook (again: nothing). */
  remove(): void {
    const i = this.list.indexOf(this.hook);
    if (i >= 0) this.list.splice(i, 1);
  }
}

const leafHooks = new WeakMap<Tensor, GradHook[]>();
const nodeHooks = new WeakMap<Node, GradHook[]>();
const postAccumulateHooks = new WeakMap<Tensor, PostAccumulateGradHook[]>();
/** Whether any hook was ever registered: until then the engine's questions below, asked for
 * every node and leaf of every backward, cost no WeakMap lookup. */
let anyHooks = false;

/** Whether a hook was ever registered (the engine skips work that only hooks can observe). */
export function hooksRegistered(): boolean {
  return anyHooks;
}

function add<K extends object, H>(map: WeakMap<K, H[]>, key: K, hook: H): RemovableHandle {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  anyHooks = true;
  list.push(hook);
  return new RemovableHandle(list, hook);
}

/** tensor.registerHook(hook) (see Tensor). */
export function registerHook(t: Tensor, hook: GradHook): RemovableHandle {
  if (typeof hook !== 'function') throw opTypeError('registerHook', `hook must be a function, got ${fmtValue(hook)}`);
  if (!t.requiresGrad) throw opError('registerHook', "cannot register a hook on a tensor that doesn't require gradient");
  return t.gradFn ? add(nodeHooks, t.gradFn, hook) : add(leafHooks, t, hook);
}

/** tensor.registerPostAccumulateGradHook(hook) (see Tensor). */
export function registerPostAccumulateGradHook(t: Tensor, hook: PostAccumulateGradHook): RemovableHandle {
  const op = 'registerPostAccumulateGradHook';
  if (typeof hook !== 'function') throw opTypeError(op, `hook must be a function, got ${fmtValue(hook)}`);
  if (!t.requiresGrad) throw opError(op, "cannot register a hook on a tensor that doesn't require gradient");
  if (t.gradFn) throw opError(op, 'post accumulate grad hooks cannot be registered on non-leaf tensors');
  return add(postAccumulateHooks, t, hook);
}

function runHooks(hooks: GradHook[] | undefined, grad: Tensor): Tensor {
  if (hooks === undefined) return grad;
  for (const hook of hooks.slice()) {
    const out = hook(grad);
    if (out === undefined || out === null) continue;
    if (!sameShape(out._shape, grad._shape)) {
      throw opError('hook', `a hook returned a gradient of shape ${fmtShape(out._shape)} for one of shape ${fmtShape(grad._shape)}`);
    }
    // As PyTorch ("hook has changed the type of value"); backward formulas rely on it, as
    // they call their ops' runs on the gradient without promoting it again.
    if (out.dtype !== grad.dtype) throw opError('hook', `a hook returned a gradient of dtype ${out.dtype} for one of dtype ${grad.dtype}`);
    grad = out;
  }
  return grad;
}

/** The engine: a leaf's total gradient, through its hooks. */
export function leafGradHooks(leaf: Tensor, grad: Tensor): Tensor {
  return anyHooks ? runHooks(leafHooks.get(leaf), grad) : grad;
}

/** The engine: the gradient of a node's output, through the output tensor's hooks. */
export function nodeGradHooks(node: Node, grad: Tensor): Tensor {
  return anyHooks ? runHooks(nodeHooks.get(node), grad) : grad;
}

/** The engine: after a leaf's .grad was accumulated. */
export function postAccumulateGrad(leaf: Tensor): void {
  if (!anyHooks) return;
  const hooks = postAccumulateHooks.get(leaf);
  if (hooks) for (const hook of hooks.slice()) hook(leaf);
}

defineMethods({
  registerHook(this: Tensor, hook: GradHook) {
    return registerHook(this, hook);
  },
  registerPostAccumulateGradHook(this: Tensor, hook: PostAccumulateGradHook) {
    return registerPostAccumulateGradHook(this, hook);
  },
});
declare module '../tensor' {
  interface Tensor {
    /** Registers a hook called with this tensor's gradient whenever backward computes it
     * (PyTorch's register_hook): on a leaf, its total gradient before .grad accumulates it;
     * on a non-leaf, before its gradFn runs. The hook may return a tensor of the gradient's
     * shape to use instead. Returns a handle whose remove() unregisters it. */
    registerHook(hook: GradHook): RemovableHandle;
    /** Registers a hook called with this leaf once backward has accumulated its .grad
     * (PyTorch's register_post_accumulate_grad_hook); DDP starts its all-reduces from it.
     * Returns a handle whose remove() unregisters it. */
    registerPostAccumulateGradHook(hook: PostAccumulateGradHook): RemovableHandle;
  }
}
