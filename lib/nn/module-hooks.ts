// Module hooks (PyTorch's register_forward_pre_hook, register_forward_hook and
// register_full_backward_hook). Modules are called as `m.forward(x)` (see module.ts), so
// the first hook registered on a module gives it an own `forward` that runs the hooks
// around the class's forward; a module without hooks is untouched.
//
// Full backward hooks work as PyTorch's BackwardHookFunction: the tensor inputs that
// require grad pass through an identity view whose gradient is the module's grad_input,
// and the outputs' gradient hooks give grad_output; the module hook runs once all of
// grad_input is known.
import { Tensor } from '../tensor';
import { fmtValue, opError, opTypeError } from '../check';
import { RemovableHandle } from '../autograd/hooks';

// The hooks are written for any module type M (nn.Module, in ./module, which imports this
// file and names the hook types it takes: ForwardPreHook, ForwardHook, FullBackwardHook).
type PreHook<M> = (module: M, args: unknown[]) => unknown;
type PostHook<M> = (module: M, args: unknown[], output: unknown) => unknown;
type BackwardHook<M> = (module: M, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;
/** What the hooks need of a module: its forward, which the first hook wraps. */
interface Hookable {
  forward: (...args: any[]) => unknown;
}

interface Hooks<M> {
  pre: PreHook<M>[];
  post: PostHook<M>[];
  backward: BackwardHook<M>[];
}

const registry = new WeakMap<Hookable, Hooks<any>>();

function hooksOf<M extends Hookable>(module: M): Hooks<M> {
  let hooks = registry.get(module);
  if (hooks) return hooks;
  hooks = { pre: [], post: [], backward: [] };
  registry.set(module, hooks);
  const forward = module.forward;
  const h = hooks;
  Object.defineProperty(module, 'forward', {
    value: (...args: unknown[]) => callWithHooks(module, h, forward, args),
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return hooks;
}

function register<M extends Hookable, H>(op: string, module: M, list: (h: Hooks<M>) => H[], hook: H): RemovableHandle {
  if (typeof hook !== 'function') throw opTypeError(op, `hook must be a function, got ${fmtValue(hook)}`);
  const hooks = list(hooksOf(module));
  hooks.push(hook);
  return new RemovableHandle(hooks, hook);
}

/** module.registerForwardPreHook (see Module). */
export function registerForwardPreHook<M extends Hookable>(module: M, hook: PreHook<M>): RemovableHandle {
  return register('registerForwardPreHook', module, (h) => h.pre, hook);
}
/** module.registerForwardHook (see Module). */
export function registerForwardHook<M extends Hookable>(module: M, hook: PostHook<M>): RemovableHandle {
  return register('registerForwardHook', module, (h) => h.post, hook);
}
/** module.registerFullBackwardHook (see Module). */
export function registerFullBackwardHook<M extends Hookable>(module: M, hook: BackwardHook<M>): RemovableHandle {
  return register('registerFullBackwardHook', module, (h) => h.backward, hook);
}

function callWithHooks<M extends Hookable>(module: M, hooks: Hooks<M>, forward: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  for (const pre of hooks.pre.slice()) {
    const r = pre(module, args);
    if (r !== undefined) args = Array.isArray(r) ? r : [r];
  }
  const backward = hooks.backward.length > 0 ? watchBackward(module, hooks, args) : null;
  if (backward) args = backward.inputs;
  let output = forward.apply(module, args);
  for (const post of hooks.post.slice()) {
    const r = post(module, args, output);
    if (r !== undefined) output = r;
  }
  backward?.watchOutput(output);
  return output;
}

/** One forward call's backward hook state: identity views of the inputs that require grad,
 * and the gradients gathered during backward. */
function watchBackward<M extends Hookable>(module: M, hooks: Hooks<M>, args: unknown[]) {
  const watched = args.map((a) => a instanceof Tensor && a.requiresGrad);
  const inputs = args.map((a, i) => (watched[i] ? (a as Tensor).view((a as Tensor)._shape.slice()) : a));
  const tensorArgs = args.map((a, i) => i).filter((i) => args[i] instanceof Tensor);
  const gradInput = new Map<number, Tensor>();
  let gradOutput: (Tensor | null)[] = [];
  let outputsPending = 0;
  const waiting = watched.filter(Boolean).length;

  const fire = (): (Tensor | null)[] | void => {
    const grads = tensorArgs.map((i) => gradInput.get(i) ?? null);
    let replacement: (Tensor | null)[] | void = undefined;
    for (const hook of hooks.backward.slice()) {
      const r = hook(module, grads, gradOutput);
      if (r !== undefined) replacement = r;
    }
    return replacement;
  };
  inputs.forEach((t, i) => {
    if (!watched[i]) return;
    (t as Tensor).registerHook((g) => {
      gradInput.set(i, g);
      if (gradInput.size < waiting) return;
      const r = fire();
      if (r === undefined) return;
      if (waiting !== 1) throw opError('registerFullBackwardHook', 'a hook may replace gradInput only when exactly one input requires grad');
      const replaced = r[tensorArgs.indexOf(i)];
      return replaced ?? undefined;
    });
  });
  const watchOutput = (output: unknown): void => {
    const outs = (Array.isArray(output) ? output : [output]).filter((o): o is Tensor => o instanceof Tensor);
    gradOutput = outs.map(() => null);
    outs.forEach((o, k) => {
      if (!o.requiresGrad) return;
      outputsPending++;
      o.registerHook((g) => {
        gradOutput[k] = g;
        // No input requires grad: grad_output is all there will be.
        if (--outputsPending === 0 && waiting === 0) fire();
      });
    });
  };
  return { inputs, watchOutput };
}
